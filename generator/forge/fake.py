"""An in-memory GitHub for tests: repositories with branches of files, pull requests,
comments, deployments and issues, and a log of every call (what a test asserts on).
It enforces what GitHub does where the portal relies on it: one open pull request per
head branch, no repository created twice, no comment edited that does not exist."""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime
from hashlib import sha1

from generator.forge import (
    Access,
    Comment,
    Commit,
    Deployment,
    ForgeError,
    Issue,
    Protection,
    PullRequest,
    RateLimited,
    Repo,
)


@dataclass
class FakeRepo:
    """One repository's state."""

    info: Repo
    branches: dict[str, str] = field(default_factory=dict)
    """Branch name to commit SHA."""
    commits: dict[str, tuple[str | None, dict[str, bytes], str]] = field(default_factory=dict)
    """SHA to (parent, the whole tree as path to bytes, message)."""
    pulls: dict[int, PullRequest] = field(default_factory=dict)
    comments: dict[int, list[Comment]] = field(default_factory=dict)
    access: Access = field(default_factory=Access)
    protection: dict[str, Protection] = field(default_factory=dict)
    deployments: list[Deployment] = field(default_factory=list)
    history: list[Commit] = field(default_factory=list)
    """Commits in order, for :meth:`FakeForge.compare`."""
    issues: list[Issue] = field(default_factory=list)
    executable: set[str] = field(default_factory=set)
    """Paths ever committed with the executable mode."""

    def tree(self, branch: str) -> dict[str, bytes]:
        """The files on ``branch`` (empty when it does not exist)."""
        sha = self.branches.get(branch)
        return dict(self.commits[sha][1]) if sha else {}


class FakeForge:
    """A :class:`generator.forge.Forge` kept in memory. ``budget`` limits how many calls
    succeed before :class:`RateLimited` is raised (None: unlimited)."""

    def __init__(self, budget: int | None = None) -> None:
        self.repos: dict[str, FakeRepo] = {}
        self.calls: list[tuple[str, ...]] = []
        self.budget = budget
        self._numbers = itertools.count(1)
        self._ids = itertools.count(1001)
        self.login = "portal-bot"

    # Test set-up helpers, not part of the Forge protocol.
    def add_repo(self, full_name: str, files: Mapping[str, bytes] | None = None) -> FakeRepo:
        """A repository with ``files`` committed on its default branch."""
        repo = self.repos[full_name.lower()] = FakeRepo(Repo(full_name))
        sha = self._commit(repo, None, dict(files or {}), "initial commit")
        repo.branches[repo.info.default_branch] = sha
        return repo

    def _call(self, *what: str) -> None:
        if self.budget is not None:
            if self.budget <= 0:
                raise RateLimited(f"rate limit exceeded during {what[0]}")
            self.budget -= 1
        self.calls.append(what)

    def _repo(self, full_name: str) -> FakeRepo:
        repo = self.repos.get(full_name.lower())
        if repo is None:
            raise ForgeError(f"GitHub: repository {full_name} not found (404)")
        return repo

    def _commit(
        self, repo: FakeRepo, parent: str | None, tree: dict[str, bytes], message: str
    ) -> str:
        digest = sha1(repr((parent, sorted(tree.items()), message)).encode())
        sha = digest.hexdigest()
        repo.commits[sha] = (parent, tree, message)
        return sha

    # Repositories
    def repo(self, full_name: str) -> Repo | None:
        self._call("repo", full_name)
        found = self.repos.get(full_name.lower())
        return found.info if found else None

    def create_repo(self, repo: Repo) -> Repo:
        self._call("create_repo", repo.full_name)
        if repo.full_name.lower() in self.repos:
            raise ForgeError(f"GitHub: repository {repo.full_name} already exists (422)")
        url = f"https://github.com/{repo.full_name}"
        fake = self.repos[repo.full_name.lower()] = FakeRepo(replace(repo, url=url))
        return fake.info

    def grant(self, full_name: str, access: Access) -> None:
        self._call("grant", full_name)
        repo = self._repo(full_name)
        repo.access = Access(
            {**repo.access.users, **access.users}, {**repo.access.teams, **access.teams}
        )

    def protect(self, full_name: str, branch: str, rules: Protection) -> None:
        self._call("protect", full_name, branch)
        repo = self._repo(full_name)
        if branch not in repo.branches:
            raise ForgeError(f"GitHub: branch {branch} of {full_name} not found (404)")
        repo.protection[branch] = rules

    # Branches and commits
    def branch_head(self, full_name: str, branch: str) -> str | None:
        self._call("branch_head", full_name, branch)
        return self._repo(full_name).branches.get(branch)

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
        self._call("commit_files", full_name, branch)
        self._repo(full_name).executable.update(executable)
        repo = self._repo(full_name)
        head = repo.branches.get(branch)
        if head is None:
            head = repo.branches.get(base)
            if head is None and repo.branches:
                raise ForgeError(f"GitHub: base branch {base} of {full_name} not found (404)")
        tree = dict(repo.commits[head][1]) if head else {}
        unchanged = all(tree.get(path) == data for path, data in files.items())
        if unchanged and head is not None and branch in repo.branches:
            return head  # nothing new: the same request ran before
        tree.update(files)
        sha = self._commit(repo, head, tree, message)
        repo.branches[branch] = sha
        return sha

    def read_file(self, full_name: str, branch: str, path: str) -> bytes | None:
        self._call("read_file", full_name, branch, path)
        return self._repo(full_name).tree(branch).get(path)

    # Pull requests, issues and comments
    def find_pull(self, full_name: str, head: str) -> PullRequest | None:
        self._call("find_pull", full_name, head)
        pulls = self._repo(full_name).pulls.values()
        return next((p for p in pulls if p.head == head and p.state == "open"), None)

    def open_pull(
        self, full_name: str, *, head: str, base: str, title: str, body: str, draft: bool = False
    ) -> PullRequest:
        self._call("open_pull", full_name, head)
        repo = self._repo(full_name)
        if head not in repo.branches:
            raise ForgeError(f"GitHub: head branch {head} not found (422)")
        if any(p.head == head and p.state == "open" for p in repo.pulls.values()):
            raise ForgeError(f"GitHub: a pull request already exists for {head} (422)")
        number = next(self._numbers)
        url = f"https://github.com/{full_name}/pull/{number}"
        pull = PullRequest(number, head, base, title, body, url, draft=draft)
        repo.pulls[number] = pull
        return pull

    def pull(self, full_name: str, number: int) -> PullRequest | None:
        self._call("pull", full_name, str(number))
        repo = self._repo(full_name)
        found = repo.pulls.get(number)
        if found is None:
            return None
        return replace(found, head_sha=repo.branches.get(found.head, found.head_sha))

    def update_pull(self, full_name: str, number: int, *, title: str, body: str) -> PullRequest:
        self._call("update_pull", full_name, str(number))
        repo = self._repo(full_name)
        pull = repo.pulls[number] = replace(self._pull(repo, number), title=title, body=body)
        return pull

    def _pull(self, repo: FakeRepo, number: int) -> PullRequest:
        if number not in repo.pulls:
            raise ForgeError(f"GitHub: pull request #{number} not found (404)")
        return repo.pulls[number]

    def label(self, full_name: str, number: int, labels: Sequence[str]) -> None:
        self._call("label", full_name, str(number))
        repo = self._repo(full_name)
        if number in repo.pulls:
            pull = repo.pulls[number]
            merged = tuple(sorted({*pull.labels, *labels}))
            repo.pulls[number] = replace(pull, labels=merged)

    def request_review(
        self, full_name: str, number: int, users: Sequence[str], teams: Sequence[str]
    ) -> None:
        self._call("request_review", full_name, str(number))
        repo = self._repo(full_name)
        pull = self._pull(repo, number)
        repo.pulls[number] = replace(
            pull,
            reviewers=tuple(sorted({*pull.reviewers, *users})),
            team_reviewers=tuple(sorted({*pull.team_reviewers, *teams})),
        )

    def comments(self, full_name: str, number: int) -> list[Comment]:
        self._call("comments", full_name, str(number))
        return list(self._repo(full_name).comments.get(number, []))

    def comment(self, full_name: str, number: int, body: str) -> Comment:
        self._call("comment", full_name, str(number))
        made = Comment(next(self._ids), body, self.login)
        self._repo(full_name).comments.setdefault(number, []).append(made)
        return made

    def edit_comment(self, full_name: str, comment_id: int, body: str) -> Comment:
        self._call("edit_comment", full_name, str(comment_id))
        for thread in self._repo(full_name).comments.values():
            for i, old in enumerate(thread):
                if old.id == comment_id:
                    thread[i] = replace(old, body=body)
                    return thread[i]
        raise ForgeError(f"GitHub: comment {comment_id} not found (404)")

    # What the metrics stage reads
    def deployments(
        self, full_name: str, *, environment: str | None = None
    ) -> Iterator[Deployment]:
        self._call("deployments", full_name)
        found = self._repo(full_name).deployments
        chosen = [d for d in found if environment is None or d.environment == environment]
        yield from sorted(chosen, key=lambda d: (d.created_at, d.id), reverse=True)

    def compare(self, full_name: str, base: str, head: str) -> list[Commit]:
        self._call("compare", full_name, base, head)
        shas = [c.sha for c in self._repo(full_name).history]
        if head not in shas:
            raise ForgeError(f"GitHub: no common ancestor for {base}...{head} (404)")
        start = shas.index(base) + 1 if base in shas else 0
        return self._repo(full_name).history[start : shas.index(head) + 1]

    def issues(
        self, full_name: str, *, labels: Sequence[str], since: datetime | None = None
    ) -> Iterator[Issue]:
        self._call("issues", full_name)
        for issue in sorted(self._repo(full_name).issues, key=lambda i: (i.created_at, i.number)):
            updated = issue.closed_at or issue.created_at
            if set(labels) <= set(issue.labels) and (since is None or updated >= since):
                yield issue
