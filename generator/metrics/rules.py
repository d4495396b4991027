"""Scorecard rule files, ``metrics/scorecards/*.yaml``: read, checked, located.

One scorecard per file, in the style of Cortex and OpsLevel rubrics::

    apiVersion: gitops-portal.io/v1alpha1
    kind: Scorecard
    metadata: {name: production-readiness, title: Production readiness}
    spec:
      levels: [bronze, silver, gold]          # lowest first
      filter: {kind: Component, spec.type: [service, website]}
      minimum: {level: bronze, filter: {spec.lifecycle: production}}
      checks:
        - id: runbook
          level: silver
          title: Has TechDocs with a runbook
          description: On-call engineers find the runbook next to the service.
          fix: handbook/techdocs/
          rule: techdocs
          with: {page: runbook.md}

A filter maps a field path (``kind``, ``spec.type``, ``metadata.tags``) to a value or a
list of values, any of which matches (for a list field: any element); every path must
match. The rule names come from :data:`generator.metrics.checks.RULES`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.diagnostics import Finding, finding
from generator.metrics.checks import RULES
from generator.model.entity import Entity
from generator.yaml12 import Limits, YamlDoc, read_yaml

API_VERSION = "gitops-portal.io/v1alpha1"
_ID = re.compile(r"[a-z0-9][a-z0-9-]{0,62}")


@dataclass(frozen=True)
class Check:
    """One check of a scorecard."""

    id: str
    level: str
    title: str
    description: str
    fix: str
    """A how-to-fix link: an http(s) URL or a site path such as ``handbook/techdocs/``."""
    rule: str
    params: dict[str, Any]
    line: int


@dataclass(frozen=True)
class Scorecard:
    """A scorecard: who it applies to, its levels and checks, its minimum level."""

    name: str
    title: str
    description: str
    levels: tuple[str, ...]
    filter: dict[str, tuple[str, ...]]
    checks: tuple[Check, ...]
    minimum: str | None
    minimum_filter: dict[str, tuple[str, ...]]
    file: str
    line: int
    minimum_line: int = 1

    def applies(self, entity: Entity) -> bool:
        """True when the entity is scored by this scorecard."""
        return matches(entity, self.filter)

    def required(self, entity: Entity) -> bool:
        """True when the entity must reach the minimum level."""
        return (
            self.minimum is not None
            and self.applies(entity)
            and matches(entity, self.minimum_filter)
        )


def matches(entity: Entity, wanted: dict[str, tuple[str, ...]]) -> bool:
    """True when every path of the filter holds one of its values (case-insensitive)."""
    for path, values in wanted.items():
        found = _field(entity.data, path)
        have = found if isinstance(found, list) else [found]
        texts = {str(v).lower() for v in have if isinstance(v, (str, int, float))}
        if not texts & {v.lower() for v in values}:
            return False
    return True


def _field(data: Any, path: str) -> Any:
    for part in path.split("."):
        if not isinstance(data, dict):
            return None
        data = data.get(part)
    return data


@dataclass
class _Doc:
    """One file's document and where to report its problems."""

    doc: YamlDoc
    file: str
    findings: list[Finding] = field(default_factory=list)

    def bad(self, path: tuple[str | int, ...], message: str) -> None:
        line, column = self.doc.locate(path)
        self.findings.append(finding("scorecard.invalid", self.file, line, column, message))


def load_scorecards(folder: Path, root: Path) -> tuple[list[Scorecard], list[Finding]]:
    """Every scorecard in ``folder`` (absent: none), with located findings."""
    cards: list[Scorecard] = []
    findings: list[Finding] = []
    for path in sorted(folder.glob("*.yaml")) if folder.is_dir() else []:
        shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
        docs, problems = read_yaml(path.read_text(encoding="utf-8"), Limits())
        findings += [finding(p.code, shown, p.line, p.column, p.message) for p in problems]
        for doc in docs:
            if doc.data is None:
                continue
            reader = _Doc(doc, shown)
            card = _scorecard(reader)
            findings += reader.findings
            if card is not None:
                cards.append(card)
    unique: dict[str, Scorecard] = {}
    for card in cards:
        if card.name in unique:
            message = f"a second scorecard named '{card.name}'; names must be unique"
            findings.append(finding("scorecard.invalid", card.file, card.line, 1, message))
        else:
            unique[card.name] = card
    return list(unique.values()), findings


def _scorecard(r: _Doc) -> Scorecard | None:
    data = r.doc.data
    if not isinstance(data, dict) or data.get("kind") != "Scorecard":
        r.bad((), "expected a mapping with kind: Scorecard")
        return None
    if data.get("apiVersion") != API_VERSION:
        r.bad(("apiVersion",), f"apiVersion must be {API_VERSION}")
    meta: dict[str, Any] = data["metadata"] if isinstance(data.get("metadata"), dict) else {}
    spec: dict[str, Any] = data["spec"] if isinstance(data.get("spec"), dict) else {}
    name = meta.get("name")
    if not isinstance(name, str) or not _ID.fullmatch(name):
        r.bad(("metadata", "name"), "metadata.name must be lowercase letters, digits and '-'")
        return None
    levels = spec.get("levels")
    if not isinstance(levels, list) or not levels or not all(isinstance(x, str) for x in levels):
        r.bad(("spec", "levels"), "spec.levels must list level names, lowest first")
        return None
    checks = [
        c for i, raw in enumerate(_list(spec.get("checks"))) if (c := _check(r, i, raw, levels))
    ]
    ids = [c.id for c in checks]
    for i, c in enumerate(checks):
        if c.id in ids[:i]:
            r.bad(("spec", "checks", i, "id"), f"a second check with id '{c.id}'")
    minimum: dict[str, Any] = spec["minimum"] if isinstance(spec.get("minimum"), dict) else {}
    level = minimum.get("level")
    if level is not None and level not in levels:
        r.bad(("spec", "minimum", "level"), f"minimum level '{level}' is not one of {levels}")
        level = None
    return Scorecard(
        name,
        str(meta.get("title") or name),
        str(meta.get("description") or ""),
        tuple(levels),
        _filter(r, ("spec", "filter"), spec.get("filter")),
        tuple(checks),
        level,
        _filter(r, ("spec", "minimum", "filter"), minimum.get("filter")),
        r.file,
        r.doc.line,
        r.doc.locate(("spec", "minimum", "level"))[0],
    )


def _list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else []


def _check(r: _Doc, i: int, raw: Any, levels: list[str]) -> Check | None:
    where: tuple[str | int, ...] = ("spec", "checks", i)
    if not isinstance(raw, dict):
        r.bad(where, "a check must be a mapping with id, level, title, rule")
        return None
    cid, level, rule = raw.get("id"), raw.get("level"), raw.get("rule")
    problems = []
    if not isinstance(cid, str) or not _ID.fullmatch(cid):
        problems.append(("id", "id must be lowercase letters, digits and '-'"))
    if level not in levels:
        problems.append(("level", f"level must be one of {levels}, found {level!r}"))
    if rule not in RULES:
        problems.append(("rule", f"rule must be one of {sorted(RULES)}, found {rule!r}"))
    params = raw.get("with") or {}
    if not isinstance(params, dict):
        problems.append(("with", "'with' must map parameter names to values"))
    elif rule in RULES and (missing := RULES[rule].required - set(params)):
        problems.append(("with", f"rule '{rule}' needs {sorted(missing)} under 'with'"))
    for key, message in problems:
        r.bad((*where, key), message)
    if problems:
        return None
    assert isinstance(cid, str) and isinstance(level, str) and isinstance(rule, str)
    return Check(
        cid, level, str(raw.get("title") or cid), str(raw.get("description") or ""),
        str(raw.get("fix") or ""), rule, dict(params), r.doc.locate(where)[0],
    )  # fmt: skip


def _filter(r: _Doc, where: tuple[str, ...], raw: Any) -> dict[str, tuple[str, ...]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        r.bad(where, "a filter maps field paths to a value or a list of values")
        return {}
    out = {}
    for path, value in raw.items():
        values = value if isinstance(value, list) else [value]
        if not all(isinstance(v, (str, int, float)) for v in values):
            r.bad((*where, path), f"filter values of '{path}' must be strings")
            continue
        out[str(path)] = tuple(str(v) for v in values)
    return out
