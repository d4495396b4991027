"""AsyncAPI 2 and 3 definitions as units: what can be sent and received on which
channel (2: a channel's publish and subscribe; 3: operations), then one unit per
message with its headers and payload, then one per schema."""

from __future__ import annotations

from typing import Any

from generator.site.apiref.model import Block, Field, Ids, Reference, TypeRef, Unit, plain
from generator.site.apiref.schema import Schemas, escape, mapping, text


def read(doc: dict[str, Any], schemas: Schemas, ids: Ids) -> Reference:
    """The reference of an AsyncAPI document (``schemas.units`` filled in here)."""
    version = text(doc.get("asyncapi"))
    info = mapping(doc.get("info"))
    ref = Reference(
        f"AsyncAPI {version}".strip(),
        text(info.get("title")),
        text(info.get("version")),
        text(info.get("description")),
    )
    for name, server in mapping(doc.get("servers")).items():
        server = mapping(server)
        where = text(server.get("url")) or text(server.get("host")) + text(server.get("pathname"))
        protocol = text(server.get("protocol"))
        ref.facts.append((f"Server {name}", f"{where} ({protocol})" if protocol else where))
    components = mapping(doc.get("components"))
    messages = mapping(components.get("messages"))
    named = mapping(components.get("schemas"))
    for name in messages:
        schemas.units[f"#/components/messages/{escape(str(name))}"] = ids.make("message", str(name))
    for name in named:
        schemas.units[f"#/components/schemas/{escape(str(name))}"] = ids.make("schema", str(name))
    if version.startswith("2"):
        ref.units += _channels_v2(doc, schemas, ids)
    else:
        ref.units += _operations_v3(doc, schemas, ids)
    for name, message in messages.items():
        unit_id = schemas.units[f"#/components/messages/{escape(str(name))}"]
        ref.units.append(_message(schemas, unit_id, str(name), message))
    for name, schema in named.items():
        unit_id = schemas.units[f"#/components/schemas/{escape(str(name))}"]
        ref.units.append(schemas.unit(unit_id, str(name), schema))
    ref.problems = schemas.problems
    return ref


def _channels_v2(doc: dict[str, Any], schemas: Schemas, ids: Ids) -> list[Unit]:
    out = []
    for name, channel in mapping(doc.get("channels")).items():
        channel = mapping(schemas.deref(channel)[0])
        for verb in ("publish", "subscribe"):
            if verb not in channel:
                continue
            op = mapping(channel[verb])
            schemas.start_unit()
            unit = Unit(
                ids.make(verb, str(name)),
                "Channels",
                verb,
                str(name),
                text(op.get("summary")) or text(op.get("operationId")),
                "\n\n".join(
                    t for t in (text(channel.get("description")), text(op.get("description"))) if t
                ),
            )
            unit.blocks = _parameters(schemas, channel.get("parameters"))
            unit.blocks += _messages(schemas, op.get("message"))
            out.append(unit)
    return out


def _operations_v3(doc: dict[str, Any], schemas: Schemas, ids: Ids) -> list[Unit]:
    out = []
    for name, op in mapping(doc.get("operations")).items():
        op = mapping(schemas.deref(op)[0])
        channel = mapping(schemas.deref(op.get("channel"))[0])
        address = (
            text(channel.get("address"))
            or text(mapping(op.get("channel")).get("$ref")).rsplit("/", 1)[-1]
        )
        schemas.start_unit()
        unit = Unit(
            ids.make("operation", str(name)),
            "Operations",
            text(op.get("action")) or "operation",
            address or str(name),
            text(op.get("summary")) or text(op.get("title")) or str(name),
            "\n\n".join(
                t for t in (text(op.get("description")), text(channel.get("description"))) if t
            ),
        )
        unit.blocks = _parameters(schemas, channel.get("parameters"))
        listed = op.get("messages")
        if not isinstance(listed, list) or not listed:  # all of the channel's messages
            listed = list(mapping(channel.get("messages")).values())
        unit.blocks += _messages(
            schemas, {"oneOf": listed} if len(listed) > 1 else (listed or [None])[0]
        )
        reply = mapping(op.get("reply"))
        if reply:
            unit.blocks += [
                Block(f"Reply: {b.title}", b.type, b.description, b.fields, b.more)
                for b in _messages(schemas, {"oneOf": reply.get("messages") or []})
            ]
        out.append(unit)
    return out


def _parameters(schemas: Schemas, params: Any) -> list[Block]:
    fields = []
    for name, param in mapping(params).items():
        param = mapping(schemas.deref(param)[0])
        schema = param.get("schema", {"type": "string"})
        fields.append(
            Field(str(name), schemas.type_of(schema), True, text(param.get("description")))
        )
    return [Block("Channel parameters", fields=fields)] if fields else []


def _messages(schemas: Schemas, message: Any) -> list[Block]:
    """The message(s) an operation carries: links to message units, or the fields of
    a message written in place."""
    if message is None:
        return []
    options = mapping(message).get("oneOf")
    listed = options if isinstance(options, list) else [message]
    out = []
    for option in listed[:50]:
        node, unit, name = schemas.deref(option)
        node = mapping(node)
        title = text(node.get("title")) or text(node.get("name")) or name or "Message"
        if unit is not None:
            out.append(Block("Message", (TypeRef(name, unit),), text(node.get("summary"))))
            continue
        block = Block(
            f"Message {title}",
            description=text(node.get("summary")) or text(node.get("description")),
        )
        block.fields, block.more = _payload(schemas, node)
        out.append(block)
    if len(listed) > 50:
        out.append(Block(f"and {len(listed) - 50} more messages: the raw definition has them"))
    return out


def _payload(schemas: Schemas, message: dict[str, Any]) -> tuple[list[Field], str]:
    """A message's headers and payload as two expandable fields."""
    out = []
    more = ""
    for part in ("headers", "payload"):
        if part not in message:
            continue
        schema = message[part]
        schema = (
            mapping(schema).get("schema", schema) if "schemaFormat" in mapping(schema) else schema
        )
        field = Field(part, schemas.type_of(schema))
        field.children, field.more = schemas.fields(schema)
        field.children_label = f"fields of the {part}"
        out.append(field)
    return out, more


def _message(schemas: Schemas, unit_id: str, name: str, message: Any) -> Unit:
    schemas.start_unit()
    node = mapping(schemas.deref(message)[0])
    traits = [
        mapping(schemas.deref(t)[0])
        for t in node.get("traits") or []
        if isinstance(node.get("traits"), list)
    ]
    for trait in traits:  # traits add what the message does not say itself
        node = {**trait, **node}
    unit = Unit(unit_id, "Messages", "message", text(node.get("name")) or name)
    unit.summary = text(node.get("title")) or text(node.get("summary"))
    unit.description = text(node.get("description"))
    content = text(node.get("contentType"))
    if content:
        unit.signature = plain(content)
    fields, more = _payload(schemas, node)
    unit.blocks = [Block("Content", fields=fields, more=more)] if fields else []
    return unit
