"""A commit's files, written out of git's object store into a temporary folder, so the
normal loader (and the whole build) can read the catalog as it was, without a checkout
and without touching the working tree.

Written as a checkout would write them, without its filters: file bytes as stored
(no smudge or line-ending conversion; Git LFS pointers stay pointers), the executable
bit, symbolic links as links with the same target (never followed here: the loader and
the TechDocs reader judge where they lead, as they do in a checkout), and submodules as
empty folders, as an uninitialised checkout leaves them.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from generator.git import Git, GitError, TreeEntry

_BATCH = 4096
"""Blobs read per ``cat-file`` call: the memory held at once stays bounded."""
FILE, EXECUTABLE, LINK, SUBMODULE = "100644", "100755", "120000", "160000"


@contextmanager
def tree_at(git: Git, commit: str) -> Iterator[Path]:
    """A temporary folder holding ``commit``'s files; removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="portal-tree-"))
    try:
        materialise(git, commit, folder)
        yield folder
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def materialise(git: Git, commit: str, dest: Path) -> int:
    """Write every file of ``commit`` under ``dest`` (an empty folder); how many."""
    entries = git.tree(commit)
    for entry in entries:
        _check_path(entry.path)
    files = [e for e in entries if e.mode in (FILE, EXECUTABLE)]
    links = [e for e in entries if e.mode == LINK]
    for start in range(0, len(files), _BATCH):
        batch = files[start : start + _BATCH]
        contents = git.blobs([e.sha for e in batch])
        for entry in batch:
            _write(dest, entry, contents[entry.sha])
    for entry in entries:
        if entry.mode == SUBMODULE:
            dest.joinpath(*entry.path.split("/")).mkdir(parents=True, exist_ok=True)
    # Links last: once every folder exists as a real folder, no link can redirect a write.
    targets = git.blobs([e.sha for e in links])
    for entry in links:
        path = dest.joinpath(*entry.path.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.symlink_to(os.fsdecode(targets[entry.sha]))
    return len(files) + len(links)


def _write(dest: Path, entry: TreeEntry, data: bytes) -> None:
    path = dest.joinpath(*entry.path.split("/"))
    path.parent.mkdir(parents=True, exist_ok=True)
    # O_EXCL | O_NOFOLLOW: a path is written once, and never through a link.
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW
    fd = os.open(path, flags, 0o755 if entry.mode == EXECUTABLE else 0o644)
    with os.fdopen(fd, "wb") as out:
        out.write(data)


def _check_path(path: str) -> None:
    """git refuses to check out such paths; a crafted tree may still hold them."""
    parts = path.split("/")
    if path.startswith("/") or any(p in ("", ".", "..") or p.lower() == ".git" for p in parts):
        raise GitError(f"the commit holds a path git would not check out: {path!r}")
