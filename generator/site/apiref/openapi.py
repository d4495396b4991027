"""OpenAPI 2 (Swagger) and 3 definitions as units: operations grouped by tag, with
parameters, request bodies and responses, then webhooks, then one unit per schema."""

from __future__ import annotations

from typing import Any

from generator.site.apiref.model import Block, Field, Ids, Reference, Unit
from generator.site.apiref.schema import Schemas, escape, mapping, notes, text

METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


def read(doc: dict[str, Any], schemas: Schemas, ids: Ids) -> Reference:
    """The reference of an OpenAPI document (``schemas.units`` filled in here)."""
    swagger = "swagger" in doc and "openapi" not in doc
    version = text(doc.get("swagger") if swagger else doc.get("openapi"))
    info = mapping(doc.get("info"))
    ref = Reference(
        f"{'Swagger' if swagger else 'OpenAPI'} {version}".strip(),
        text(info.get("title")),
        text(info.get("version")),
        text(info.get("description")),
    )
    ref.facts = _servers(doc, swagger)
    home = "#/definitions/" if swagger else "#/components/schemas/"
    named = mapping(
        doc.get("definitions") if swagger else mapping(doc.get("components")).get("schemas")
    )
    for name in named:
        schemas.units[home + escape(str(name))] = ids.make("schema", str(name))
    reader = _Reader(doc, schemas, ids, swagger)
    tags = {text(mapping(t).get("name")) for t in doc.get("tags") or [] if isinstance(t, dict)}
    for path, item in mapping(doc.get("paths")).items():
        ref.units += reader.path_item(str(path), item, "op", tags)
    for name, item in mapping(doc.get("webhooks")).items():
        ref.units += [
            _regroup(u, "Webhooks") for u in reader.path_item(str(name), item, "webhook", set())
        ]
    for name, schema in named.items():
        unit_id = schemas.units[home + escape(str(name))]
        ref.units.append(schemas.unit(unit_id, str(name), schema))
    ref.problems = schemas.problems
    return ref


def _regroup(unit: Unit, group: str) -> Unit:
    unit.group = group
    return unit


def _servers(doc: dict[str, Any], swagger: bool) -> list[tuple[str, str]]:
    if swagger:
        host, base = text(doc.get("host")), text(doc.get("basePath"))
        schemes = [text(s) for s in doc.get("schemes") or [] if isinstance(s, str)]
        if not host:
            return [("Base path", base)] if base else []
        return [("Server", f"{s}://{host}{base}") for s in schemes or ["https"]]
    out = []
    for server in doc.get("servers") or []:
        server = mapping(server)
        url, about = text(server.get("url")), text(server.get("description"))
        if url:
            out.append(("Server", f"{url} ({about})" if about else url))
    return out


class _Reader:
    """Operations of one document."""

    def __init__(self, doc: dict[str, Any], schemas: Schemas, ids: Ids, swagger: bool) -> None:
        self.doc, self.schemas, self.ids, self.swagger = doc, schemas, ids, swagger
        self.consumes = _strings(doc.get("consumes")) or ["application/json"]
        self.produces = _strings(doc.get("produces")) or ["application/json"]
        self.shown: set[str] = set()
        """Schemas whose fields the current operation shows already."""

    def deref(self, node: Any) -> dict[str, Any]:
        """A parameter, body or response, its ``$ref`` followed."""
        return mapping(self.schemas.deref(node)[0])

    def path_item(self, path: str, item: Any, prefix: str, tags: set[str]) -> list[Unit]:
        """One unit per operation of a path."""
        item = self.deref(item)
        shared = item.get("parameters")
        out = []
        for method in METHODS:
            if method not in item:
                continue
            op = mapping(item[method])
            self.schemas.start_unit()
            self.shown = set()
            op_tags = _strings(op.get("tags"))
            group = op_tags[0] if op_tags else "Operations"
            unit = Unit(
                self.ids.make(prefix, f"{method}-{path}"),
                group if group in tags or op_tags else "Operations",
                method.upper(),
                path,
                text(op.get("summary")) or text(op.get("operationId")),
                text(op.get("description")),
                op.get("deprecated") is True,
            )
            unit.blocks = self.parameters(shared, op.get("parameters"))
            unit.blocks += self.request(op)
            unit.blocks += self.responses(op)
            out.append(unit)
        return out

    def parameters(self, shared: Any, own: Any) -> list[Block]:
        """Path-level parameters overridden by the operation's, by name and place;
        a Swagger 2 ``in: body`` parameter is the request body, read by :meth:`request`."""
        found: dict[tuple[str, str], dict[str, Any]] = {}
        for group in (shared, own):
            for param in group if isinstance(group, list) else []:
                param = self.deref(param)
                where = text(param.get("in"))
                if where not in ("body", "formData"):
                    found[(text(param.get("name")), where)] = param
        fields = [self.parameter(name, where, p) for (name, where), p in found.items()]
        return [Block("Parameters", fields=fields)] if fields else []

    def parameter(self, name: str, where: str, param: dict[str, Any]) -> Field:
        """One parameter: where it goes, its type and facts."""
        schema = param.get("schema") if "schema" in param else param  # Swagger 2: inline
        out = Field(name, self.schemas.type_of(schema), param.get("required") is True)
        out.description = text(param.get("description"))
        out.deprecated = param.get("deprecated") is True
        out.notes = [f"in {where}", *notes(mapping(self.schemas.deref(schema)[0]))]
        return out

    def request(self, op: dict[str, Any]) -> list[Block]:
        """The request body: OpenAPI 3's ``requestBody``, Swagger 2's body or form
        parameters."""
        if not self.swagger:
            body = self.deref(op.get("requestBody"))
            if not body:
                return []
            title = "Request body" + (" (required)" if body.get("required") is True else "")
            return self.content(title, text(body.get("description")), body.get("content"))
        params = [
            self.deref(p)
            for p in op.get("parameters") or []
            if isinstance(op.get("parameters"), list)
        ]
        media = ", ".join(_strings(op.get("consumes")) or self.consumes)
        for param in params:
            if text(param.get("in")) == "body":
                block = self.body(f"Request body ({media})", param.get("schema"))
                block.description = text(param.get("description"))
                return [block]
        form = [
            self.parameter(text(p.get("name")), "form", p)
            for p in params
            if text(p.get("in")) == "formData"
        ]
        return [Block(f"Request form ({media})", fields=form)] if form else []

    def responses(self, op: dict[str, Any]) -> list[Block]:
        """One block per status code and media type."""
        out = []
        for status, response in mapping(op.get("responses")).items():
            response = self.deref(response)
            title = f"Response {status}"
            about = text(response.get("description"))
            if self.swagger:
                media = ", ".join(_strings(op.get("produces")) or self.produces)
                has_schema = "schema" in response
                block = self.body(
                    f"{title} ({media})" if has_schema else title, response.get("schema")
                )
                block.description = about
                blocks = [block]
            else:
                blocks = self.content(title, about, response.get("content"))
            headers = [
                Field(
                    str(n),
                    self.schemas.type_of(mapping(self.deref(h)).get("schema", self.deref(h))),
                    description=text(self.deref(h).get("description")),
                    notes=["header"],
                )
                for n, h in mapping(response.get("headers")).items()
            ]
            blocks[-1].fields = headers + blocks[-1].fields
            out += blocks
        return out

    def content(self, title: str, about: str, content: Any) -> list[Block]:
        """Blocks for a ``content`` map, media types with the same schema together."""
        by_schema: dict[object, tuple[list[str], Any]] = {}
        for media, entry in mapping(content).items():
            schema = mapping(entry).get("schema")
            ref = mapping(schema).get("$ref")
            key = ("ref", ref) if isinstance(ref, str) else ("node", id(schema))
            by_schema.setdefault(key, ([], schema))[0].append(str(media))
        if not by_schema:
            return [Block(title, description=about)]
        out = [
            self.body(f"{title} ({', '.join(media)})", schema)
            for media, schema in by_schema.values()
        ]
        out[0].description = about
        return out

    def body(self, title: str, schema: Any) -> Block:
        """A body: its type, and the fields of the schema it names, to expand (once per
        operation: five error responses of one Problem schema show it once)."""
        if schema is None:
            return Block(title)
        return body(self.schemas, title, schema, self.shown)


def body(schemas: Schemas, title: str, schema: Any, shown: set[str]) -> Block:
    """A block for a body or payload: its type, and its fields, folded when they are a
    named schema's (open for the first), left out when shown already in this unit."""
    block = Block(title, schemas.type_of(schema))
    ref = mapping(schema).get("$ref")
    if isinstance(ref, str) and ref in shown:
        block.more = "fields as shown above"
        return block
    block.fields, block.more = schemas.fields(schema)
    if isinstance(ref, str):
        shown.add(ref)
        if ref in schemas.units and block.fields:
            name = block.type[0].text if block.type else "the schema"
            block.folded = f"fields of {name} ({len(block.fields)})"
            block.open = len(shown) == 1
    return block


def _strings(value: Any) -> list[str]:
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []
