"""Maps as text: what an entity's map and the organisation map draw, in words."""

from __future__ import annotations

import pytest

from generator import load_catalog, load_config
from generator.site import map_text, paths
from generator.site.pages import SiteContext
from tests.conftest import REPO


@pytest.fixture(scope="module")
def catalog():
    return load_catalog([REPO / "catalog"], load_config(REPO))


def test_the_second_step_of_an_entitys_map_is_listed_with_what_leads_there(catalog):
    key = "component:default/fnol-service"
    found = map_text.through(catalog, key, paths.entity_page(key))
    pairs = {(what.title, via.title) for what, via in found}
    assert pairs == {
        ("Event Bus Gateway", "Event Bus API"),
        ("Policy Administration Service", "Policy Administration API"),
        ("Event Bus Client", "Kotlin Service Starter"),
        ("Meridian Kafka cluster", "claims.claim-submitted.v1"),
    }
    what, _ = found[0]
    assert what.url == "../event-bus-gateway/"  # relative to the entity page


def test_the_organisation_map_as_a_table_counts_every_link(catalog):
    site = SiteContext(catalog, None, frozenset(), {})  # type: ignore[arg-type]
    rows = {r.system.title: r for r in map_text.overview(site)["rows"]}
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
