"""``portal codeowners [--check]``: write ``.github/CODEOWNERS`` from catalog ownership, or
(in the pull-request workflow) fail with a diff when the committed file has drifted."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import TextIO

from generator.catalog import load_catalog
from generator.config import Config
from generator.diagnostics import fails
from generator.git import Git, GitError
from generator.gitops.codeowners import build_rules, github_org, render
from generator.process import Runner, SubprocessRunner
from generator.reporters import report_text

OK, FINDINGS = 0, 1


def _top(config: Config, runner: Runner) -> tuple[Path, str]:
    """The top of the repository and where the portal's root is in it (``sub/``); the
    root itself outside a git repository."""
    try:
        prefix = Git(config.root, runner).prefix()
    except GitError:
        return config.root, ""
    top = config.root
    for _ in prefix.strip("/").split("/") if prefix else ():
        top = top.parent
    return top, prefix


def run_codeowners(
    config: Config,
    *,
    check: bool = False,
    strict: bool = False,
    runner: Runner | None = None,
    out: TextIO | None = None,
    err: TextIO | None = None,
) -> int:
    """Write (or ``check``) the file; 1 when it has drifted, or on findings that fail."""
    out, err = out or sys.stdout, err or sys.stderr
    catalog = load_catalog(None, config)
    top, prefix = _top(config, runner or SubprocessRunner())
    rules, findings = build_rules(
        catalog, config.codeowners, prefix, github_org(config.site.repo_url)
    )
    text = render(rules)
    path = top / config.codeowners.file
    name = config.codeowners.file
    if findings:
        report_text(findings, len(catalog), catalog.files_checked, err)
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if check:
        if current != text:
            diff = difflib.unified_diff(
                current.splitlines(keepends=True),
                text.splitlines(keepends=True),
                f"{name} (committed)",
                f"{name} (from the catalog)",
            )
            out.writelines(diff)
            fix = "run `portal codeowners` and commit it"
            err.write(f"portal: {name} does not match the catalog: {fix}\n")
            return FINDINGS
        err.write(f"portal: {name} matches the catalog ({len(rules)} rules)\n")
    elif current != text:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        err.write(f"portal: wrote {name} ({len(rules)} rules)\n")
    else:
        err.write(f"portal: {name} is up to date ({len(rules)} rules)\n")
    return FINDINGS if fails(findings, strict=strict) else OK
