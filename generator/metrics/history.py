"""Adoption over time, from the catalog's git history read from git objects (no
checkout): the catalog is replayed commit by commit along the first-parent history
(``git log --raw`` gives each changed file's blobs before and after; each blob is read
and parsed once, through :mod:`generator.git`), and an adoption :func:`snapshot` is
taken at the last commit of each week.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from generator.git import Git, GitError
from generator.gitops.history import YAML, entities_in
from generator.metrics.adoption import Snapshot, snapshot
from generator.yaml12 import Limits

WEEKS = 26


def adoption_trend(
    git: Git,
    commit: str,
    paths: list[str],
    limits: Limits,
    max_bytes: int,
    *,
    weeks: int = WEEKS,
) -> list[tuple[str, Snapshot]]:
    """``(week's last day, snapshot)`` for each of the last ``weeks`` weeks up to
    ``commit``'s date, oldest first; weeks before the first catalog commit are left out.
    Empty when git cannot tell (no repository, an unknown commit)."""
    try:
        log = git.log(commit, paths)
        end = datetime.fromisoformat(git.commit_date(commit)).astimezone(UTC)
    except (GitError, ValueError):
        return []
    if not log:
        return []
    wanted = sorted({sha for e in log for c in e.changes if c.path.endswith(YAML)
                     for sha in (c.old, c.new) if sha is not None})  # fmt: skip
    parsed: dict[str, dict[str, Any]] = {}
    try:
        for sha, data in git.blobs(wanted).items():
            parsed[sha] = entities_in(data, limits, max_bytes)
    except GitError:
        return []
    # Week ends: the end of the build commit's day, then back a week at a time.
    last = (end + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    cuts = [last - timedelta(weeks=w) for w in range(weeks - 1, -1, -1)]
    files: dict[str, dict[str, Any]] = {}
    out: list[tuple[str, Snapshot]] = []
    at = 0
    for cut in cuts:
        while at < len(log) and datetime.fromisoformat(log[at].date) < cut:
            for change in log[at].changes:
                if not change.path.endswith(YAML):
                    continue
                if change.new is None:
                    files.pop(change.path, None)
                else:
                    files[change.path] = parsed.get(change.new, {})
            at += 1
        if at:  # the catalog existed by then
            day = (cut - timedelta(days=1)).date().isoformat()
            out.append((day, snapshot(d for entities in files.values() for d in entities.values())))
    return out
