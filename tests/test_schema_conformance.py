"""Our compiled schema checks (``generator.validation.schema.checker``) against the
reference ``jsonschema`` library on the same vendored schemas: both must reach the same
verdict on every upstream example entity and on one-field mutations of valid entities."""

from __future__ import annotations

import copy
from collections.abc import Callable
from functools import cache
from typing import Any

import pytest
from jsonschema import Draft7Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT7

from generator import load_catalog, load_config
from generator.model.kinds import KINDS
from generator.validation.schema import checker, schema_documents, schema_ids
from tests.conftest import REPO

_schemas = schema_documents


@cache
def _reference(schema_id: str) -> Draft7Validator:
    """The reference validator, built as shared/tools/peer_validate.py builds it."""
    schemas = _schemas()
    registry = Registry().with_resources(
        (sid, Resource.from_contents(doc, default_specification=DRAFT7))
        for sid, doc in schemas.items()
    )
    return Draft7Validator(schemas[schema_id], registry=registry)


def _schema_id(data: dict[str, Any]) -> str:
    return KINDS[data["kind"]].schema_for(data.get("spec"))


def _verdicts(schema_id: str, data: Any) -> tuple[list[str], list[str]]:
    """(our errors, reference errors), each as readable strings."""
    ours: list[Any] = []
    checker(schema_id)(data, (), ours)
    ref = [f"{list(e.absolute_path)}: {e.message}" for e in _reference(schema_id).iter_errors(data)]
    return [f"{list(e.path)}: {e.message}" for e in ours], ref


def test_every_vendored_schema_compiles_in_both():
    ids = schema_ids()
    assert set(ids) == set(_schemas())
    for schema_id in ids:
        Draft7Validator.check_schema(_schemas()[schema_id])
        assert callable(checker(schema_id))


# ---------------------------------------------------------------- upstream corpus


def _corpus_entities(conformance) -> list[tuple[str, dict[str, Any]]]:
    config = load_config(REPO)
    out = []
    for folder in (conformance / "backstage" / "examples", conformance / "backstage-templates"):
        catalog = load_catalog([folder], config)
        out += [(key, e.data) for key, e in catalog.entities.items() if e.kind in KINDS]
    return out


def test_every_upstream_entity_is_valid_for_both(conformance):
    entities = _corpus_entities(conformance)
    assert len(entities) == 69 + 11
    disagreements = []
    for key, data in entities:
        ours, ref = _verdicts(_schema_id(data), data)
        if ours or ref:
            disagreements.append((key, ours, ref))
    assert disagreements == []


def test_upstream_kinds_are_all_exercised(conformance):
    ids = {_schema_id(data) for _, data in _corpus_entities(conformance)}
    assert {
        "ComponentV1alpha1",
        "ApiV1alpha1",
        "ApiV1alpha1McpServer",
        "ResourceV1alpha1",
        "SystemV1alpha1",
        "DomainV1alpha1",
        "GroupV1alpha1",
        "UserV1alpha1",
        "LocationV1alpha1",
        "TemplateV1beta3",
    } <= ids


# ---------------------------------------------------------------- mutations

BASES: dict[str, dict[str, Any]] = {
    "component": {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Component",
        "metadata": {
            "name": "svc",
            "tags": ["java"],
            "labels": {"tier": "backend"},
            "annotations": {"owner-team": "y"},
            "links": [{"url": "https://example.com", "title": "Home"}],
        },
        "spec": {
            "type": "service",
            "lifecycle": "production",
            "owner": "team-a",
            "dependsOn": ["resource:db"],
        },
    },
    "api": {
        "apiVersion": "backstage.io/v1beta1",
        "kind": "API",
        "metadata": {"name": "svc-api"},
        "spec": {
            "type": "openapi",
            "lifecycle": "production",
            "owner": "team-a",
            "definition": "openapi: 3.0.0",
        },
    },
    "group": {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Group",
        "metadata": {"name": "team-a"},
        "spec": {"type": "team", "children": [], "profile": {"displayName": "Team A"}},
    },
    "user": {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "User",
        "metadata": {"name": "alice"},
        "spec": {"memberOf": ["team-a"], "profile": {"email": "alice@example.com"}},
    },
    "template": {
        "apiVersion": "scaffolder.backstage.io/v1beta3",
        "kind": "Template",
        "metadata": {"name": "tpl"},
        "spec": {
            "type": "service",
            "parameters": [{"title": "Name", "properties": {"name": {"type": "string"}}}],
            "steps": [{"id": "log", "action": "debug:log", "input": {"message": "hi"}}],
            "output": {"links": [{"title": "Repo", "url": "https://example.com"}]},
        },
    },
    "location": {
        "apiVersion": "backstage.io/v1alpha1",
        "kind": "Location",
        "metadata": {"name": "loc"},
        "spec": {"type": "file", "targets": ["./a.yaml"], "presence": "required"},
    },
}

Mutation = Callable[[dict[str, Any]], None]


def _set(path: str, value: Any) -> Mutation:
    *parents, last = path.split(".")

    def apply(doc: dict[str, Any]) -> None:
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        if isinstance(node, list):
            node[int(last)] = value
        else:
            node[last] = value

    return apply


def _drop(path: str) -> Mutation:
    *parents, last = path.split(".")

    def apply(doc: dict[str, Any]) -> None:
        node: Any = doc
        for part in parents:
            node = node[int(part)] if isinstance(node, list) else node[part]
        del node[last]

    return apply


# (base, mutation id, mutation, valid?) — the expected verdict keeps the test honest:
# two validators that agreed on a wrong answer would still fail it.
MUTATIONS: list[tuple[str, str, Mutation, bool]] = [
    ("component", "unchanged", lambda d: None, True),
    ("component", "drop spec.owner", _drop("spec.owner"), False),
    ("component", "drop spec", _drop("spec"), False),
    ("component", "drop metadata.name", _drop("metadata.name"), False),
    ("component", "lifecycle empty", _set("spec.lifecycle", ""), False),
    ("component", "lifecycle number", _set("spec.lifecycle", 3.1), False),
    ("component", "owner list", _set("spec.owner", ["team-a"]), False),
    ("component", "owner null", _set("spec.owner", None), False),
    ("component", "dependsOn string", _set("spec.dependsOn", "resource:db"), False),
    ("component", "dependsOn item empty", _set("spec.dependsOn.0", ""), False),
    ("component", "extra root key", _set("owner", "team-a"), False),
    ("component", "extra spec key is allowed", _set("spec.tier", 1), True),
    ("component", "extra metadata key is allowed", _set("metadata.team", {"a": 1}), True),
    ("component", "label value number", _set("metadata.labels.tier", 3), False),
    ("component", "annotation value bool", _set("metadata.annotations.owner-team", True), False),
    ("component", "annotations list", _set("metadata.annotations", ["a"]), False),
    ("component", "tag empty", _set("metadata.tags.0", ""), False),
    ("component", "tags string", _set("metadata.tags", "java"), False),
    ("component", "link without url", _drop("metadata.links.0.url"), False),
    ("component", "link title empty", _set("metadata.links.0.title", ""), False),
    ("component", "description empty is allowed", _set("metadata.description", ""), True),
    ("component", "title empty", _set("metadata.title", ""), False),
    ("component", "wrong kind enum", _set("kind", "Service"), False),
    ("component", "wrong apiVersion enum", _set("apiVersion", "backstage.io/v2"), False),
    ("component", "spec list", _set("spec", ["type"]), False),
    ("component", "metadata string", _set("metadata", "svc"), False),
    (
        "component",
        "relations well formed",
        _set("relations", [{"type": "ownedBy", "targetRef": "group:default/team-a"}]),
        True,
    ),
    (
        "component",
        "relation type with a dash",
        _set("relations", [{"type": "owned-by", "targetRef": "group:default/team-a"}]),
        False,
    ),
    (
        "component",
        "status level unknown",
        _set("status", {"items": [{"type": "x", "level": "fatal", "message": "m"}]}),
        False,
    ),
    ("api", "unchanged", lambda d: None, True),
    ("api", "drop definition", _drop("spec.definition"), False),
    ("api", "definition mapping", _set("spec.definition", {"$text": "./a.yaml"}), False),
    ("api", "system empty", _set("spec.system", ""), False),
    ("group", "unchanged", lambda d: None, True),
    ("group", "drop children", _drop("spec.children"), False),
    ("group", "children null", _set("spec.children", None), False),
    ("group", "profile email empty", _set("spec.profile.email", ""), False),
    ("group", "profile string", _set("spec.profile", "Team A"), False),
    ("group", "members item number", _set("spec.members", [1]), False),
    ("user", "unchanged", lambda d: None, True),
    ("user", "drop memberOf", _drop("spec.memberOf"), False),
    ("user", "memberOf empty list is allowed", _set("spec.memberOf", []), True),
    ("user", "memberOf string", _set("spec.memberOf", "team-a"), False),
    ("template", "unchanged", lambda d: None, True),
    ("template", "drop steps", _drop("spec.steps"), False),
    ("template", "step without action", _drop("spec.steps.0.action"), False),
    ("template", "step if bool is allowed", _set("spec.steps.0.if", False), True),
    ("template", "step if number", _set("spec.steps.0.if", 1), False),
    ("template", "step input list", _set("spec.steps.0.input", ["a"]), False),
    ("template", "parameters object is allowed", _set("spec.parameters", {"title": "x"}), True),
    ("template", "parameters string", _set("spec.parameters", "name"), False),
    ("template", "parameters list of strings", _set("spec.parameters", ["name"]), False),
    ("template", "output extra string is allowed", _set("spec.output.summary", "ok"), True),
    ("template", "output extra mapping", _set("spec.output.summary", {"a": 1}), False),
    ("template", "output link entityRef empty", _set("spec.output.links.0.entityRef", ""), False),
    ("template", "wrong apiVersion", _set("apiVersion", "backstage.io/v1alpha1"), False),
    ("location", "unchanged", lambda d: None, True),
    ("location", "empty spec is allowed", _set("spec", {}), True),
    ("location", "presence unknown", _set("spec.presence", "sometimes"), False),
    ("location", "target empty", _set("spec.target", ""), False),
    ("location", "targets string", _set("spec.targets", "./a.yaml"), False),
    ("location", "targets item number", _set("spec.targets.0", 1), False),
]


@pytest.mark.parametrize(
    ("base", "mutate", "valid"),
    [pytest.param(b, m, v, id=f"{b}: {name}") for b, name, m, v in MUTATIONS],
)
def test_mutation_verdicts_agree_with_jsonschema(base, mutate, valid):
    doc = copy.deepcopy(BASES[base])
    mutate(doc)
    schema_id = _schema_id(BASES[base])
    ours, ref = _verdicts(schema_id, doc)
    assert (not ours, not ref) == (valid, valid), f"ours={ours} reference={ref}"


def test_there_are_enough_mutations_of_each_kind():
    per_base = {b: sum(1 for m in MUTATIONS if m[0] == b and m[1] != "unchanged") for b in BASES}
    assert sum(per_base.values()) >= 30
    assert min(per_base.values()) >= 3


def test_every_corpus_document_gets_the_same_verdict_from_both():
    """Every entity of tests/data/catalog (valid and invalid cases), whatever its verdict."""
    config = load_config(REPO)
    data_dir = REPO / "tests" / "data" / "catalog"
    checked = invalid = 0
    for path in sorted(data_dir.rglob("*.yaml")):
        catalog = load_catalog([path], config)
        for entity in catalog:
            kind = KINDS.get(entity.kind)
            if kind is None or entity.data["apiVersion"] not in kind.api_versions:
                continue
            ours, ref = _verdicts(_schema_id(entity.data), entity.data)
            assert bool(ours) == bool(ref), f"{entity.file}: ours={ours} reference={ref}"
            checked += 1
            invalid += bool(ours)
    assert checked > 100
    assert invalid > 20
