"""JSON Schema (as OpenAPI and AsyncAPI write it) made into fields a reader can expand.

A ``$ref`` to a schema that has a unit of its own (``#/components/schemas/Pet``) is a
link to it, never copied in: cycles end there, and a schema used by fifty operations is
shown once. Other ``$ref`` are followed within the document, with the pointers on the
current path remembered so a cycle ends as a link back. Depth and the number of fields
per unit are bounded, and what is left out is said, so a hostile definition costs time
and bytes in proportion to its size, never more."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import unquote

from generator.site.apiref.model import Block, Field, Problem, Type, TypeRef, Unit, plain

MAX_DEPTH = 8
"""Nested levels of fields shown under one unit."""
MAX_FIELDS = 400
"""Fields shown under one unit."""
MAX_MERGES = 64
"""``allOf`` parts merged for one unit."""
MAX_HOPS = 32
"""``$ref`` followed one after another before giving up (a chain, or a loop)."""
MAX_ENUM = 40
"""Allowed values listed for one field."""
LEFT_OUT = "the raw definition has them"
_NOTES = ("default", "minimum", "maximum", "minLength", "maxLength", "pattern",
          "minItems", "maxItems", "multipleOf", "example")  # fmt: skip


def text(value: Any) -> str:
    """A string from a definition's value (numbers and booleans as written)."""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    return "" if value is None or isinstance(value, (dict, list)) else str(value)


def mapping(value: Any) -> dict[str, Any]:
    """``value`` if a mapping, else an empty one (definitions are not trusted to be well
    formed)."""
    return value if isinstance(value, dict) else {}


def escape(name: str) -> str:
    """A name as a JSON pointer part (``a/b`` is ``a~1b``)."""
    return name.replace("~", "~0").replace("/", "~1")


def pointer(doc: Any, ref: str) -> Any:
    """The node a local ``$ref`` (``#/a/b~1c``) points at, or None."""
    if not ref.startswith("#"):
        return None
    node = doc
    for raw in filter(None, ref[1:].split("/")):
        part = unquote(raw).replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return None
    return node


@dataclass
class Schemas:
    """Reads schemas of one document. ``units`` maps the pointer of each schema shown
    on its own (``#/components/schemas/Pet``) to its unit's id."""

    doc: Any
    units: dict[str, str]
    locate: Callable[[str], tuple[int, int]]
    """Where a ``$ref`` string is in the definition's text (for problems)."""
    problems: list[Problem] = field(default_factory=list)
    _reported: set[str] = field(default_factory=set)
    _budget: int = MAX_FIELDS
    _merges: int = MAX_MERGES

    def start_unit(self) -> None:
        """A new unit: its own budget of fields and merges."""
        self._budget, self._merges = MAX_FIELDS, MAX_MERGES

    def unit(self, unit_id: str, name: str, schema: Any) -> Unit:
        """A named schema's own unit: its type, fields and allowed values."""
        self.start_unit()
        node = mapping(schema)
        unit = Unit(unit_id, "Schemas", "schema", name, description=text(node.get("description")))
        unit.signature = self.type_of(schema)
        fields, more = self.fields(schema)
        unit.blocks = [Block("Fields", fields=fields, more=more)] if fields or more else []
        kept = notes(node)
        if kept:
            unit.blocks.append(Block("Values", fields=[Field(n) for n in kept]))
        return unit

    def deref(self, node: Any) -> tuple[Any, str | None, str]:
        """Follow ``$ref`` until a schema with a unit (its id), a plain node, or a dead
        end: ``(node, unit id, name)``, name being the last pointer part followed."""
        name, seen = "", set[str]()
        while isinstance(node, dict) and isinstance(node.get("$ref"), str):
            ref = node["$ref"]
            name = unquote(ref.rsplit("/", 1)[-1])
            if ref in self.units:
                return pointer(self.doc, ref), self.units[ref], name
            if ref in seen or len(seen) >= MAX_HOPS:
                self._problem(ref, f"$ref '{ref}' leads round in a loop")
                return None, None, name
            seen.add(ref)
            target = pointer(self.doc, ref)
            if target is None:
                where = "another file (not bundled)" if not ref.startswith("#") else "nothing"
                self._problem(ref, f"$ref '{ref}' points to {where} in this definition")
                return None, None, name
            node = target
        return node, None, name

    def _problem(self, ref: str, message: str) -> None:
        if ref not in self._reported:
            self._reported.add(ref)
            line, column = self.locate(ref)
            self.problems.append(Problem(line, column, message))

    def type_of(self, schema: Any, depth: int = 0) -> Type:
        """A short type expression: ``Pet``, ``array of Pet``, ``string (date-time)``."""
        node, unit, name = self.deref(schema)
        if unit is not None:
            return (TypeRef(name, unit),)
        if node is None:
            return plain(f"{name} (not found)" if name else "unknown")
        node = mapping(node)
        for key, word, join in (
            ("oneOf", "one of", " | "),
            ("anyOf", "any of", " | "),
            ("allOf", "all of", " & "),
        ):
            options = node.get(key)
            if isinstance(options, list) and options and depth < 2:
                parts: list[TypeRef] = [TypeRef(f"{word}: ")]
                for i, option in enumerate(options[:6]):
                    parts += [TypeRef(join)] if i else []
                    parts += self.type_of(option, depth + 1) or plain("object")
                if len(options) > 6:
                    parts.append(TypeRef(f" | {len(options) - 6} more"))
                return tuple(parts)
        kind = node.get("type")
        kinds = [text(k) for k in kind] if isinstance(kind, list) else [text(kind)]
        kinds = [k for k in kinds if k] or (["object"] if "properties" in node else [])
        if node.get("nullable") is True and "null" not in kinds:
            kinds.append("null")
        out: list[TypeRef] = []
        for i, k in enumerate(kinds):
            out += [TypeRef(" | ")] if i else []
            if k == "array" and depth < 4:
                items = self.type_of(node.get("items"), depth + 1) or plain("any")
                out += [TypeRef("array of "), *items]
            else:
                fmt = text(node.get("format"))
                out.append(TypeRef(f"{k} ({fmt})" if fmt and k != "null" else k))
        return tuple(out) or plain("any")

    def fields(
        self, schema: Any, depth: int = 0, path: frozenset[str] = frozenset()
    ) -> tuple[list[Field], str]:
        """The fields of an object schema (its properties, ``allOf`` merged), and what
        was left out, said in words ("" when nothing was)."""
        node, _, _ = self.deref(schema) if depth == 0 else (schema, None, "")
        node = mapping(node)
        if depth >= MAX_DEPTH:
            return [], f"fields nested deeper than {MAX_DEPTH} levels are not shown: {LEFT_OUT}"
        merged, required = self._merge(node, path)
        out: list[Field] = []
        for name, prop in merged.items():
            if self._budget <= 0:
                left = len(merged) - len(out)
                return out, f"{left} more fields are not shown here: {LEFT_OUT}"
            self._budget -= 1
            out.append(self.field(str(name), prop, name in required, depth, path))
        extra = node.get("additionalProperties")
        if isinstance(extra, dict) and self._budget > 0:
            self._budget -= 1
            out.append(self.field("(any other name)", extra, False, depth, path))
        return out, ""

    def _merge(self, node: dict[str, Any], path: frozenset[str]) -> tuple[dict[str, Any], set[str]]:
        """Properties and required names of ``node`` and of its ``allOf`` parts (a
        budget of merges per unit: parts of parts of parts could multiply)."""
        props = dict(mapping(node.get("properties")))
        names = node.get("required")
        required = {r for r in names if isinstance(r, str)} if isinstance(names, list) else set()
        parts = node.get("allOf")
        for part in parts if isinstance(parts, list) else []:
            ref = mapping(part).get("$ref")
            ref = ref if isinstance(ref, str) else None
            if ref in path or self._merges <= 0:
                continue
            self._merges -= 1
            target = mapping(self.deref(part)[0])
            if target is not node:
                inner, inner_required = self._merge(target, path | {ref} if ref else path)
                for key, value in inner.items():
                    props.setdefault(key, value)
                required |= inner_required
        return props, required

    def field(
        self, name: str, schema: Any, required: bool, depth: int, path: frozenset[str]
    ) -> Field:
        """One property: its type, description, facts, and nested fields to expand."""
        node, unit, ref_name = self.deref(schema)
        node = mapping(node)
        out = Field(name, self.type_of(schema), required, text(node.get("description")))
        out.deprecated = node.get("deprecated") is True
        out.notes = notes(node)
        if unit is not None:
            return out  # a link to the schema's own unit
        target, label = node, ""
        if text(node.get("type")) == "array" or "items" in node:
            item, item_unit, _ = self.deref(node.get("items"))
            target = mapping(item) if item_unit is None else {}
            label = "fields of each item"
        ref = mapping(schema).get("$ref")
        if isinstance(ref, str):
            if ref in path:
                out.more = f"the same schema as an enclosing field ({ref_name})"
                return out
            path = path | {ref}
        nested = isinstance(target.get("additionalProperties"), dict)
        if nested or "properties" in target or "allOf" in target:
            out.children, out.more = self.fields(target, depth + 1, path)
            out.children_label = label or "fields"
        return out


def _short(value: str, limit: int = 160) -> str:
    """A fact as one short line (an example or pattern can be a page long)."""
    value = " ".join(value.split())
    return value if len(value) <= limit else value[: limit - 1] + "…"


def notes(node: dict[str, Any]) -> list[str]:
    """Short facts about a schema: format limits, default, allowed values."""
    out = [f"{key}: {_short(text(node[key]))}" for key in _NOTES if key in node and text(node[key])]
    if node.get("readOnly") is True:
        out.append("read-only")
    if node.get("writeOnly") is True:
        out.append("write-only")
    values = node.get("enum")
    if isinstance(values, list) and values:
        shown = ", ".join(_short(text(v), 60) or "null" for v in values[:MAX_ENUM])
        more = f" and {len(values) - MAX_ENUM} more" if len(values) > MAX_ENUM else ""
        out.append(f"one of: {shown}{more}")
    if "const" in node:
        out.append(f"always: {text(node['const'])}")
    return out
