"""Reading the catalog at a revision, from git objects: the commit's files are written to
a temporary folder (:mod:`generator.gitops.tree`) and the normal loader and checks run
on it, so a revision is judged exactly as ``portal validate`` judges a checkout of it."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

from generator.config import Config, load_config
from generator.errors import ConfigError
from generator.git import Git, GitError
from generator.gitops.diff import Side
from generator.gitops.tree import materialise


@contextmanager
def checkout_at(git: Git, commit: str | None) -> Iterator[Config]:
    """The configuration of ``commit`` (None: the empty tree), its root a temporary
    folder holding the commit's files; at the same place inside it as ``git.root`` is
    inside the repository, so relative paths in it mean what they mean in a checkout."""
    folder = Path(tempfile.mkdtemp(prefix="portal-at-"))
    try:
        if commit is not None:
            materialise(git, commit, folder)
        root = folder / git.prefix()
        root.mkdir(parents=True, exist_ok=True)
        try:
            yield load_config(root)
        except ConfigError as exc:
            raise ConfigError(f"at {commit[:12] if commit else 'the empty tree'}: {exc}") from exc
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def read_side(git: Git, commit: str | None) -> Side:
    """The catalog at ``commit`` and every finding validate reports there. A catalog
    folder the commit does not have yet is an empty catalog."""
    from generator.commands.validate import check  # the one place every check runs

    with checkout_at(git, commit) as config:
        for name in config.catalog.roots:
            folder = (config.root / name).resolve()
            if folder.is_relative_to(config.root) and not folder.exists():
                folder.mkdir(parents=True)
        checked = check(None, config)
        _ = checked.catalog.graph  # built while the files are there
        return Side(commit, checked.catalog, checked.findings)


def pick(
    git: Git, base: str | None, head: str | None, since: str | None, until: str | None
) -> tuple[str | None, str]:
    """Resolve the revisions to compare: ``BASE [HEAD]``, or by date along HEAD's
    first-parent history (``--since`` is the start of that day, ``--until`` its end,
    both UTC); None for a base before the first commit."""
    if base is not None and since is not None:
        raise ConfigError("give BASE or --since, not both")
    if base is None and since is None:
        raise ConfigError("give BASE (a commit, branch or tag) or --since DATE")
    head_sha = git.rev_parse(head or "HEAD")
    if until is not None:
        found = git.commit_before(head_sha, _moment(until, end=True))
        if found is None:
            raise GitError(f"no commit of {head or 'HEAD'} is older than --until {until}")
        head_sha = found
    if since is not None:
        return git.commit_before(head_sha, _moment(since, end=False)), head_sha
    assert base is not None
    return git.rev_parse(base), head_sha


def _moment(text: str, *, end: bool) -> str:
    """The last second before ``text`` starts (or, with ``end``, before the day or
    minute it names is over), in the UTC form git reads exactly."""
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        raise GitError(f"'{text}' is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    if end:
        moment += timedelta(days=1) if len(text) == 10 else timedelta(seconds=1)
    return (moment - timedelta(seconds=1)).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
