"""Reporters turn findings into text, JSON or GitHub annotations. Only they (and the
CLI) print. Checks never format output."""

from __future__ import annotations

import json
import os
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from typing import TextIO

from generator.diagnostics import Finding, Severity


def summary_line(findings: Sequence[Finding], entities: int, files: int) -> str:
    """``N entities in M files: E errors, W warnings`` (M: catalog files checked)."""
    counts = Counter(f.severity for f in findings)
    parts = [_count(counts[s], s.value, s.value + "s") for s in (Severity.ERROR, Severity.WARNING)]
    if counts[Severity.INFO]:
        parts.append(f"{counts[Severity.INFO]} info")
    what = f"{_count(entities, 'entity', 'entities')} in {_count(files, 'file', 'files')}"
    return f"{what}: {', '.join(parts)}"


def _count(n: int, one: str, many: str) -> str:
    return f"{n} {one if n == 1 else many}"


_LINE_BREAKS = str.maketrans({"\n": "\\n", "\r": "\\r", "\u2028": "\\u2028", "\u2029": "\\u2029"})


def _one_line(text: str) -> str:
    """Messages quote catalog values, which may hold line breaks (``name: |``). Shown
    raw, they would split a finding over lines, and in a CI log a following ``::error``
    line would be read as a workflow command; so they are shown as ``\\n``."""
    return text.translate(_LINE_BREAKS)


def report_text(findings: Sequence[Finding], entities: int, files: int, out: TextIO) -> None:
    """One line per finding, ``path:line:col: severity[code] message``, then a summary."""
    for f in findings:
        out.write(
            f"{_one_line(f.file)}:{f.line}:{f.column}: {f.severity.value}[{f.code}] "
            f"{_one_line(f.message)}\n"
        )
    out.write(summary_line(findings, entities, files) + "\n")


def report_json(findings: Sequence[Finding], entities: int, files: int, out: TextIO) -> None:
    """``{"entities": N, "files": M, "findings": [...]}``."""
    doc = {"entities": entities, "files": files, "findings": [f.as_json() for f in findings]}
    out.write(json.dumps(doc, indent=2) + "\n")


def report_github(findings: Sequence[Finding], entities: int, files: int, out: TextIO) -> None:
    """Workflow-command annotations, plus a Markdown job summary when Actions gives one.

    github-action-toolkit escapes properties but not the message body, so a message
    holding a newline could forge a second command (``::stop-commands::``); we escape it.
    """
    import github_action_toolkit as gat  # slow to import (PyGithub, GitPython): only here

    annotate: dict[Severity, Callable[..., None]] = {
        Severity.ERROR: gat.error,
        Severity.WARNING: gat.warning,
        Severity.INFO: gat.notice,
    }
    stdout, sys.stdout = sys.stdout, out
    try:
        for f in findings:
            annotate[f.severity](
                gat.escape_data(f.message), title=f.code, file=f.file, line=f.line, col=f.column
            )
    finally:
        sys.stdout = stdout
    out.write(summary_line(findings, entities, files) + "\n")
    if os.environ.get("GITHUB_STEP_SUMMARY"):
        gat.append_job_summary(job_summary(findings, entities, files))


def _cell(text: str) -> str:
    """Escape a Markdown table cell: pipes, backticks, HTML and newlines."""
    for a, b in (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ("|", "\\|"), ("`", "'")):
        text = text.replace(a, b)
    return " ".join(text.split())


def job_summary(findings: Sequence[Finding], entities: int, files: int) -> str:
    """A Markdown summary for ``$GITHUB_STEP_SUMMARY``."""
    lines = ["## Catalog validation", "", summary_line(findings, entities, files), ""]
    if findings:
        lines += ["| Severity | Code | Location | Message |", "| --- | --- | --- | --- |"]
        lines += [
            f"| {f.severity.value} | {f.code} | {_cell(f'{f.file}:{f.line}:{f.column}')} "
            f"| {_cell(f.message)} |"
            for f in findings
        ]
    return "\n".join(lines) + "\n"


REPORTERS: dict[str, Callable[[Sequence[Finding], int, int, TextIO], None]] = {
    "text": report_text,
    "json": report_json,
    "github": report_github,
}
