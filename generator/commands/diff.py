"""``portal diff BASE [HEAD]``: what a change does to the catalog, read from git objects
(no checkout, the working tree untouched), as text, JSON or Markdown."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TextIO

from generator.config import Config
from generator.git import Git
from generator.gitops import report
from generator.gitops.diff import CatalogDiff, as_json, diff
from generator.gitops.revisions import pick, read_side
from generator.process import Runner, SubprocessRunner

OK = 0
FORMATS = ("text", "json", "markdown")


def compute(
    root: Path,
    base: str | None,
    head: str | None = None,
    *,
    since: str | None = None,
    until: str | None = None,
    runner: Runner | None = None,
) -> CatalogDiff:
    """The diff between two revisions of the repository at ``root``."""
    git = Git(root, runner or SubprocessRunner())
    base_sha, head_sha = pick(git, base, head, since, until)
    return diff(read_side(git, base_sha), read_side(git, head_sha))


def render(d: CatalogDiff, output_format: str, config: Config) -> str:
    """The diff in one of :data:`FORMATS`."""
    if output_format == "json":
        return json.dumps(as_json(d), indent=2) + "\n"
    if output_format == "markdown":
        return report.markdown(d, report.Links(config.site.site_url, config.site.repo_url))
    return report.text(d)


def run_diff(
    config: Config,
    base: str | None,
    head: str | None = None,
    *,
    since: str | None = None,
    until: str | None = None,
    output_format: str = "text",
    out: TextIO | None = None,
) -> int:
    """Print the diff; 0 (a diff is a report: ``portal validate`` is the gate)."""
    d = compute(config.root, base, head, since=since, until=until)
    (out or sys.stdout).write(render(d, output_format, config))
    return OK
