"""The in-memory workspace a run writes into, and the path rules that keep every file
inside it: no ``..`` out, no absolute or drive paths, no NUL bytes or backslashes."""

from __future__ import annotations

import posixpath
import re
from dataclasses import dataclass


class RunError(Exception):
    """A step cannot go on: a finding ``code`` with a message; ``file`` and ``line``
    locate it when it is in a skeleton file rather than in template.yaml."""

    def __init__(self, code: str, message: str, file: str | None = None, line: int = 1) -> None:
        super().__init__(message)
        self.code = code
        self.file = file
        self.line = line


@dataclass(frozen=True)
class File:
    """One file's bytes and mode (0o644 or 0o755)."""

    data: bytes
    mode: int = 0o644


_DRIVE = re.compile(r"^[A-Za-z]:")


def safe_join(base: str, rel: str, what: str = "path") -> str:
    """``rel`` under ``base`` (both workspace-relative, POSIX), normalised; '' is the
    workspace itself. RunError when the result would leave the workspace."""
    if "\x00" in rel or "\\" in rel or _DRIVE.match(rel):
        shown = rel.replace("\x00", "\\0")
        raise RunError(
            "template.path-escape",
            f"the {what} '{shown}' holds a NUL byte, a backslash or a drive letter; "
            "expected a relative path with '/' separators",
        )
    if rel.startswith("/"):
        raise RunError(
            "template.path-escape",
            f"the {what} '{rel}' is absolute; expected a path relative to the workspace",
        )
    joined = posixpath.normpath(posixpath.join(base or ".", rel or "."))
    if joined == ".." or joined.startswith("../") or joined.startswith("/"):
        raise RunError(
            "template.path-escape",
            f"the {what} '{rel}' leads outside the generated files; expected a path inside",
        )
    return "" if joined == "." else joined


class Workspace:
    """Files by workspace-relative POSIX path."""

    def __init__(self, max_files: int) -> None:
        self.files: dict[str, File] = {}
        self.max_files = max_files

    def write(self, path: str, file: File, *, replace: bool = False) -> bool:
        """Add ``file`` at ``path``; an existing file is kept unless ``replace``, as
        Backstage does. True when written."""
        if not path:
            raise RunError("template.path-escape", "a file path rendered to the workspace root")
        for parent in _parents(path):
            if parent in self.files:
                raise RunError(
                    "template.render", f"'{path}' needs a folder '{parent}', but that is a file"
                )
        if path in self.files and not replace:
            return False
        if path not in self.files and len(self.files) >= self.max_files:
            raise RunError(
                "template.limit", f"the run would write more than {self.max_files:,} files"
            )
        self.files[path] = file
        return True

    def subtree(self, prefix: str) -> dict[str, File]:
        """Files under ``prefix`` ('' for all), keyed relative to it."""
        if not prefix:
            return dict(sorted(self.files.items()))
        start = prefix.rstrip("/") + "/"
        return {p[len(start) :]: f for p, f in sorted(self.files.items()) if p.startswith(start)}


def _parents(path: str) -> list[str]:
    parts = path.split("/")[:-1]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]


def glob_regex(pattern: str) -> re.Pattern[str]:
    """A globby pattern (``*``, ``**``, ``?``) as a regex over POSIX paths."""
    out, i = [], 0
    pattern = pattern.removeprefix("./")
    while i < len(pattern):
        if pattern.startswith("**/", i):
            out.append("(?:.*/)?")
            i += 3
        elif pattern.startswith("**", i):
            out.append(".*")
            i += 2
        elif pattern[i] == "*":
            out.append("[^/]*")
            i += 1
        elif pattern[i] == "?":
            out.append("[^/]")
            i += 1
        else:
            out.append(re.escape(pattern[i]))
            i += 1
    return re.compile("".join(out) + "(?:/.*)?")
