"""Relation maps as DOT, laid out to SVG by :mod:`generator.site.layout`. Links are
relative to the SVG's folder (``<object>`` resolves them against the SVG's URL), with
``target="_top"``; catalog text goes through :func:`dot_text`; iteration is sorted:
same catalog, same bytes."""

from __future__ import annotations

import posixpath
import re
import textwrap
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING
from urllib.parse import quote

from generator.model import relations as rel
from generator.model.refs import RefError, ref_from_key
from generator.site import paths
from generator.site.layout import FONT

if TYPE_CHECKING:
    import networkx as nx

    from generator.catalog import Catalog

INK, MUTED, GREY = "#1B1B1B", "#6B6B6B", "#9E9E9E"


@dataclass(frozen=True, slots=True)
class Style:
    """A kind (shape; light fill and dark border keep text AAA) or a relation (arrowhead)."""

    label: str
    shape: str
    fill: str
    color: str
    style: str = "filled"

    def node_attrs(self) -> dict[str, str]:
        """Node attributes that draw this kind."""
        values = (self.shape, self.style, self.fill, self.color)
        return dict(zip(("shape", "style", "fillcolor", "color"), values, strict=True))

    def legend_row(self) -> str:
        """A relation's legend row: its name, a line drawn as a cell border, the arrowhead."""
        dash = f' STYLE="{self.style}"' if self.style in ("dashed", "dotted") else ""
        weight, arrow = "2" if self.style == "bold" else "1", _ARROWS[self.shape]
        return _ROW.format(c=self.color, label=self.label, w=weight, dash=dash, arrow=arrow)


KIND_STYLES: dict[str, Style] = {
    "component": Style("Component", "box", "#D6E9F8", "#0B5394", "filled,rounded"),
    "api": Style("API", "ellipse", "#D9F2E3", "#1E7B45"),
    "resource": Style("Resource", "cylinder", "#FDEBC8", "#A35200"),
    "system": Style("System", "box3d", "#E8DDF5", "#5B2C8F"),
    "domain": Style("Domain", "hexagon", "#FAD9E6", "#9C1C4E"),
    "group": Style("Group", "tab", "#CFEFEC", "#00695C"),
    "user": Style("User", "house", "#FFF3B8", "#7A6100"),
    "other": Style("Other kind", "note", "#ECEFF1", "#546E7A"),
}
_LEGEND_ONLY = {
    "system cluster": Style("System", "box", "#E8DDF5", "#8C8C8C", "filled,rounded"),
    "domain cluster": Style("Domain", "box", "#FAD9E6", "#8C8C8C", "filled,rounded"),
    "outside": Style("outside", "box", "white", "#8C8C8C", "filled,dashed"),
    "dangling": Style("not in catalog", "box", "#F2F2F2", GREY, "filled,dashed"),
}
# Only the forward type of each relation pair is drawn (ownedBy, never ownerOf).
EDGE_STYLES: dict[str, Style] = {
    rel.DEPENDS_ON: Style(rel.DEPENDS_ON, "normal", "", "#37474F", "solid"),
    rel.CONSUMES_API: Style(rel.CONSUMES_API, "normal", "", "#1E7B45", "dashed"),
    rel.PROVIDES_API: Style(rel.PROVIDES_API, "empty", "", "#1E7B45", "bold"),
    rel.PART_OF: Style(rel.PART_OF, "odiamond", "", "#7A68A6", "solid"),
    rel.OWNED_BY: Style(rel.OWNED_BY, "normal", "", "#00796B", "dotted"),
    rel.CHILD_OF: Style(rel.CHILD_OF, "empty", "", "#00796B", "solid"),
    rel.MEMBER_OF: Style(rel.MEMBER_OF, "empty", "", "#8A6D00", "dotted"),
}
_SYSTEM_LINK = Style("depends on (count)", "normal", "", "#37474F", "solid")
_USES = (rel.DEPENDS_ON, rel.CONSUMES_API, rel.PROVIDES_API)  # "who needs what" edges
# Capping a neighbourhood keeps dependencies and APIs, then system, owner and parents,
# then dependents, then what the entity holds (3), then second-hop dependencies (4).
_RANK = dict.fromkeys((*_USES, rel.API_PROVIDED_BY), 0)
_RANK |= dict.fromkeys((rel.PART_OF, rel.OWNED_BY, rel.CHILD_OF, rel.MEMBER_OF), 1)
_RANK |= dict.fromkeys((rel.DEPENDENCY_OF, rel.API_CONSUMED_BY), 2)
_HOP2 = (rel.DEPENDS_ON, rel.CONSUMES_API, rel.API_PROVIDED_BY)
_ARROWS = {"normal": "\u25b6", "empty": "\u25b7", "odiamond": "\u25c7"}
Edges = list[tuple[str, str, str]]
_CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
_DEFAULTS = (
    f'node [fontname="{FONT}", fontsize="11", fontcolor="{INK}", margin="0.12,0.05"]\n'
    f'edge [fontname="{FONT}", fontsize="9", arrowsize="0.7"]'
)
_LEGEND_GRAPH = (
    'graph [label="Legend", style="rounded", color="#BDBDBD", fontsize="10", margin="8"]\n'
    'node [fontsize="9", height="0.3", margin="0.08,0.03"]'
)
_LEGEND_TABLE = '<TABLE BORDER="0" CELLBORDER="0" CELLSPACING="3" CELLPADDING="0">'
_ROW = (
    '<TR><TD ALIGN="RIGHT"><FONT COLOR="{c}">{label}</FONT></TD><TD SIDES="B" BORDER="{w}"'
    '{dash} COLOR="{c}" WIDTH="32"></TD><TD><FONT COLOR="{c}">{arrow}</FONT></TD></TR>'
)


def dot_text(text: str) -> str:
    """Untrusted text made inert in a quoted DOT string: markup and quotes become XML
    entities, control characters spaces, backslashes U+2216 (Graphviz expands ``\\N``
    after decoding entities, twice in tooltips: no spelling of a backslash is safe)."""
    text = _CONTROL.sub(" ", text).replace("&", "&amp;").replace('"', "&quot;")
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\\", "\u2216")


def _label(text: str, width: int = 22) -> str:
    """Untrusted text wrapped to at most three lines, joined with DOT line breaks."""
    lines = textwrap.wrap(_CONTROL.sub(" ", text), width, max_lines=3, placeholder="…")
    return "\\n".join(map(dot_text, lines)) or " "


def _attrs(attrs: dict[str, str]) -> str:
    """``[k="v", ...]`` minus empty values; values are constants or :func:`dot_text`."""
    return "[" + ", ".join(f'{k}="{v}"' for k, v in attrs.items() if v) + "]"


def _kind_of(graph: nx.MultiDiGraph, key: str) -> str:
    """A node's kind as a key of ``KIND_STYLES`` (a dangling target's from its ref)."""
    kind = graph.nodes[key].get("kind") if key in graph else None
    with suppress(RefError):
        kind = kind or ref_from_key(key).kind.lower()
    return kind if kind in KIND_STYLES else "other"


def _targets(graph: nx.MultiDiGraph, key: str, *types: str) -> list[str]:
    """Sorted targets of ``key``'s relations of the given types."""
    edges = graph.out_edges(key, keys=True) if key in graph else ()
    return sorted({target for _, target, rtype in edges if rtype in types})


def _edges_among(graph: nx.MultiDiGraph, nodes: Iterable[str], types: Iterable[str]) -> Edges:
    """Forward edges of the given types between nodes of the set, sorted."""
    keep, wanted, found = set(nodes), set(types), set()
    for node in keep:
        for _, target, rtype in graph.out_edges(node, keys=True) if node in graph else ():
            forward = rtype if rtype in EDGE_STYLES else rel.REVERSE.get(rtype, "")
            if target in keep and forward in wanted:
                found.add((node, target, rtype) if forward == rtype else (target, node, forward))
    return sorted(found)


def title_of(catalog: Catalog, key: str) -> str:
    """``metadata.title``, else ``spec.profile.displayName``, else the name (or the ref)."""
    entity = catalog.get(key)
    if entity is None or isinstance(entity.metadata.get("title"), str):
        return entity.title if entity else key
    profile = entity.spec.get("profile")
    name = profile.get("displayName") if isinstance(profile, dict) else None
    return name.strip() if isinstance(name, str) and name.strip() else entity.title


@dataclass
class _Map:
    """One DOT graph being written, and what its legend must explain."""

    catalog: Catalog
    svg: str  # docs-relative path of the SVG: links are relative to its folder
    lines: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    edge_styles: set[Style] = field(default_factory=set)
    legend_on_page: bool = False

    def href(self, key: str, anchor: str = "") -> str:
        """Link to an entity page, relative to the SVG's folder."""
        page = posixpath.join(posixpath.dirname(self.svg), "index.md")
        return quote(paths.relative(page, paths.entity_url(key))) + anchor

    def node(self, key: str, *, focus: bool = False, outside: bool = False) -> None:
        """An entity node; a dangling ref is greyed, dashed and not linked."""
        kind, entity = _kind_of(self.catalog.graph, key), self.catalog.get(key)
        self.kinds.add(kind if entity else "dangling")
        attrs = KIND_STYLES[kind].node_attrs()
        if entity is None:
            attrs.update(fillcolor="#F2F2F2", color=GREY, fontcolor=MUTED, label=_label(key, 28))
            attrs["tooltip"] = dot_text(f"{key}: not defined in the catalog")
        else:
            title, desc = title_of(self.catalog, key), entity.description
            tip = dot_text(f"{entity.kind}: {title}")
            tip += "\\n" + dot_text(textwrap.shorten(_CONTROL.sub(" ", desc), 300)) if desc else ""
            attrs.update(label=_label(title), URL=self.href(key), target="_top", tooltip=tip)
        if outside or entity is None:
            self.kinds.add("outside" if entity else "dangling")
            attrs["style"] += ",dashed"
        if focus:
            attrs.update(penwidth="3", color=INK, fontname="Helvetica-Bold")
        self.lines.append(f'"{dot_text(key)}" {_attrs(attrs)}')

    def edge(self, source: str, target: str, style: Style, label: str, **extra: str) -> None:
        """A relation edge in its forward direction, drawn in the relation's style."""
        self.edge_styles.add(style)
        attrs = {"label": label, "tooltip": style.label, "color": style.color}
        attrs.update(fontcolor=style.color, style=style.style, arrowhead=style.shape, **extra)
        self.lines.append(f'"{dot_text(source)}" -> "{dot_text(target)}" {_attrs(attrs)}')

    def more(self, name: str, url: str, text: str) -> None:
        """A "N more" node linking to where the full list is."""
        attrs = {"shape": "box", "style": "rounded,dashed", "color": MUTED, "fontcolor": MUTED}
        attrs.update(label=text, URL=url, target="_top", tooltip=text.replace("\\n", " "))
        self.lines.append(f'"{name}" {_attrs(attrs)}')

    @contextmanager
    def cluster(self, name: str, label: str, key: str | None, style: str) -> Iterator[None]:
        """A cluster (``style`` a line style or a fill colour), linked to ``key``'s page."""
        fill = style if style.startswith("#") else ""
        attrs = {"label": _label(label, 40), "color": "#8C8C8C", "fillcolor": fill}
        attrs["style"] = "rounded," + ("filled" if fill else style)
        if key:
            attrs.update(URL=self.href(key), target="_top", tooltip=dot_text(label))
        self.lines += [f'subgraph "cluster_{dot_text(name)}" {{', f"graph {_attrs(attrs)}"]
        yield
        self.lines.append("}")

    def source(self, name: str, **graph_attrs: str) -> str:
        """The finished DOT document, with its legend unless the page shows one."""
        attrs = {"rankdir": "LR", "fontname": FONT, "fontsize": "12", "nodesep": "0.25"}
        attrs |= {"ranksep": "0.5", "pad": "0.2", "bgcolor": "white"} | graph_attrs
        head = [f'digraph "{name}" {{', f"graph {_attrs(attrs)}", _DEFAULTS]
        tail = [] if self.legend_on_page else self._legend(attrs["rankdir"] == "LR")
        return "\n".join([*head, *self.lines, *tail, "}\n"])

    def _legend(self, flip: bool) -> list[str]:
        """Shape samples, then a table of the line styles, all in one rank: a column in
        left-to-right maps (fits beside the focus), a row in top-down ones."""
        styles = {f"legend_{k}": s for k, s in (KIND_STYLES | _LEGEND_ONLY).items()}
        items = [
            f'"{name}" {_attrs(style.node_attrs() | {"label": style.label})}'
            for name, style in styles.items()
            if name[len("legend_") :] in self.kinds
        ]
        if self.edge_styles:
            rows = "".join(s.legend_row() for s in sorted(self.edge_styles, key=lambda s: s.label))
            items.append(
                f'"legend_edges" [shape="plaintext", label=<{_LEGEND_TABLE}{rows}</TABLE>>]'
            )
        # dot stacks the nodes of a left-to-right rank bottom-up
        return ['subgraph "cluster_legend" {', _LEGEND_GRAPH, *items[:: -1 if flip else 1], "}"]


@cache
def legend() -> dict[str, list[tuple[str, str, str, str]]]:
    """What the shapes and lines of neighbourhood maps mean, for the page to show:
    kinds as (label, fill, border, shape) and relations as (label, colour, line, arrow)."""
    css_line = {"solid": "solid", "dashed": "dashed", "dotted": "dotted", "bold": "solid"}
    kinds = [(s.label, s.fill, s.color, s.shape) for k, s in KIND_STYLES.items() if k != "other"]
    edges = [
        (s.label, s.color, css_line.get(s.style, "solid"), _ARROWS[s.shape])
        for s in EDGE_STYLES.values()
    ]
    return {"kinds": kinds, "edges": edges}


def neighbourhood_dot(
    catalog: Catalog, key: str, *, max_nodes: int = 24, svg: str | None = None
) -> str:
    """An entity, its relations and its dependencies' dependencies, left to right; past
    ``max_nodes`` the most important (``_RANK``) and a "N more" link to the rest."""
    key = key.lower()
    graph, out = catalog.graph, _Map(catalog, svg or paths.entity_map(key))
    ranked = sorted((rank, node) for node, rank in _neighbours(graph, key).items())
    shown = [node for _, node in ranked]
    if len(shown) > max_nodes:
        shown = shown[: max(max_nodes - 1, 0)]
        out.more("more", out.href(key, "#relations"), f"{len(ranked) - len(shown)} more…")
        out.lines.append(f'"{dot_text(key)}" -> "more" [style="dashed", color="{MUTED}"]')
    for node in sorted({key, *shown}):
        out.node(node, focus=node == key)
    for source, target, rtype in _edges_among(graph, {key, *shown}, EDGE_STYLES):
        if key in (source, target) or rtype in _USES:
            out.edge(source, target, EDGE_STYLES[rtype], rtype)
    # The entity page shows the legend (see legend()): one per map would cost a quarter
    # of each map's layout time and bytes, on every entity.
    out.legend_on_page = True
    return out.source("neighbourhood")


def _neighbours(graph: nx.MultiDiGraph, key: str) -> dict[str, int]:
    """Every node within reach, with its rank (lower is more important)."""
    firsts = _targets(graph, key, rel.DEPENDS_ON, rel.CONSUMES_API)
    found = {node: 4 for first in firsts for node in _targets(graph, first, *_HOP2)}
    for _, target, rtype in graph.out_edges(key, keys=True) if key in graph else ():
        found[target] = min(found.get(target, 4), _RANK.get(rtype, 3))
    found.pop(key, None)
    return found


def system_dot(catalog: Catalog, key: str, *, svg: str | None = None) -> str:
    """A system's parts, how they use each other and what they need from outside."""
    key = key.lower()
    graph, out = catalog.graph, _Map(catalog, svg or paths.entity_map(key))
    parts = _targets(graph, key, rel.HAS_PART)
    needs = {t for p in parts for t in _targets(graph, p, rel.DEPENDS_ON, rel.CONSUMES_API)}
    outside = sorted(needs - {*parts, key})
    with out.cluster("system", title_of(catalog, key), key, "bold"):
        for part in parts:
            out.node(part)
    homes = {node: _system_of(graph, node) or "" for node in outside}
    for system in sorted(set(homes.values())):
        label = f"outside: {title_of(catalog, system)}" if system else "outside any system"
        with out.cluster(f"outside_{system}", label, system or None, "dashed"):
            for node in (node for node in outside if homes[node] == system):
                out.node(node, outside=True)
    for source, target, rtype in _edges_among(graph, [*parts, *outside], _USES):
        if source in parts:
            out.edge(source, target, EDGE_STYLES[rtype], "")
    return out.source("system")


def _system_of(graph: nx.MultiDiGraph, key: str) -> str | None:
    """The system a node is part of, directly or through its parent component."""
    for node in [key, *_targets(graph, key, rel.PART_OF)]:
        systems = [p for p in _targets(graph, node, rel.PART_OF) if _kind_of(graph, p) == "system"]
        if systems:
            return systems[0]
    return None


def domain_dot(
    catalog: Catalog, key: str, *, max_per_system: int = 8, svg: str | None = None
) -> str:
    """A domain's systems as clusters of (at most ``max_per_system``) parts."""
    key = key.lower()
    graph, out = catalog.graph, _Map(catalog, svg or paths.entity_map(key))
    shown: list[str] = []
    out.kinds.add("system cluster")
    for part in (p for p in _targets(graph, key, rel.HAS_PART) if _kind_of(graph, p) == "system"):
        members = _targets(graph, part, rel.HAS_PART)
        members.sort(key=lambda m: (list(KIND_STYLES).index(_kind_of(graph, m)), m))
        with out.cluster(part, title_of(catalog, part), part, KIND_STYLES["system"].fill):
            for member in members[:max_per_system]:
                out.node(member)
            if len(members) > max_per_system or not members:
                out.more(f"more_{part}", out.href(part), _count(graph, members[max_per_system:]))
        shown += members[:max_per_system]
    for source, target, rtype in _edges_among(graph, shown, _USES):
        out.edge(source, target, EDGE_STYLES[rtype], "")
    label = dot_text(f"Domain: {title_of(catalog, key)}")
    return out.source("domain", label=label, labelloc="t", fontsize="14")


def _count(graph: nx.MultiDiGraph, hidden: list[str]) -> str:
    """``+5 more\\nAPI ×2, Component ×3`` (or ``no parts yet``)."""
    counts = Counter(KIND_STYLES[_kind_of(graph, node)].label for node in hidden)
    words = ", ".join(f"{kind} ×{n}" for kind, n in sorted(counts.items()))
    return f"+{len(hidden)} more\\n{words}" if hidden else "no parts yet"


def overview_dot(catalog: Catalog, *, max_edges: int = 60, svg: str = paths.ORG_MAP_SVG) -> str:
    """Domains as clusters of systems, and the ``max_edges`` strongest links between
    systems (``dot`` needs minutes for a thousand edges)."""
    graph, out = catalog.graph, _Map(catalog, svg)
    systems = [entity.key for entity in catalog.of_kind("system")]
    by_domain: dict[str, list[str]] = {d.key: [] for d in catalog.of_kind("domain")}
    for system in systems:
        domains = [d for d in _targets(graph, system, rel.PART_OF) if d in by_domain]
        by_domain.setdefault(domains[0] if domains else "", []).append(system)
    out.kinds.add("domain cluster")
    for domain, members in sorted(by_domain.items()):
        label = title_of(catalog, domain) if domain else "Unassigned"
        fill = KIND_STYLES["domain"].fill if domain else "#F5F5F5"
        with out.cluster(domain or "unassigned", label, domain or None, fill):
            for node in members or [domain]:
                out.node(node)
    links = sorted(_system_links(graph, systems).items(), key=lambda link: (-link[1], link[0]))
    for (source, target), count in sorted(links[:max_edges]):
        out.edge(source, target, _SYSTEM_LINK, str(count), penwidth=str(1 + min(count, 8) / 4))
    note = f"The {max_edges} strongest of {len(links)} links" if len(links) > max_edges else ""
    attrs = {"rankdir": "TB", "newrank": "true", "ranksep": "0.7", "nodesep": "0.5"}
    return out.source("overview", **attrs, label=note, fontsize="11")


def _system_links(graph: nx.MultiDiGraph, systems: list[str]) -> Counter[tuple[str, str]]:
    """Per pair of systems, how many (part, target) dependencies link them; a consumed API
    counts for its providers' systems. ``home`` saves a walk per target on 10k entities."""
    links: Counter[tuple[str, str]] = Counter()
    parts = {system: _targets(graph, system, rel.HAS_PART) for system in systems}
    home = {part: system for system, members in parts.items() for part in members}
    for system, members in parts.items():
        for part in members:
            needs = _targets(graph, part, rel.DEPENDS_ON)
            for api in _targets(graph, part, rel.CONSUMES_API):
                needs += _targets(graph, api, rel.API_PROVIDED_BY) or [api]
            found = (home.get(need) or _system_of(graph, need) for need in sorted(set(needs)))
            links.update((system, other) for other in found if other not in (None, system))
    return links
