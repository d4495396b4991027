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
