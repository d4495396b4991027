"""API definitions made readable: a summary of OpenAPI and AsyncAPI documents, and the
raw text. Definitions are untrusted and can be large (200 KB CRDs), so they are parsed
with the hardened reader and long raw texts are linked, not inlined."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from generator.model.entity import Entity
from generator.placeholders import Unresolved
from generator.site import paths
from generator.site.render import safe_url
from generator.yaml12 import Limits, read_yaml

INLINE_LIMIT = 24_000
"""Raw definitions longer than this are written beside the page and linked."""

_METHODS = ("get", "put", "post", "delete", "options", "head", "patch", "trace")


@dataclass
class Operation:
    """One operation: an HTTP method and path, or an AsyncAPI action on a channel."""

    verb: str
    target: str
    summary: str


@dataclass
class ApiSummary:
    """What a reader needs first: title, version, servers, operations, schemas."""

    format: str
    title: str = ""
    version: str = ""
    description: str = ""
    servers: list[str] = field(default_factory=list)
    operations: list[Operation] = field(default_factory=list)
    schemas: list[str] = field(default_factory=list)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else "" if value is None else str(value)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def summarise(api_type: str, definition: str) -> ApiSummary | None:
    """A summary of an OpenAPI or AsyncAPI definition, or None for other types or
    definitions that do not parse (the raw view still shows them)."""
    if api_type not in ("openapi", "asyncapi"):
        return None
    docs, problems = read_yaml(definition, Limits(max_depth=128, max_alias_nodes=50_000))
    if problems or len(docs) != 1 or not isinstance(docs[0].data, dict):
        return None
    doc = docs[0].data
    info = _mapping(doc.get("info"))
    summary = ApiSummary(
        api_type,
        _text(info.get("title")),
        _text(info.get("version")),
        _text(info.get("description")),
    )
    if api_type == "openapi":
        _openapi(doc, summary)
    else:
        _asyncapi(doc, summary)
    return summary


def _openapi(doc: dict[str, Any], summary: ApiSummary) -> None:
    servers = doc.get("servers")
    summary.servers = (
        [_text(s.get("url")) for s in servers if isinstance(s, dict)]
        if isinstance(servers, list)
        else []
    )
    for path, item in sorted(_mapping(doc.get("paths")).items()):
        for method in _METHODS:
            op = _mapping(_mapping(item).get(method))
            if method in _mapping(item):
                text = _text(op.get("summary")) or _text(op.get("operationId"))
                summary.operations.append(Operation(method.upper(), str(path), text))
    components = _mapping(doc.get("components"))
    schemas = components.get("schemas") or doc.get("definitions")
    summary.schemas = sorted(str(k) for k in _mapping(schemas))


def _asyncapi(doc: dict[str, Any], summary: ApiSummary) -> None:
    servers = _mapping(doc.get("servers"))
    summary.servers = [
        f"{name}: {_text(_mapping(s).get('url') or _mapping(s).get('host'))}"
        for name, s in sorted(servers.items())
    ]
    for name, channel in sorted(_mapping(doc.get("channels")).items()):
        channel = _mapping(channel)
        for verb in ("publish", "subscribe"):  # AsyncAPI 2.x
            if verb in channel:
                op = _mapping(channel[verb])
                summary.operations.append(
                    Operation(
                        verb, str(name), _text(op.get("summary")) or _text(op.get("operationId"))
                    )
                )
    for name, op in sorted(_mapping(doc.get("operations")).items()):  # AsyncAPI 3.x
        op = _mapping(op)
        channel = _text(_mapping(op.get("channel")).get("$ref")).rsplit("/", 1)[-1]
        summary.operations.append(
            Operation(
                _text(op.get("action")), channel or str(name), _text(op.get("summary")) or str(name)
            )
        )
    components = _mapping(doc.get("components"))
    summary.schemas = sorted(
        str(k) for k in _mapping(components.get("messages")) | _mapping(components.get("schemas"))
    )


def definition(entity: Entity, extra: dict[str, str]) -> dict[str, Any] | None:
    """What the entity page shows of an API's definition; long raw texts go into
    ``extra`` (site path -> text) to be written beside the page."""
    text = entity.spec.get("definition")
    if entity.kind != "API" or not isinstance(text, str):
        return None
    if isinstance(text, Unresolved):  # a placeholder that was not read
        remote = safe_url(text.url)
        unread = None if remote else text.url  # a local file: missing, or refused
        return {"remote": remote, "unread": unread, "summary": None, "raw": None}
    raw_file = None
    if len(text) > INLINE_LIMIT:
        raw_file = "definition.txt"
        extra[f"{paths.entity_dir(entity.key)}/{raw_file}"] = text
    return {
        "remote": None,
        "unread": None,
        "summary": summarise(str(entity.spec.get("type", "")), text),
        "raw": None if raw_file else text,
        "raw_file": raw_file,
        "size": len(text),
    }
