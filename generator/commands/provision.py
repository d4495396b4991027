"""``portal provision``: run a golden path for a request and deliver it as pull
requests (and a new repository for ``publish:github``) through the GitHub API.

Who asked and which issue comes from the GitHub event (``$GITHUB_EVENT_PATH``), never
from the answers. An invalid request is answered on its issue in plain words, and the
run writes a job summary. ``--dry-run`` prints the plan and needs no token.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any, TextIO

from generator.config import Config
from generator.diagnostics import Finding, Severity
from generator.errors import ConfigError
from generator.forge import Forge
from generator.git import Git
from generator.scaffold.forms import parse_issue_body
from generator.scaffold.plan import Plan
from generator.scaffold.provision import (
    Outcome,
    Requester,
    apply,
    code,
    comment_back,
    pull_body,
)
from generator.scaffold.runner import RunOptions, request_id, run, this_repository
from generator.scaffold.template import golden_path_name, load_template

OK, FINDINGS = 0, 1


def requester_from_event(issue: int | None = None) -> Requester:
    """Who asked: the issue's author for an issue event, else the sender, else
    ``$GITHUB_ACTOR``; and the issue number."""
    event: dict[str, Any] = {}
    path = os.environ.get("GITHUB_EVENT_PATH")
    if path and Path(path).is_file():
        try:
            event = json.loads(Path(path).read_text(encoding="utf-8"))
        except (OSError, ValueError):
            event = {}
    raw = event.get("issue")
    found: dict[str, Any] = raw if isinstance(raw, dict) else {}
    login = (found.get("user") or {}).get("login") or (event.get("sender") or {}).get("login")
    login = login or os.environ.get("GITHUB_ACTOR", "")
    number = issue if issue is not None else found.get("number")
    return Requester(str(login or ""), int(number) if isinstance(number, int) else None)


def user_context(config: Config, login: str) -> dict[str, Any]:
    """``user.ref`` and ``user.entity`` as Backstage gives them to a template: the catalog
    User whose ``github.com/user-login`` annotation (or name) is the requester's GitHub
    login; empty (so expressions render empty) when the catalog has no such user."""
    from generator.catalog import load_catalog

    if not login:
        return {}
    wanted = login.lower()
    for user in load_catalog(None, config).of_kind("user"):
        annotations = user.metadata.get("annotations")
        github = annotations.get("github.com/user-login") if isinstance(annotations, dict) else None
        if str(github or user.ref.name).lower() == wanted:
            return {"ref": user.key, "entity": user.data}
    return {}


def provision(
    config: Config,
    template_name: str,
    *,
    values_file: Path | None = None,
    issue_body: Path | None = None,
    request: str | None = None,
    requester: Requester | None = None,
    repo: str | None = None,
    dry_run: bool = False,
    forge: Forge | None = None,
    git: Git | None = None,
    out: TextIO | None = None,
) -> int:
    """Provision one request; 0 when delivered (or planned), 1 when refused."""
    from generator.commands.new import read_values

    out = out or sys.stdout
    who = requester or Requester()
    template = load_template(golden_path_name(template_name, config), config)
    problems: list[str] = []
    if issue_body is not None:
        text = issue_body.read_text(encoding="utf-8", errors="replace")
        values, problems = parse_issue_body(template, text)
        source = "the issue"
    elif values_file is not None:
        values, source = read_values(values_file, config), str(values_file)
    else:
        raise ConfigError("give the answers with --values FILE or --issue-body FILE")
    this_repo = repo or this_repository(config)
    if not this_repo:
        raise ConfigError("cannot tell which repository this is: set GITHUB_REPOSITORY or --repo")
    rid = request or (f"issue-{who.issue}" if who.issue else request_id(template.ref, values))
    plan, findings = (
        (None, [])
        if problems
        else run(
            template,
            config,
            RunOptions(
                values,
                source,
                user=user_context(config, who.login),
                request_id=rid,
                this_repo=this_repo,
            ),
        )
    )
    errors = problems + [f.message for f in findings if f.severity is Severity.ERROR]
    if plan is None:
        _refused(out, template.title, errors, findings)
        if forge is not None and who.issue and not dry_run:
            comment_back(forge, this_repo, who.issue, rid, _refusal(template.title, errors))
        _summary(_refusal(template.title, errors))
        return FINDINGS
    if dry_run:
        _show_plan(out, plan, who, this_repo)
        return OK
    if forge is None:
        raise ConfigError("provisioning needs the GitHub API (or use --dry-run)")
    outcome = apply(plan, forge, this_repo, who, git)
    message = _delivered(plan, outcome)
    if who.issue:
        comment_back(forge, this_repo, who.issue, rid, message)
    _summary(message)
    out.write(message + "\n")
    return OK


def _refused(out: TextIO, title: str, errors: list[str], findings: list[Finding]) -> None:
    for f in findings:
        if f.severity is not Severity.OFF:
            out.write(f"{f.file}:{f.line}: {f.severity.value}[{f.code}] {_line(f.message)}\n")
    out.write(f"{title}: request refused, {len(errors)} problem(s); nothing was changed\n")


def _line(text: str) -> str:
    return text.replace("\n", "\\n").replace("\r", "\\r")


def _refusal(title: str, errors: list[str]) -> str:
    lines = [
        f"The **{title}** request cannot be carried out yet; nothing was created.",
        "",
        "Please edit the issue to fix these answers (the request runs again on edit):",
        "",
    ]
    lines += [f"- {code(e)}" for e in errors]
    return "\n".join(lines)


def _delivered(plan: Plan, outcome: Outcome) -> str:
    lines = [f"The **{plan.template_title}** request is ready for review:", ""]
    lines += [f"- pull request: {url}" for url in outcome.pulls]
    lines += [f"- new repository: {url}" for url in outcome.repositories]
    lines += ["", f"Golden path version {plan.version}, request `{plan.request_id}`."]
    return "\n".join(lines)


def _show_plan(out: TextIO, plan: Plan, who: Requester, this_repo: str) -> None:
    out.write(_line_per(plan.as_text()) + "\n")
    for target in plan.targets:
        if target.kind == "pull-request":
            out.write(f"--- pull request body ({target.repo or this_repo}) ---\n")
            out.write(pull_body(plan, target, who, this_repo) + "\n")
    out.write("dry run: nothing was sent to GitHub\n")


def _line_per(text: str) -> str:
    return "\n".join(_line(line) for line in text.split("\n"))


def _summary(markdown: str) -> None:
    """Append to the job summary when running in GitHub Actions (1 MiB per step)."""
    path = os.environ.get("GITHUB_STEP_SUMMARY")
    if path:
        with Path(path).open("a", encoding="utf-8") as handle:
            handle.write(markdown[: 1 << 19] + "\n")
