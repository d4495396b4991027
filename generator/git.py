"""Git, through the subprocess seam (:mod:`generator.process`): every git command the
portal runs is here, as an argv list with ``--`` before anything a user wrote. Tests use
real temporary repositories (git is local; no network), or a FakeRunner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from generator.errors import PortalError
from generator.process import Runner, SubprocessRunner

_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2})?(Z|[+-]\d{2}:\d{2})?)?")
_REV = re.compile(r"[A-Za-z0-9._/@{}^~:-]+")
"""What a revision may look like on our command lines: no spaces, no leading '-'
(checked separately), so a branch named by a user cannot be read as an option."""


class GitError(PortalError):
    """A git command failed on input the user gave (a bad revision, no repository): exit 2."""

    exit_code = 2


@dataclass
class Git:
    """The repository at ``root``."""

    root: Path
    runner: Runner = field(default_factory=SubprocessRunner)

    def run(self, *args: str) -> str:
        """Run ``git args`` in the repository; its output, or GitError with git's message."""
        done = self.runner.run(["git", *args], self.root)
        if done.returncode != 0:
            message = (done.stderr or done.stdout).strip().splitlines()
            raise GitError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
        return done.stdout

    def tracked(self, paths: list[str]) -> list[str]:
        """Which of ``paths`` (files or folders, repository-relative) git tracks."""
        if not paths:
            return []
        return sorted(set(self.run("ls-files", "-z", "--", *paths).split("\0")) - {""})

    def rev_parse(self, rev: str) -> str:
        """The full SHA of the commit ``rev`` names (a branch, tag, SHA or ``HEAD~3``)."""
        if not _REV.fullmatch(rev) or rev.startswith("-"):
            raise GitError(f"'{rev}' is not a revision: use a commit SHA, branch or tag")
        try:
            return self.run("rev-parse", "--verify", "--quiet", f"{rev}^{{commit}}").strip()
        except GitError:
            raise GitError(
                f"'{rev}' names no commit in {self.root.name}; check the SHA, branch or tag "
                "(in GitHub Actions, fetch the history with actions/checkout's fetch-depth: 0)"
            ) from None

    # Reads for the GitOps loop (diff, history, build --at): trees and blobs come from
    # git's object store as bytes, never from a checkout.

    def tree(self, commit: str) -> list[TreeEntry]:
        """Every file of ``commit`` (a full SHA), recursively."""
        out = self._bytes("ls-tree", "-r", "-z", "--full-tree", self._sha(commit))
        entries = []
        for record in out.split(b"\0"):
            if not record:
                continue
            meta, _, path = record.partition(b"\t")
            mode, _, sha = meta.decode("ascii").split(" ")
            entries.append(TreeEntry(mode, sha, path.decode("utf-8", "surrogateescape")))
        return entries

    def blobs(self, shas: list[str]) -> dict[str, bytes]:
        """The content of each blob, read in one ``cat-file --batch``."""
        wanted = sorted(set(shas))
        if not wanted:
            return {}
        for sha in wanted:
            self._sha(sha)
        out = self._bytes("cat-file", "--batch", stdin="".join(f"{s}\n" for s in wanted))
        found: dict[str, bytes] = {}
        at = 0
        while at < len(out):
            end = out.index(b"\n", at)
            header = out[at:end].decode("ascii").split(" ")
            if len(header) != 3:
                raise GitError(f"git cat-file: object {header[0]} is missing")
            size = int(header[2])
            found[header[0]] = out[end + 1 : end + 1 + size]
            at = end + 1 + size + 1
        return found

    def log(self, commit: str, paths: list[str]) -> list[LogEntry]:
        """The first-parent history of ``commit`` touching ``paths``, oldest first.

        First parent: each entry is one change to the branch as it landed (a merged
        pull request, a squash, a direct push), dated when it landed; a merge commit's
        changes are those against the branch it was merged into. No rename detection:
        callers follow entities by their ref, which survives any rename or move."""
        fmt = "%x01%H%x00%an%x00%cI%x00%s"
        out = self._bytes(
            "log", "-z", "--raw", "--relative", "--no-abbrev", "--no-renames", "--first-parent",
            "--diff-merges=first-parent", "--reverse", f"--format={fmt}",
            self._sha(commit), "--", *paths,
        )  # fmt: skip
        return _parse_log(out.decode("utf-8", "surrogateescape"))

    def commit_before(self, commit: str, date: str) -> str | None:
        """The last first-parent ancestor of ``commit`` committed before ``date``
        (``YYYY-MM-DD`` or an ISO 8601 time), or None when there is none."""
        if not _DATE.fullmatch(date):
            raise GitError(f"'{date}' is not a date: write YYYY-MM-DD or YYYY-MM-DDTHH:MM")
        found = self.run(
            "rev-list", "-1", "--first-parent", f"--before={date}", self._sha(commit), "--"
        )
        return found.strip() or None

    def prefix(self) -> str:
        """Where ``root`` is inside the repository: ``''`` at the top, else ``sub/dir/``."""
        return self.run("rev-parse", "--show-prefix").strip()

    def is_shallow(self) -> bool:
        """True in a shallow clone (CI's default): older history is not there."""
        return self.run("rev-parse", "--is-shallow-repository").strip() == "true"

    def commit_date(self, commit: str) -> str:
        """The committer date of ``commit``, ISO 8601."""
        return self.run("show", "-s", "--format=%cI", self._sha(commit), "--").strip()

    def _sha(self, sha: str) -> str:
        if not _SHA.fullmatch(sha):
            raise GitError(f"'{sha}' is not a full commit id; resolve it with rev_parse first")
        return sha

    def _bytes(self, *args: str, stdin: str = "") -> bytes:
        done = self.runner.run_bytes(["git", *args], self.root, stdin.encode())
        if done.returncode != 0:
            message = done.stderr.strip().splitlines()
            raise GitError(f"git {args[0]} failed: {message[-1] if message else done.returncode}")
        return done.stdout


@dataclass(frozen=True)
class TreeEntry:
    """One file of a commit's tree."""

    mode: str
    """``100644`` file, ``100755`` executable, ``120000`` symbolic link, ``160000``
    submodule."""
    sha: str
    path: str
    """Repository-relative, POSIX; may hold any byte git allows but NUL."""


@dataclass(frozen=True)
class FileChange:
    """One file a commit changed: its blob before and after (``None`` when the file did
    not exist on that side, or is not a plain file or link)."""

    path: str
    old: str | None
    new: str | None


@dataclass(frozen=True)
class LogEntry:
    """A commit of ``git log``, with the files it changed under the asked paths."""

    sha: str
    author: str
    date: str
    """Committer date, ISO 8601 (when the commit landed on the branch)."""
    subject: str
    changes: tuple[FileChange, ...]


def _blob_sha(mode: str, sha: str) -> str | None:
    # Only plain files and links have content to read: a submodule is a commit, and an
    # all-zero id is git's "nothing on this side".
    return sha if mode[:2] in ("10", "12") and sha.strip("0") else None


def _parse_log(text: str) -> list[LogEntry]:
    """Parse ``git log -z --raw`` with the header format of :meth:`GitReader.log`:
    NUL-separated tokens; a header's first token starts with \\x01, and each raw entry
    (``:mode mode sha sha status``) is followed by its path."""
    tokens = text.split("\0")
    entries: list[LogEntry] = []
    i = 0
    while i < len(tokens):
        token = tokens[i].lstrip("\n")
        if not token.startswith("\x01"):
            i += 1
            continue
        sha, author, date, subject = token[1:], *tokens[i + 1 : i + 4]
        i += 4
        changes = []
        while i + 1 < len(tokens) and tokens[i].lstrip("\n").startswith(":"):
            old_mode, new_mode, old, new, _ = tokens[i].lstrip("\n")[1:].split(" ")
            changes.append(
                FileChange(tokens[i + 1], _blob_sha(old_mode, old), _blob_sha(new_mode, new))
            )
            i += 2
        entries.append(LogEntry(sha, author, date, subject, tuple(changes)))
    return entries
