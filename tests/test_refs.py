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
