"""Backstage's JSON schemas compiled into plain Python checks, once, at first use.

A generic JSON-Schema validator spends most of the peer's time (even compiled with
fastjsonschema: 2.7 s on the 10,000-entity benchmark). The vendored schemas use a
small subset of JSON Schema, so we compile that subset into closures: each check
knows its keyword in advance and reports a located error that says what was expected,
what was found and what to do. ``tests/test_schema_conformance.py`` holds the compiled
checks to the reference ``jsonschema`` verdict on the upstream examples and on mutations.
"""

from __future__ import annotations

import difflib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

Path = tuple[str | int, ...]


@dataclass(frozen=True, slots=True)
class SchemaError:
    """One schema violation at a JSON path. ``on_key`` locates the key, not the value."""

    path: Path
    code: str
    message: str
    on_key: bool = False


Check = Callable[[Any, Path, list[SchemaError]], None]

_JSON_TYPES: dict[str, tuple[type, ...]] = {
    "string": (str,),
    "object": (dict,),
    "array": (list,),
    "boolean": (bool,),
    "number": (int, float),
    "integer": (int,),
    "null": (type(None),),
}
_ARTICLE = {"object": "a mapping", "array": "a list", "integer": "a whole number"}


def dotted(path: Path) -> str:
    """``("spec", "tags", 2)`` becomes ``spec.tags[2]``."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else part)
    return out or "the entity"


def describe(value: Any) -> str:
    """A short description of a found value for messages."""
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {json.dumps(shown)}"
    return "a mapping" if isinstance(value, dict) else "a list"


def _type_check(types: list[str]) -> Callable[[Any], bool]:
    allowed = tuple(t for name in types for t in _JSON_TYPES[name])
    no_bool = "boolean" not in types

    def ok(value: Any) -> bool:
        if no_bool and isinstance(value, bool):
            return False
        return isinstance(value, allowed)

    return ok


def _type_message(path: Path, types: list[str], value: Any) -> str:
    want = " or ".join(_ARTICLE.get(t, f"a {t}") for t in types)
    msg = f"'{dotted(path)}' must be {want}; found {describe(value)}"
    if "string" in types and isinstance(value, (bool, int, float)):
        msg += " (YAML reads unquoted numbers and true/false as such); put the value in quotes"
    return msg


class _Compiler:
    def __init__(self, docs: dict[str, dict[str, Any]]) -> None:
        self.docs = docs
        self.compiled: dict[int, Check] = {}

    def ref(self, ref: str, base: str) -> Check:
        doc_id, _, frag = ref.partition("#")
        doc = self.docs[doc_id or base]
        if frag:
            doc = next(d for d in doc.get("definitions", {}).values() if d.get("$id") == f"#{frag}")
        return self.compile(doc, doc_id or base)

    def _deferred(self, ref: str, base: str) -> Check:
        """A $ref resolved on first use (schemas may refer to each other in any order)."""
        target: list[Check] = []

        def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
            if not target:
                target.append(self.ref(ref, base))
            target[0](value, path, errors)

        return check

    def compile(self, schema: dict[str, Any], base: str) -> Check:
        key = id(schema)
        if key not in self.compiled:
            checks = list(self._parts(schema, base))
            self.compiled[key] = _sequence(checks)
        return self.compiled[key]

    def _parts(self, s: dict[str, Any], base: str) -> Iterable[Check]:
        if "$ref" in s:
            yield self._deferred(s["$ref"], base)
        for sub in s.get("allOf", ()):
            yield self.compile(sub, base)
        if "oneOf" in s or "anyOf" in s:
            yield _one_of([self.compile(sub, base) for sub in s.get("oneOf", s.get("anyOf", []))])
        if "type" in s:
            yield _typed(
                s["type"] if isinstance(s["type"], list) else [s["type"]], self._body(s, base)
            )
        else:
            yield from self._body(s, base)

    def _body(self, s: dict[str, Any], base: str) -> list[Check]:
        body: list[Check] = []
        if "enum" in s:
            body.append(_enum(s["enum"]))
        if "const" in s:
            body.append(_enum([s["const"]]))
        if "minLength" in s or "maxLength" in s or "pattern" in s:
            body.append(_string_rules(s.get("minLength", 0), s.get("maxLength"), s.get("pattern")))
        if "minItems" in s:
            body.append(_min_items(s["minItems"]))
        if "items" in s:
            body.append(_items(self.compile(s["items"], base)))
        keys = ("required", "properties", "patternProperties")
        if any(k in s for k in keys) or s.get("additionalProperties") not in (None, True):
            body.append(self._object(s, base))
        return body

    def _object(self, s: dict[str, Any], base: str) -> Check:
        required = tuple(s.get("required", ()))
        examples = {k: v.get("examples") for k, v in s.get("properties", {}).items()}
        props = {k: self.compile(v, base) for k, v in s.get("properties", {}).items()}
        patterns = [
            (re.compile(k), self.compile(v, base))
            for k, v in s.get("patternProperties", {}).items()
        ]
        extra = s.get("additionalProperties", True)
        extra_check = self.compile(extra, base) if isinstance(extra, dict) else None
        if not patterns and extra is True:
            return _open_object(required, examples, props)

        def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
            if not isinstance(value, dict):
                return
            _require(value, path, required, examples, errors)
            for name, item in value.items():
                sub = props.get(name)
                if sub is not None:
                    sub(item, (*path, name), errors)
                matched = False
                for rx, pcheck in patterns:
                    if rx.search(name):
                        matched = True
                        pcheck(item, (*path, name), errors)
                if sub is None and not matched:
                    if extra is False:
                        errors.append(_unknown(path, name, props))
                    elif extra_check is not None:
                        extra_check(item, (*path, name), errors)

        return check


def _sequence(checks: list[Check]) -> Check:
    if len(checks) == 1:
        return checks[0]

    def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
        for c in checks:
            c(value, path, errors)

    return check


def _typed(types: list[str], body: list[Check]) -> Check:
    ok = _type_check(types)
    rest = _sequence(body) if body else None
    if types == ["string"]:
        return _string(body, rest)

    def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
        if not ok(value):
            errors.append(SchemaError(path, "schema.type", _type_message(path, types, value)))
        elif rest is not None:
            rest(value, path, errors)

    return check


def _string(body: list[Check], rest: Check | None) -> Check:
    """Most fields are "a non-empty string": one closure instead of three calls."""
    if all(getattr(c, "min_length_only", False) for c in body):

        def check_min1(value: Any, path: Path, errors: list[SchemaError]) -> None:
            if not isinstance(value, str):
                errors.append(
                    SchemaError(path, "schema.type", _type_message(path, ["string"], value))
                )
            elif not value and body:
                errors.append(_empty(path))

        return check_min1

    def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
        if not isinstance(value, str):
            errors.append(SchemaError(path, "schema.type", _type_message(path, ["string"], value)))
        elif rest is not None:
            rest(value, path, errors)

    return check


def _empty(path: Path) -> SchemaError:
    return SchemaError(path, "schema.value", f"'{dotted(path)}' must not be empty; give it a value")


def _one_of(options: list[Check]) -> Check:
    def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
        results: list[list[SchemaError]] = []
        for option in options:
            found: list[SchemaError] = []
            option(value, path, found)
            if not found:
                return  # our subsets never match two options at once
            results.append(found)
        # Report the option that got furthest into the value: for a list given where
        # "a mapping or a list of mappings" is expected, that is the list option.
        errors.extend(min(results, key=lambda found: _reach(list(found))))

    return check


def _require(
    value: dict[str, Any],
    path: Path,
    required: tuple[str, ...],
    examples: dict[str, Any],
    errors: list[SchemaError],
) -> None:
    for name in required:
        if name not in value:
            errors.append(_missing(path, name, examples.get(name)))


def _open_object(
    required: tuple[str, ...], examples: dict[str, Any], props: dict[str, Check]
) -> Check:
    """An object whose other keys are free (most of them: spec, metadata, links): only
    the known properties are checked, in the tightest loop."""

    def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
        if not isinstance(value, dict):
            return
        _require(value, path, required, examples, errors)
        for name, item in value.items():
            sub = props.get(name)
            if sub is not None:
                sub(item, (*path, name), errors)

    return check


def _reach(found: list[SchemaError]) -> tuple[int, int]:
    """Sort key: deepest error first, then fewest errors."""
    return -max(len(e.path) for e in found), len(found)


def _enum(allowed: list[Any]) -> Check:
    # Typed comparison: in JSON, true is not 1. Enum values are scalars.
    accepted = {(type(a), a) for a in allowed}

    def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
        try:
            ok = (type(value), value) in accepted
        except TypeError:  # a list or mapping: never in an enum of scalars
            ok = False
        if not ok:
            options = ", ".join(json.dumps(a) for a in allowed)
            errors.append(
                SchemaError(
                    path,
                    "schema.value",
                    f"'{dotted(path)}' must be one of {options}; found {describe(value)}",
                )
            )

    return check


def _string_rules(min_len: int, max_len: int | None, pattern: str | None) -> Check:
    rx = re.compile(pattern) if pattern else None

    def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
        if not isinstance(value, str):
            return
        if len(value) < min_len:
            errors.append(_empty(path))
        elif max_len is not None and len(value) > max_len:
            errors.append(
                SchemaError(
                    path,
                    "schema.value",
                    f"'{dotted(path)}' must be at most {max_len} characters; found {len(value)}",
                )
            )
        elif rx is not None and not rx.search(value):
            errors.append(
                SchemaError(
                    path,
                    "schema.value",
                    f"'{dotted(path)}' must match {rx.pattern}; found {describe(value)}",
                )
            )

    # Lets _string() fold the common "non-empty string" rule into the type check.
    check.min_length_only = min_len == 1 and max_len is None and rx is None  # type: ignore[attr-defined]
    return check


def _min_items(n: int) -> Check:
    def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
        if isinstance(value, list) and len(value) < n:
            errors.append(
                SchemaError(path, "schema.value", f"'{dotted(path)}' needs at least {n} item(s)")
            )

    return check


def _items(item: Check) -> Check:
    def check(value: Any, path: Path, errors: list[SchemaError]) -> None:
        if isinstance(value, list):
            for i, v in enumerate(value):
                item(v, (*path, i), errors)

    return check


def _missing(path: Path, name: str, examples: list[Any] | None) -> SchemaError:
    field = dotted((*path, name))
    hint = ""
    if examples and all(isinstance(x, str) for x in examples):
        hint = f" (for example {', '.join(repr(x) for x in examples[:3])})"
    return SchemaError(path, "schema.required", f"'{field}' is required but missing; add it{hint}")


def _unknown(path: Path, name: str, allowed: dict[str, Check]) -> SchemaError:
    field = dotted((*path, name))
    close = difflib.get_close_matches(name, list(allowed), n=1)
    hint = f"did you mean '{close[0]}'?" if close else f"allowed: {', '.join(allowed)}"
    return SchemaError(
        (*path, name), "schema.unknown-field", f"'{field}' is not allowed here; {hint}", True
    )


def schema_documents() -> dict[str, dict[str, Any]]:
    """The vendored schema documents by ``$id``."""
    root = resources.files("generator") / "schemas"
    docs: dict[str, dict[str, Any]] = {}
    for folder in (root, root / "kinds", root / "shared"):
        for entry in folder.iterdir():
            if entry.name.endswith(".schema.json"):
                doc = json.loads(entry.read_text(encoding="utf-8"))
                docs[doc["$id"]] = doc
    return docs


@cache
def _compiler() -> _Compiler:
    return _Compiler(schema_documents())


@cache
def checker(schema_id: str) -> Check:
    """The compiled check for a schema id such as ``ComponentV1alpha1``."""
    compiler = _compiler()
    return compiler.compile(compiler.docs[schema_id], schema_id)


def schema_ids() -> list[str]:
    """Every vendored schema id."""
    return sorted(_compiler().docs)
