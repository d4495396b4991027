"""Relation maps: golden DOT sources, SVG links, escaping, the cap and determinism.

Regenerate the golden files after an intended change with ``UPDATE_GOLDEN=1 pytest
tests/test_maps.py`` and review the diff.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pygraphviz
import pytest

from generator import Catalog, load_catalog, load_config
from generator.site import dot, layout, map_styles, maps

HERE = Path(__file__).resolve().parent
DATA = HERE / "data" / "maps_catalog"
GOLDEN = HERE / "golden" / "maps"
SVG = "{http://www.w3.org/2000/svg}"
XLINK = "{http://www.w3.org/1999/xlink}"

WEB = "component:default/web"
CART = "component:default/cart"
EVIL = "component:default/evil"
TEAM = "group:default/shop-team"


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return load_catalog([DATA], load_config(HERE.parent))


def _dot(catalog: Catalog, name: str) -> str:
    kind, _, entity = name.partition("_")
    if kind == "overview":
        return maps.overview_dot(catalog)
    if kind == "system":
        return maps.system_dot(catalog, f"system:default/{entity}")
    if kind == "domain":
        return maps.domain_dot(catalog, f"domain:default/{entity}", max_per_system=2)
    ref = entity.replace("-", ":default/", 1)
    return maps.neighbourhood_dot(catalog, ref)


GOLDEN_MAPS = [
    "neighbourhood_component-web",
    "neighbourhood_component-cart",
    "neighbourhood_component-evil",
    "neighbourhood_api-checkout-api",
    "neighbourhood_group-shop-team",
    "neighbourhood_user-alice",
    "system_storefront",
    "domain_shop",
    "overview",
]


@pytest.mark.parametrize("name", GOLDEN_MAPS)
def test_dot_matches_golden(catalog: Catalog, name: str) -> None:
    dot = _dot(catalog, name)
    path = GOLDEN / f"{name}.dot"
    if os.environ.get("UPDATE_GOLDEN") == "1":
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(dot, encoding="utf-8")
    assert path.is_file(), f"{path} is missing: run with UPDATE_GOLDEN=1 to create it"
    assert dot == path.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", GOLDEN_MAPS)
def test_dot_parses_to_the_expected_nodes(catalog: Catalog, name: str) -> None:
    """Hostile titles inject nothing: every node is an entity, a legend or a count."""
    graph = pygraphviz.AGraph(string=_dot(catalog, name))
    for node in graph.nodes():
        assert node in catalog.graph or node.startswith(("legend_", "more")), node


def _links(svg: bytes) -> dict[str, str | None]:
    """Node title (the ref) -> its link, from the SVG."""
    root = ET.fromstring(svg)
    out = {}
    for group in root.iter(f"{SVG}g"):
        if group.get("class") == "node":
            anchor = group.find(f".//{SVG}a")
            href = None if anchor is None else anchor.get(f"{XLINK}href")
            out[group.findtext(f"{SVG}title") or ""] = href
    return out


def test_svg_links_are_relative_to_the_svg_folder(catalog: Catalog) -> None:
    """Entity maps live in maps/<namespace>/<kind>/, three folders below the site."""
    svg = layout.render_svg(maps.neighbourhood_dot(catalog, WEB))
    links = _links(svg)
    assert links[WEB] == "../../../catalog/default/component/web/"
    assert links[CART] == "../../../catalog/default/component/cart/"
    assert links["api:default/checkout-api"] == "../../../catalog/default/api/checkout-api/"
    assert links["system:default/storefront"] == "../../../catalog/default/system/storefront/"
    assert links["component:default/ghost"] is None  # dangling: greyed, not linked
    assert b'target="_top"' in svg
    assert b"<!--" not in svg


def test_overview_links_are_relative_to_maps_folder(catalog: Catalog) -> None:
    links = _links(layout.render_svg(maps.overview_dot(catalog)))
    assert links["system:default/payments"] == "../catalog/default/system/payments/"


def test_dangling_target_is_greyed_and_dashed(catalog: Catalog) -> None:
    line = next(x for x in maps.neighbourhood_dot(catalog, CART).splitlines() if "ghost" in x)
    assert 'style="filled,rounded,dashed"' in line
    assert "URL=" not in line
    assert 'fontcolor="#6B6B6B"' in line


def test_hostile_text_is_escaped(catalog: Catalog) -> None:
    dot = maps.neighbourhood_dot(catalog, EVIL)
    line = next(x for x in dot.splitlines() if x.startswith(f'"{EVIL}"'))
    assert "&quot;]; x [label=&quot;pwned" in line
    assert "<script>" not in dot and "\\N" not in dot and "\\G" not in dot
    for svg in (layout.render_svg(dot), layout.render_svg(maps.overview_dot(catalog))):
        ET.fromstring(svg)  # well-formed
        assert b"<script" not in svg.lower() and b"<img" not in svg.lower()
    svg = layout.render_svg(dot)
    assert b"&lt;script&gt;alert(1)&lt;/script&gt;" in svg
    assert re.search(rb"<text[^>]*>&quot;\]; x \[label=&quot;pwned &lt;s</text>", svg)


def test_dot_text_leaves_nothing_active() -> None:
    text = dot.dot_text('a"b\\c<d>e&f\ng\x00h')
    assert not set(text) & set('"\\<>\n\x00')
    assert text == "a&quot;b\u2216c&lt;d&gt;e&amp;f g h"


def _entities(dot: str) -> set[str]:
    """The entity nodes of a DOT source (not the legend, not the count)."""
    nodes = pygraphviz.AGraph(string=dot).nodes()
    return {str(n) for n in nodes if not n.startswith(("legend_", "more"))}


def test_cap_adds_a_more_node(catalog: Catalog) -> None:
    everyone = _entities(maps.neighbourhood_dot(catalog, TEAM))
    assert len(everyone) == 11  # the focus, 9 things it owns, its member
    dot = maps.neighbourhood_dot(catalog, TEAM, max_nodes=4)
    assert len(_entities(dot)) == 4  # the focus and three neighbours, plus "N more"
    graph = pygraphviz.AGraph(string=dot)  # kept alive: nodes point into it
    more = dict(graph.get_node("more").attr)
    assert more["label"] == "7 more…"
    # A team's neighbours are mostly what it owns: listed in its page's Owns table.
    team_page = "../../../catalog/default/group/shop-team/#owns"
    assert more["URL"] == team_page
    assert f'xlink:href="{team_page}"'.encode() in layout.render_svg(dot)
    assert "more" not in pygraphviz.AGraph(string=maps.neighbourhood_dot(catalog, TEAM)).nodes()


def test_cap_keeps_the_most_important(catalog: Catalog) -> None:
    dot = maps.neighbourhood_dot(catalog, WEB, max_nodes=4)
    # dependencies and consumed APIs first, then system and owner; second hop last
    assert _entities(dot) == {WEB, CART, "api:default/checkout-api", "group:default/shop-team"}
    assert _entities(maps.neighbourhood_dot(catalog, WEB)) >= {
        "resource:default/cart-db",  # cart's dependency
        "component:default/ghost",  # cart's dangling dependency
        "component:default/checkout",  # the consumed API's provider
        "component:default/evil",  # a dependent
    }


def test_only_forward_relations_are_drawn(catalog: Catalog) -> None:
    dot = maps.neighbourhood_dot(catalog, TEAM)
    assert 'label="ownedBy"' in dot and "ownerOf" not in dot
    assert "hasMember" not in dot and 'label="memberOf"' in dot


def test_same_catalog_same_bytes(catalog: Catalog) -> None:
    again = load_catalog([DATA], load_config(HERE.parent))
    for name in GOLDEN_MAPS:
        first, second = _dot(catalog, name), _dot(again, name)
        assert first == second
        assert layout.render_svg(first) == layout.render_svg(second)


def test_no_map_draws_its_legend_the_page_does(catalog: Catalog) -> None:
    system = next(e.key for e in catalog if e.kind == "System")
    domain = next(e.key for e in catalog if e.kind == "Domain")
    for drawn in (
        maps.neighbourhood_dot(catalog, "user:default/alice"),
        maps.system_dot(catalog, system),
        maps.domain_dot(catalog, domain),
        maps.overview_dot(catalog),
    ):
        assert "legend" not in drawn
    every = map_styles.legend()
    assert [k[0] for k in every["kinds"]] == [
        "Component",
        "API",
        "Resource",
        "System",
        "Domain",
        "Group",
        "User",
    ]
    assert "memberOf" in [e[0] for e in every["edges"]]


def test_legend_lists_only_what_the_map_draws(catalog: Catalog) -> None:
    index = maps.Index(catalog)
    system = next(e.key for e in catalog if e.kind == "System")
    kinds, edges = maps.legend_of(index, system)
    drawn = maps.system_dot(catalog, system)
    assert "component" in kinds and "user" not in kinds and "group" not in kinds
    assert edges and all(f'style="{e.style}"' in drawn for e in edges)
    legend = map_styles.legend(kinds, edges)
    assert "User" not in [k[0] for k in legend["kinds"]]
    assert sorted(e[0] for e in legend["edges"]) == sorted(s.label for s in edges)
    overview = maps.legend_of(index, "")
    assert "domain cluster" in overview[0]
    assert [e[0] for e in map_styles.legend(*overview)["edges"]] == ["depends on (count)"]


def test_unknown_entity_gives_a_map_of_one(catalog: Catalog) -> None:
    dot = maps.neighbourhood_dot(catalog, "component:default/nope")
    assert layout.render_svg(dot).startswith(b"<?xml")


def test_overview_keeps_the_strongest_links(catalog: Catalog) -> None:
    assert 'system:default/storefront" -> "system:default/payments' in maps.overview_dot(catalog)
    dot = maps.overview_dot(catalog, max_edges=0)
    assert 'label="The 0 strongest of 1 links"' in dot
    assert '"system:default/storefront" -> ' not in dot


def test_the_quick_legend_of_a_neighbourhood_is_what_its_map_draws(catalog: Catalog) -> None:
    index = maps.Index(catalog)
    for entity in catalog:
        drawn: list = []
        maps.map_dot(index, entity.key, into=drawn)
        expected = (frozenset(drawn[0].kinds), frozenset(drawn[0].edge_styles))
        assert maps.legend_of(index, entity.key) == expected, entity.key


def test_the_legend_stylesheet_is_the_one_map_styles_writes() -> None:
    """Legend colours live in a class; the static file must say what the maps draw."""
    from tests.conftest import REPO

    css = (REPO / "site_templates" / map_styles.LEGEND_CSS).read_text(encoding="utf-8")
    assert css == map_styles.legend_css()
    label, cls, shape = map_styles.legend()["kinds"][0]
    assert (label, cls, shape) == ("Component", "portal-lk-component", "box")
    assert ".md-typeset .portal-lk-component { background: #D6E9F8; border-color: #0B5394; }" in css
    assert (
        ".md-typeset .portal-le-dependsOn { color: #37474F; border-bottom: 2px solid #37474F; }"
        in css
    )
