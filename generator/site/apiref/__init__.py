"""API references: OpenAPI, AsyncAPI, GraphQL and gRPC definitions read into units
(:mod:`.model`) and laid out as pages (:mod:`.render`, :mod:`.section`).

Definitions come from pull requests. Structured ones are read with the hardened YAML
reader (depth, alias and size limits); GraphQL with graphql-core under a token limit;
.proto with a linear parser of our own. A definition that cannot be read is reported
(``api.invalid``, located in its file) and shown as text; a ``$ref`` to nothing is
reported (``api.ref``) and the rest shown."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from generator.catalog import Catalog
from generator.diagnostics import Finding, apply_severities, finding
from generator.model.entity import Entity
from generator.placeholders import Unresolved
from generator.site.apiref import asyncapi, gql, openapi, proto
from generator.site.apiref.model import Ids, Problem, Reference
from generator.site.apiref.schema import Schemas
from generator.yaml12 import Limits, read_yaml

_LIMITS = Limits(max_depth=128, max_alias_nodes=50_000)
MAX_PROBLEMS = 20
"""Problems reported per definition; the count of the rest is said."""
FORMATS = {"openapi": "OpenAPI", "asyncapi": "AsyncAPI", "graphql": "GraphQL", "grpc": "gRPC"}
"""API types whose definitions are rendered as references (others are shown as text)."""


@dataclass
class Parsed:
    """A definition read: its reference, or None with the problems that stopped it."""

    reference: Reference | None
    problems: list[Problem]


def read(api_type: str, text: str) -> Parsed | None:
    """Read a definition of ``api_type``; None for types not rendered (tRPC, MCP...)."""
    kind = api_type.strip().lower()
    text = str(text)  # a plain str: C parsers refuse subclasses (placeholders.FileText)
    if kind == "graphql":
        return _parsed(gql.read(text))
    if kind in ("grpc", "protobuf", "proto"):
        return _parsed(proto.read(text))
    if kind == "openapi":
        return _structured(text, ("openapi", "swagger"), openapi.read)
    if kind == "asyncapi":
        return _structured(text, ("asyncapi",), asyncapi.read)
    return None


def _parsed(result: Reference | list[Problem]) -> Parsed:
    if isinstance(result, Reference):
        return Parsed(result, result.problems)
    return Parsed(None, result)


def _structured(
    text: str, keys: tuple[str, ...], reader: Callable[[dict[str, Any], Schemas, Ids], Reference]
) -> Parsed:
    docs, problems = read_yaml(text, _LIMITS)
    if problems:
        return Parsed(None, [Problem(p.line, p.column, p.message) for p in problems[:1]])
    if len(docs) != 1 or not isinstance(docs[0].data, dict):
        return Parsed(None, [Problem(1, 1, "expected one YAML or JSON document, a mapping")])
    doc = docs[0].data
    if not any(key in doc for key in keys):
        named = " or ".join(f"'{key}'" for key in keys)
        return Parsed(None, [Problem(1, 1, f"expected a {named} field naming the version")])
    schemas = Schemas(doc, {}, lambda ref: _locate(text, ref))
    ref = reader(doc, schemas, Ids())
    return Parsed(ref, ref.problems)


def _locate(text: str, needle: str) -> tuple[int, int]:
    """Line and column of the first occurrence of ``needle`` (1, 1 if absent)."""
    at = text.find(needle)
    if at < 0:
        return 1, 1
    line = text.count("\n", 0, at) + 1
    return line, at - (text.rfind("\n", 0, at) + 1) + 1


def definition_text(entity: Entity) -> str | None:
    """The API's definition text, if it has one that was read."""
    text = entity.spec.get("definition")
    if entity.kind != "API" or not isinstance(text, str) or isinstance(text, Unresolved):
        return None
    return text


def check(catalog: Catalog) -> tuple[dict[str, Parsed], list[Finding]]:
    """Read every API definition of the catalog: the parsed ones by entity key, and
    findings located in the file the definition is written in."""
    parsed: dict[str, Parsed] = {}
    findings: list[Finding] = []
    for entity in catalog.of_kind("API"):
        text = definition_text(entity)
        result = read(str(entity.spec.get("type", "")), text) if text is not None else None
        if result is None:
            continue
        parsed[entity.key] = result
        findings += _findings(entity, text or "", result)
    return parsed, apply_severities(findings, catalog.config.severity)


def _findings(entity: Entity, text: str, result: Parsed) -> list[Finding]:
    code = "api.invalid" if result.reference is None else "api.ref"
    where = _Where.of(entity, text)
    out = []
    for problem in result.problems[:MAX_PROBLEMS]:
        file, line, column = where.at(problem.line, problem.column)
        if code == "api.invalid":
            message = (
                f"the {entity.spec.get('type')} definition of {entity.ref.display} cannot be "
                f"read: {problem.message.rstrip('.')}; the page shows it as text until it is fixed"
            )
        else:
            message = f"{problem.message}; the reference shows the name without its fields"
        out.append(finding(code, file, line, column, message))
    left = len(result.problems) - MAX_PROBLEMS
    if left > 0:
        file, line, column = where.at(1, 1)
        out.append(finding(code, file, line, column, f"and {left} more problems like these"))
    return out


_BLOCK = re.compile(r":\s*[|>][-+0-9]*\s*(#.*)?$")


@dataclass
class _Where:
    """Maps a line and column of a definition to its place in the repository: its own
    file (a ``$text`` placeholder), or the lines of the entity's YAML it is written in."""

    file: str
    first_line: int
    indent: int

    @classmethod
    def of(cls, entity: Entity, text: str) -> _Where:
        source = getattr(text, "source", None)  # set by placeholders for file contents
        if isinstance(source, str):
            return cls(source, 1, 0)
        line, column = entity.locate(("spec", "definition"))
        try:
            lines = Path(entity.source.path).read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError):
            return cls(entity.file, line, column - 1)
        here = lines[line - 1] if 0 < line <= len(lines) else ""
        if _BLOCK.search(here) and line < len(lines):  # a block scalar: text starts below
            below = lines[line]
            return cls(entity.file, line + 1, len(below) - len(below.lstrip(" ")))
        return cls(entity.file, line, column - 1)

    def at(self, line: int, column: int) -> tuple[str, int, int]:
        """The repository file, line and column of a definition's line and column."""
        line, column = max(line, 1), max(column, 1)
        return self.file, self.first_line + line - 1, column + self.indent
