"""What an API reference is made of, whatever the definition's format: units (an
operation, a channel, a type, a service) holding blocks of fields. The format readers
(openapi, asyncapi, gql, proto) build these; :mod:`.render` turns them into pages.

Everything here came from an untrusted definition: names and descriptions are escaped
or rendered as Markdown by the page templates, never trusted as HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass, field


@dataclass(frozen=True)
class TypeRef:
    """A piece of a type expression; ``target`` is the id of the unit it names, if any."""

    text: str
    target: str | None = None


Type = tuple[TypeRef, ...]


def plain(text: str) -> Type:
    """A type expression without links."""
    return (TypeRef(text),) if text else ()


@dataclass
class Field:
    """A named part: a property, parameter, header, argument, enum value or method."""

    name: str
    type: Type = ()
    required: bool = False
    description: str = ""
    """Markdown, as definitions write descriptions."""
    notes: list[str] = field(default_factory=list)
    """Short facts: where a parameter goes, format, default, allowed values, number."""
    deprecated: bool = False
    children: list[Field] = field(default_factory=list)
    children_label: str = ""
    """What the expandable children are ("fields of Address")."""
    more: str = ""
    """Said where children were left out (too deep, too many): never silently."""


@dataclass
class Block:
    """A titled list of fields in a unit: parameters, a request body, one response."""

    title: str
    type: Type = ()
    description: str = ""
    fields: list[Field] = field(default_factory=list)
    more: str = ""
    folded: str = ""
    """When set, the fields are behind a <details> with this summary (the fields of a
    named schema, which has its own unit too)."""
    open: bool = False


@dataclass
class Unit:
    """One thing a reader looks up, with its own anchor."""

    id: str
    group: str
    """The section it is listed under ("Operations", "Schemas", a tag)."""
    badge: str
    """What it is: an HTTP method, ``send``, ``query``, ``type``, ``rpc``..."""
    name: str
    summary: str = ""
    description: str = ""
    deprecated: bool = False
    signature: Type = ()
    """A one-line shape, e.g. an RPC's ``(Request) → Response``."""
    blocks: list[Block] = field(default_factory=list)


@dataclass(frozen=True)
class Problem:
    """Something wrong in the definition, at a line and column of its text (1-based;
    0 when unknown)."""

    line: int
    column: int
    message: str


@dataclass
class Reference:
    """A definition read for display."""

    format: str
    """E.g. ``OpenAPI 3.0.3``, ``AsyncAPI 2.6.0``, ``GraphQL``, ``Protocol Buffers``."""
    title: str = ""
    version: str = ""
    description: str = ""
    facts: list[tuple[str, str]] = field(default_factory=list)
    units: list[Unit] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    """Parts that could not be read (a $ref to nothing); the rest is shown."""


_ID_UNSAFE = re.compile(r"[^A-Za-z0-9_.-]+")


class Ids:
    """Unique, readable anchors: ``op-get-v1-claims``, ``schema-Pet``."""

    def __init__(self) -> None:
        self._used: set[str] = set()

    def make(self, prefix: str, name: str) -> str:
        """A new id from ``prefix`` and ``name``, suffixed when taken."""
        base = _ID_UNSAFE.sub("-", f"{prefix}-{name}")[:90].strip("-")
        base = re.sub("-{2,}", "-", base)
        candidate, n = base, 1
        while candidate in self._used:
            n += 1
            candidate = f"{base}-{n}"
        self._used.add(candidate)
        return candidate
