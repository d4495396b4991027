"""The answers to a template's form, validated page by page as Backstage's form does.

Each page of ``spec.parameters`` is a JSON Schema object checked with the jsonschema
library (draft 7, as Backstage's ajv). Pages whose ``when`` is false are skipped,
defaults are filled in (also inside objects and ``dependencies`` branches), values no
page defines pass through, and ``ui:*``/``backstage:*`` keys are not validation keys.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jsonschema

PageWhen = Callable[[str, dict[str, Any]], bool]
"""Evaluates a page's ``when`` expression over the answers so far."""


@dataclass(frozen=True)
class Problem:
    """One answer that is wrong: the parameter, and what was expected."""

    parameter: str
    message: str
    page: int
    """Index of the page in spec.parameters."""


def pages(spec: Mapping[str, Any]) -> list[dict[str, Any]]:
    """``spec.parameters`` as a list of pages (one object is one page)."""
    params = spec.get("parameters")
    if isinstance(params, dict):
        return [params]
    if isinstance(params, list):
        return [p for p in params if isinstance(p, dict)]
    return []


def schema_of(node: Any) -> Any:
    """A page or property without its form-only keys (``ui:*``, ``backstage:*``,
    ``when``), so it is plain JSON Schema."""
    if isinstance(node, dict):
        return {
            k: schema_of(v)
            for k, v in node.items()
            if not ((isinstance(k, str) and k.startswith(("ui:", "backstage:"))) or k == "when")
        }
    if isinstance(node, list):
        return [schema_of(v) for v in node]
    return node


def properties(spec: Mapping[str, Any]) -> Iterator[tuple[int, str, dict[str, Any], bool]]:
    """Every top-level property of every page: (page index, name, schema, required)."""
    for index, page in enumerate(pages(spec)):
        required = page.get("required")
        required = required if isinstance(required, list) else []
        props = page.get("properties")
        for name, prop in props.items() if isinstance(props, dict) else ():
            if isinstance(prop, dict):
                yield index, name, prop, name in required


def validate(
    spec: Mapping[str, Any], values: Mapping[str, Any], when: PageWhen
) -> tuple[dict[str, Any], list[Problem]]:
    """Fill defaults and check ``values`` against each page; the completed values and
    every problem found (all pages are checked, not just up to the first error)."""
    answers = copy.deepcopy(dict(values))
    problems: list[Problem] = []
    for index, page in enumerate(pages(spec)):
        condition = page.get("when")
        if condition is not None and not when_holds(condition, answers, when):
            continue
        schema = schema_of(page)
        schema.setdefault("type", "object")
        fill_defaults(schema, answers)
        validator = jsonschema.Draft7Validator(schema, format_checker=_FORMATS)
        for error in sorted(validator.iter_errors(answers), key=_error_order):
            problems.append(Problem(_parameter(error), _message(error), index))
    return answers, problems


_FORMATS = jsonschema.Draft7Validator.FORMAT_CHECKER


def when_holds(condition: Any, answers: dict[str, Any], when: PageWhen) -> bool:
    """A page's ``when``: a boolean, or an expression over the answers so far."""
    if isinstance(condition, bool):
        return condition
    return when(str(condition), answers)


def fill_defaults(schema: Mapping[str, Any], values: dict[str, Any]) -> None:
    """Fill ``default`` values as react-jsonschema-form does: for missing properties,
    inside objects, and in the ``dependencies`` branch that the answers select."""
    props = schema.get("properties")
    for name, prop in props.items() if isinstance(props, dict) else ():
        if not isinstance(prop, dict):
            continue
        if name not in values and "default" in prop:
            values[name] = copy.deepcopy(prop["default"])
        elif name not in values and _has_nested_defaults(prop):
            values[name] = {}
        if isinstance(values.get(name), dict) and prop.get("type") == "object":
            fill_defaults(prop, values[name])
    deps = schema.get("dependencies")
    for trigger, dep in deps.items() if isinstance(deps, dict) else ():
        if trigger in values and isinstance(dep, dict):
            for branch in _chosen_branches(dep, values):
                fill_defaults(branch, values)
    for branch in schema.get("allOf", []) if isinstance(schema.get("allOf"), list) else []:
        if isinstance(branch, dict):
            fill_defaults(branch, values)


def _has_nested_defaults(prop: Mapping[str, Any]) -> bool:
    inner = prop.get("properties")
    return (
        prop.get("type") == "object"
        and isinstance(inner, dict)
        and any(isinstance(p, dict) and "default" in p for p in inner.values())
    )


def _chosen_branches(dep: Mapping[str, Any], values: Mapping[str, Any]) -> list[dict[str, Any]]:
    """The branches of a ``dependencies`` schema that apply: the schema itself, and
    the ``oneOf`` branches the answers already satisfy."""
    chosen = [dict(dep)]
    for branch in dep.get("oneOf", []) if isinstance(dep.get("oneOf"), list) else []:
        if isinstance(branch, dict):
            probe = {k: v for k, v in branch.items() if k != "required"}
            if jsonschema.Draft7Validator(probe).is_valid(values):
                chosen.append(branch)
    return chosen


def _error_order(error: jsonschema.ValidationError) -> tuple[str, str]:
    return (_parameter(error), str(error.validator))


def _parameter(error: jsonschema.ValidationError) -> str:
    """The dotted name of the value an error is about (for ``required``, the missing
    property itself)."""
    path = [str(p) for p in error.absolute_path]
    if error.validator == "required" and isinstance(error.message, str):
        missing = error.message.split("'")[1] if "'" in error.message else ""
        path.append(missing)
    if error.validator == "dependencies" and isinstance(error.validator_value, dict):
        path = path or [str(k) for k in error.validator_value][:1]
    return ".".join(path) or "(form)"


def _message(error: jsonschema.ValidationError) -> str:
    """What was expected, in words, with what was found."""
    kind = str(error.validator)
    found: Any = error.instance
    expected: Any = error.validator_value
    shown = _show(found)
    messages: dict[str, Callable[[], str]] = {
        "required": lambda: "is required but was not given",
        "type": lambda: f"must be {_article(expected)}; found {shown}",
        "enum": lambda: f"must be one of {', '.join(_show(v) for v in expected)}; found {shown}",
        "const": lambda: f"must be {_show(expected)}; found {shown}",
        "pattern": lambda: f"must match the pattern {expected}; found {shown}",
        "minLength": lambda: f"must be at least {expected} characters long; found {shown}",
        "maxLength": lambda: f"must be at most {expected} characters long; found {len(found)}",
        "minimum": lambda: f"must be at least {expected}; found {shown}",
        "maximum": lambda: f"must be at most {expected}; found {shown}",
        "exclusiveMinimum": lambda: f"must be more than {expected}; found {shown}",
        "exclusiveMaximum": lambda: f"must be less than {expected}; found {shown}",
        "format": lambda: f"must be a valid {expected}; found {shown}",
        "minItems": lambda: f"must have at least {expected} items",
        "maxItems": lambda: f"must have at most {expected} items",
        "uniqueItems": lambda: "must not repeat items",
        "oneOf": lambda: "matches none of the allowed combinations (or several)",
        "anyOf": lambda: "matches none of the allowed combinations",
        "additionalProperties": lambda: f"has fields that are not allowed: {error.message}",
    }
    return messages.get(kind, lambda: error.message)()


def _article(expected: Any) -> str:
    names = {"string": "text", "integer": "a whole number", "number": "a number"}
    names |= {"boolean": "true or false", "array": "a list", "object": "a mapping"}
    if isinstance(expected, list):
        return " or ".join(names.get(str(e), str(e)) for e in expected)
    return names.get(str(expected), str(expected))


def _show(value: Any) -> str:
    text = repr(value) if not isinstance(value, str) else f"'{value}'"
    return text if len(text) <= 80 else text[:77] + "..."


def check_schemas(spec: Mapping[str, Any]) -> list[tuple[int, tuple[str | int, ...], str]]:
    """(page index, path in the page, problem) for every page that is not valid JSON
    Schema."""
    out = []
    for index, page in enumerate(pages(spec)):
        try:
            jsonschema.Draft7Validator.check_schema(schema_of(page))
        except jsonschema.SchemaError as exc:
            path = tuple(exc.absolute_path)
            where = ".".join(str(p) for p in path) or "the page"
            out.append((index, path, f"'{where}' is not valid JSON Schema: {exc.message}"))
    return out


def coerce(spec: Mapping[str, Any], name: str, text: str) -> Any:
    """A value given as text (``--set``, an issue form) converted to the type its
    property declares, so '8080' is a number where the form asks for one. Text that
    does not convert is kept, and validation then says what was expected."""
    prop = next((p for _, n, p, _ in properties(spec) if n == name), {})
    kind = prop.get("type")
    try:
        if kind == "integer":
            return int(text.strip())
        if kind == "number":
            number = float(text.strip())
            return int(number) if number.is_integer() else number
    except ValueError:
        return text
    if kind == "boolean" and text.strip().lower() in ("true", "false", "yes", "no"):
        return text.strip().lower() in ("true", "yes")
    if kind == "array" and not text.lstrip().startswith("["):
        return [item.strip() for item in text.split(",") if item.strip()]
    if kind in ("array", "object"):
        try:
            parsed: Any = json.loads(text)
            return parsed
        except ValueError:
            return text
    return text
