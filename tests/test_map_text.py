"""Maps as text: what an entity's map and the organisation map draw, in words."""

from __future__ import annotations

from functools import partial

import pytest

from generator import load_catalog, load_config
from generator.site import dot, map_text, maps, paths
from generator.site.pages import SiteContext, _link
from tests.conftest import REPO


def _through(catalog, key):
    site = SiteContext(catalog, None, frozenset(), {})  # type: ignore[arg-type]
    link = partial(_link, site, from_page=paths.entity_page(key))
    return map_text.through(maps.Index(catalog), key, link)


@pytest.fixture(scope="module")
def catalog():
    return load_catalog([REPO / "catalog"], load_config(REPO))


def test_the_second_step_of_an_entitys_map_is_listed_with_what_leads_there(catalog):
    key = "component:default/fnol-service"
    found, count = _through(catalog, key)
    assert count == len(found) == 4
    pairs = {(what.title, via.title) for what, via in found}
    assert pairs == {
        ("Event Bus Gateway", "Event Bus API"),
        ("Policy Administration Service", "Policy Administration API"),
        ("Event Bus Client", "Kotlin Service Starter"),
        ("Meridian Kafka cluster", "claims.claim-submitted.v1"),
    }
    what, _ = found[0]
    assert what.url == "../event-bus-client/"  # by key; relative to the entity page


def test_the_organisation_map_as_a_table_counts_every_link(catalog):
    site = SiteContext(catalog, None, frozenset(), {})  # type: ignore[arg-type]
    link = partial(_link, site, from_page=paths.ORG_MAP)
    rows = {r.system.title: r for r in map_text.overview(maps.Index(catalog), link)["rows"]}
    assert len(rows) == 10
    billing = rows["Billing"]
    assert billing.domain is not None and billing.domain.title == "Billing and Payments"
    assert [(link.title, n) for link, n in billing.needs] == [
        ("Developer Platform", 1),
        ("Event Streaming", 1),
        ("Payments", 2),
        ("Policy Administration", 1),
    ]
    assert rows["Event Streaming"].needs == []


def test_the_second_step_is_bounded_like_the_map(tmp_path):
    """c0 uses five components that each use forty others: its map has room for 17 of
    them (24 nodes less its own six relations and the "more" node), and so has the page."""

    def component(name: str, needs: list[str]) -> str:
        deps = "".join(f"\n    - component:{n}" for n in needs)
        return (
            f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: {name}\n"
            f"spec:\n  type: service\n  lifecycle: production\n  owner: group:t\n"
            + (f"  dependsOn:{deps}\n" if deps else "")
        )

    far = [f"d{j:02}" for j in range(40)]
    docs = [component("c0", [f"c{i}" for i in range(1, 6)])]
    docs += [component(f"c{i}", far) for i in range(1, 6)] + [component(d, []) for d in far]
    docs.append("apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: t\n"
                "spec:\n  type: team\n  children: []\n")  # fmt: skip
    (tmp_path / "dense.yaml").write_text("---\n".join(docs))
    dense = load_catalog([tmp_path], load_config(REPO))
    key = "component:default/c0"
    found, count = _through(dense, key)
    assert count == 40
    assert [what.title for what, _ in found] == far[:17]
    assert {via.title for _, via in found} == {"c1"}
    drawn = maps.neighbourhood_dot(dense, key)  # the map draws exactly the ones listed
    listed = {what.key for what, _ in found}
    for d in far:
        assert (dot.node_id(f"component:default/{d}") in drawn) == (
            f"component:default/{d}" in listed
        ), d
