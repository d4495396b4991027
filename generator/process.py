"""The seam for side effects that leave the process: subprocesses (git) today, the
GitHub API later. Commands receive a :class:`Runner`; tests pass :class:`FakeRunner`.

Arguments are always a list (never ``shell=True``), and callers put ``--`` before
anything derived from user input.
"""

from __future__ import annotations

import subprocess
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol


@dataclass(frozen=True)
class Result:
    """What a command returned."""

    returncode: int
    stdout: str
    stderr: str = ""


@dataclass(frozen=True)
class Output:
    """What a command returned, its output as bytes (git objects are not text)."""

    returncode: int
    stdout: bytes
    stderr: str = ""


class Runner(Protocol):
    """Runs an argv list in a folder."""

    def run(self, argv: Sequence[str], cwd: Path) -> Result:
        """Run ``argv``; never raises for a non-zero exit."""
        ...

    def run_bytes(self, argv: Sequence[str], cwd: Path, stdin: bytes = b"") -> Output:
        """Run ``argv`` with ``stdin`` as its input; its output as bytes. Never raises
        for a non-zero exit."""
        ...


class SubprocessRunner:
    """The real runner."""

    def run(self, argv: Sequence[str], cwd: Path) -> Result:
        """Run ``argv`` in ``cwd`` with a timeout; a missing program is exit 127."""
        try:
            done = subprocess.run(
                list(argv), cwd=cwd, capture_output=True, text=True, timeout=120, check=False
            )
        except FileNotFoundError as exc:
            return Result(127, "", str(exc))
        except subprocess.TimeoutExpired:
            return Result(124, "", f"timed out: {argv[0]}")
        return Result(done.returncode, done.stdout, done.stderr)

    def run_bytes(self, argv: Sequence[str], cwd: Path, stdin: bytes = b"") -> Output:
        """Run ``argv`` in ``cwd`` feeding it ``stdin``; a missing program is exit 127.
        A long timeout: reading a large history is one command."""
        try:
            done = subprocess.run(
                list(argv), cwd=cwd, input=stdin, capture_output=True, timeout=600, check=False
            )
        except FileNotFoundError as exc:
            return Output(127, b"", str(exc))
        except subprocess.TimeoutExpired:
            return Output(124, b"", f"timed out: {argv[0]}")
        return Output(done.returncode, done.stdout, done.stderr.decode("utf-8", "replace"))


@dataclass
class FakeRunner:
    """Answers from a table of ``argv tuple -> Result`` and records every call."""

    answers: dict[tuple[str, ...], Result] = field(default_factory=dict)
    calls: list[tuple[str, ...]] = field(default_factory=list)

    def run(self, argv: Sequence[str], cwd: Path) -> Result:  # noqa: ARG002
        """Look the call up; unknown calls fail like a missing program."""
        key = tuple(argv)
        self.calls.append(key)
        return self.answers.get(key, Result(127, "", "not faked"))

    def run_bytes(self, argv: Sequence[str], cwd: Path, stdin: bytes = b"") -> Output:  # noqa: ARG002
        """The text answer for ``argv``, encoded (the input is not looked at)."""
        done = self.run(argv, cwd)
        return Output(done.returncode, done.stdout.encode(), done.stderr)


@dataclass(frozen=True)
class Revision:
    """The commit a build comes from, and recent changes per file."""

    commit: str
    short: str
    recent: tuple[tuple[str, str], ...] = ()
    """(ISO date, repository-relative file) of recently changed files, newest first."""


def current_revision(
    runner: Runner, root: Path, env_sha: str | None = None, folders: Sequence[str] = ()
) -> Revision:
    """The checked-out commit (``$GITHUB_SHA`` wins) and the files recently changed in
    ``folders`` (repository-relative; all files when empty). Limiting the history to
    the catalog's folders matters: in a repository that also holds code, the last 40
    commits may not touch the catalog at all."""
    commit = env_sha or ""
    if not commit:
        head = runner.run(["git", "rev-parse", "HEAD"], root)
        commit = head.stdout.strip() if head.returncode == 0 else ""
    if not commit:
        return Revision("unknown", "unknown")
    log_args = ["git", "log", "-n", "40", "--name-only", "--format=@%cI", commit, "--"]
    log = runner.run([*log_args, *folders], root)
    return Revision(commit, commit[:12], _recent(log.stdout) if log.returncode == 0 else ())


def _recent(text: str) -> tuple[tuple[str, str], ...]:
    seen: dict[str, str] = {}
    date = ""
    for line in text.splitlines():
        if line.startswith("@"):
            date = line[1:]
        elif line and line not in seen:
            seen[line] = date
    return tuple((d, f) for f, d in seen.items())
