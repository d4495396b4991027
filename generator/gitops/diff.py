"""What a change to the catalog does: entities added, removed and changed field by field,
relations gained and lost, owners changed, findings introduced and fixed, and the impact:
every entity that depends on a changed or removed one, through the graph, with the path
that reaches it and its owner.

Pure: it compares two loaded catalogs (:class:`Side`), however they were read.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.diagnostics import Finding
from generator.gitops.fields import FieldChange, compare
from generator.model import relations as rel

if TYPE_CHECKING:
    import networkx as nx

    from generator.catalog import Catalog

FORWARD = frozenset(
    {rel.OWNED_BY, rel.PART_OF, rel.DEPENDS_ON, rel.PROVIDES_API, rel.CONSUMES_API}
    | {rel.CHILD_OF, rel.MEMBER_OF}
)
"""One direction of each relation pair: the other one says the same thing again."""


@dataclass
class Side:
    """One revision's catalog and every finding ``portal validate`` would report there."""

    commit: str | None
    """Full SHA, or None for the empty tree (before the first commit)."""
    catalog: Catalog
    findings: list[Finding]


@dataclass(frozen=True)
class Place:
    """Where an entity is defined, and what it is called there."""

    file: str
    line: int
    title: str


@dataclass(frozen=True)
class Impact:
    """An entity reached from a changed or removed one through dependencies."""

    via: tuple[str, ...]
    """The path from the changed entity to this one (this one excluded)."""
    owner: str | None


@dataclass
class CatalogDiff:
    """The difference between two revisions' catalogs. Refs are canonical, lists sorted."""

    base: str | None
    head: str | None
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[FieldChange]] = field(default_factory=dict)
    moved: dict[str, tuple[str, str]] = field(default_factory=dict)
    """Entities whose definition moved to another file: (old file, new file)."""
    gained: list[tuple[str, str, str]] = field(default_factory=list)
    """Relations (source, type, target), one direction of each pair."""
    lost: list[tuple[str, str, str]] = field(default_factory=list)
    owners: dict[str, tuple[str | None, str | None]] = field(default_factory=dict)
    """Entities on both sides whose owner changed: (old, new)."""
    impacted: dict[str, Impact] = field(default_factory=dict)
    owners_to_notify: list[str] = field(default_factory=list)
    introduced: list[Finding] = field(default_factory=list)
    fixed: list[Finding] = field(default_factory=list)
    places: dict[str, Place] = field(default_factory=dict)
    """Where each entity named above is defined: head's file, base's for removed ones."""

    @property
    def empty(self) -> bool:
        """True when the catalog did not change at all."""
        return not (self.added or self.removed or self.changed or self.moved)


def diff(base: Side, head: Side) -> CatalogDiff:
    """Compare ``base`` with ``head``."""
    old, new = base.catalog.entities, head.catalog.entities
    out = CatalogDiff(base.commit, head.commit)
    out.added = sorted(new.keys() - old.keys())
    out.removed = sorted(old.keys() - new.keys())
    for key in sorted(old.keys() & new.keys()):
        changes = compare(old[key].data, new[key].data)
        if changes:
            out.changed[key] = changes
        if old[key].file != new[key].file:
            out.moved[key] = (old[key].file, new[key].file)
    out.gained, out.lost = _relations(base.catalog, head.catalog)
    for key in sorted(old.keys() & new.keys()):
        before, after = _owner(base.catalog, key), _owner(head.catalog, key)
        if before != after:
            out.owners[key] = (before, after)
    out.introduced, out.fixed = _findings(base.findings, head.findings)
    seeds = sorted({*out.changed, *out.removed})
    out.impacted = _impact(head.catalog, seeds, exclude={*seeds, *out.added})
    out.owners_to_notify = _notify(base.catalog, head.catalog, out)
    out.places = _places(base.catalog, head.catalog, out)
    return out


def _relations(
    base: Catalog, head: Catalog
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    def triples(catalog: Catalog) -> set[tuple[str, str, str]]:
        return {
            (e.key, r.type, r.target) for e in catalog for r in e.relations if r.type in FORWARD
        }

    before, after = triples(base), triples(head)
    return sorted(after - before), sorted(before - after)


def _owner(catalog: Catalog, key: str) -> str | None:
    entity = catalog.get(key)
    owners = entity.related(rel.OWNED_BY) if entity else []
    return owners[0] if owners else None


def _findings(base: list[Finding], head: list[Finding]) -> tuple[list[Finding], list[Finding]]:
    """Findings are matched by code, file and message, not position: an edit above a
    finding moves it without fixing it."""

    def ident(f: Finding) -> tuple[str, str, str]:
        return (f.code, f.file, f.message)

    before, after = Counter(map(ident, base)), Counter(map(ident, head))
    new, gone = after - before, before - after
    introduced, fixed = [], []
    for f in sorted(head):
        if new[ident(f)] > 0:
            new[ident(f)] -= 1
            introduced.append(f)
    for f in sorted(base):
        if gone[ident(f)] > 0:
            gone[ident(f)] -= 1
            fixed.append(f)
    return introduced, fixed


def _impact(head: Catalog, seeds: list[str], exclude: set[str]) -> dict[str, Impact]:
    """Breadth first from every seed at once over head's dependency edges (a removed
    entity still has the edges of those that kept referring to it): the shortest path
    to each dependent, ties broken by ref order."""
    graph: nx.MultiDiGraph = head.graph
    via: dict[str, tuple[str, ...]] = {}
    frontier: list[tuple[str, tuple[str, ...]]] = [(s, (s,)) for s in seeds if s in graph]
    while frontier:
        following = []
        for node, path in frontier:
            sources = sorted(
                {
                    s
                    for s, _, kind in graph.in_edges(node, keys=True)
                    if kind in rel.DEPENDENCY_TYPES
                }
            )
            for source in sources:
                if source not in via and source not in exclude:
                    via[source] = path
                    following.append((source, (*path, source)))
        frontier = following
    return {key: Impact(via[key], _owner(head, key)) for key in sorted(via)}


def _notify(base: Catalog, head: Catalog, out: CatalogDiff) -> list[str]:
    owners: set[str | None] = {i.owner for i in out.impacted.values()}
    owners |= {_owner(head, key) for key in [*out.added, *out.changed, *out.moved]}
    owners |= {_owner(base, key) for key in [*out.removed, *out.changed]}
    return sorted(o for o in owners if o)


def _places(base: Catalog, head: Catalog, out: CatalogDiff) -> dict[str, Place]:
    named = {*out.added, *out.removed, *out.changed, *out.moved, *out.impacted, *out.owners}
    places = {}
    for key in sorted(named):
        entity = head.get(key) or base.get(key)
        if entity is not None:
            places[key] = Place(entity.file, entity.line, entity.title)
    return places


def as_json(d: CatalogDiff) -> dict[str, Any]:
    """The JSON document of ``portal diff --format json``."""
    return {
        "base": d.base,
        "head": d.head,
        "added": d.added,
        "removed": d.removed,
        "changed": {
            key: {"fields": {c.path: c.as_json() for c in changes}}
            for key, changes in d.changed.items()
        },
        "moved": {key: {"old": a, "new": b} for key, (a, b) in d.moved.items()},
        "relations": {
            "gained": [{"source": s, "type": t, "target": g} for s, t, g in d.gained],
            "lost": [{"source": s, "type": t, "target": g} for s, t, g in d.lost],
        },
        "owners": {key: {"old": a, "new": b} for key, (a, b) in d.owners.items()},
        "impacted": {key: {"via": list(i.via), "owner": i.owner} for key, i in d.impacted.items()},
        "owners_to_notify": d.owners_to_notify,
        "findings": {
            "introduced": [f.as_json() for f in d.introduced],
            "fixed": [f.as_json() for f in d.fixed],
        },
        "entities": {
            key: {"file": p.file, "line": p.line, "title": p.title} for key, p in d.places.items()
        },
    }
