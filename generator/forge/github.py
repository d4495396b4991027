"""The real :class:`generator.forge.Forge`: GitHub's REST API through PyGithub (brought
by github-action-toolkit), which pages lists lazily and retries on secondary limits.

The token comes from the environment (``GITHUB_TOKEN`` or ``GH_TOKEN``), never from an
argument, so it appears in no command line, plan or log. Commits are made with the Git
Data API (blobs, tree, commit, ref): no checkout, no push credentials on disk.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Collection, Iterator, Mapping, Sequence
from datetime import UTC, datetime
from functools import partial
from typing import Any, TypeVar

from generator.errors import ConfigError
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

T = TypeVar("T")
_RUN = re.compile(r"/actions/runs/(\d+)")


def token_from_env(hint: str = "") -> str:
    """The API token; a ConfigError naming the variables (and ``hint``) when there is
    none."""
    token = os.environ.get("GITHUB_TOKEN") or os.environ.get("GH_TOKEN")
    if not token:
        raise ConfigError(f"no GitHub token: set GITHUB_TOKEN (or GH_TOKEN){hint}")
    return token


class GitHubForge:
    """GitHub (or GitHub Enterprise at ``base_url``) through PyGithub."""

    def __init__(self, token: str | None = None, base_url: str | None = None) -> None:
        from github import Auth, Github

        url = base_url or os.environ.get("GITHUB_API_URL") or "https://api.github.com"
        self._gh = Github(auth=Auth.Token(token or token_from_env()), base_url=url)

    def _do(self, what: str, call: Callable[[], T]) -> T:
        """Run one API call, turning PyGithub's exceptions into ForgeError."""
        from github import GithubException, RateLimitExceededException

        try:
            return call()
        except RateLimitExceededException as exc:
            reset = exc.headers.get("x-ratelimit-reset") if exc.headers else None
            when = datetime.fromtimestamp(int(reset), tz=UTC) if reset else None
            raise RateLimited(f"GitHub rate limit reached during {what}", when) from exc
        except GithubException as exc:
            message = exc.data.get("message") if isinstance(exc.data, dict) else exc.data
            raise ForgeError(f"GitHub: {what} failed ({exc.status}: {message})") from exc

    def _repo(self, full_name: str) -> Any:
        return self._do(f"reading {full_name}", lambda: self._gh.get_repo(full_name))

    # Repositories
    def repo(self, full_name: str) -> Repo | None:
        from github import UnknownObjectException

        try:
            found = self._gh.get_repo(full_name)
        except UnknownObjectException:
            return None
        return self._do(f"reading {full_name}", lambda: _repo(found))

    def create_repo(self, repo: Repo) -> Repo:
        owner, name = repo.full_name.split("/", 1)

        def create() -> Any:
            user = self._gh.get_user()
            home = user if user.login.lower() == owner.lower() else self._gh.get_organization(owner)
            made = home.create_repo(
                name,
                description=repo.description,
                homepage=repo.homepage,
                delete_branch_on_merge=repo.delete_branch_on_merge,
                private=repo.visibility != "public",
                # The Git Data API refuses blobs in an empty repository (409): start it
                # with GitHub's first commit, which the first commit_files builds on.
                auto_init=True,
            )
            if repo.topics:
                made.replace_topics(list(repo.topics))
            return made

        return _repo(self._do(f"creating {repo.full_name}", create))

    def grant(self, full_name: str, access: Access) -> None:
        gh_repo = self._repo(full_name)
        owner = full_name.split("/", 1)[0]

        def add_user(user: str, permission: str) -> None:
            gh_repo.add_to_collaborators(user, permission)

        def add_team(slug: str, permission: str) -> None:
            team = self._gh.get_organization(owner).get_team_by_slug(slug)
            team.update_team_repository(gh_repo, permission)

        for user, permission in sorted(access.users.items()):
            self._do(f"adding {user} to {full_name}", partial(add_user, user, permission))
        for slug, permission in sorted(access.teams.items()):
            self._do(
                f"giving team {slug} access to {full_name}", partial(add_team, slug, permission)
            )

    def protect(self, full_name: str, branch: str, rules: Protection) -> None:
        gh_repo = self._repo(full_name)
        self._do(
            f"protecting {branch} of {full_name}",
            lambda: gh_repo.get_branch(branch).edit_protection(
                strict=bool(rules.required_status_checks),
                contexts=list(rules.required_status_checks),
                enforce_admins=rules.enforce_admins,
                required_approving_review_count=rules.required_approving_review_count,
                require_code_owner_reviews=rules.require_code_owner_reviews,
                dismiss_stale_reviews=rules.dismiss_stale_reviews,
                required_linear_history=rules.required_linear_history,
                required_conversation_resolution=rules.required_conversation_resolution,
            ),
        )

    # Branches and commits
    def branch_head(self, full_name: str, branch: str) -> str | None:
        from github import GithubException

        gh_repo = self._repo(full_name)
        try:
            return str(gh_repo.get_git_ref(f"heads/{branch}").object.sha)
        except GithubException as exc:
            if exc.status in (404, 409):  # 409: the repository is empty
                return None
            raise ForgeError(
                f"GitHub: reading {branch} of {full_name} failed ({exc.status})"
            ) from exc

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
        from github import InputGitTreeElement

        gh_repo = self._repo(full_name)
        head = self.branch_head(full_name, branch)
        parent_sha = head or self.branch_head(full_name, base)

        def commit() -> str:
            parents = [gh_repo.get_git_commit(parent_sha)] if parent_sha else []
            elements = [
                InputGitTreeElement(
                    path,
                    "100755" if path in executable else "100644",
                    "blob",
                    sha=_blob(gh_repo, data),
                )
                for path, data in sorted(files.items())
            ]
            base_tree = parents[0].tree if parents else None
            tree = (
                gh_repo.create_git_tree(elements, base_tree)
                if base_tree
                else gh_repo.create_git_tree(elements)
            )
            if parents and tree.sha == parents[0].tree.sha and head:
                return str(head)  # nothing new: the same request ran before
            made = gh_repo.create_git_commit(message, tree, parents)
            if head:
                gh_repo.get_git_ref(f"heads/{branch}").edit(made.sha)
            else:
                gh_repo.create_git_ref(f"refs/heads/{branch}", made.sha)
            return str(made.sha)

        return self._do(f"committing to {branch} of {full_name}", commit)

    def read_file(self, full_name: str, branch: str, path: str) -> bytes | None:
        from github import GithubException

        gh_repo = self._repo(full_name)
        try:
            found = gh_repo.get_contents(path, ref=branch)
        except GithubException as exc:
            if exc.status == 404:
                return None
            raise ForgeError(
                f"GitHub: reading {path} of {full_name} failed ({exc.status})"
            ) from exc
        return None if isinstance(found, list) else bytes(found.decoded_content)

    # Pull requests, issues and comments
    def find_pull(self, full_name: str, head: str) -> PullRequest | None:
        gh_repo = self._repo(full_name)
        owner = full_name.split("/", 1)[0]
        pulls = self._do(
            f"listing pull requests of {full_name}",
            lambda: list(gh_repo.get_pulls(state="open", head=f"{owner}:{head}")),
        )
        return _pull(pulls[0]) if pulls else None

    def open_pull(
        self, full_name: str, *, head: str, base: str, title: str, body: str, draft: bool = False
    ) -> PullRequest:
        gh_repo = self._repo(full_name)
        made = self._do(
            f"opening a pull request on {full_name}",
            lambda: gh_repo.create_pull(base=base, head=head, title=title, body=body, draft=draft),
        )
        return _pull(made)

    def pull(self, full_name: str, number: int) -> PullRequest | None:
        from github import UnknownObjectException

        gh_repo = self._repo(full_name)
        try:
            found = gh_repo.get_pull(number)
        except UnknownObjectException:
            return None
        return self._do(f"reading #{number} of {full_name}", lambda: _pull(found))

    def update_pull(self, full_name: str, number: int, *, title: str, body: str) -> PullRequest:
        gh_repo = self._repo(full_name)

        def update() -> Any:
            pull = gh_repo.get_pull(number)
            pull.edit(title=title, body=body)
            return gh_repo.get_pull(number)

        return _pull(self._do(f"updating #{number} of {full_name}", update))

    def label(self, full_name: str, number: int, labels: Sequence[str]) -> None:
        gh_repo = self._repo(full_name)
        self._do(
            f"labelling #{number} of {full_name}",
            lambda: gh_repo.get_issue(number).add_to_labels(*labels),
        )

    def request_review(
        self, full_name: str, number: int, users: Sequence[str], teams: Sequence[str]
    ) -> None:
        gh_repo = self._repo(full_name)
        self._do(
            f"requesting reviews on #{number} of {full_name}",
            lambda: gh_repo.get_pull(number).create_review_request(
                reviewers=list(users), team_reviewers=list(teams)
            ),
        )

    def comments(self, full_name: str, number: int) -> list[Comment]:
        gh_repo = self._repo(full_name)
        found = self._do(
            f"reading comments on #{number} of {full_name}",
            lambda: list(gh_repo.get_issue(number).get_comments()),
        )
        return [_comment(c) for c in found]

    def comment(self, full_name: str, number: int, body: str) -> Comment:
        gh_repo = self._repo(full_name)
        made = self._do(
            f"commenting on #{number} of {full_name}",
            lambda: gh_repo.get_issue(number).create_comment(body),
        )
        return _comment(made)

    def edit_comment(self, full_name: str, comment_id: int, body: str) -> Comment:
        gh_repo = self._repo(full_name)

        def edit() -> Any:
            found = gh_repo.get_issue_comment(comment_id)
            found.edit(body)
            return gh_repo.get_issue_comment(comment_id)

        return _comment(self._do(f"editing comment {comment_id} on {full_name}", edit))

    # What the metrics stage reads
    def deployments(
        self, full_name: str, *, environment: str | None = None
    ) -> Iterator[Deployment]:
        gh_repo = self._repo(full_name)
        kwargs = {"environment": environment} if environment else {}
        runs: dict[str, str] = {}
        pages = self._do(
            f"listing deployments of {full_name}", lambda: iter(gh_repo.get_deployments(**kwargs))
        )
        while True:
            deployment = self._do(f"listing deployments of {full_name}", lambda: next(pages, None))
            if deployment is None:
                return
            statuses: list[Any] = self._do(
                f"reading statuses of deployment {deployment.id}",
                partial(list, deployment.get_statuses()),
            )
            yield Deployment(
                deployment.id,
                deployment.sha,
                deployment.environment,
                _utc(deployment.created_at),
                tuple(sorted((s.state, _utc(s.created_at)) for s in statuses)),
                self._workflow(gh_repo, statuses, runs),
            )

    def _workflow(self, gh_repo: Any, statuses: list[Any], runs: dict[str, str]) -> str:
        """The workflow file of the Actions run a status links to (one call per run)."""
        for status in statuses:
            link = getattr(status, "log_url", None) or getattr(status, "target_url", None) or ""
            found = _RUN.search(link)
            if found:
                run = found.group(1)
                if run not in runs:
                    runs[run] = self._do(
                        f"reading workflow run {run}", partial(_run_path, gh_repo, int(run))
                    )
                return runs[run]
        return ""

    def compare(self, full_name: str, base: str, head: str) -> list[Commit]:
        gh_repo = self._repo(full_name)
        found = self._do(
            f"comparing {base}...{head} in {full_name}",
            lambda: list(gh_repo.compare(base, head).commits),
        )
        return [Commit(c.sha, _utc(c.commit.committer.date)) for c in found]

    def issues(
        self, full_name: str, *, labels: Sequence[str], since: datetime | None = None
    ) -> Iterator[Issue]:
        gh_repo = self._repo(full_name)
        kwargs: dict[str, Any] = {"state": "all", "labels": list(labels)}
        kwargs |= {"sort": "created", "direction": "asc"}
        if since is not None:
            kwargs["since"] = since
        pages = self._do(
            f"listing issues of {full_name}", lambda: iter(gh_repo.get_issues(**kwargs))
        )
        while True:
            issue = self._do(f"listing issues of {full_name}", lambda: next(pages, None))
            if issue is None:
                return
            if issue.pull_request is None:
                yield Issue(
                    issue.number,
                    issue.title,
                    issue.state,
                    _utc(issue.created_at),
                    _utc(issue.closed_at) if issue.closed_at else None,
                    tuple(label.name for label in issue.labels),
                    issue.body or "",
                    issue.html_url,
                )


def _run_path(gh_repo: Any, run: int) -> str:
    return str(gh_repo.get_workflow_run(run).path or "")


def _utc(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _blob(gh_repo: Any, data: bytes) -> str:
    import base64

    return str(gh_repo.create_git_blob(base64.b64encode(data).decode(), "base64").sha)


def _repo(found: Any) -> Repo:
    return Repo(
        found.full_name,
        found.default_branch or "main",
        "private" if found.private else "public",
        found.description or "",
        tuple(found.get_topics()),
        found.html_url,
    )


def _pull(pull: Any) -> PullRequest:
    return PullRequest(
        pull.number,
        pull.head.ref,
        pull.base.ref,
        pull.title or "",
        pull.body or "",
        pull.html_url,
        pull.state,
        bool(pull.draft),
        tuple(label.name for label in pull.labels),
        tuple(user.login for user in pull.requested_reviewers),
        tuple(team.slug for team in pull.requested_teams),
        pull.head.sha or "",
    )


def _comment(found: Any) -> Comment:
    return Comment(
        found.id, found.body or "", found.user.login if found.user else "", found.html_url
    )
