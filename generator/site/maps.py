"""Relation maps as DOT, laid out to SVG by :mod:`generator.site.layout`. Links are
relative to the SVG's folder (``<object>`` resolves them against the SVG's URL), with
``target="_top"``; catalog text goes through :func:`dot.dot_text`; iteration is sorted:
same catalog, same bytes."""

from __future__ import annotations

import textwrap
from collections import Counter
from collections.abc import Iterable
from contextlib import suppress
from typing import TYPE_CHECKING

from generator.model import relations as rel
from generator.model.refs import RefError, ref_from_key
from generator.site import dot, paths
from generator.site.map_styles import (
    EDGE_STYLES,
    GREY,
    KIND_STYLES,
    MUTED,
    SYSTEM_LINK,
    Style,
)

if TYPE_CHECKING:
    from generator.catalog import Catalog

_USES = (rel.DEPENDS_ON, rel.CONSUMES_API, rel.PROVIDES_API)  # "who needs what" edges
# Capping a neighbourhood keeps dependencies and APIs, then system, owner and parents,
# then dependents, then what the entity holds (3), then second-hop dependencies (4).
_RANK = dict.fromkeys((*_USES, rel.API_PROVIDED_BY), 0)
_RANK |= dict.fromkeys((rel.PART_OF, rel.OWNED_BY, rel.CHILD_OF, rel.MEMBER_OF), 1)
_RANK |= dict.fromkeys((rel.DEPENDENCY_OF, rel.API_CONSUMED_BY), 2)
FIRST_STEP = (rel.DEPENDS_ON, rel.CONSUMES_API)
SECOND_STEP = (rel.DEPENDS_ON, rel.CONSUMES_API, rel.API_PROVIDED_BY)
"""A neighbourhood map's second step: from what the entity depends on or consumes
(``FIRST_STEP``), what those depend on, consume or are provided by."""
Edges = list[tuple[str, str, str]]


NEIGHBOURS = 24
"""Nodes a neighbourhood map draws besides its entity (then an "N more" node)."""


class Index:
    """What maps read of a catalog, worked out once for all its maps: a site draws a map
    per entity, and each asks for the same nodes' relations, kinds and labels again
    (networkx's edge views and textwrap cost more than the rest of the DOT)."""

    def __init__(self, catalog: Catalog) -> None:
        # Read straight from the entities' relations (both directions of each pair are
        # there): the same edges as catalog.graph, without building networkx's.
        self.catalog = catalog
        self._out = {e.key: [(r.target, r.type) for r in e.relations] for e in catalog}
        self._kinds: dict[str, str] = {}
        self._looks: dict[str, tuple[str, dict[str, str]]] = {}

    def edges(self, key: str) -> list[tuple[str, str]]:
        """``key``'s relations as (target, type), sorted as the entity holds them."""
        return self._out.get(key, [])

    @classmethod
    def of(cls, entities: Catalog | Index) -> Index:
        """``entities`` if an index already, else a new index of the catalog (to draw
        a single map)."""
        return entities if isinstance(entities, Index) else cls(entities)

    def kind(self, key: str) -> str:
        """A node's kind as a key of ``KIND_STYLES`` (a dangling target's from its ref)."""
        kind = self._kinds.get(key)
        if kind is None:
            entity = self.catalog.get(key)
            kind = entity.kind.lower() if entity else None
            with suppress(RefError):  # a dangling target: the kind its ref names
                kind = kind or ref_from_key(key).kind.lower()
            kind = self._kinds[key] = kind if kind in KIND_STYLES else "other"
        return kind

    def targets(self, key: str, *types: str) -> list[str]:
        """Sorted targets of ``key``'s relations of the given types."""
        return sorted({target for target, rtype in self.edges(key) if rtype in types})

    def edges_among(self, nodes: Iterable[str], types: Iterable[str]) -> Edges:
        """Forward edges of the given types between nodes of the set, sorted."""
        keep, wanted, found = set(nodes), set(types), set()
        for node in keep:
            for target, rtype in self.edges(node):
                forward = rtype if rtype in EDGE_STYLES else rel.REVERSE.get(rtype, "")
                if target in keep and forward in wanted:
                    found.add(
                        (node, target, rtype) if forward == rtype else (target, node, forward)
                    )
        return sorted(found)

    def look(self, key: str) -> tuple[str, dict[str, str]]:
        """What the legend calls a node, and its attributes but for its link (a copy)."""
        if key not in self._looks:
            self._looks[key] = self._work_out_look(key)
        name, attrs = self._looks[key]
        return name, dict(attrs)

    def _work_out_look(self, key: str) -> tuple[str, dict[str, str]]:
        kind, entity = self.kind(key), self.catalog.get(key)
        attrs = KIND_STYLES[kind].node_attrs()
        if entity is None:
            attrs.update(fillcolor="#F2F2F2", color=GREY, fontcolor=MUTED)
            attrs["label"] = dot.wrapped(key, 28)
            attrs["tooltip"] = dot.dot_text(f"{key}: not defined in the catalog")
            return "dangling", attrs
        title, desc = dot.title_of(self.catalog, key), entity.description
        tip = dot.dot_text(f"{entity.kind}: {title}")
        tip += (
            "\\n" + dot.dot_text(textwrap.shorten(dot.CONTROL.sub(" ", desc), 300)) if desc else ""
        )
        # URL and target are the map's to fill in; set here to keep the attribute order.
        attrs.update(label=dot.wrapped(title), URL="", target="", tooltip=tip)
        return kind, attrs


def neighbourhood_dot(
    entities: Catalog | Index,
    key: str,
    *,
    max_nodes: int = NEIGHBOURS,
    into: list[dot.Map] | None = None,
) -> str:
    """An entity, its relations and its dependencies' dependencies, left to right; past
    ``max_nodes`` the most important (``_RANK``) and a "N more" link to the rest."""
    index = Index.of(entities)
    key = key.lower()
    out = dot.Map(index, paths.entity_map(key))
    shown, hidden = neighbourhood(index, key, max_nodes)
    if hidden:
        anchor = paths.listing_anchor(index.kind(key))  # a team's software: its Owns table
        out.more("more", out.href(key, anchor), f"{hidden} more…")
        out.lines.append(f'"{dot.node_id(key)}" -> "more" [style="dashed", color="{MUTED}"]')
    for node in sorted({key, *shown}):
        out.node(node, focus=node == key)
    for source, target, rtype in _neighbourhood_edges(index, key, shown):
        out.edge(source, target, EDGE_STYLES[rtype], rtype)
    if into is not None:
        into.append(out)
    return out.source("neighbourhood")


def neighbourhood(index: Index, key: str, max_nodes: int = NEIGHBOURS) -> tuple[list[str], int]:
    """The nodes a neighbourhood map draws besides ``key``, and how many it leaves out
    (map_text lists the same nodes in words)."""
    ranked = sorted((rank, node) for node, rank in _neighbours(index, key).items())
    shown = [node for _, node in ranked]
    if len(shown) > max_nodes:
        shown = shown[: max(max_nodes - 1, 0)]
    return shown, len(ranked) - len(shown)


def _forward(rtype: str) -> str:
    return rtype if rtype in EDGE_STYLES else rel.REVERSE.get(rtype, "")


def _neighbourhood_styles(index: Index, key: str, shown: list[str]) -> set[str]:
    """The relation types :func:`_neighbourhood_edges` would draw, found without listing
    the edges: the entity's own, then uses between the others until all three are found
    (a team or system among them can have thousands of edges)."""
    keep = set(shown)
    found = {_forward(r) for t, r in index.edges(key) if t in keep and _forward(r) in EDGE_STYLES}
    missing = set(_USES) - found
    for node in shown:
        if not missing:
            break
        for target, rtype in index.edges(node):
            if _forward(rtype) in missing and (target in keep or target == key):
                found.add(_forward(rtype))
                missing.discard(_forward(rtype))
    return found


def _neighbourhood_edges(index: Index, key: str, shown: list[str]) -> Edges:
    return [
        (source, target, rtype)
        for source, target, rtype in index.edges_among({key, *shown}, EDGE_STYLES)
        if key in (source, target) or rtype in _USES
    ]


def _neighbours(index: Index, key: str) -> dict[str, int]:
    """Every node within reach, with its rank (lower is more important)."""
    firsts = index.targets(key, *FIRST_STEP)
    found = {node: 4 for first in firsts for node in index.targets(first, *SECOND_STEP)}
    for target, rtype in index.edges(key):
        found[target] = min(found.get(target, 4), _RANK.get(rtype, 3))
    found.pop(key, None)
    return found


def system_dot(
    entities: Catalog | Index,
    key: str,
    *,
    max_parts: int = 40,
    max_outside: int = 16,
    max_edges: int = 120,
    into: list[dot.Map] | None = None,
) -> str:
    """A system's parts, how they use each other and what they need from outside. Past
    ``max_parts`` parts or ``max_outside`` outside needs, the most connected are drawn
    and an "N more" node links to the system's Parts table; past ``max_edges`` links,
    the first in order are drawn and the map says how many it shows (``dot`` takes
    minutes on a system of 600 parts and 5,000 links)."""
    index = Index.of(entities)
    key = key.lower()
    catalog, out = index.catalog, dot.Map(index, paths.entity_map(key))
    parts = index.targets(key, rel.HAS_PART)
    needs = {t for p in parts for t in index.targets(p, rel.DEPENDS_ON, rel.CONSUMES_API)}
    uses = [e for e in index.edges_among([*parts, *needs], _USES) if e[0] in parts]
    degree = Counter(node for source, target, _ in uses for node in (source, target))
    shown = _most_connected(parts, degree, max_parts)
    outside = _most_connected(sorted(needs - {*parts, key}), degree, max_outside)
    more = paths.listing_anchor("system")
    with out.cluster("system", dot.title_of(catalog, key), key, "bold"):
        for part in shown:
            out.node(part)
        if len(shown) < len(parts):
            out.more(
                "more_parts", out.href(key, more), _count(index, sorted(set(parts) - set(shown)))
            )
    homes = {node: _system_of(index, node) or "" for node in outside}
    for system in sorted(set(homes.values())):
        label = f"outside: {dot.title_of(catalog, system)}" if system else "outside any system"
        with out.cluster(f"outside_{system}", label, system or None, "dashed"):
            for node in (node for node in outside if homes[node] == system):
                out.node(node, outside=True)
    hidden_outside = len(needs - {*parts, key}) - len(outside)
    if hidden_outside > 0:
        out.more("more_outside", out.href(key, more), f"+{hidden_outside} more outside")
    drawn = {*shown, *outside}
    edges = [(s, t, r) for s, t, r in uses if s in drawn and t in drawn]
    for source, target, rtype in edges[:max_edges]:
        out.edge(source, target, EDGE_STYLES[rtype], "")
    note = f"{max_edges} of {len(edges)} links shown" if len(edges) > max_edges else ""
    if into is not None:
        into.append(out)
    return out.source("system", label=note, fontsize="11") if note else out.source("system")


def _most_connected(nodes: list[str], degree: Counter[str], limit: int) -> list[str]:
    """``nodes`` if at most ``limit``, else the ``limit - 1`` most connected (one place
    is left for the "N more" node), in the order given."""
    if len(nodes) <= limit:
        return nodes
    keep = set(sorted(nodes, key=lambda n: (-degree[n], n))[: max(limit - 1, 0)])
    return [n for n in nodes if n in keep]


def _system_of(index: Index, key: str) -> str | None:
    """The system a node is part of, directly or through its parent components."""
    return rel.system_of(key, lambda node: index.targets(node, rel.PART_OF))[0]


def domain_dot(
    entities: Catalog | Index,
    key: str,
    *,
    max_per_system: int = 8,
    into: list[dot.Map] | None = None,
) -> str:
    """A domain's systems as clusters of (at most ``max_per_system``) parts."""
    index = Index.of(entities)
    key = key.lower()
    catalog, out = index.catalog, dot.Map(index, paths.entity_map(key))
    shown: list[str] = []
    out.kinds.add("system cluster")
    for part in (p for p in index.targets(key, rel.HAS_PART) if index.kind(p) == "system"):
        members = index.targets(part, rel.HAS_PART)
        members.sort(key=lambda m: (list(KIND_STYLES).index(index.kind(m)), m))
        with out.cluster(part, dot.title_of(catalog, part), part, KIND_STYLES["system"].fill):
            for member in members[:max_per_system]:
                out.node(member)
            if len(members) > max_per_system or not members:
                out.more(f"more_{part}", out.href(part), _count(index, members[max_per_system:]))
        shown += members[:max_per_system]
    for source, target, rtype in index.edges_among(shown, _USES):
        out.edge(source, target, EDGE_STYLES[rtype], "")
    label = dot.dot_text(f"Domain: {dot.title_of(catalog, key)}")
    if into is not None:
        into.append(out)
    return out.source("domain", label=label, labelloc="t", fontsize="14")


def _count(index: Index, hidden: list[str]) -> str:
    """``+5 more\\nAPI ×2, Component ×3`` (or ``no parts yet``)."""
    counts = Counter(KIND_STYLES[index.kind(node)].label for node in hidden)
    words = ", ".join(f"{kind} ×{n}" for kind, n in sorted(counts.items()))
    return f"+{len(hidden)} more\\n{words}" if hidden else "no parts yet"


def overview_dot(
    entities: Catalog | Index, *, max_edges: int = 60, into: list[dot.Map] | None = None
) -> str:
    """Domains as clusters of systems, and the ``max_edges`` strongest links between
    systems (``dot`` needs minutes for a thousand edges)."""
    index = Index.of(entities)
    catalog, out = index.catalog, dot.Map(index, paths.ORG_MAP_SVG)
    systems = [entity.key for entity in catalog.of_kind("system")]
    by_domain: dict[str, list[str]] = {d.key: [] for d in catalog.of_kind("domain")}
    for system in systems:
        domains = [d for d in index.targets(system, rel.PART_OF) if d in by_domain]
        by_domain.setdefault(domains[0] if domains else "", []).append(system)
    out.kinds.add("domain cluster")
    for domain, members in sorted(by_domain.items()):
        label = dot.title_of(catalog, domain) if domain else "Unassigned"
        fill = KIND_STYLES["domain"].fill if domain else "#F5F5F5"
        with out.cluster(domain or "unassigned", label, domain or None, fill):
            for node in members or [domain]:
                out.node(node)
    links = sorted(system_links(index, systems).items(), key=lambda link: (-link[1], link[0]))
    for (source, target), count in sorted(links[:max_edges]):
        out.edge(source, target, SYSTEM_LINK, str(count), penwidth=str(1 + min(count, 8) / 4))
    note = f"The {max_edges} strongest of {len(links)} links" if len(links) > max_edges else ""
    attrs = {"rankdir": "TB", "newrank": "true", "ranksep": "0.7", "nodesep": "0.5"}
    if into is not None:
        into.append(out)
    return out.source("overview", **attrs, label=note, fontsize="11")


def system_links(index: Index, systems: list[str]) -> Counter[tuple[str, str]]:
    """Per pair of systems, how many (part, target) dependencies link them; a consumed API
    counts for its providers' systems. ``home`` saves a walk per target on 10k entities."""
    links: Counter[tuple[str, str]] = Counter()
    parts = {system: index.targets(system, rel.HAS_PART) for system in systems}
    home = {part: system for system, members in parts.items() for part in members}
    for system, members in parts.items():
        for part in members:
            needs = index.targets(part, rel.DEPENDS_ON)
            for api in index.targets(part, rel.CONSUMES_API):
                needs += index.targets(api, rel.API_PROVIDED_BY) or [api]
            found = (home.get(need) or _system_of(index, need) for need in sorted(set(needs)))
            links.update((system, other) for other in found if other not in (None, system))
    return links


def map_dot(index: Index, key: str, into: list[dot.Map] | None = None) -> str:
    """The map drawn for ``key`` (``""``: the organisation overview): systems and domains
    get their own kind of map, other entities their neighbourhood."""
    if not key:
        return overview_dot(index, into=into)
    kind = key.split(":", 1)[0]
    if kind == "system":
        return system_dot(index, key, into=into)
    if kind == "domain":
        return domain_dot(index, key, into=into)
    return neighbourhood_dot(index, key, into=into)


def legend_of(index: Index, key: str) -> tuple[frozenset[str], frozenset[Style]]:
    """What the map of ``key`` draws, for the legend beside it: the node looks (keys of
    ``KIND_STYLES`` and ``LEGEND_ONLY``) and the line styles. Works the map out again
    without laying it out (a fraction of its cost: Graphviz is the rest)."""
    kind = key.split(":", 1)[0]
    if key and kind not in ("system", "domain"):  # most maps: no need to write the DOT
        key = key.lower()
        shown, _ = neighbourhood(index, key)
        looks = frozenset(index.look(node)[0] for node in {key, *shown})
        return looks, frozenset(EDGE_STYLES[t] for t in _neighbourhood_styles(index, key, shown))
    drawn: list[dot.Map] = []
    map_dot(index, key, into=drawn)
    return frozenset(drawn[0].kinds), frozenset(drawn[0].edge_styles)
