"""``portal history [REF ...]``: who changed which entity, when, in which pull request and
how, field by field, read from git (the same history the site shows), for auditors."""

from __future__ import annotations

import json
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from generator.config import Config
from generator.errors import ConfigError
from generator.git import Git
from generator.gitops.history import Change, History, read_history
from generator.gitops.text import printable, value_text
from generator.model.refs import RefError, parse_ref
from generator.process import Runner, SubprocessRunner

OK = 0


def change_json(change: Change) -> dict[str, Any]:
    """One change in the JSON output."""
    c = change.commit
    return {
        "commit": c.sha,
        "date": c.date,
        "author": c.author,
        "pr": c.pr,
        "subject": c.subject,
        "action": change.action,
        "file": change.file,
        "old_file": change.old_file,
        "fields": {f.path: f.as_json() for f in change.fields},
    }


def as_json(history: History, commit: str, keys: Sequence[str]) -> dict[str, Any]:
    """``{"commit", "truncated", "entities": {ref: [change, ...]}}``, newest first."""
    return {
        "commit": commit,
        "truncated": history.truncated,
        "entities": {key: [change_json(c) for c in history.by_entity.get(key, [])] for key in keys},
    }


def as_text(history: History, keys: Sequence[str]) -> str:
    """Each entity's changes, newest first, values escaped and cut."""
    lines = []
    for key in keys:
        changes = history.by_entity.get(key, [])
        lines.append(f"{printable(key)}: {len(changes)} change{'' if len(changes) == 1 else 's'}")
        for change in changes:
            c = change.commit
            pr = f" #{c.pr}" if c.pr else ""
            where = f"{change.old_file} -> {change.file}" if change.old_file else change.file
            lines.append(
                f"  {c.date[:10]} {c.sha[:12]}{pr} {printable(c.author)}: {change.action} "
                f"({printable(where)})"
            )
            lines += [
                f"      {printable(f.path)}: {value_text(f.old, 80)} -> {value_text(f.new, 80)}"
                for f in change.fields
            ]
    if history.truncated:
        lines.append("(a shallow clone: changes before its oldest commit are not shown)")
    return "\n".join(lines) + "\n"


def run_history(
    config: Config,
    refs: Sequence[str],
    *,
    rev: str = "HEAD",
    output_format: str = "text",
    runner: Runner | None = None,
    out: TextIO | None = None,
) -> int:
    """Print the history of ``refs`` (all entities ever defined when none)."""
    git = Git(config.root, runner or SubprocessRunner())
    commit = git.rev_parse(rev)
    history = read_history(
        git, commit, list(config.catalog.roots), config.limits, config.catalog.max_file_bytes
    )
    try:
        keys = [parse_ref(r, default_kind="component").key for r in refs]
    except RefError as exc:
        raise ConfigError(f"not an entity ref: {exc}") from exc
    keys = keys or sorted(history.by_entity)
    stream = out or sys.stdout
    if output_format == "json":
        stream.write(json.dumps(as_json(history, commit, keys), indent=2) + "\n")
    else:
        stream.write(as_text(history, keys))
    return OK
