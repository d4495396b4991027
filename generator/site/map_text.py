"""Maps as text: their text equivalent (WCAG 1.1.1), for people who do not see the
drawings and for keyboards (the drawings' boxes are no Tab stops).

The organisation map: one row per system, under its domain, with the systems it depends
on and how many links lead there, every link drawn or not (the map draws only the
strongest). An entity's map: its Relations table, and the second step the map also draws,
what its dependencies and APIs use in turn (:func:`through`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.model import relations as rel
from generator.site import paths

if TYPE_CHECKING:
    from generator.catalog import Catalog
    from generator.site.pages import Link, SiteContext


@dataclass(frozen=True)
class Row:
    """A system, its domain, and the systems it depends on with the number of links."""

    domain: Link | None
    system: Link
    needs: list[tuple[Link, int]]


def overview(site: SiteContext) -> dict[str, Any]:
    """Rows ``{domain, system, needs}`` for the map page, links relative to it."""
    catalog = site.catalog
    systems = catalog.of_kind("System")
    home = {part: s.key for s in systems for part in s.related(rel.HAS_PART)}
    page = paths.ORG_MAP
    rows: list[Row] = []
    for system in systems:
        domains = [d for d in system.related(rel.PART_OF) if d.startswith("domain:")]
        needs = _needs(catalog, system.related(rel.HAS_PART), home)
        needs.pop(system.key, None)
        first = _link(catalog, domains[0], page) if domains else None
        needed = [(_link(catalog, k, page), n) for k, n in sorted(needs.items())]
        rows.append(Row(first, _link(catalog, system.key, page), needed))
    rows.sort(key=lambda r: (r.domain is None, r.domain.title if r.domain else "", r.system.title))
    return {"rows": rows}


_FIRST = (rel.DEPENDS_ON, rel.CONSUMES_API)
_SECOND = (rel.DEPENDS_ON, rel.CONSUMES_API, rel.API_PROVIDED_BY)


MAP_NODES = 24
"""Nodes an entity's map draws at most (maps.neighbourhood_dot's ``max_nodes``): its own
relations first, then second-step neighbours by key, then a "N more" node."""


def through(catalog: Catalog, key: str, page: str) -> tuple[list[tuple[Link, Link]], int]:
    """``(what, via)`` pairs: what the entity's dependencies and consumed APIs depend on,
    consume or are provided by, as its map draws them (the Relations table lists only
    its own relations): each once, by key, as many as the map has room for; and how many
    there are. Bounded like the map, whatever the catalog's density (600 components
    depending on each other would otherwise list the system on every page)."""
    entity = catalog.get(key)
    if entity is None:
        return [], 0
    direct = {r.target for r in entity.relations} - {key}
    if len(direct) >= MAP_NODES - 1:
        return [], 0  # the map has no room for a second step
    found: dict[str, str] = {}
    for first in sorted({t for r in _FIRST for t in entity.related(r)}):
        via = catalog.get(first)
        for target in {t for r in _SECOND for t in (via.related(r) if via else [])} - {key}:
            found.setdefault(target, first)  # firsts in order: the first that leads there
    fits = len(direct | set(found)) <= MAP_NODES
    room = max(0, (MAP_NODES if fits else MAP_NODES - 1) - len(direct))
    shown = sorted(set(found) - direct)[:room]
    pairs = [(_link(catalog, t, page), _link(catalog, found[t], page)) for t in shown]
    return pairs, len(set(found) - direct)


def _needs(catalog: Catalog, parts: list[str], home: dict[str, str]) -> Counter[str]:
    """Systems the parts depend on (a consumed API counts for its providers' systems)."""
    found: Counter[str] = Counter()
    for part in parts:
        entity = catalog.get(part)
        if entity is None:
            continue
        targets = entity.related(rel.DEPENDS_ON)
        for api in entity.related(rel.CONSUMES_API):
            provider = catalog.get(api)
            targets += (provider.related(rel.API_PROVIDED_BY) if provider else []) or [api]
        for target in sorted(set(targets)):
            system = home.get(target) or _system(catalog, target)
            if system is not None:
                found[system] += 1
    return found


def _system(catalog: Catalog, key: str) -> str | None:
    def part_of(k: str) -> list[str]:
        entity = catalog.get(k)
        return entity.related(rel.PART_OF) if entity else []

    return rel.system_of(key, part_of)[0]


def _link(catalog: Catalog, key: str, page: str) -> Link:
    from generator.site.pages import Link  # pages renders entities with this module

    entity = catalog.get(key)
    if entity is None:
        return Link(key, key, key.split(":", 1)[0], None)
    return Link(key, entity.title, entity.kind, paths.relative(page, paths.entity_url(key)))
