"""The diff read back from ``portal diff --format json``, as the comment workflow gets it:
an artifact of a run on pull-request code, so untrusted data. Every field is checked
for its type (and commits and relation types for their form) before anything is shown;
strings are then shown through :mod:`generator.gitops.text` like any catalog value."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from generator.diagnostics import Finding, Severity
from generator.errors import PortalError
from generator.gitops.diff import FORWARD, CatalogDiff, Impact, Place
from generator.gitops.fields import FieldChange

_SHA = re.compile(r"[0-9a-f]{40}([0-9a-f]{24})?")
T = TypeVar("T")


class ArtifactError(PortalError):
    """The artifact is not what ``portal diff --format json`` writes: exit 1."""

    exit_code = 1


def _get(doc: Any, key: str, kind: type[T], where: str, *, optional: bool = False) -> T:
    value = doc.get(key) if isinstance(doc, dict) else None
    if value is None and optional:
        return None  # type: ignore[return-value]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise ArtifactError(
            f"the diff is not what portal diff writes: {where}.{key} should be a "
            f"{kind.__name__}, found {type(value).__name__}"
        )
    return value


def _strs(value: Any, where: str) -> list[str]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ArtifactError(f"the diff is not what portal diff writes: {where} should be strings")
    return list(value)


def _sha(doc: Any, key: str) -> str | None:
    value = _get(doc, key, str, "$", optional=True)
    if value is not None and not _SHA.fullmatch(value):
        raise ArtifactError(f"the diff is not what portal diff writes: $.{key} is not a commit")
    return value


def _pair(doc: Any, where: str) -> tuple[Any, Any]:
    if not isinstance(doc, dict):
        raise ArtifactError(f"the diff is not what portal diff writes: {where} is not a mapping")
    return doc.get("old"), doc.get("new")


def _opt_str(value: Any, where: str) -> str | None:
    if value is not None and not isinstance(value, str):
        raise ArtifactError(f"the diff is not what portal diff writes: {where} is not a string")
    return value


def _finding(doc: Any, where: str) -> Finding:
    severity = _get(doc, "severity", str, where)
    if severity not in {s.value for s in Severity}:
        raise ArtifactError(f"the diff is not what portal diff writes: {where}.severity")
    return Finding(
        _get(doc, "file", str, where),
        _get(doc, "line", int, where),
        _get(doc, "column", int, where),
        _get(doc, "code", str, where),
        _get(doc, "message", str, where),
        Severity(severity),
    )


def _relation(doc: Any, where: str) -> tuple[str, str, str]:
    kind = _get(doc, "type", str, where)
    if kind not in FORWARD:
        raise ArtifactError(f"the diff is not what portal diff writes: {where}.type")
    return (_get(doc, "source", str, where), kind, _get(doc, "target", str, where))


def from_json(doc: Any) -> CatalogDiff:
    """The :class:`CatalogDiff` a JSON document describes; ArtifactError when it does not."""
    if not isinstance(doc, dict):
        raise ArtifactError("the diff is not what portal diff writes: not a JSON object")
    out = CatalogDiff(_sha(doc, "base"), _sha(doc, "head"))
    out.added = _strs(doc.get("added"), "$.added")
    out.removed = _strs(doc.get("removed"), "$.removed")
    for key, item in _get(doc, "changed", dict, "$").items():
        fields = _get(item, "fields", dict, f"$.changed[{key!r}]")
        out.changed[str(key)] = [
            FieldChange(str(path), *_pair(v, f"$.changed.{key}")) for path, v in fields.items()
        ]
    for key, item in _get(doc, "moved", dict, "$").items():
        old, new = _pair(item, "$.moved")
        out.moved[str(key)] = (str(old), str(new))
    relations = _get(doc, "relations", dict, "$")
    out.gained = [_relation(r, "$.relations.gained") for r in _get(relations, "gained", list, "$")]
    out.lost = [_relation(r, "$.relations.lost") for r in _get(relations, "lost", list, "$")]
    for key, item in _get(doc, "owners", dict, "$").items():
        old, new = _pair(item, "$.owners")
        out.owners[str(key)] = (_opt_str(old, "$.owners"), _opt_str(new, "$.owners"))
    for key, item in _get(doc, "impacted", dict, "$").items():
        via = _strs(_get(item, "via", list, "$.impacted"), "$.impacted.via")
        out.impacted[str(key)] = Impact(tuple(via), _opt_str(item.get("owner"), "$.impacted"))
    out.owners_to_notify = _strs(doc.get("owners_to_notify"), "$.owners_to_notify")
    findings = _get(doc, "findings", dict, "$")
    out.introduced = [_finding(f, "$.findings") for f in _get(findings, "introduced", list, "$")]
    out.fixed = [_finding(f, "$.findings") for f in _get(findings, "fixed", list, "$")]
    for key, item in _get(doc, "entities", dict, "$").items():
        where = "$.entities"
        line = _get(item, "line", int, where)
        out.places[str(key)] = Place(
            _get(item, "file", str, where), line, _get(item, "title", str, where)
        )
    return out
