"""Stage 5: write the build folder, run MkDocs, and swap the result into place.

Nothing is written before validation has passed, and the site folder is replaced in one
rename: a failed build leaves the previous site untouched.
"""

from __future__ import annotations

import filecmp
import logging
import os
import posixpath
import re
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path

from generator.errors import BuildError


def write_tree(
    folder: Path, files: Mapping[str, str | bytes | Path], keep: Iterable[str] = ()
) -> int:
    """Make ``folder`` hold exactly ``files`` (POSIX paths relative to it), leaving the
    top-level folders named in ``keep`` alone (the map cache lives there). A Path value
    is a file to copy, streamed: large docs files are never held in memory.

    The build folder is kept between builds (to inspect what MkDocs was given), so
    files an earlier build wrote and this one does not, a removed docs page say, are
    deleted: MkDocs would publish them. Unchanged files are left as they are.
    Returns how many were written.
    """
    folder.mkdir(parents=True, exist_ok=True)
    root = folder.resolve()
    wanted = set()
    written = 0
    for rel, content in sorted(files.items()):
        target = (root / rel).resolve()
        if not target.is_relative_to(root):
            raise BuildError(f"refusing to write outside the build folder: {rel}")
        wanted.add(target)
        if isinstance(content, Path):
            if target.is_file() and filecmp.cmp(content, target, shallow=False):
                continue
            target.parent.mkdir(parents=True, exist_ok=True)
            target.unlink(missing_ok=True)  # never write through a link left in the folder
            shutil.copyfile(content, target)
            written += 1
            continue
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        if target.is_file() and target.read_bytes() == data:
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
        written += 1
    kept = {root / name for name in keep}
    for path in sorted(_walk(root, kept), reverse=True):
        if path.is_file() and path not in wanted:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()
    return written


def _walk(root: Path, skip: set[Path]) -> Iterator[Path]:
    """Everything below ``root`` but the folders in ``skip`` and their contents."""
    for entry in root.iterdir():
        if entry in skip:
            continue
        yield entry
        if entry.is_dir() and not entry.is_symlink():
            yield from _walk(entry, skip)


def write_files(folder: Path, files: Mapping[str, str | bytes | Path]) -> None:
    """Add ``files`` (POSIX paths relative to ``folder``) to a folder being built; a
    Path value is a file to copy, streamed.

    Thousands of files: paths are checked as text (no resolve per file) and each
    folder is created once."""
    made: set[str] = set()
    for rel, content in sorted(files.items()):
        if posixpath.isabs(rel) or posixpath.normpath(rel).startswith(("..", "/")):
            raise BuildError(f"refusing to write outside the site folder: {rel}")
        parent = posixpath.dirname(rel)
        if parent not in made:
            (folder / parent).mkdir(parents=True, exist_ok=True)
            made.add(parent)
        if isinstance(content, Path):
            shutil.copyfile(content, folder / rel)
            continue
        data = content if isinstance(content, bytes) else content.encode("utf-8")
        with open(folder / rel, "wb") as handle:  # noqa: PTH123
            handle.write(data)


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


def run_mkdocs(config_file: Path, sources: Mapping[str, str] | None = None) -> None:
    """Build with MkDocs in strict mode, in-process; warnings become a BuildError.

    ``sources`` maps docs paths to the repository files they were made from: MkDocs
    names its own build folder's files, which nobody can fix; the error names theirs."""
    from mkdocs.commands.build import build as mkdocs_build
    from mkdocs.config import load_config
    from mkdocs.exceptions import Abort, MkDocsException

    handler = _Collect()
    logger = logging.getLogger("mkdocs")
    logger.addHandler(handler)
    try:
        cfg = load_config(config_file=str(config_file), strict=True)
        mkdocs_build(cfg)
    except (Abort, MkDocsException, SystemExit) as exc:
        details = "\n  ".join(_name_sources(m, sources or {}) for m in handler.messages)
        raise BuildError(f"MkDocs refused the generated site:\n  {details or exc}") from exc
    finally:
        logger.removeHandler(handler)


_DOC_FILE = re.compile(r"Doc file '([^']+)'")


def _name_sources(message: str, sources: Mapping[str, str]) -> str:
    """``message`` naming the repository file behind the page it is about; a page the
    portal made itself is a bug in the portal, and the message says so."""
    found = _DOC_FILE.search(message)
    if found is None:
        return message
    page = found.group(1)
    if page in sources:
        return f"{sources[page]}: " + message.replace(f"'{page}'", f"'{sources[page]}'", 1)
    return f"{message} (a page the portal generated: please report this as a bug)"


def staging_dir(site_dir: Path) -> Path:
    """A fresh folder beside ``site_dir`` (same filesystem, so the swap is a rename)."""
    site_dir.parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{site_dir.name}-", dir=site_dir.parent))


def move_into(source: Path, target: Path) -> None:
    """Move everything in ``source`` into ``target``, then remove ``source``. Where
    both hold a folder of the same name, their contents are merged; anything else
    moves in one rename, so a large subtree costs one system call. Both trees are
    the build's own, so a file in both is a bug, not user input."""
    for entry in sorted(source.iterdir()):
        there = target / entry.name
        if entry.is_dir() and not entry.is_symlink() and there.is_dir():
            move_into(entry, there)
        elif there.exists() or there.is_symlink():
            raise BuildError(f"two build steps wrote the same file: {there}")
        else:
            entry.rename(there)
    source.rmdir()


def swap_into_place(staged: Path, site_dir: Path) -> None:
    """Replace ``site_dir`` with ``staged``; the old site is removed only afterwards."""
    old = None
    if site_dir.exists():
        old = site_dir.with_name(f".{site_dir.name}-old-{os.getpid()}")
        site_dir.rename(old)
    staged.rename(site_dir)
    site_dir.chmod(0o755)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
