"""What an entity's page lists as its contents: a team's software (and, on request, its
sub-teams'), a person's and their teams', a system's or domain's parts. Plain data for
the entity template; links are made by the caller (pages._link)."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from generator.catalog import Catalog
from generator.model import relations as rel
from generator.site import paths
from generator.site.render import prose_text

CONTENTS = {
    "Group": (rel.OWNER_OF, "Owns"),
    "User": (rel.OWNER_OF, "Owns"),
    "System": (rel.HAS_PART, "Parts"),
    "Domain": (rel.HAS_PART, "Parts"),
}
"""Kinds whose page lists one relation as a table of what it holds (shown there, not
again under Relations): a team's software, a system's components, APIs and resources."""
SHORT = 160
"""Characters of a description in a contents table."""
MAX_OTHERS = 1_000
"""Rows listed for sub-teams (or a person's teams) on one page: the root of a large
organisation would otherwise list the whole catalog; the rest are counted and each
team's own page lists them."""
MAX_TEAMS = 1_000
"""Sub-teams walked under one group (a hierarchy is a tree; this bounds a huge one)."""


@dataclass(frozen=True)
class ContentRow:
    """One entity in a contents table; ``via`` is the team it is listed for (a
    sub-team, or one of a person's teams), None for the entity's own."""

    link: Any
    kind: str
    type: str
    lifecycle: str
    description: str
    via: Any = None


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def rows(
    catalog: Catalog, keys: list[str], link: Callable[[str], Any], via: Any = None
) -> list[ContentRow]:
    """A row per entity key."""
    out = []
    for key in keys:
        target, made = catalog.get(key), link(key)
        spec = target.spec if target else {}
        text = prose_text(target.description) if target else ""
        short = text if len(text) <= SHORT else text[: SHORT - 1] + "…"
        kind = target.kind if target else made.kind
        out.append(
            ContentRow(made, kind, _str(spec.get("type")), _str(spec.get("lifecycle")), short, via)
        )
    return out


def _sorted(found: list[ContentRow], rank: dict[str, int]) -> list[ContentRow]:
    return sorted(found, key=lambda r: (rank.get(r.kind.lower(), 99), r.kind, r.link.title.lower()))


def sub_teams(catalog: Catalog, key: str) -> list[str]:
    """Every group below ``key`` (children, their children...), breadth first; a loop
    (reported by validation) or a huge tree ends the walk."""
    seen, queue, out = {key}, [key], list[str]()
    while queue and len(out) < MAX_TEAMS:
        entity = catalog.get(queue.pop(0))
        for child in entity.related(rel.PARENT_OF) if entity else []:
            if child not in seen:
                seen.add(child)
                out.append(child)
                queue.append(child)
    return out


def _counts(found: list[ContentRow]) -> list[tuple[str, int]]:
    counts = Counter(r.kind for r in found)
    return sorted(counts.items())


def contents(
    catalog: Catalog, entity: Any, link: Callable[[str], Any], rank: dict[str, int]
) -> dict[str, Any] | None:
    """The table of what a group or user owns or a system or domain holds, by kind; a
    group's also lists its sub-teams' (shown on request), a user's their teams'."""
    if entity.kind not in CONTENTS:
        return None
    relation, title = CONTENTS[entity.kind]
    own = rows(catalog, entity.related(relation), link)
    others: list[ContentRow] = []
    if entity.kind == "Group":
        for team in sub_teams(catalog, entity.key):
            group = catalog.get(team)
            keys = group.related(rel.OWNER_OF) if group else []
            others += rows(catalog, keys, link, link(team))
    elif entity.kind == "User":
        listed = set(entity.related(relation))
        for team in entity.related(rel.MEMBER_OF):
            group = catalog.get(team)
            keys = [k for k in (group.related(rel.OWNER_OF) if group else []) if k not in listed]
            listed.update(keys)
            others += rows(catalog, keys, link, link(team))
    if not own and not others:
        return None
    left_out = max(len(others) - MAX_OTHERS, 0)
    others = _sorted(others, rank)[:MAX_OTHERS]
    every = _sorted(own + others, rank)
    columns = [c for c in ("type", "lifecycle", "description") if any(getattr(r, c) for r in every)]
    return {
        "title": title,
        "anchor": paths.listing_anchor(entity.kind)[1:],  # maps' "N more" nodes link here
        "relation": relation,
        "rows": every,
        "columns": columns,
        "own": _counts(own),
        "all": _counts(every),
        "others": len(others),
        "left_out": left_out,
        "teams": sorted({r.via.title for r in others}),
        "user": entity.kind == "User",
    }
