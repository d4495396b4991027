"""DOT text for maps: untrusted catalog text made inert in quoted strings, node ids,
and one graph being written (:class:`Map`), with the kinds and line styles its legend
must explain. Which map an entity gets, and what it shows, is :mod:`maps`."""

from __future__ import annotations

import hashlib
import posixpath
import re
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import quote

from generator.site import paths
from generator.site.layout import FONT
from generator.site.map_styles import DEFAULTS, INK, MUTED, Style

if TYPE_CHECKING:
    from generator.catalog import Catalog
    from generator.site.maps import Index

CONTROL = re.compile(r"[\x00-\x1f\x7f]+")
MAX_DOT_TEXT = 500
"""Longest text put into one DOT string, before escaping (at most 6 bytes a character
after): Graphviz refuses quoted strings over 16 KB, and a tooltip that long helps no one."""
_MAX_ID = 200


def dot_text(text: str, limit: int = MAX_DOT_TEXT) -> str:
    """Untrusted text made inert in a quoted DOT string: markup and quotes become XML
    entities, control characters spaces, backslashes U+2216 (Graphviz expands ``\\N``
    after decoding entities, twice in tooltips: no spelling of a backslash is safe).
    Text over ``limit`` characters is shortened, with an ellipsis."""
    if len(text) > limit:
        text = text[: limit - 1] + "…"
    text = CONTROL.sub(" ", text).replace("&", "&amp;").replace('"', "&quot;")
    return text.replace("<", "&lt;").replace(">", "&gt;").replace("\\", "\u2216")


def node_id(key: str) -> str:
    """A node's DOT id: its ref, or for a ref too long to draw (a dangling one, which no
    name rule bounded) a shortened ref made unique by a hash of the whole."""
    if len(key) <= _MAX_ID:
        return dot_text(key)
    digest = hashlib.sha256(key.encode()).hexdigest()[:16]
    return dot_text(f"{key[: _MAX_ID - 20]}…{digest}")


def wrapped(text: str, width: int = 22) -> str:
    """Untrusted text wrapped to at most three lines, joined with DOT line breaks."""
    lines = textwrap.wrap(CONTROL.sub(" ", text), width, max_lines=3, placeholder="…")
    return "\\n".join(map(dot_text, lines)) or " "


def attr_list(attrs: dict[str, str]) -> str:
    """``[k="v", ...]`` minus empty values; values are constants, :func:`dot_text` or
    links to defined entities (names of at most 63 characters), all far below Graphviz's
    16 KB for a quoted string."""
    return "[" + ", ".join(f'{k}="{v}"' for k, v in attrs.items() if v) + "]"


def title_of(catalog: Catalog, key: str) -> str:
    """The entity's display name (:attr:`Entity.title`), or the ref when undefined."""
    entity = catalog.get(key)
    return entity.title if entity else key


@dataclass
class Map:
    """One DOT graph being written, and what its legend must explain."""

    index: Index
    svg: str  # docs-relative path of the SVG: links are relative to its folder
    lines: list[str] = field(default_factory=list)
    kinds: set[str] = field(default_factory=set)
    edge_styles: set[Style] = field(default_factory=set)

    def href(self, key: str, anchor: str = "") -> str:
        """Link to an entity page, relative to the SVG's folder."""
        page = posixpath.join(posixpath.dirname(self.svg), "index.md")
        return quote(paths.relative(page, paths.entity_url(key))) + anchor

    def node(self, key: str, *, focus: bool = False, outside: bool = False) -> None:
        """An entity node; a dangling ref is greyed, dashed and not linked."""
        name, attrs = self.index.look(key)
        self.kinds.add(name)
        if name == "dangling":
            attrs["style"] += ",dashed"
        else:
            attrs.update(URL=self.href(key), target="_top")
            if outside:
                self.kinds.add("outside")
                attrs["style"] += ",dashed"
        if focus:
            attrs.update(penwidth="3", color=INK, fontname="Helvetica-Bold")
        self.lines.append(f'"{node_id(key)}" {attr_list(attrs)}')

    def edge(self, source: str, target: str, style: Style, label: str, **extra: str) -> None:
        """A relation edge in its forward direction, drawn in the relation's style."""
        self.edge_styles.add(style)
        attrs = {"label": label, "tooltip": style.label, "color": style.color}
        attrs.update(fontcolor=style.color, style=style.style, arrowhead=style.shape, **extra)
        self.lines.append(f'"{node_id(source)}" -> "{node_id(target)}" {attr_list(attrs)}')

    def more(self, name: str, url: str, text: str) -> None:
        """A "N more" node linking to where the full list is."""
        attrs = {"shape": "box", "style": "rounded,dashed", "color": MUTED, "fontcolor": MUTED}
        attrs.update(label=text, URL=url, target="_top", tooltip=text.replace("\\n", " "))
        self.lines.append(f'"{name}" {attr_list(attrs)}')

    @contextmanager
    def cluster(self, name: str, label: str, key: str | None, style: str) -> Iterator[None]:
        """A cluster (``style`` a line style or a fill colour), linked to ``key``'s page."""
        fill = style if style.startswith("#") else ""
        attrs = {"label": wrapped(label, 40), "color": "#8C8C8C", "fillcolor": fill}
        attrs["style"] = "rounded," + ("filled" if fill else style)
        if key and self.index.catalog.get(key) is not None:  # no page, no link
            attrs.update(URL=self.href(key), target="_top", tooltip=dot_text(label))
        self.lines += [f'subgraph "cluster_{node_id(name)}" {{', f"graph {attr_list(attrs)}"]
        yield
        self.lines.append("}")

    def source(self, name: str, **graph_attrs: str) -> str:
        """The finished DOT document. The legend is the page's (:func:`legend_of`),
        outside the drawing: one style on every page, readable at any zoom."""
        attrs = {"rankdir": "LR", "fontname": FONT, "fontsize": "12", "nodesep": "0.25"}
        attrs |= {"ranksep": "0.5", "pad": "0.2", "bgcolor": "white"} | graph_attrs
        head = [f'digraph "{name}" {{', f"graph {attr_list(attrs)}", DEFAULTS]
        return "\n".join([*head, *self.lines, "}\n"])
