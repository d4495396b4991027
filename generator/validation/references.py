"""Checks across entities: duplicates, refs (syntax, dangling, wrong kind), relation
derivation in pairs, and loops in hierarchies that must be trees."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Sequence
from typing import Any

from generator.diagnostics import Finding, finding
from generator.model import relations as rel
from generator.model.entity import Entity
from generator.model.kinds import KINDS, RefField
from generator.model.refs import EntityRef, RefError, parse_ref

_KIND_NAMES = {k.lower(): k for k in KINDS}


def dedupe(entities: Iterable[Entity]) -> tuple[dict[str, Entity], list[Finding]]:
    """Index entities by canonical ref; later definitions of the same ref are findings."""
    index: dict[str, Entity] = {}
    findings = []
    for entity in entities:
        first = index.get(entity.key)
        if first is None:
            index[entity.key] = entity
            continue
        line, col = entity.locate(("metadata", "name"))
        first_line = first.locate(("metadata", "name"))[0]  # the name, not the document
        findings.append(
            finding(
                "entity.duplicate",
                entity.file,
                line,
                col,
                f"{entity.ref.display} is already defined in {first.file}:{first_line} "
                "(names are compared case-insensitively); rename or remove one of them",
            )
        )
    return dict(sorted(index.items())), findings


class _Known:
    """What a ref may name besides a defined entity: refs declared external in
    portal.yaml, and (for the message) entities of other kinds with the same name."""

    def __init__(self, entities: dict[str, Entity], patterns: Sequence[str]) -> None:
        self.entities = entities
        self.patterns = [p.lower() for p in patterns]
        self._by_name: dict[tuple[str, str], list[str]] | None = None

    def external(self, key: str) -> bool:
        return any(fnmatch.fnmatchcase(key, p) for p in self.patterns)

    def namesakes(self, target: EntityRef) -> list[str]:
        """Defined entities named like ``target``, whatever their kind. Indexed when
        first asked: a dangling ref often names an entity of another kind ('owner:
        jdoe' reads as a group, but jdoe is a user)."""
        if self._by_name is None:
            self._by_name = {}
            for entity in self.entities.values():
                name = (entity.namespace.lower(), entity.name.lower())
                self._by_name.setdefault(name, []).append(entity.ref.display)
        return self._by_name.get((target.namespace.lower(), target.name.lower()), [])


def derive_relations(entities: dict[str, Entity], external: Sequence[str]) -> list[Finding]:
    """Attach relations to every entity (deduplicated, sorted) and check each ref.

    This loop runs once per ref (30,000 on the benchmark catalog), so the common case,
    a ref of the right kind to a defined entity, costs a cache lookup and two set
    insertions; everything else is left to the helpers."""
    findings: list[Finding] = []
    outgoing: dict[str, set[tuple[str, str]]] = {key: set() for key in entities}
    known = _Known(entities, external)
    # Parsed refs by (default kind, namespace), then text: most refs repeat.
    parsed: dict[tuple[str | None, str], dict[str, EntityRef]] = {}
    reverse = rel.REVERSE
    for entity in entities.values():
        kind = KINDS.get(entity.kind)
        spec = entity.data.get("spec")
        if kind is None or not isinstance(spec, dict):
            continue
        mine, key, namespace = outgoing[entity.key], entity.key, entity.namespace
        for field in kind.refs_for(spec):
            value = spec.get(field.field)
            if value is None:
                continue  # most fields are absent: no work for them
            relation, back, allowed = field.relation, reverse[field.relation], field.allowed_kinds
            refs = parsed.setdefault((field.default_kind, namespace), {})
            for index, text in _items(field, value):
                target = refs.get(text)
                if target is None:
                    try:
                        target = refs[text] = parse_ref(
                            text, default_kind=field.default_kind, default_namespace=namespace
                        )
                    except RefError as exc:
                        _bad_ref(entity, field, _path(field, index), text, exc, findings)
                        continue
                mine.add((relation, target.key))
                theirs = outgoing.get(target.key)
                if theirs is not None:
                    theirs.add((back, key))
                    if allowed is None or target.kind.lower() in allowed:
                        continue
                path = _path(field, index)
                _check_target(entity, field, target, path, known, findings)
    # Tuples sort as Relations do (type, then target); tuple.__new__ builds a
    # Relation from one without the NamedTuple constructor's Python frame.
    new = tuple.__new__
    for key, relations in outgoing.items():
        entities[key].relations = [new(rel.Relation, pair) for pair in sorted(relations)]
    return findings


def _items(field: RefField, value: Any) -> list[tuple[int | None, str]]:
    """The non-empty strings of one ref field, each with its list index (None for a
    single-valued field). Values of other types are schema findings already."""
    if not field.many:
        return [(None, value)] if isinstance(value, str) and value else []
    if not isinstance(value, list):
        return []
    return [(index, text) for index, text in enumerate(value) if isinstance(text, str) and text]


def _path(field: RefField, index: int | None) -> tuple[str | int, ...]:
    return ("spec", field.field) if index is None else ("spec", field.field, index)


def _bad_ref(
    entity: Entity,
    field: RefField,
    path: tuple[str | int, ...],
    text: str,
    exc: RefError,
    findings: list[Finding],
) -> None:
    code = "ref.missing-kind" if field.default_kind is None and ":" not in text else "ref.invalid"
    line, col = entity.locate(path)
    findings.append(finding(code, entity.file, line, col, f"'{dotted_field(path)}': {exc}"))


def dotted_field(path: tuple[str | int, ...]) -> str:
    """``spec.dependsOn[0]``."""
    head = ".".join(str(p) for p in path if isinstance(p, str))
    return head + "".join(f"[{p}]" for p in path if isinstance(p, int))


def _check_target(
    entity: Entity,
    field: RefField,
    target: EntityRef,
    path: tuple[str | int, ...],
    known: _Known,
    findings: list[Finding],
) -> None:
    kind = target.kind.lower()
    if field.allowed_kinds is not None and kind not in field.allowed_kinds:
        allowed = " or ".join(sorted(_KIND_NAMES.get(k, k) for k in field.allowed_kinds))
        line, col = entity.locate(path)
        findings.append(
            finding(
                "ref.wrong-kind",
                entity.file,
                line,
                col,
                f"'{dotted_field(path)}' must refer to a {allowed}; found '{target.display}', a "
                f"{_KIND_NAMES.get(kind, target.kind)}",
            )
        )
    elif target.key not in known.entities and not known.external(target.key):
        line, col = entity.locate(path)
        namesakes = known.namesakes(target)
        hint = f" ({' and '.join(namesakes)} has that name: write the kind if you meant it)"
        findings.append(
            finding(
                "ref.dangling",
                entity.file,
                line,
                col,
                f"'{dotted_field(path)}' refers to {target.key}, which no catalog file defines"
                f"{hint if namesakes else ''}; fix the name, add the entity, or declare it in "
                "catalog.external_refs in portal.yaml",
            )
        )


# Hierarchies that must be trees: relation followed, and where to point when looping.
_TREES = (
    ("group", rel.CHILD_OF, ("parent", "children")),
    ("component", rel.PART_OF, ("subcomponentOf",)),
    ("domain", rel.PART_OF, ("subdomainOf",)),
)


def find_cycles(entities: dict[str, Entity]) -> list[Finding]:
    """Loops in group parents, subcomponentOf and domain nesting."""
    findings = []
    for kind, relation, fields in _TREES:
        edges = {
            key: [t for t in entity.related(relation) if t.startswith(f"{kind}:")]
            for key, entity in entities.items()
            if entity.kind.lower() == kind
        }
        for cycle in rel.simple_cycles(edges):
            entity = entities[cycle[0]]
            field = next((f for f in fields if f in entity.spec), fields[0])
            line, col = entity.locate(("spec", field))
            loop = " -> ".join([*cycle, cycle[0]]) if len(cycle) > 1 else f"{cycle[0]} -> itself"
            findings.append(
                finding(
                    "relation.cycle",
                    entity.file,
                    line,
                    col,
                    f"this {kind} hierarchy loops ({loop}); a hierarchy must be a tree, so "
                    "break the loop",
                )
            )
    return findings
