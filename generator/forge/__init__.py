"""The seam for the GitHub API: every command that reads or writes GitHub goes through a
:class:`Forge`. :class:`generator.forge.github.GitHubForge` is the real one (PyGithub,
which github-action-toolkit brings); :class:`generator.forge.fake.FakeForge` keeps
everything in memory for tests, which never touch the network.

Everything passed in (titles, bodies, comments) is data: it goes to the API as JSON,
never through a shell. Methods take repositories as ``owner/name``.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Protocol

from generator.errors import PortalError


class ForgeError(PortalError):
    """A GitHub call failed: exit 1, with what was asked and what GitHub answered."""

    exit_code = 1


class RateLimited(ForgeError):
    """GitHub's rate limit is spent until ``reset`` (UTC); callers stop cleanly with what
    they have, or wait."""

    def __init__(self, message: str, reset: datetime | None = None) -> None:
        super().__init__(message)
        self.reset = reset


@dataclass(frozen=True)
class Repo:
    """A repository as the commands need it."""

    full_name: str
    default_branch: str = "main"
    visibility: str = "private"
    description: str = ""
    topics: tuple[str, ...] = ()
    url: str = ""
    homepage: str = ""
    delete_branch_on_merge: bool = False


@dataclass(frozen=True)
class PullRequest:
    """An open (or closed) pull request."""

    number: int
    head: str
    base: str
    title: str
    body: str
    url: str
    state: str = "open"
    draft: bool = False
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()
    team_reviewers: tuple[str, ...] = ()
    head_sha: str = ""
    """The commit the head branch points at."""


@dataclass(frozen=True)
class Comment:
    """A comment on an issue or pull request."""

    id: int
    body: str
    author: str = ""
    url: str = ""


@dataclass(frozen=True)
class Protection:
    """Branch protection as ``publish:github`` sets it (on by default, as Backstage)."""

    required_approving_review_count: int = 1
    require_code_owner_reviews: bool = False
    dismiss_stale_reviews: bool = False
    required_status_checks: tuple[str, ...] = ()
    enforce_admins: bool = False
    required_linear_history: bool = False
    required_conversation_resolution: bool = False


@dataclass(frozen=True)
class Deployment:
    """A GitHub deployment and its statuses (oldest first)."""

    id: int
    sha: str
    environment: str
    created_at: datetime
    statuses: tuple[tuple[str, datetime], ...] = ()
    """(state, created_at): ``success``, ``failure``, ``error``, ``inactive``, ..."""
    workflow: str = ""
    """The workflow file that ran the deployment (``.github/workflows/deploy.yml``), when
    its statuses link an Actions run; ``""`` otherwise."""


@dataclass(frozen=True)
class Commit:
    """A commit as the compare API lists it."""

    sha: str
    time: datetime
    """The committer date."""


@dataclass(frozen=True)
class Issue:
    """An issue (pull requests are filtered out by the forge)."""

    number: int
    title: str
    state: str
    created_at: datetime
    closed_at: datetime | None
    labels: tuple[str, ...] = ()
    body: str = ""
    url: str = ""


@dataclass
class Access:
    """Who may use a new repository: user and team slugs to permission (``pull``,
    ``push``, ``admin``, ``maintain``, ``triage``)."""

    users: Mapping[str, str] = field(default_factory=dict)
    teams: Mapping[str, str] = field(default_factory=dict)


class Forge(Protocol):
    """What the portal asks of GitHub. Implementations raise :class:`ForgeError` (or
    :class:`RateLimited`) with a message naming the call, never a bare traceback."""

    # Repositories
    def repo(self, full_name: str) -> Repo | None:
        """The repository, or None when it does not exist (or is not visible)."""
        ...

    def create_repo(self, repo: Repo) -> Repo:
        """Create ``repo`` (under an organisation or the token's user), with its topics."""
        ...

    def grant(self, full_name: str, access: Access) -> None:
        """Give users and teams their permission on the repository."""
        ...

    def protect(self, full_name: str, branch: str, rules: Protection) -> None:
        """Set branch protection on ``branch``."""
        ...

    # Branches and commits
    def branch_head(self, full_name: str, branch: str) -> str | None:
        """The commit ``branch`` points at, or None when there is no such branch."""
        ...

    def commit_files(
        self,
        full_name: str,
        *,
        branch: str,
        base: str,
        files: Mapping[str, bytes],
        message: str,
        executable: Collection[str] = frozenset(),
    ) -> str:
        """Commit ``files`` (repository paths) on ``branch``, made from ``base`` when it
        does not exist yet; the new commit's SHA. Paths in ``executable`` get git's
        executable mode (scripts a golden path creates). When the branch already holds
        exactly these files, nothing is committed and its head is returned (re-runs are
        idempotent)."""
        ...

    def read_file(self, full_name: str, branch: str, path: str) -> bytes | None:
        """The file at ``path`` on ``branch``, or None when there is no such file."""
        ...

    # Pull requests, issues and comments
    def find_pull(self, full_name: str, head: str) -> PullRequest | None:
        """The open pull request from branch ``head``, if any."""
        ...

    def open_pull(
        self, full_name: str, *, head: str, base: str, title: str, body: str, draft: bool = False
    ) -> PullRequest:
        """Open a pull request."""
        ...

    def pull(self, full_name: str, number: int) -> PullRequest | None:
        """Pull request ``number`` (open or closed), or None when there is none."""
        ...

    def update_pull(self, full_name: str, number: int, *, title: str, body: str) -> PullRequest:
        """Change a pull request's title and body."""
        ...

    def label(self, full_name: str, number: int, labels: Sequence[str]) -> None:
        """Add labels to an issue or pull request."""
        ...

    def request_review(
        self, full_name: str, number: int, users: Sequence[str], teams: Sequence[str]
    ) -> None:
        """Ask users and teams to review a pull request."""
        ...

    def comments(self, full_name: str, number: int) -> list[Comment]:
        """The comments on an issue or pull request, oldest first."""
        ...

    def comment(self, full_name: str, number: int, body: str) -> Comment:
        """Add a comment to an issue or pull request."""
        ...

    def edit_comment(self, full_name: str, comment_id: int, body: str) -> Comment:
        """Replace a comment's body."""
        ...

    # What the metrics stage reads
    def deployments(
        self, full_name: str, *, environment: str | None = None
    ) -> Iterator[Deployment]:
        """Deployments, newest first, with their statuses (paginated lazily)."""
        ...

    def compare(self, full_name: str, base: str, head: str) -> list[Commit]:
        """Commits reachable from ``head`` and not from ``base``, oldest first."""
        ...

    def issues(
        self, full_name: str, *, labels: Sequence[str], since: datetime | None = None
    ) -> Iterator[Issue]:
        """Issues (open and closed, pull requests left out) with all of ``labels``,
        updated since ``since``, oldest first."""
        ...
