"""The ``portal`` command line: parse arguments, dispatch, map errors to exit codes.

Exit codes: 0 ok, 1 findings that fail, 2 usage or configuration error, 3 internal
error (the only case that shows a traceback), 130 interrupted.
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from generator.config import Config, load_config
from generator.errors import PortalError

USAGE, INTERNAL, INTERRUPTED = 2, 3, 130


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # type: ignore[override]
        self.print_usage(sys.stderr)
        print(f"portal: error: {message}", file=sys.stderr)
        raise SystemExit(USAGE)


def _parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="portal", description="GitOps developer portal generator.")
    parser.add_argument("--root", type=Path, default=Path(), help="repository root (default: .)")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)
    v = sub.add_parser("validate", help="check catalog files and report findings")
    v.add_argument("paths", nargs="*", type=Path, help="folders or files (default: catalog.roots)")
    default_format = "github" if os.environ.get("GITHUB_ACTIONS") == "true" else "text"
    v.add_argument("--format", choices=("text", "json", "github"), default=default_format)
    v.add_argument("--strict", action="store_true", help="warnings fail too")
    _add_build_commands(sub)
    _add_gitops_commands(sub)
    _add_golden_path_commands(sub)
    _add_metrics_commands(sub)
    return parser


def _add_metrics_commands(sub: Any) -> None:
    m = sub.add_parser("metrics", help="DORA metrics from metrics/events; 'collect' fills them")
    m.add_argument("--events", type=Path, help="events folder (default: metrics.events_dir)")
    m.add_argument("--since", help="first day of the window, YYYY-MM-DD (UTC)")
    m.add_argument("--until", help="last day of the window, YYYY-MM-DD (default: newest event)")
    m.add_argument("--format", choices=("text", "json"), default="text")
    actions = m.add_subparsers(dest="action", parser_class=_Parser)
    c = actions.add_parser("collect", help="fetch new events from GitHub into metrics/events")
    c.add_argument("--since", dest="collect_since", help="fetch from this day (YYYY-MM-DD)")
    c.add_argument("--dry-run", action="store_true", help="fetch and report; write nothing")
    c.add_argument(
        "--max-wait", type=int, default=0, help="seconds to wait for a rate limit to reset"
    )
    s = actions.add_parser("snapshot", help="record today's scorecard levels in metrics/levels")
    s.add_argument("--dry-run", action="store_true", help="compute and report; write nothing")
    g = actions.add_parser("sample", help="write seeded demo events (example org, benchmarks)")
    g.add_argument("--out", type=Path, help="folder (default: metrics.events_dir)")
    g.add_argument("--end", default="2026-11-30", help="day after the last event (YYYY-MM-DD)")
    g.add_argument("--days", type=int, default=180)
    g.add_argument("--seed", type=int, default=18)
    g.add_argument("--scale", type=float, default=1.0, help="multiplies deployment rates")
    g.add_argument("--mixed", action="store_true", help="profiles spread over all teams")


def _add_golden_path_commands(sub: Any) -> None:
    n = sub.add_parser("new", help="render a golden path into a local folder")
    n.add_argument("template", help="golden path name, or a folder with a template.yaml")
    n.add_argument("--values", type=Path, help="YAML or JSON file of answers")
    n.add_argument("--set", action="append", default=[], metavar="KEY=VALUE", help="an answer")
    n.add_argument("--output", type=Path, help="folder to create (default: ./<name>)")
    n.add_argument("--dry-run", action="store_true", help="print the plan, write nothing")
    n.add_argument("--format", choices=("text", "json"), default="text")
    p = sub.add_parser("provision", help="run a golden path request as pull requests")
    p.add_argument("--template", required=True, help="golden path name")
    answers = p.add_mutually_exclusive_group(required=True)
    answers.add_argument("--values", type=Path, help="YAML or JSON file of answers")
    answers.add_argument("--issue-body", type=Path, help="body of an issue-form request")
    p.add_argument("--request-id", help="names the branch (default: issue-N or a hash)")
    p.add_argument("--issue", type=int, help="issue to answer (default: from the event)")
    p.add_argument("--repo", help="this repository, owner/name (default: $GITHUB_REPOSITORY)")
    p.add_argument("--dry-run", action="store_true", help="print the plan; needs no token")
    f = sub.add_parser("forms", help="write GitHub issue forms for the golden paths")
    f.add_argument("--check", action="store_true", help="fail with a diff when out of date")


def _add_build_commands(sub: Any) -> None:
    b = sub.add_parser("build", help="validate, then build the static site")
    b.add_argument("--catalog", action="append", type=Path, help="catalog folder (repeatable)")
    b.add_argument("--site-dir", type=Path, help="output folder (default: site.site_dir)")
    b.add_argument("--strict", action="store_true", help="warnings fail too")
    b.add_argument(
        "--build-dir",
        type=Path,
        help="folder for MkDocs' sources and the map cache (default: .portal-build)",
    )
    b.add_argument("--at", metavar="REV", help="build the portal as it was at this commit or tag")
    s = sub.add_parser("serve", help="live preview on localhost")
    s.add_argument("--catalog", action="append", type=Path, help="catalog folder (repeatable)")
    s.add_argument("--port", type=int, default=8000)


def _add_gitops_commands(sub: Any) -> None:
    d = sub.add_parser("diff", help="what a change does to the catalog, between two revisions")
    d.add_argument("base", nargs="?", help="the revision before (commit, branch or tag)")
    d.add_argument("head", nargs="?", help="the revision after (default: HEAD)")
    d.add_argument("--since", help="base: the last commit before this date (YYYY-MM-DD, UTC)")
    d.add_argument("--until", help="head: the last commit up to this date (YYYY-MM-DD, UTC)")
    d.add_argument("--format", choices=("text", "json", "markdown"), default="text")
    c = sub.add_parser("comment", help="post a pull request's catalog diff as one comment")
    c.add_argument("--repo", required=True, help="owner/name")
    c.add_argument("--number-file", type=Path, required=True, help="file holding the PR number")
    c.add_argument("--diff", type=Path, required=True, help="output of portal diff --format json")
    c.add_argument("--head-sha", help="the PR head the diff is of; others are not commented on")
    c.add_argument("--author", default="github-actions[bot]", help="account the token posts as")
    c.add_argument("--dry-run", action="store_true", help="print the comment, post nothing")
    o = sub.add_parser("codeowners", help="write .github/CODEOWNERS from catalog ownership")
    o.add_argument("--check", action="store_true", help="fail with a diff when the file drifted")
    o.add_argument("--strict", action="store_true", help="owners without a GitHub team fail too")
    h = sub.add_parser("history", help="every change to entities, field by field, from git")
    h.add_argument("refs", nargs="*", help="entity refs (default: every entity ever defined)")
    h.add_argument("--rev", default="HEAD", help="history up to this commit (default: HEAD)")
    h.add_argument("--format", choices=("text", "json"), default="text")


def _run(args: argparse.Namespace) -> int:
    config = load_config(args.root)
    commands: dict[str, Callable[[], int]] = {
        "validate": lambda: _validate(args, config),
        "build": lambda: _build(args, config),
        "serve": lambda: _serve(args, config),
        "diff": lambda: _diff(args, config),
        "comment": lambda: _comment(args, config),
        "codeowners": lambda: _codeowners(args, config),
        "history": lambda: _history(args, config),
        "new": lambda: _new(args, config),
        "provision": lambda: _provision(args, config),
        "forms": lambda: _forms(args, config),
        "metrics": lambda: _metrics(args, config),
    }
    return commands[args.command]()


# Commands are imported when run: `portal validate` need not load MkDocs or Graphviz.
def _validate(args: argparse.Namespace, config: Config) -> int:
    from generator.commands.validate import validate

    # The catalog holds no cycles for the collector to find, and its first pass after
    # loading would walk all of it again (0.1 s on 10,000 entities). Off until the
    # catalog is gone, then as the caller had it (tests call main in-process).
    enabled = gc.isenabled()
    gc.disable()
    try:
        return validate(args.paths, config, output_format=args.format, strict=args.strict)
    finally:
        if enabled:
            gc.enable()


def _build(args: argparse.Namespace, config: Config) -> int:
    from generator.commands.build import build

    return build(
        config,
        catalogs=args.catalog,
        site_dir=args.site_dir,
        strict=args.strict,
        build_dir=args.build_dir,
        at=args.at,
    )


def _serve(args: argparse.Namespace, config: Config) -> int:
    from generator.commands.serve import serve

    return serve(config, catalogs=args.catalog, port=args.port)


def _diff(args: argparse.Namespace, config: Config) -> int:
    from generator.commands.diff import run_diff

    return run_diff(
        config, args.base, args.head, since=args.since, until=args.until, output_format=args.format
    )


def _comment(args: argparse.Namespace, config: Config) -> int:
    from generator.commands.comment import run_comment

    return run_comment(
        config,
        repo=args.repo,
        number_file=args.number_file,
        diff_file=args.diff,
        head_sha=args.head_sha,
        author=args.author,
        dry_run=args.dry_run,
    )


def _codeowners(args: argparse.Namespace, config: Config) -> int:
    from generator.commands.codeowners import run_codeowners

    return run_codeowners(config, check=args.check, strict=args.strict)


def _history(args: argparse.Namespace, config: Config) -> int:
    from generator.commands.history import run_history

    return run_history(config, args.refs, rev=args.rev, output_format=args.format)


def _new(args: argparse.Namespace, config: Config) -> int:
    from generator.commands.new import new

    return new(
        config,
        args.template,
        values_file=args.values,
        sets=args.set,
        output=args.output,
        dry_run=args.dry_run,
        output_format=args.format,
    )


def _provision(args: argparse.Namespace, config: Config) -> int:
    from generator.commands.provision import provision, requester_from_event
    from generator.git import Git

    forge = None
    if not args.dry_run:
        from generator.forge.github import GitHubForge, token_from_env

        forge = GitHubForge(token_from_env("; --dry-run plans without one"))
    return provision(
        config,
        args.template,
        values_file=args.values,
        issue_body=args.issue_body,
        request=args.request_id,
        requester=requester_from_event(args.issue),
        repo=args.repo,
        dry_run=args.dry_run,
        forge=forge,
        git=Git(config.root) if (config.root / ".git").exists() else None,
    )


def _forms(args: argparse.Namespace, config: Config) -> int:
    from generator.commands.forms import forms

    return forms(config, check=args.check)


def _metrics(args: argparse.Namespace, config: Config) -> int:
    if args.action == "sample":
        from generator.commands.metrics import sample

        return sample(
            config,
            out_dir=args.out,
            end=args.end,
            days=args.days,
            seed=args.seed,
            scale=args.scale,
            mixed=args.mixed,
        )
    if args.action == "snapshot":
        from generator.commands.metrics import snapshot

        return snapshot(config, dry_run=args.dry_run)
    if args.action == "collect":
        from generator.commands.metrics import collect

        return collect(
            config, since=args.collect_since, dry_run=args.dry_run, max_wait=args.max_wait
        )
    from generator.commands.metrics import metrics

    return metrics(
        config,
        events_dir=args.events,
        since=args.since,
        until=args.until,
        output_format=args.format,
    )


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``portal`` console script."""
    try:
        args = _parser().parse_args(argv)
        return _run(args)
    except SystemExit as exc:
        return exc.code if isinstance(exc.code, int) else USAGE
    except KeyboardInterrupt:
        print("portal: interrupted", file=sys.stderr)
        return INTERRUPTED
    except PortalError as exc:
        print(f"portal: {exc}", file=sys.stderr)
        return exc.exit_code
    except Exception:
        traceback.print_exc()
        print(
            "portal: internal error (a bug); please report it with the traceback above",
            file=sys.stderr,
        )
        return INTERNAL
