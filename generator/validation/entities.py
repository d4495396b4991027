"""Per-document checks, in Backstage's order: envelope, foreign root fields, field
formats, kind and apiVersion, then the kind's schema. Each document yields its
findings and, when the envelope holds, an :class:`Entity`."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from typing import Any, Protocol

from generator.diagnostics import Finding, finding
from generator.model import formats
from generator.model.entity import Entity, SourceDoc
from generator.model.kinds import KINDS, KINDS_BY_LOWER
from generator.model.refs import DEFAULT_NAMESPACE, EntityRef
from generator.placeholders import Unresolved
from generator.validation.schema import checker, describe, dotted

Path = tuple[str | int, ...]
_FOREIGN = ("relations", "status")


class _Sink(Protocol):
    """Where the checks put what they find."""

    def add(self, code: str, path: Path, message: str, *, key: bool = False) -> None: ...


class _Doc:
    """Collects findings for one document, located through its marks."""

    def __init__(self, source: SourceDoc) -> None:
        self.source = source
        self.findings: list[Finding] = []

    def add(self, code: str, path: Path, message: str, *, key: bool = False) -> None:
        line, col = self.source.doc.locate(path, key=key)
        self.findings.append(finding(code, self.source.file, line, col, message))


class _Found(Exception):
    """Stops :func:`passes` at the first finding: the verdict is all it needs."""


class _Verdict:
    def add(self, code: str, path: Path, message: str, *, key: bool = False) -> None:  # noqa: ARG002
        raise _Found


def passes(data: Any) -> bool:
    """True when :func:`check_document` would find nothing in ``data``.

    Pure, so it can run where the document is read (half the files are read in a
    forked process; see :mod:`generator.reading`): ``check_document`` then skips the
    checks for a document that passed, which halves their cost on a large catalog.
    """
    if not isinstance(data, dict) or not ("apiVersion" in data or "kind" in data):
        return False
    try:
        return _check(_Verdict(), data)
    except _Found:
        return False


def check_document(source: SourceDoc) -> tuple[Entity | None, list[Finding]]:
    """Check one document; return its entity (None if the envelope fails) and findings.

    A document whose ``passed`` flag is set was found clean by :func:`passes` on this
    very data, so only the entity is built.
    """
    data: dict[str, Any] = source.data
    doc = _Doc(source)
    if not (source.passed or _check(doc, data)):
        return None, doc.findings
    meta = data["metadata"]
    ref = EntityRef(data["kind"], meta.get("namespace") or DEFAULT_NAMESPACE, meta["name"])
    return Entity(ref, data, source), doc.findings


def _check(doc: _Sink, data: dict[str, Any]) -> bool:
    """Every per-document check; False when the envelope fails (no entity then)."""
    if not _envelope(doc, data):
        return False
    meta = data["metadata"]
    for name in _FOREIGN:
        if name in data:
            doc.add(
                "entity.foreign-field",
                (name,),
                f"'{name}' is computed by the catalog and must not be written in a source "
                "file; remove it",
                key=True,
            )
    _formats(doc, data, meta)
    kind = KINDS.get(data["kind"])
    if kind is None:
        _unknown_kind(doc, data["kind"])
        _schema(doc, "Entity", {k: v for k, v in data.items() if k not in _FOREIGN})
    elif data["apiVersion"] not in kind.api_versions:
        doc.add(
            "kind.api-version",
            ("apiVersion",),
            f"a {kind.name} must have apiVersion {' or '.join(kind.api_versions)}; "
            f"found '{data['apiVersion']}'",
        )
    else:
        _schema(doc, kind.schema_for(data.get("spec")), data)
    return True


def _envelope(doc: _Sink, data: dict[str, Any]) -> bool:
    problems: list[Path] = []
    for key in ("apiVersion", "kind"):
        if not isinstance(data.get(key), str) or not data[key]:
            problems.append((key,))
    meta = data.get("metadata")
    if not isinstance(meta, dict):
        problems.append(("metadata",))
    else:
        if not isinstance(meta.get("name"), str) or not meta["name"]:
            problems.append(("metadata", "name"))
        if "namespace" in meta and (
            not isinstance(meta["namespace"], str) or not meta["namespace"]
        ):
            problems.append(("metadata", "namespace"))
    for path in problems:
        found = _value_at(data, path)
        what = "is missing" if found is _MISSING else f"is {describe(found)}"
        doc.add(
            "entity.envelope",
            path,
            f"every entity needs '{dotted(path)}' as a non-empty string, but it {what}; "
            "see an example in catalog/",
        )
    return not problems


_MISSING: Any = object()


def _value_at(data: Any, path: Path) -> Any:
    """The value at ``path`` through mappings and lists, or ``_MISSING``."""
    for part in path:
        if isinstance(data, dict):
            inside = part in data
        else:
            inside = isinstance(data, list) and isinstance(part, int) and 0 <= part < len(data)
        if not inside:
            return _MISSING
        data = data[part]
    return data


def _formats(doc: _Sink, data: dict[str, Any], meta: dict[str, Any]) -> None:
    def rule(code: str, path: Path, value: Any, check: Callable[[str], str | None]) -> None:
        if isinstance(value, str):
            expected = check(value)
            if expected is not None:
                doc.add(code, path, f"'{dotted(path)}' must be {expected}; found '{value}'")

    rule("format.kind", ("kind",), data["kind"], formats.check_kind)
    rule("format.api-version", ("apiVersion",), data["apiVersion"], formats.check_api_version)
    rule("format.name", ("metadata", "name"), meta["name"], formats.check_name)
    rule(
        "format.namespace",
        ("metadata", "namespace"),
        meta.get("namespace"),
        formats.check_namespace,
    )
    for section, code in (("labels", "format.label"), ("annotations", "format.annotation")):
        values = meta.get(section)
        for key, value in values.items() if isinstance(values, dict) else ():
            expected = formats.check_key(key)
            if expected is not None:
                path = ("metadata", section, key)
                doc.add(
                    code,
                    path,
                    f"the key '{key}' in metadata.{section} must be {expected}",
                    key=True,
                )
            if section == "labels":
                rule(code, ("metadata", "labels", key), value, formats.check_label_value)
    title = meta.get("title")
    if isinstance(title, str) and len(title) > formats.MAX_TITLE:
        doc.add(
            "format.title",
            ("metadata", "title"),
            f"'metadata.title' is {len(title):,} characters long; it is shown in maps, tables "
            f"and headings, so keep it to {formats.MAX_TITLE} and put the rest in "
            "metadata.description (maps show it shortened)",
        )
    tags = meta.get("tags")
    for i, tag in enumerate(tags if isinstance(tags, list) else ()):
        rule("format.tag", ("metadata", "tags", i), tag, formats.check_tag)
    links = meta.get("links")
    for i, link in enumerate(links if isinstance(links, list) else ()):
        if isinstance(link, dict):
            _link(doc, rule, i, link)


def _link(doc: _Sink, rule: Any, i: int, link: dict[str, Any]) -> None:
    rule("format.link", ("metadata", "links", i, "url"), link.get("url"), formats.check_url)
    for key in ("title", "icon"):
        value = link.get(key)
        if isinstance(value, str) and value and not value.strip():
            doc.add(
                "format.link",
                ("metadata", "links", i, key),
                f"'metadata.links[{i}].{key}' must not be blank; give it text or remove it",
            )


def _unknown_kind(doc: _Sink, kind: str) -> None:
    known = KINDS_BY_LOWER.get(kind.lower())
    if known is not None:
        hint = f"kinds are case-sensitive: write '{known.name}'"
    else:
        close = difflib.get_close_matches(kind, list(KINDS), n=1)
        hint = f"did you mean '{close[0]}'?" if close else f"known kinds: {', '.join(KINDS)}"
    doc.add("kind.unknown", ("kind",), f"the kind '{kind}' is not one the portal knows; {hint}")


def _schema(doc: _Sink, schema_id: str, data: dict[str, Any]) -> None:
    errors: list[Any] = []
    checker(schema_id)(data, (), errors)
    for err in errors:
        # Kind and apiVersion were matched before the schema was chosen; relations and
        # status already have their own finding.
        if err.path[:1] in (("kind",), ("apiVersion",)) or err.path[:1] in ((f,) for f in _FOREIGN):
            continue
        if isinstance(_value_at(data, err.path), Unresolved):
            continue  # a placeholder that could not be read: its own finding says so
        doc.add(err.code, err.path, err.message, key=err.on_key)
