"""What a run would do, before it does anything: the generated files, and per target
repository the files, branch, pull request and repository settings.

``portal new --dry-run`` and ``portal provision --dry-run`` print a plan and stop;
``portal new`` writes its workspace; ``portal provision`` applies its targets.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass, field
from typing import Any

from generator.forge import Access, Protection
from generator.scaffold.workspace import File

THIS_REPOSITORY = ""
"""A target's ``repo`` when it is the repository the portal runs in."""


@dataclass
class RepoSettings:
    """A new repository as ``publish:github`` asks for it."""

    visibility: str = "private"
    description: str = ""
    homepage: str = ""
    topics: tuple[str, ...] = ()
    access: Access = field(default_factory=Access)
    protection: Protection | None = field(default_factory=Protection)
    delete_branch_on_merge: bool = False


@dataclass
class Target:
    """Files to commit to one repository, and how."""

    kind: str
    """``repository`` (a new one, publish:github) or ``pull-request``."""
    repo: str
    """``owner/name``; :data:`THIS_REPOSITORY` for the portal's own repository."""
    steps: list[str]
    branch: str
    base: str | None
    """The branch the pull request goes into; None for the default branch."""
    files: dict[str, File] = field(default_factory=dict)
    title: str = ""
    description: str = ""
    commit_message: str = ""
    draft: bool = False
    reviewers: tuple[str, ...] = ()
    team_reviewers: tuple[str, ...] = ()
    labels: tuple[str, ...] = ()
    settings: RepoSettings | None = None
    roots: list[str] = field(default_factory=list)
    """Folders (target-relative) that hold a generated project: each gets the
    answers file."""


@dataclass
class Plan:
    """Everything a run decided. Secrets appear nowhere in it."""

    template: str
    """``template:default/<name>``."""
    template_title: str
    version: str
    request_id: str
    values: dict[str, Any]
    """The answers, secrets left out."""
    workspace: dict[str, File]
    targets: list[Target] = field(default_factory=list)
    entities: list[tuple[str, str]] = field(default_factory=list)
    """(entity ref, workspace path) of every catalog entry the run created."""
    links: list[dict[str, str]] = field(default_factory=list)
    text: list[dict[str, str]] = field(default_factory=list)
    log: list[str] = field(default_factory=list)
    stubbed: list[str] = field(default_factory=list)
    """Steps not run (unknown actions, remote URLs) when their finding is not an error."""

    def as_json(self) -> dict[str, Any]:
        """The plan as JSON data (file contents as size and SHA-256)."""
        return {
            "template": self.template,
            "version": self.version,
            "request": self.request_id,
            "values": self.values,
            "files": {p: _file_json(f) for p, f in sorted(self.workspace.items())},
            "targets": [_target_json(t) for t in self.targets],
            "entities": [{"ref": r, "path": p} for r, p in self.entities],
            "output": {"links": self.links, "text": self.text},
            "log": self.log,
            "stubbed": self.stubbed,
        }

    def as_text(self) -> str:
        """The plan for a person to read."""
        lines = [f"{self.template} version {self.version}, request {self.request_id}"]
        lines.append(f"files ({len(self.workspace)}):")
        lines += [f"  {p}" for p in sorted(self.workspace)]
        for t in self.targets:
            where = t.repo or "this repository"
            if t.kind == "repository":
                s = t.settings or RepoSettings()
                lines.append(f"new repository {where} ({s.visibility}), branch {t.branch}:")
            else:
                lines.append(f"pull request to {where} from branch {t.branch}: {t.title}")
            lines += [f"  {p}" for p in sorted(t.files)]
        lines += [f"catalog entry: {ref} ({path})" for ref, path in self.entities]
        lines += [
            f"link: {link.get('title', '')} {link.get('url') or link.get('entityRef') or ''}"
            for link in self.links
        ]  # Backstage links an entityRef to its catalog page: the ref names it here
        lines += [f"log: {line}" for line in self.log]
        lines += [f"not run: {step}" for step in self.stubbed]
        return "\n".join(lines)


def _file_json(file: File) -> dict[str, Any]:
    return {
        "bytes": len(file.data),
        "sha256": hashlib.sha256(file.data).hexdigest(),
        "mode": oct(file.mode),
    }


def _target_json(t: Target) -> dict[str, Any]:
    out: dict[str, Any] = {
        "kind": t.kind,
        "repository": t.repo or "(this repository)",
        "steps": t.steps,
        "branch": t.branch,
        "base": t.base,
        "title": t.title,
        "description": t.description,
        "draft": t.draft,
        "reviewers": list(t.reviewers),
        "team_reviewers": list(t.team_reviewers),
        "labels": list(t.labels),
        "files": sorted(t.files),
    }
    if t.settings is not None:
        s = t.settings
        out["settings"] = {
            "visibility": s.visibility,
            "description": s.description,
            "topics": list(s.topics),
            "access": {"users": dict(s.access.users), "teams": dict(s.access.teams)},
            "protection": None if s.protection is None else vars(s.protection),
        }
    cleaned: dict[str, Any] = json.loads(json.dumps(out, default=list))
    return cleaned
