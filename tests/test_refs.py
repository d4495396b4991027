from __future__ import annotations

import pytest

from generator.model.refs import EntityRef, RefError, parse_ref


@pytest.mark.parametrize(
    ("text", "kwargs", "expected"),
    [
        ("team-a", {"default_kind": "Group"}, "group:default/team-a"),
        ("user:guest", {"default_kind": "Group", "default_namespace": "dev"}, "user:dev/guest"),
        (
            "group:default/team-a",
            {"default_kind": "Group", "default_namespace": "x"},
            "group:default/team-a",
        ),
        ("default/team-a", {"default_kind": "Group"}, "group:default/team-a"),
        ("resource:artists-db", {}, "resource:default/artists-db"),
        ("a/b:c", {"default_kind": "Component"}, "component:a/b:c"),
        ("Component:Default/MyService", {}, "component:default/myservice"),
    ],
)
def test_parse_ref_applies_defaults_like_backstage(text, kwargs, expected):
    assert parse_ref(text, **kwargs).key == expected


@pytest.mark.parametrize("text", ["", ":foo", "component:/foo", "default/", "component:"])
def test_parse_ref_rejects_empty_parts(text):
    with pytest.raises(RefError):
        parse_ref(text, default_kind="Component")


def test_ref_without_kind_where_field_has_no_default_is_an_error():
    with pytest.raises(RefError, match="no kind"):
        parse_ref("artists-db", default_kind=None)


def test_refs_compare_case_insensitively_but_keep_display_case():
    a, b = EntityRef("Component", "default", "Svc"), EntityRef("component", "DEFAULT", "svc")
    assert a == b and hash(a) == hash(b)
    assert a.display == "component:Svc"


def test_graph_answers_who_depends_on_an_entity():
    from generator import load_catalog, load_config
    from generator.graph import dependents, neighbours
    from tests.conftest import REPO

    catalog = load_catalog([REPO / "tests/data/site_catalog"], load_config(REPO))
    graph = catalog.graph
    # ignition dependsOn fuel-db; nothing consumes ignition-api.
    assert dependents(graph, "resource:default/fuel-db") == ["component:default/ignition"]
    assert dependents(graph, "api:default/ignition-api") == []
    assert neighbours(graph, "component:default/ignition")["providesApi"] == [
        "api:default/ignition-api"
    ]
