"""What maps look like: a shape and colours per kind, a line per relation, and the
legend that explains them (on entity pages, and inside the other maps)."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

from generator.model import relations as rel
from generator.site.layout import FONT

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
LEGEND_ONLY = {
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
SYSTEM_LINK = Style("depends on (count)", "normal", "", "#37474F", "solid")
ARROWS = {"normal": "\u25b6", "empty": "\u25b7", "odiamond": "\u25c7"}
DEFAULTS = (
    f'node [fontname="{FONT}", fontsize="11", fontcolor="{INK}", margin="0.12,0.05"]\n'
    f'edge [fontname="{FONT}", fontsize="9", arrowsize="0.7"]'
)


def legend(
    kinds: frozenset[str] | None = None, edges: frozenset[Style] | None = None
) -> dict[str, list[tuple[str, str, str]]]:
    """What the shapes and lines of a map mean, for the page to show beside it: kinds
    as (label, class, shape) and relations as (label, class, arrow), the classes'
    colours in the stylesheet :func:`legend_css` writes; only those drawn when ``kinds``
    and ``edges`` are given (see maps.legend_of)."""
    return _legend(kinds, edges)


@cache
def _legend(
    kinds: frozenset[str] | None, edges: frozenset[Style] | None
) -> dict[str, list[tuple[str, str, str]]]:
    looks = KIND_STYLES | LEGEND_ONLY
    shown = [
        k for k in looks if (k in kinds if kinds is not None else k in KIND_STYLES and k != "other")
    ]
    lines = [
        s
        for s in (*EDGE_STYLES.values(), SYSTEM_LINK)
        if (s in edges if edges is not None else s is not SYSTEM_LINK)
    ]
    return {
        "kinds": [(looks[k].label, _kind_class(k), looks[k].shape) for k in shown],
        "edges": [(s.label, _edge_class(s), ARROWS[s.shape]) for s in lines],
    }


def _kind_class(key: str) -> str:
    return "portal-lk-" + key.replace(" ", "-")


def _edge_class(style: Style) -> str:
    return "portal-le-" + ("count" if style is SYSTEM_LINK else style.label)


LEGEND_CSS = "assets/portal-legend.css"
"""The legend's colours, a static file (site_templates/) kept equal to
:func:`legend_css` by a test: in a class, not a style attribute on every page (3 MB of
a 10,000-entity site)."""


def legend_css() -> str:
    """The stylesheet of every legend entry's colours."""
    css_line = {"solid": "solid", "dashed": "dashed", "dotted": "dotted", "bold": "solid"}
    rules = [
        f".md-typeset .{_kind_class(k)} {{ background: {s.fill}; border-color: {s.color}; }}"
        for k, s in (KIND_STYLES | LEGEND_ONLY).items()
    ]
    rules += [
        f".md-typeset .{_edge_class(s)} {{ color: {s.color}; "
        f"border-bottom: 2px {css_line.get(s.style, 'solid')} {s.color}; }}"
        for s in (*EDGE_STYLES.values(), SYSTEM_LINK)
    ]
    head = "/* Generated from generator/site/map_styles.py (legend_css); a test keeps it so. */"
    return "\n".join([head, *rules]) + "\n"
