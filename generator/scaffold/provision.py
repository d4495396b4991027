"""Carrying out a plan through the Forge seam: new repositories, one pull request per
request to this repository, pull requests to named ones, and the comment back on the
requesting issue. Every effect is idempotent: running the same request again updates
its pull request and comment, and never makes a second pull request or repository.

Titles, bodies and comments go to the API as data (JSON), never through a shell; the
values quoted in them are put in code spans so Markdown and @mentions stay inert.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.errors import PortalError
from generator.forge import Forge, ForgeError, Repo
from generator.git import Git
from generator.scaffold.answers import ANSWERS_FILE
from generator.scaffold.plan import THIS_REPOSITORY, Plan, Target

MARKER = "<!-- portal:provision {} -->"
"""Hidden in every pull request body and comment the portal writes, to find them again."""
MAX_COMMENT = 60_000
"""GitHub refuses comments over 65,536 characters; stay well below."""


@dataclass(frozen=True)
class Requester:
    """Who asked (from the event, never from the values) and through which issue."""

    login: str = ""
    issue: int | None = None


@dataclass
class Outcome:
    """What provisioning did: URLs of the pull requests and repositories."""

    pulls: list[str] = field(default_factory=list)
    repositories: list[str] = field(default_factory=list)


class ProvisionError(PortalError):
    """A request that cannot be carried out as asked (a name already taken): exit 1."""

    exit_code = 1


def code(text: Any) -> str:
    """``text`` as an inline code span that no backtick in it can close, on one line."""
    value = text if isinstance(text, str) else json.dumps(text, ensure_ascii=False)
    value = value.replace("\r", " ").replace("\n", " ⏎ ")
    if len(value) > 300:
        value = value[:297] + "..."
    longest = max((len(run) for run in re.findall(r"`+", value)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if value.startswith("`") or value.endswith("`") or not value else ""
    return f"{fence}{pad}{value}{pad}{fence}"


def title_of(text: str) -> str:
    """A pull request title: one line, at most 256 characters."""
    return " ".join(text.split())[:256] or "Golden path request"


def pull_body(plan: Plan, target: Target, requester: Requester, repo: str) -> str:
    """The pull request's body: who asked, the answers, the files and catalog entries."""
    who = f"@{requester.login}" if requester.login else "an unknown requester"
    via = f" in #{requester.issue}" if requester.issue else ""
    lines = [
        MARKER.format(f"template={plan.template} request={plan.request_id}"),
        f"**{plan.template_title}** (golden path `{plan.template}` version "
        f"{plan.version}), requested by {who}{via}.",
        "",
    ]
    if target.description:
        lines += [target.description.strip(), ""]
    lines += ["### Answers", ""]
    lines += [f"- {code(k)}: {code(v)}" for k, v in plan.values.items()] or ["(none)"]
    lines += ["", f"### Files ({len(target.files)})", ""]
    lines += [f"- {code(p)}" for p in sorted(target.files)]
    entities = [r for r, p in plan.entities if p in target.files or _in_roots(p, target)]
    if entities:
        lines += ["", "### Catalog entries", ""] + [f"- {code(r)}" for r in sorted(set(entities))]
    others = [t for t in plan.targets if t is not target]
    if others:
        lines += ["", "### Also", ""]
        lines += [f"- {_describe(t, repo)}" for t in others]
    lines += ["", f"Request `{plan.request_id}`: running it again updates this pull request."]
    return "\n".join(lines)[:MAX_COMMENT]


def _in_roots(path: str, target: Target) -> bool:
    return any(f"{root}/{path}".lstrip("/") in target.files for root in target.roots)


def _describe(target: Target, repo: str) -> str:
    where = target.repo or repo
    if target.kind == "repository":
        visibility = target.settings.visibility if target.settings else "private"
        return f"new {visibility} repository {code(where)} ({len(target.files)} files)"
    return f"pull request to {code(where)} from {code(target.branch)}"


def apply(
    plan: Plan, forge: Forge, this_repo: str, requester: Requester, git: Git | None
) -> Outcome:
    """Carry out every target of ``plan``."""
    _check_collisions(plan, git)
    outcome = Outcome()
    for target in plan.targets:
        if target.kind == "repository":
            outcome.repositories.append(_repository(plan, target, forge))
    for target in plan.targets:
        if target.kind == "pull-request":
            repo = this_repo if target.repo == THIS_REPOSITORY else target.repo
            outcome.pulls.append(_pull(plan, target, forge, repo, requester, this_repo))
    return outcome


def _check_collisions(plan: Plan, git: Git | None) -> None:
    """A request must not overwrite files that are already in this repository, unless
    they are from this same request (a re-run)."""
    if git is None:
        return
    for target in plan.targets:
        if target.kind != "pull-request" or target.repo != THIS_REPOSITORY:
            continue
        taken = git.tracked(sorted(target.files))
        mine = {f"{r}/{ANSWERS_FILE}".lstrip("/") for r in target.roots}
        for root in target.roots:
            answers = git.root / (f"{root}/{ANSWERS_FILE}" if root else ANSWERS_FILE)
            if answers.is_file() and _request(answers.read_bytes()) == plan.request_id:
                return
        if taken and not set(taken) <= mine:
            shown = ", ".join(taken[:5])
            raise ProvisionError(
                f"this request would overwrite files already in the repository ({shown}); "
                "choose another name"
            )


def _request(answers: bytes) -> str | None:
    try:
        data = yaml.safe_load(answers)
    except yaml.YAMLError:
        return None
    return data.get("request") if isinstance(data, dict) else None


def _repository(plan: Plan, target: Target, forge: Forge) -> str:
    settings = target.settings
    assert settings is not None
    existing = forge.repo(target.repo)
    if existing is not None:
        answers = forge.read_file(target.repo, existing.default_branch, ANSWERS_FILE)
        if answers is None or _request(answers) != plan.request_id:
            raise ProvisionError(
                f"the repository {target.repo} already exists and was not created by this "
                "request; choose another name"
            )
    else:
        forge.create_repo(
            Repo(
                target.repo,
                target.branch,
                settings.visibility,
                settings.description,
                settings.topics,
                homepage=settings.homepage,
                delete_branch_on_merge=settings.delete_branch_on_merge,
            )
        )
    forge.commit_files(
        target.repo,
        branch=target.branch,
        base=target.branch,
        files={p: f.data for p, f in target.files.items()},
        executable={p for p, f in target.files.items() if f.mode & 0o111},
        message=target.commit_message or "initial commit",
    )
    if settings.access.users or settings.access.teams:
        forge.grant(target.repo, settings.access)
    if settings.protection is not None:
        forge.protect(target.repo, target.branch, settings.protection)
    made = forge.repo(target.repo)
    return made.url if made and made.url else f"https://github.com/{target.repo}"


def _pull(
    plan: Plan, target: Target, forge: Forge, repo: str, requester: Requester, this_repo: str
) -> str:
    info = forge.repo(repo)
    if info is None:
        raise ForgeError(f"GitHub: repository {repo} not found or not visible to the token")
    base = target.base or info.default_branch
    title = title_of(target.title or f"{plan.template_title}: {plan.request_id}")
    body = pull_body(plan, target, requester, this_repo)
    forge.commit_files(
        repo,
        branch=target.branch,
        base=base,
        files={p: f.data for p, f in target.files.items()},
        executable={p for p, f in target.files.items() if f.mode & 0o111},
        message=title_of(target.commit_message or title),
    )
    pull = forge.find_pull(repo, target.branch)
    if pull is None:
        pull = forge.open_pull(
            repo, head=target.branch, base=base, title=title, body=body, draft=target.draft
        )
    elif (pull.title, pull.body) != (title, body):
        pull = forge.update_pull(repo, pull.number, title=title, body=body)
    if target.labels:
        forge.label(repo, pull.number, target.labels)
    if target.reviewers or target.team_reviewers:
        forge.request_review(repo, pull.number, target.reviewers, target.team_reviewers)
    return pull.url


def comment_back(forge: Forge, repo: str, issue: int, request_id: str, body: str) -> None:
    """Post ``body`` on the issue, or edit the portal's earlier comment for the same
    request, so a re-run never piles up comments."""
    marker = MARKER.format(f"request={request_id}")
    text = f"{marker}\n{body}"[:MAX_COMMENT]
    for existing in forge.comments(repo, issue):
        if existing.body.startswith(marker):
            if existing.body != text:
                forge.edit_comment(repo, existing.id, text)
            return
    forge.comment(repo, issue, text)
