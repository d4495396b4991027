"""GraphQL SDL as units: the root types' fields as operations (queries, mutations,
subscriptions), then every type by what it is. Parsed with graphql-core, the reference
implementation's parser, under a token limit; nesting is checked first, since its
parser is recursive."""

from __future__ import annotations

import re
from typing import Any

from generator.site.apiref.model import Block, Field, Ids, Problem, Reference, TypeRef, Unit

MAX_TOKENS = 500_000
MAX_NESTING = 64
_BRACKETS = re.compile(r"[()\[\]{}]")
_GROUPS = {
    "object": "Types",
    "interface": "Interfaces",
    "union": "Unions",
    "enum": "Enums",
    "input_object": "Input types",
    "scalar": "Scalars",
}
_ROOTS = (("query", "Query", "Queries"), ("mutation", "Mutation", "Mutations"),
          ("subscription", "Subscription", "Subscriptions"))  # fmt: skip


def _too_deep(text: str) -> Problem | None:
    """The first bracket nested deeper than :data:`MAX_NESTING` (in strings and comments
    too: a false alarm costs a text view, a miss a crash)."""
    depth = 0
    for match in _BRACKETS.finditer(text):
        if match[0] in "([{":
            depth += 1
            if depth > MAX_NESTING:
                at = match.start()
                line, column = text.count("\n", 0, at) + 1, at - text.rfind("\n", 0, at)
                return Problem(line, column, f"brackets nested deeper than {MAX_NESTING} levels")
        else:
            depth = max(depth - 1, 0)
    return None


def read(text: str) -> Reference | list[Problem]:
    """The reference of a GraphQL schema, or the problem that stopped the parser."""
    from graphql import GraphQLError
    from graphql.language import parse

    deep = _too_deep(text)
    if deep is not None:
        return [deep]
    try:
        document = parse(text, no_location=False, max_tokens=MAX_TOKENS)
    except GraphQLError as exc:
        where = exc.locations[0] if exc.locations else None
        return [Problem(where.line if where else 1, where.column if where else 1, exc.message)]
    except RecursionError:
        return [Problem(1, 1, "the schema nests too deeply to read")]
    return _Reader(document.definitions).reference()


class _Reader:
    def __init__(self, definitions: Any) -> None:
        self.ids = Ids()
        self.types: dict[str, list[Any]] = {}  # name -> definition and extensions
        self.roots = {op: name for op, name, _ in _ROOTS}
        self.schema_description = ""
        for node in definitions:
            kind = node.kind
            if kind in ("schema_definition", "schema_extension"):
                for op in node.operation_types or ():
                    self.roots[op.operation.value] = op.type.name.value
                if getattr(node, "description", None):
                    self.schema_description = node.description.value
            elif kind.endswith(("_type_definition", "_type_extension")):
                self.types.setdefault(node.name.value, []).append(node)
        self.unit_ids = {
            name: self.ids.make("type", name)
            for name in self.types
            if name not in self.roots.values()
        }

    def reference(self) -> Reference:
        ref = Reference("GraphQL", description=self.schema_description)
        for op, _, group in _ROOTS:
            for node in self.types.get(self.roots[op], []):
                for field in node.fields or ():
                    ref.units.append(self.operation(group, op, field))
        for name, nodes in self.types.items():
            if name in self.roots.values():
                continue
            ref.units.append(self.type_unit(name, nodes))
        order = list(_GROUPS.values())
        ref.units.sort(key=lambda u: order.index(u.group) + 1 if u.group in order else 0)
        return ref

    def type_expr(self, node: Any) -> tuple[TypeRef, ...]:
        if node.kind == "non_null_type":
            return (*self.type_expr(node.type), TypeRef("!"))
        if node.kind == "list_type":
            return (TypeRef("["), *self.type_expr(node.type), TypeRef("]"))
        name = node.name.value
        return (TypeRef(name, self.unit_ids.get(name)),)

    def operation(self, group: str, op: str, field: Any) -> Unit:
        name = field.name.value
        unit = Unit(self.ids.make(op, name), group, op, name)
        unit.description = field.description.value if field.description else ""
        unit.deprecated = _deprecated(field) is not None
        unit.signature = (TypeRef("returns "), *self.type_expr(field.type))
        args = [self.argument(a) for a in field.arguments or ()]
        unit.blocks = [Block("Arguments", fields=args)] if args else []
        return unit

    def argument(self, arg: Any) -> Field:
        out = Field(arg.name.value, self.type_expr(arg.type), arg.type.kind == "non_null_type")
        out.description = arg.description.value if arg.description else ""
        if arg.default_value is not None:
            from graphql.language import print_ast

            out.notes.append(f"default: {print_ast(arg.default_value)[:200]}")
        out.deprecated = _deprecated(arg) is not None
        return out

    def type_unit(self, name: str, nodes: list[Any]) -> Unit:
        first = nodes[0]
        kind = first.kind.rsplit("_type_", 1)[0]
        unit = Unit(self.unit_ids[name], _GROUPS.get(kind, "Types"), kind.replace("_", " "), name)
        unit.description = next(
            (n.description.value for n in nodes if getattr(n, "description", None)), ""
        )
        interfaces = [i for n in nodes for i in getattr(n, "interfaces", None) or ()]
        if interfaces:
            parts: list[TypeRef] = [TypeRef("implements ")]
            for i, iface in enumerate(interfaces):
                parts += [TypeRef(" & ")] if i else []
                parts.append(TypeRef(iface.name.value, self.unit_ids.get(iface.name.value)))
            unit.signature = tuple(parts)
        fields: list[Field] = []
        for node in nodes:
            for f in getattr(node, "fields", None) or ():
                fields.append(self.field(f))
            for value in getattr(node, "values", None) or ():
                fields.append(
                    Field(
                        value.name.value,
                        description=value.description.value if value.description else "",
                        deprecated=_deprecated(value) is not None,
                    )
                )
            for member in getattr(node, "types", None) or ():
                fields.append(
                    Field(
                        member.name.value,
                        (TypeRef(member.name.value, self.unit_ids.get(member.name.value)),),
                    )
                )
        title = {"enum": "Values", "union": "Members"}.get(kind, "Fields")
        unit.blocks = [Block(title, fields=fields)] if fields else []
        return unit

    def field(self, node: Any) -> Field:
        out = Field(node.name.value, self.type_expr(node.type), node.type.kind == "non_null_type")
        out.description = node.description.value if node.description else ""
        reason = _deprecated(node)
        out.deprecated = reason is not None
        if reason:
            out.notes.append(f"deprecated: {reason}")
        if node.kind == "input_value_definition" and node.default_value is not None:
            from graphql.language import print_ast

            out.notes.append(f"default: {print_ast(node.default_value)[:200]}")
        args = [self.argument(a) for a in getattr(node, "arguments", None) or ()]
        if args:
            out.children, out.children_label = args, "arguments"
        return out


def _deprecated(node: Any) -> str | None:
    """The deprecation reason ("" without one), or None when not deprecated."""
    for directive in getattr(node, "directives", None) or ():
        if directive.name.value == "deprecated":
            for arg in directive.arguments or ():
                if arg.name.value == "reason" and arg.value.kind == "string_value":
                    return str(arg.value.value)
            return ""
    return None
