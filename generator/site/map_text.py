"""Maps as text: their text equivalent (WCAG 1.1.1), for people who do not see the
drawings and for keyboards (the drawings' boxes are no Tab stops).

The organisation map: one row per system, under its domain, with the systems it depends
on and how many links lead there, every link drawn or not (the map draws only the
strongest). An entity's map: its Relations table, and the second step the map also draws,
what its dependencies and APIs use in turn (:func:`through`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.model import relations as rel
from generator.site import maps

if TYPE_CHECKING:
    from generator.site.pages import Link

LinkTo = Callable[[str], "Link"]
"""A link to an entity from the page being rendered (pages._link, bound to the page)."""


@dataclass(frozen=True)
class Row:
    """A system, its domain, and the systems it depends on with the number of links."""

    domain: Link | None
    system: Link
    needs: list[tuple[Link, int]]


def overview(index: maps.Index, link: LinkTo) -> dict[str, Any]:
    """Rows ``{domain, system, needs}`` for the map page: every link between systems
    that the organisation map counts (:func:`maps.system_links`), drawn or not."""
    systems = index.catalog.of_kind("System")
    counted = maps.system_links(index, [s.key for s in systems])
    rows: list[Row] = []
    for system in systems:
        domains = [d for d in system.related(rel.PART_OF) if d.startswith("domain:")]
        needs = sorted((other, n) for (source, other), n in counted.items() if source == system.key)
        first = link(domains[0]) if domains else None
        rows.append(Row(first, link(system.key), [(link(k), n) for k, n in needs]))
    rows.sort(key=lambda r: (r.domain is None, r.domain.title if r.domain else "", r.system.title))
    return {"rows": rows}


def through(index: maps.Index, key: str, link: LinkTo) -> tuple[list[tuple[Link, Link]], int]:
    """``(what, via)`` pairs: the second step of the entity's map (what its dependencies
    and consumed APIs depend on, consume or are provided by), exactly the nodes the map
    draws (:func:`maps.neighbourhood`), each with the first of the entity's own
    dependencies that leads there; and how many second-step nodes there are, drawn or
    not. The Relations table lists the entity's own relations."""
    shown, _ = maps.neighbourhood(index, key)
    direct = {target for target, _ in index.edges(key)} | {key}
    via: dict[str, str] = {}
    for first in sorted(index.targets(key, *maps.FIRST_STEP)):
        for target in index.targets(first, *maps.SECOND_STEP):
            via.setdefault(target, first)
    second = set(via) - direct
    pairs = [(link(t), link(via[t])) for t in sorted(second & set(shown))]
    return pairs, len(second)
