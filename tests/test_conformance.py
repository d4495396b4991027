"""The upstream Backstage examples: every entity loads, only the refs that really
dangle are errors, and derived relations equal expected-relations.json."""

from __future__ import annotations

import json

from generator import load_catalog, load_config
from tests.conftest import REPO


def _examples(conformance):
    return load_catalog([conformance / "backstage" / "examples"], load_config(REPO))


def test_every_example_entity_loads(conformance):
    catalog = _examples(conformance)
    assert len(catalog) == 69
    assert catalog.documents == 69


def test_only_the_really_dangling_refs_are_errors(conformance):
    catalog = _examples(conformance)
    errors = [
        (f.file.split("examples/")[1], f.line, f.code)
        for f in catalog.findings
        if f.severity.value == "error"
    ]
    assert errors == [
        ("ai-resources/code-review-plugin.yaml", 12, "ref.dangling"),
        ("ai-resources/code-review-plugin.yaml", 13, "ref.dangling"),
        ("ai-resources/company-ai-marketplace.yaml", 13, "ref.dangling"),
        ("repo-root/catalog-info.yaml", 22, "ref.dangling"),
    ]
    every = {(f.file.split("examples/")[1], f.code) for f in catalog.findings}
    warnings = sorted(every - {(e[0], e[2]) for e in errors})
    assert warnings == [
        ("apis/spotify-api.yaml", "placeholder.remote"),
        ("apis/wayback-archive-api.yaml", "placeholder.remote"),
        ("apis/wayback-search-api.yaml", "placeholder.remote"),
    ]


def test_derived_relations_equal_expected(conformance):
    catalog = _examples(conformance)
    expected = json.loads((conformance / "backstage" / "expected-relations.json").read_text())
    # The expected file was derived without AiResource entities (alpha, opt-in), so it
    # has neither their relations nor the reverse relations they put on others.
    got = {
        key: [r.as_json() for r in e.relations if not r.target.startswith("airesource:")]
        for key, e in catalog.entities.items()
        if e.kind != "AiResource"
    }
    assert got == {key: value["relations"] for key, value in expected.items()}
    assert sum(len(v) for v in got.values()) == 155


def test_placeholder_files_are_resolved_and_not_entities(conformance):
    catalog = _examples(conformance)
    petstore = catalog.get("api:default/petstore")
    assert petstore is not None
    assert petstore.spec["definition"].startswith("openapi:")
    assert not any(f.endswith(".oas.yaml") for f in catalog.files)


def test_location_targets_are_read_once(conformance):
    catalog = _examples(conformance)
    assert len(catalog.files) == len(set(catalog.files)) == 51


def test_backstage_templates_load_and_skeletons_are_skipped(conformance):
    catalog = load_catalog([conformance / "backstage-templates"], load_config(REPO))
    assert not any("/skeleton/" in f for f in catalog.files)
    codes = {f.code for f in catalog.findings}
    # Template owners name groups of the Backstage org that this corpus does not hold.
    assert codes <= {"ref.dangling", "entity.not-an-entity"}
    assert len(catalog.of_kind("Template")) == 11
