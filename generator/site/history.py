"""History on the site: a short history on each entity page (its latest changes, field
by field), a page of the full history for entities with more, a change log of the
whole catalog, and for each team the changes to what it owns.

Entities with a short history get no page of their own: a page costs about 15 KB of
theme, and most entities change a handful of times (the site budget is 40 KB an entity).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import jinja2

from generator.gitops.history import Change, History
from generator.gitops.text import value_text
from generator.site import paths
from generator.site.render import safe_url
from generator.site.shell import ShellPage

INLINE = 5
"""Changes shown on an entity's page; with more, its full history has a page."""
FIELDS_SHOWN = 6
VALUE_LIMIT = 100
LOG_LIMIT = 300
"""Changes on the change log page and on each team's page (each entity's page has all)."""
CHANGELOG = "changes/index.md"


def history_url(key: str) -> str:
    """The page of an entity's full history, relative to the site root."""
    return f"{paths.entity_dir(key)}/history/"


def team_url(key: str) -> str:
    """The page of the changes to what a team (or user) owns."""
    return f"{paths.entity_dir(key)}/changes/"


@dataclass(frozen=True)
class Row:
    """One change as a table row shows it."""

    date: str
    key: str
    title: str
    url: str | None
    action: str
    detail: str
    fields: list[tuple[str, str, str]]
    more_fields: int
    sha: str
    commit_url: str | None
    pr: int | None
    pr_url: str | None
    author: str


class HistoryView:
    """Rows and pages from a :class:`History`, with links made from ``page``."""

    def __init__(
        self, history: History, catalog: Any, repo_url: str | None, titles: dict[str, str]
    ) -> None:
        self.history, self.catalog, self.repo = history, catalog, repo_url
        self.titles = titles
        # One pass: each change under its entity and every owner it had, newest first.
        self.by_team: dict[str, list[Change]] = {}
        for change in history.changes:
            for key in {change.key, *change.owners}:
                self.by_team.setdefault(key, []).append(change)

    def row(self, change: Change, page: str) -> Row:
        commit, repo = change.commit, self.repo
        key = change.key
        exists = key in self.titles
        detail = {
            "added": f"in {change.file}",
            "removed": f"from {change.file}",
            "moved": f"from {change.old_file} to {change.file}",
            "changed": f"and moved from {change.old_file} to {change.file}"
            if change.old_file
            else "",
        }[change.action]
        fields = [
            (f.path, value_text(f.old, VALUE_LIMIT), value_text(f.new, VALUE_LIMIT))
            for f in change.fields[:FIELDS_SHOWN]
        ]
        pr = commit.pr
        return Row(
            date=commit.date[:10],
            key=key,
            title=self.titles.get(key, key),
            url=paths.relative(page, paths.entity_url(key)) if exists else None,
            action=change.action,
            detail=detail,
            fields=fields,
            more_fields=max(0, len(change.fields) - FIELDS_SHOWN),
            sha=commit.sha[:7],
            commit_url=safe_url(f"{repo}/commit/{commit.sha}") if repo else None,
            pr=pr,
            pr_url=safe_url(f"{repo}/pull/{pr}") if repo and pr else None,
            author=commit.author,
        )

    def entity_section(self, key: str, page: str) -> dict[str, Any] | None:
        """What an entity's page shows: its latest changes and links to the rest."""
        changes = self.history.by_entity.get(key, [])
        team = self._team_changes(key)
        if not changes and not team:
            return None
        return {
            "rows": [self.row(c, page) for c in changes[:INLINE]],
            "total": len(changes),
            "more": paths.relative(page, history_url(key)) if len(changes) > INLINE else None,
            "team": paths.relative(page, team_url(key)) if team else None,
            "truncated": self.history.truncated,
        }

    def _team_changes(self, key: str) -> list[Change]:
        entity = self.catalog.get(key)
        if entity is None or entity.kind not in ("Group", "User"):
            return []
        return self.by_team.get(key, [])[:LOG_LIMIT]

    def pages(self, env: jinja2.Environment) -> list[ShellPage]:
        """The full history of each entity with more than :data:`INLINE` changes, and
        each team's changes to what it owns."""
        template = env.get_template("history.html.j2")
        out = []
        for key, changes in sorted(self.history.by_entity.items()):
            if len(changes) > INLINE and key in self.titles:
                url = history_url(key)
                page = url + "index.md"
                rows = [self.row(c, page) for c in changes]
                title = f"History of {self.titles[key]}"
                body = template.render(title=title, rows=rows, show_entity=False, note=self._note())
                out.append(ShellPage(url, title, title, body, None))
        for entity in self.catalog:
            team = self._team_changes(entity.key)
            if team and entity.kind in ("Group", "User"):
                url = team_url(entity.key)
                page = url + "index.md"
                title = f"Changes to what {entity.title} owns"
                rows = [self.row(c, page) for c in team]
                body = template.render(title=title, rows=rows, show_entity=True, note=self._note())
                out.append(ShellPage(url, title, title, body, None))
        return out

    def changelog(self, env: jinja2.Environment) -> str:
        """The change log page's Markdown: the latest changes to the whole catalog."""
        rows = [self.row(c, CHANGELOG) for c in self.history.changes[:LOG_LIMIT]]
        return env.get_template("changes.md.j2").render(
            rows=rows,
            total=len(self.history.changes),
            commits=self.history.commits,
            note=self._note(),
        )

    def _note(self) -> str:
        if self.history.truncated:
            return (
                "This build read a shallow clone: changes before its oldest commit are not "
                "shown, and what that commit 'added' may be older."
            )
        return ""
