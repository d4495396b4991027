"""Protocol Buffers (.proto) text as units: services with their methods, messages with
their fields, enums with their values, documented by the comments above them.

A small parser of our own: a tokenizer that reads the text once, and a descent that
only recurses into nested messages (bounded). The pure-Python libraries we found parse
through ANTLR's runtime, which recurses per token of nesting and costs far more on
large files; what a reader needs is declarations, not a compiler. Option values are
skipped, unknown statements too (up to their ``;``), so newer syntax degrades to a
shorter page rather than an error."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from generator.site.apiref.model import Block, Field, Ids, Problem, Reference, TypeRef, Unit

MAX_NESTING = 32
_TOKEN = re.compile(
    r"""(?P<space>\s+)|(?P<line>//[^\n]*)|(?P<block>/\*.*?\*/)|(?P<open>/\*)"""
    r"""|(?P<string>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<word>\.?[A-Za-z_][A-Za-z0-9_]*(?:\s*\.\s*[A-Za-z_][A-Za-z0-9_]*)*)"""
    r"""|(?P<number>[-+]?(?:0[xX][0-9A-Fa-f]+|[0-9]+(?:\.[0-9]*)?(?:[eE][-+]?[0-9]+)?|inf|nan))"""
    r"""|(?P<symbol>[{}()\[\]<>;=,:.\-+/])""",
    re.DOTALL,
)


@dataclass
class _Token:
    kind: str
    text: str
    line: int
    column: int
    doc: str = ""
    """Comments just before it."""
    trailing: str = ""
    """A comment after it on the same line (``int32 id = 1; // the id``)."""


class ProtoError(Exception):
    """Where the text stops making sense."""

    def __init__(self, token: _Token | None, message: str) -> None:
        super().__init__(message)
        self.line = token.line if token else 1
        self.column = token.column if token else 1


def _tokens(text: str) -> list[_Token]:
    out: list[_Token] = []
    comments: list[str] = []
    line, line_start, at = 1, 0, 0
    while at < len(text):
        match = _TOKEN.match(text, at)
        if match is None or match.lastgroup == "open":
            bad = _Token("?", text[at : at + 20], line, at - line_start + 1)
            what = "an unclosed /* comment" if match else f"unexpected character {text[at]!r}"
            raise ProtoError(bad, what)
        kind, value = match.lastgroup or "", match[0]
        if kind in ("line", "block") and out and out[-1].line == line and not comments:
            out[-1].trailing = _comment(value)
        elif kind in ("line", "block"):
            comments.append(_comment(value))
        elif kind == "space":
            if value.count("\n") > 1:
                comments.clear()  # a blank line detaches a comment, as protoc does
        else:
            out.append(_Token(kind, value, line, at - line_start + 1, "\n".join(comments)))
            comments.clear()
        newlines = value.count("\n")
        if newlines:
            line += newlines
            line_start = at + value.rfind("\n") + 1
        at = match.end()
    return out


def _comment(text: str) -> str:
    if text.startswith("//"):
        return text[2:].strip()
    lines = [ln.strip().lstrip("*").strip() for ln in text[2:-2].splitlines()]
    return "\n".join(ln for ln in lines if ln)


@dataclass
class _Message:
    name: str  # full name within the package: Outer.Inner
    doc: str
    fields: list[tuple[_Token, str, str, str, str]] = field(default_factory=list)
    """(name token, label, type, number, oneof)"""


@dataclass
class _Enum:
    name: str
    doc: str
    values: list[tuple[str, str, str]] = field(default_factory=list)  # name, number, doc


@dataclass
class _Service:
    name: str
    doc: str
    methods: list[tuple[str, str, bool, str, bool, str]] = field(default_factory=list)
    """(name, request, client streams, response, server streams, doc)"""


@dataclass
class _File:
    syntax: str = "proto2"
    package: str = ""
    imports: list[str] = field(default_factory=list)
    messages: list[_Message] = field(default_factory=list)
    enums: list[_Enum] = field(default_factory=list)
    services: list[_Service] = field(default_factory=list)


class _Parser:
    def __init__(self, tokens: list[_Token]) -> None:
        self.tokens, self.at = tokens, 0
        self.file = _File()

    def peek(self) -> _Token | None:
        return self.tokens[self.at] if self.at < len(self.tokens) else None

    def next(self, expected: str = "") -> _Token:
        token = self.peek()
        if token is None:
            raise ProtoError(
                self.tokens[-1] if self.tokens else None,
                f"the text ends before {expected or 'the end'!r}",
            )
        if expected and token.text != expected and token.kind != expected:
            raise ProtoError(token, f"expected {expected!r}, found {token.text!r}")
        self.at += 1
        return token

    def word(self) -> str:
        return re.sub(r"\s+", "", self.next("word").text)

    def skip_statement(self) -> None:
        """Up to and including the next ``;`` at this level (or a balanced ``{...}``)."""
        depth = 0
        while True:
            token = self.next()
            if token.text in "{[(":
                depth += 1
            elif token.text in "}])":
                depth -= 1
                if depth == 0 and token.text == "}":
                    if self.peek() is not None and self.peek().text == ";":  # type: ignore[union-attr]
                        self.at += 1
                    return
                if depth < 0:
                    raise ProtoError(token, f"unexpected {token.text!r}")
            elif token.text == ";" and depth == 0:
                return

    def parse(self) -> _File:
        while (token := self.peek()) is not None:
            text = token.text
            if text in ("syntax", "edition"):
                self.at += 1
                self.next("=")
                value = self.next("string").text[1:-1]
                self.file.syntax = value if text == "syntax" else f"edition {value}"
                self.next(";")
            elif text == "package":
                self.at += 1
                self.file.package = self.word().lstrip(".")
                self.next(";")
            elif text == "import":
                self.at += 1
                if self.peek() is not None and self.peek().text in ("weak", "public"):  # type: ignore[union-attr]
                    self.at += 1
                self.file.imports.append(self.next("string").text[1:-1])
                self.next(";")
            elif text == "message":
                self.message([], 0)
            elif text == "enum":
                self.enum([])
            elif text == "service":
                self.service()
            elif text == ";":
                self.at += 1
            else:  # option, extend and anything newer
                self.skip_statement()
        return self.file

    def message(self, scope: list[str], depth: int) -> None:
        start = self.next("message")
        if depth >= MAX_NESTING:
            raise ProtoError(start, f"messages nested deeper than {MAX_NESTING} levels")
        name = self.word()
        message = _Message(".".join([*scope, name]), start.doc)
        self.file.messages.append(message)
        self.next("{")
        self.body(message, [*scope, name], depth, "")
        self.next("}")

    def body(self, message: _Message, scope: list[str], depth: int, oneof: str) -> None:
        while (token := self.peek()) is not None and token.text != "}":
            text = token.text
            if text == "message" and not oneof:
                self.message(scope, depth + 1)
            elif text == "enum" and not oneof:
                self.enum(scope)
            elif text == "oneof" and not oneof:
                self.at += 1
                name = self.word()
                self.next("{")
                self.body(message, scope, depth, name)
                self.next("}")
            elif text in ("option", "reserved", "extensions", "extend") or token.kind != "word":
                self.skip_statement()
            else:
                self.field(message, oneof)

    def field(self, message: _Message, oneof: str) -> None:
        first = self.peek()
        label = ""
        if first is not None and first.text in ("repeated", "optional", "required"):
            label = first.text
            self.at += 1
        if self.peek() is not None and self.peek().text == "map":  # type: ignore[union-attr]
            self.at += 1
            self.next("<")
            key = self.word()
            self.next(",")
            value = self.word()
            self.next(">")
            kind = f"map<{key}, {value}>"
        else:
            kind = self.word()
        name = self.next("word")
        if kind == "group":
            raise ProtoError(name, "proto2 groups are not supported; use a nested message")
        self.next("=")
        number = self.next("number").text
        if self.peek() is not None and self.peek().text == "[":  # type: ignore[union-attr]
            self.skip_statement()
        else:
            self.next(";")
        end = self.tokens[self.at - 1]
        name.doc = "\n".join(filter(None, (name.doc or (first.doc if first else ""), end.trailing)))
        message.fields.append((name, label, kind, number, oneof))

    def enum(self, scope: list[str]) -> None:
        start = self.next("enum")
        name = self.word()
        enum = _Enum(".".join([*scope, name]), start.doc)
        self.file.enums.append(enum)
        self.next("{")
        while (token := self.peek()) is not None and token.text != "}":
            if token.text in ("option", "reserved") or token.kind != "word":
                self.skip_statement()
                continue
            value = self.next("word")
            self.next("=")
            sign = "-" if self.peek() is not None and self.peek().text == "-" else ""  # type: ignore[union-attr]
            self.at += 1 if sign else 0
            number = sign + self.next("number").text
            if self.peek() is not None and self.peek().text == "[":  # type: ignore[union-attr]
                self.skip_statement()
            else:
                self.next(";")
            doc = "\n".join(filter(None, (value.doc, self.tokens[self.at - 1].trailing)))
            enum.values.append((value.text, number, doc))
        self.next("}")

    def service(self) -> None:
        start = self.next("service")
        service = _Service(self.word(), start.doc)
        self.file.services.append(service)
        self.next("{")
        while (token := self.peek()) is not None and token.text != "}":
            if token.text != "rpc":
                self.skip_statement()
                continue
            self.at += 1
            name = self.word()
            request, client = self.message_type()
            self.next("returns")
            response, server = self.message_type()
            if self.peek() is not None and self.peek().text == "{":  # type: ignore[union-attr]
                self.skip_statement()
            else:
                self.next(";")
            service.methods.append((name, request, client, response, server, token.doc))
        self.next("}")

    def message_type(self) -> tuple[str, bool]:
        self.next("(")
        stream = self.peek() is not None and self.peek().text == "stream"  # type: ignore[union-attr]
        self.at += 1 if stream else 0
        name = self.word()
        self.next(")")
        return name, stream


def read(text: str) -> Reference | list[Problem]:
    """The reference of a .proto file, or where it stops making sense."""
    try:
        parsed = _Parser(_tokens(text)).parse()
    except ProtoError as exc:
        return [Problem(exc.line, exc.column, str(exc))]
    return _Units(parsed).reference()


class _Units:
    def __init__(self, parsed: _File) -> None:
        self.file, self.ids = parsed, Ids()
        self.known = {m.name: self.ids.make("message", m.name) for m in parsed.messages}
        self.known |= {e.name: self.ids.make("enum", e.name) for e in parsed.enums}

    def resolve(self, name: str, scope: list[str]) -> tuple[TypeRef, ...]:
        """A type name as protoc resolves it: innermost scope outwards."""
        bare = name.lstrip(".")
        package = self.file.package
        if package and bare.startswith(package + "."):
            bare = bare[len(package) + 1 :]
        for i in range(len(scope), -1, -1):
            candidate = ".".join([*scope[:i], bare])
            if candidate in self.known:
                return (TypeRef(name, self.known[candidate]),)
        return (TypeRef(name),)

    def reference(self) -> Reference:
        ref = Reference(f"gRPC ({self.file.syntax})")
        if self.file.package:
            ref.facts.append(("Package", self.file.package))
        if self.file.imports:
            ref.facts.append(("Imports", ", ".join(self.file.imports)))
        for service in self.file.services:
            unit = Unit(self.ids.make("service", service.name), "Services", "service", service.name)
            unit.description = service.doc
            rows = []
            for name, request, client, response, server, doc in service.methods:
                shape = (
                    TypeRef("(" + ("stream " if client else "")),
                    *self.resolve(request, []),
                    TypeRef(") returns (" + ("stream " if server else "")),
                    *self.resolve(response, []),
                    TypeRef(")"),
                )
                rows.append(Field(name, shape, description=doc))
            unit.blocks = [Block("Methods", fields=rows)] if rows else []
            ref.units.append(unit)
        for message in self.file.messages:
            scope = message.name.split(".")
            unit = Unit(
                self.known[message.name],
                "Messages",
                "message",
                message.name,
                description=message.doc,
            )
            rows = []
            for token, label, kind, number, oneof in message.fields:
                if kind.startswith("map<"):
                    key, value = kind[4:-1].split(", ")
                    shape = (TypeRef(f"map<{key}, "), *self.resolve(value, scope), TypeRef(">"))
                else:
                    shape = (
                        *((TypeRef(label + " "),) if label == "repeated" else ()),
                        *self.resolve(kind, scope),
                    )
                notes = (
                    [f"field {number}"]
                    + ([f"one of {oneof}"] if oneof else [])
                    + (["optional"] if label == "optional" else [])
                )
                rows.append(Field(token.text, shape, label == "required", token.doc, notes))
            unit.blocks = [Block("Fields", fields=rows)] if rows else []
            ref.units.append(unit)
        for enum in self.file.enums:
            unit = Unit(self.known[enum.name], "Enums", "enum", enum.name, description=enum.doc)
            values = [
                Field(name, description=doc, notes=[f"= {number}"])
                for name, number, doc in enum.values
            ]
            unit.blocks = [Block("Values", fields=values)] if values else []
            ref.units.append(unit)
        return ref
