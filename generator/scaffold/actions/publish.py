"""``publish:github`` and ``publish:github:pull-request``: they add targets to the plan.

``publish:github`` plans a new repository holding the workspace (or ``sourcePath``),
with Backstage's defaults: private, branch ``main``, branch protection on.
``publish:github:pull-request`` plans a pull request to this repository (no
``repoUrl``, or this repository's) or to a named one. Every step that targets this
repository adds to ONE pull request per request, on a branch named from the template
and the request, so running the same request again updates it.
"""

from __future__ import annotations

from typing import Any

from generator.forge import Access, Protection
from generator.scaffold.actions import Action, StepContext
from generator.scaffold.filters import FilterError, parse_repo_url
from generator.scaffold.plan import THIS_REPOSITORY, RepoSettings, Target
from generator.scaffold.workspace import RunError, safe_join


def _repo(ctx: StepContext) -> tuple[str, str]:
    """(host, owner/name) from the ``repoUrl`` input (RepoUrlPicker's form)."""
    try:
        parsed = parse_repo_url(ctx.text("repoUrl"), _extra_hosts(ctx))
    except FilterError as exc:
        raise RunError("template.render", str(exc)) from None
    if "owner" not in parsed or "repo" not in parsed:
        raise RunError("template.render", "repoUrl needs owner= and repo=")
    return parsed["host"], f"{parsed['owner']}/{parsed['repo']}"


def _extra_hosts(ctx: StepContext) -> dict[str, str]:
    """A GitHub Enterprise host from ``site.repo_url`` counts as a GitHub host."""
    url = ctx.run.config.site.repo_url or ""
    host = url.split("://", 1)[-1].split("/", 1)[0]
    return {host: "github"} if host else {}


def _access(ctx: StepContext) -> Access:
    users: dict[str, str] = {}
    teams: dict[str, str] = {}
    owner_team = ctx.input.get("access")
    if isinstance(owner_team, str) and "/" in owner_team:
        teams[owner_team.split("/", 1)[1]] = "admin"
    for entry in ctx.input.get("collaborators") or []:
        if not isinstance(entry, dict):
            continue
        permission = str(entry.get("access") or entry.get("permission") or "pull")
        if entry.get("team"):
            teams[str(entry["team"]).split("/")[-1]] = permission
        elif entry.get("user") or entry.get("username"):
            users[str(entry.get("user") or entry.get("username"))] = permission
    return Access(users, teams)


def publish_github(ctx: StepContext) -> dict[str, Any]:
    """Plan a new repository with the generated files."""
    host, full = _repo(ctx)
    source = safe_join("", ctx.text("sourcePath", "."), "sourcePath")
    branch = ctx.text("defaultBranch", "main")
    protection = None
    if ctx.flag("protectDefaultBranch", True):
        protection = Protection(
            required_approving_review_count=int(ctx.input.get("requiredApprovingReviewCount", 1)),
            require_code_owner_reviews=ctx.flag("requireCodeOwnerReviews"),
            dismiss_stale_reviews=ctx.flag("dismissStaleReviews"),
            required_status_checks=tuple(ctx.texts("requiredStatusCheckContexts")),
            enforce_admins=ctx.flag("protectEnforceAdmins", True),
            required_linear_history=ctx.flag("requiredLinearHistory"),
            required_conversation_resolution=ctx.flag("requiredConversationResolution"),
        )
    settings = RepoSettings(
        visibility=ctx.text("repoVisibility", "private"),
        description=ctx.text("description", ""),
        homepage=ctx.text("homepage", ""),
        topics=tuple(ctx.texts("topics")),
        access=_access(ctx),
        protection=protection,
        delete_branch_on_merge=ctx.flag("deleteBranchOnMerge"),
    )
    if settings.visibility not in ("private", "internal", "public"):
        raise RunError("template.render", "repoVisibility must be private, internal or public")
    target = Target(
        "repository",
        full,
        [ctx.step_id],
        branch,
        branch,
        ctx.run.workspace.subtree(source),
        commit_message=ctx.text("gitCommitMessage", "initial commit"),
        settings=settings,
        roots=[""],
    )
    ctx.run.targets.append(target)
    contents = f"https://{host}/{full}/blob/{branch}"
    ctx.run.published[contents] = source
    return {
        "remoteUrl": f"https://{host}/{full}.git",
        "repoContentsUrl": contents,
        "commitHash": "",
    }


def publish_pull_request(ctx: StepContext) -> dict[str, Any]:
    """Plan a pull request with the generated files."""
    run = ctx.run
    host, full = ("github.com", THIS_REPOSITORY)
    if ctx.input.get("repoUrl"):
        host, full = _repo(ctx)
    this = full == THIS_REPOSITORY or run.is_this_repo(full)
    source = safe_join("", ctx.text("sourcePath", "."), "sourcePath")
    into = safe_join("", ctx.text("targetPath", "."), "targetPath")
    if this:
        target = run.this_repo_target()
    else:
        branch = ctx.text("branchName")
        target = Target("pull-request", full, [], branch, None)
        run.targets.append(target)
    target.steps.append(ctx.step_id)
    target.base = ctx.input.get("targetBranchName") or target.base
    if not target.title or target.title.startswith("Register "):
        target.title = ctx.text("title")
    target.description = "\n\n".join(
        d for d in (target.description, ctx.text("description", "")) if d
    )
    target.commit_message = ctx.text("commitMessage", target.title)
    target.draft = target.draft or ctx.flag("draft")
    target.reviewers = tuple(sorted({*target.reviewers, *ctx.texts("reviewers")}))
    target.team_reviewers = tuple(sorted({*target.team_reviewers, *ctx.texts("teamReviewers")}))
    target.labels = tuple(sorted({*target.labels, *ctx.texts("labels")}))
    for rel, file in run.workspace.subtree(source).items():
        target.files[safe_join(into, rel, "file path")] = file
    if into not in target.roots:
        target.roots.append(into)
    shown = (run.options.this_repo or "this-repository") if this else full
    return {
        "remoteUrl": f"https://{host}/{shown}/tree/{target.branch}",
        "pullRequestNumber": 0,
        "targetBranchName": target.base or "",
    }


ACTIONS = {
    "publish:github": Action(
        publish_github,
        "Create a new repository with the generated files (branch protection on)",
        (
            "repoUrl",
            "description",
            "homepage",
            "repoVisibility",
            "defaultBranch",
            "topics",
            "access",
            "collaborators",
            "deleteBranchOnMerge",
            "gitCommitMessage",
            "protectDefaultBranch",
            "protectEnforceAdmins",
            "requiredApprovingReviewCount",
            "requireCodeOwnerReviews",
            "dismissStaleReviews",
            "requiredStatusCheckContexts",
            "requiredLinearHistory",
            "requiredConversationResolution",
            "sourcePath",
        ),
        publishes=True,
    ),
    "publish:github:pull-request": Action(
        publish_pull_request,
        "Open a pull request (to this repository unless repoUrl names another)",
        (
            "repoUrl",
            "branchName",
            "targetBranchName",
            "title",
            "description",
            "commitMessage",
            "targetPath",
            "sourcePath",
            "reviewers",
            "teamReviewers",
            "labels",
            "draft",
        ),
        publishes=True,
    ),
}
