"""Per-entity history: for every first-parent commit that changed catalog files, which
entities it added, removed, changed (field by field) or moved to another file.

Entities are followed by their ref, not their file: a commit's changed files are read
before and after (blob ids from ``git log --raw``), the entities on each side matched
by ref, so a renamed or moved file, a file split in two or an entity moved between
files needs no rename detection. Each blob is parsed once, however many commits see it.

Pure: it is handed the log and a way to read blobs (see :func:`read_history`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from generator.git import Git, LogEntry
from generator.gitops.fields import FieldChange, compare
from generator.model.refs import EntityRef, RefError, parse_ref
from generator.yaml12 import Limits, read_yaml

YAML = (".yaml", ".yml")
_PR = (re.compile(r"\(#(\d+)\)\s*$"), re.compile(r"^Merge pull request #(\d+)\b"))
_BATCH = 20_000
"""Blobs read per ``cat-file`` call."""


@dataclass(frozen=True)
class Commit:
    """A commit as the history shows it."""

    sha: str
    author: str
    date: str
    """ISO 8601, when it landed on the branch."""
    subject: str

    @property
    def pr(self) -> int | None:
        """The pull request number the message names (``Title (#12)`` as GitHub squashes,
        ``Merge pull request #12 from ...`` as it merges), if any."""
        for pattern in _PR:
            found = pattern.search(self.subject)
            if found:
                return int(found.group(1))
        return None


@dataclass(frozen=True)
class Change:
    """What one commit did to one entity."""

    commit: Commit
    key: str
    action: str
    """``added``, ``removed``, ``changed`` or ``moved`` (file only)."""
    file: str
    """Where the entity is defined after the commit (before it, when removed)."""
    old_file: str | None = None
    """Where it was before, when the commit moved it."""
    fields: tuple[FieldChange, ...] = ()
    owners: tuple[str, ...] = ()
    """The entity's owner refs before and after the commit: a team's view lists the
    changes to what it owned then, an entity since removed or handed over included."""


@dataclass
class History:
    """Every change, newest first, and the same by entity."""

    changes: list[Change] = field(default_factory=list)
    by_entity: dict[str, list[Change]] = field(default_factory=dict)
    commits: int = 0
    """First-parent commits that touched catalog files."""
    truncated: bool = False
    """The repository is a shallow clone: the oldest commit read is not the first one,
    so what it "added" may be older."""


Entities = dict[str, tuple[str, Any]]
"""Ref -> (file, document) of the entities one side of a commit holds."""


def entities_in(data: bytes, limits: Limits, max_bytes: int) -> dict[str, Any]:
    """The entity documents of one catalog file, by ref; ``{}`` for a file the loader
    would refuse (too large, not UTF-8, not YAML)."""
    if len(data) > max_bytes:
        return {}
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return {}
    docs, _ = read_yaml(text, limits, marks=False)
    out: dict[str, Any] = {}
    for doc in docs:
        key = _key(doc.data)
        if key is not None:
            out[key] = doc.data
    return out


def _key(data: Any) -> str | None:
    if not isinstance(data, dict):
        return None
    kind, meta = data.get("kind"), data.get("metadata")
    if not isinstance(kind, str) or not isinstance(meta, dict):
        return None
    name, namespace = meta.get("name"), meta.get("namespace", "default")
    if not isinstance(name, str) or not isinstance(namespace, str) or not name or not kind:
        return None
    return EntityRef(kind, namespace or "default", name).key


def build_history(
    log: Iterable[LogEntry],
    parse: Callable[[str], dict[str, Any]],
    *,
    truncated: bool = False,
) -> History:
    """The history of every entity from the log (oldest first); ``parse(blob)`` gives a
    blob's entities by ref."""
    out = History(truncated=truncated)
    per_commit: list[list[Change]] = []
    for entry in log:
        commit = Commit(entry.sha, entry.author, entry.date, entry.subject)
        before: Entities = {}
        after: Entities = {}
        for file in entry.changes:
            if not file.path.endswith(YAML):
                continue
            if file.old is not None:
                before.update((k, (file.path, v)) for k, v in parse(file.old).items())
            if file.new is not None:
                after.update((k, (file.path, v)) for k, v in parse(file.new).items())
        if entry.changes:
            out.commits += 1
        per_commit.append(_changes(commit, before, after))
    out.changes = [change for found in reversed(per_commit) for change in found]
    for change in out.changes:
        out.by_entity.setdefault(change.key, []).append(change)
    return out


def _changes(commit: Commit, before: Entities, after: Entities) -> list[Change]:
    found = []
    for key in sorted(before.keys() | after.keys()):
        owners = _owners(key, before.get(key), after.get(key))
        if key not in before:
            found.append(Change(commit, key, "added", after[key][0], owners=owners))
        elif key not in after:
            found.append(Change(commit, key, "removed", before[key][0], owners=owners))
        else:
            (old_file, old), (new_file, new) = before[key], after[key]
            # Most entities of a changed file did not change: dict equality runs in C.
            fields = () if old == new else tuple(compare(old, new))
            moved = old_file if old_file != new_file else None
            if fields:
                found.append(Change(commit, key, "changed", new_file, moved, fields, owners))
            elif moved:
                found.append(Change(commit, key, "moved", new_file, moved, owners=owners))
    return found


def _owners(key: str, *sides: tuple[str, Any] | None) -> tuple[str, ...]:
    namespace = key.split(":", 1)[1].split("/", 1)[0]
    found = set()
    for side in sides:
        spec = side[1].get("spec") if side is not None else None
        owner = spec.get("owner") if isinstance(spec, dict) else None
        if isinstance(owner, str):
            try:
                found.add(parse_ref(owner, default_kind="group", default_namespace=namespace).key)
            except RefError:
                continue
    return tuple(sorted(found))


def read_history(
    git: Git, commit: str, paths: list[str], limits: Limits, max_bytes: int
) -> History:
    """The history of the catalog files under ``paths`` up to ``commit``."""
    log = git.log(commit, paths)
    wanted = sorted(
        {
            sha
            for entry in log
            for change in entry.changes
            if change.path.endswith(YAML)
            for sha in (change.old, change.new)
            if sha is not None
        }
    )
    parsed: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), _BATCH):
        for sha, data in git.blobs(wanted[start : start + _BATCH]).items():
            parsed[sha] = entities_in(data, limits, max_bytes)
    return build_history(log, parsed.__getitem__, truncated=git.is_shallow())
