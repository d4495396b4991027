"""A hardened, line-aware YAML 1.2 reader for untrusted catalog files.

Backstage parses YAML 1.2 (core schema) with merge keys off: ``on``, ``no`` and dates
stay strings. PyYAML implements YAML 1.1 and its composer recurses in C (it segfaults
near 25,000 levels), so we read libyaml's *event stream*, which is not recursive, and
build plain ``dict``/``list`` values ourselves in one pass. That pass also:

* records the line and column of every key and value (see :meth:`YamlDoc.locate`);
* rejects duplicate keys, non-standard tags (``!!python/object``), complex keys;
* caps nesting depth and the number of nodes that aliases expand to (billion laughs
  and merge-key bombs are both alias expansions, so one budget stops them);
* keeps ``<<`` as an ordinary key, as YAML 1.2 does, with a warning.

Problems are returned, never raised. Measured on the 10,000-entity benchmark catalog,
reading every event costs about 0.5 s, against 1.0 s for PyYAML's C ``load_all``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

_Loader: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader

_STANDARD_TAGS = frozenset(
    {"!", *(f"tag:yaml.org,2002:{t}" for t in ("str", "int", "float", "bool", "null"))}
    | {"tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"}
)
_INT = re.compile(r"[-+]?[0-9]+")
_FLOAT = re.compile(r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?")
_SPECIAL_FLOATS = {
    **dict.fromkeys((".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"), float("inf")),
    **dict.fromkeys(("-.inf", "-.Inf", "-.INF"), float("-inf")),
    **dict.fromkeys((".nan", ".NaN", ".NAN"), float("nan")),
}
_NULLS = frozenset({"~", "null", "Null", "NULL"})
_TRUES = frozenset({"true", "True", "TRUE"})
_FALSES = frozenset({"false", "False", "FALSE"})
_NUMBER_START = frozenset("-+.0123456789")

Path = tuple[str | int, ...]
# ((value line, value column), (key line, key column)), all 1-based.
Mark = tuple[tuple[int, int], tuple[int, int]]


@dataclass(frozen=True, slots=True)
class Limits:
    """What one document may cost before it is refused."""

    max_depth: int = 64
    max_alias_nodes: int = 10_000
    allow_custom_tags: bool = False
    """Only for trusted files such as mkdocs.yml: tagged values are read as plain values."""


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A located problem found while reading. ``code`` is a diagnostics code."""

    code: str
    line: int
    column: int
    message: str


class _Reread:
    """The text of one file, re-read with marks the first time a position is asked for.

    Most documents are valid and never asked where their fields are, so the first read
    records no marks; that saves a quarter of the reading time on a large catalog.
    """

    __slots__ = ("_docs", "limits", "text")

    def __init__(self, text: str, limits: Limits) -> None:
        self.text = text
        self.limits = limits
        self._docs: list[YamlDoc] | None = None

    def doc(self, index: int) -> YamlDoc:
        if self._docs is None:
            self._docs, _ = read_yaml(self.text, self.limits, marks=True)
        return self._docs[index]


@dataclass(slots=True)
class YamlDoc:
    """One document: its value and where each part of it came from."""

    data: Any
    line: int
    column: int
    # id(container) -> key or index -> Mark. Containers live as long as ``data`` does.
    # None when the document was read without marks: see _Reread.
    marks: dict[int, dict[str | int, Mark]] | None = field(default_factory=dict)
    reread: _Reread | None = None
    index: int = 0

    def portable(self, text: str, limits: Limits) -> YamlDoc:
        """This document without identity-keyed marks, so it can be pickled; positions
        come from re-reading ``text``."""
        if self.marks is None:
            return self
        return YamlDoc(self.data, self.line, self.column, None, _Reread(text, limits), self.index)

    def locate(self, path: Path, *, key: bool = False) -> tuple[int, int]:
        """Line and column of the value at ``path`` (or of its key, with ``key=True``).

        A path that leaves the recorded tree (a missing field, an aliased subtree)
        resolves to its deepest recorded ancestor, which is where a fix would go.
        """
        if self.marks is None:
            assert self.reread is not None
            return self.reread.doc(self.index).locate(path, key=key)
        best = (self.line, self.column)
        node = self.data
        for part in path:
            if not isinstance(node, (dict, list)):
                break
            mark = self.marks.get(id(node), {}).get(part)
            if mark is None:
                break
            best = mark[1] if key else mark[0]
            node = node[part]  # type: ignore[index]
        return best


class _Abort(Exception):
    """Stops reading one document; carries the problem that stopped it."""

    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class _StopFile(_Abort):
    """Stops reading the whole file: libyaml takes quadratic time to finish parsing a
    deeply nested document (measured: 115 s for 200,000 levels), so we do not skip it."""


class _NeedMarks(Exception):
    """A problem whose message needs marks was met while reading without them."""


_UNSET: Any = object()


def _resolve_plain(text: str) -> Any:
    """YAML 1.2 core-schema resolution of a plain scalar."""
    if not text:
        return None
    first = text[0]
    if first in "nN~":
        return None if text in _NULLS else text
    if first in "tT":
        return True if text in _TRUES else text
    if first in "fF":
        return False if text in _FALSES else text
    if first not in _NUMBER_START:
        return text
    if _INT.fullmatch(text):
        return int(text)
    if text.startswith("0o") and re.fullmatch(r"0o[0-7]+", text):
        return int(text[2:], 8)
    if text.startswith("0x") and re.fullmatch(r"0x[0-9a-fA-F]+", text):
        return int(text[2:], 16)
    if _FLOAT.fullmatch(text):
        return float(text)
    return _SPECIAL_FLOATS.get(text, text)


def _short_tag(tag: str) -> str:
    return "!!" + tag[len("tag:yaml.org,2002:") :] if tag.startswith("tag:yaml.org,2002:") else tag


def _key_text(value: Any) -> str:
    """Scalar keys become strings, as they do when Backstage converts YAML to JSON."""
    if isinstance(value, str):
        return value
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


class _Frame:
    __slots__ = ("anchor", "container", "count0", "is_map", "key", "key_mark", "mark", "marks")

    def __init__(
        self, container: Any, mark: tuple[int, int], anchor: str | None, count0: int, marks: bool
    ) -> None:
        self.container = container
        self.is_map = container.__class__ is dict
        self.mark = mark
        self.anchor = anchor
        self.count0 = count0
        self.key: Any = _UNSET
        self.key_mark = mark
        self.marks: dict[str | int, Mark] | None = {} if marks else None


class _DocReader:
    """Builds one document from events; state lives here so the loop stays small."""

    def __init__(
        self, loader: Any, limits: Limits, problems: list[YamlProblem], *, marks: bool
    ) -> None:
        self.with_marks = marks
        self.loader = loader
        self.limits = limits
        self.problems = problems
        self.stack: list[_Frame] = []
        self.anchors: dict[str, tuple[Any, int]] = {}
        self.count = 0
        self.alias_nodes = 0
        self.root: Any = None
        self.marks: dict[int, dict[str | int, Mark]] = {}

    def read(self) -> Any:
        """Read events up to the end of the document; return its value."""
        if self.with_marks:
            return self._read_marked()
        return self._read_fast()

    def _read_fast(self) -> Any:
        # The loop for most documents: no marks kept. Untagged, unanchored scalars and
        # collections, which are nearly every event, are handled inline; anything else
        # takes the general methods. Keep in step with _scalar/_start/_end/_add.
        get = self.loader.get_event
        stack = self.stack
        scalar_event, resolve = yaml.ScalarEvent, _resolve_plain
        mapping_start, sequence_start = yaml.MappingStartEvent, yaml.SequenceStartEvent
        mapping_end, sequence_end = yaml.MappingEndEvent, yaml.SequenceEndEvent
        while True:
            ev = get()
            cls = ev.__class__
            if cls is scalar_event and ev.tag is None and ev.anchor is None and stack:
                self.count += 1
                value = resolve(ev.value) if ev.implicit[0] else ev.value
                frame = stack[-1]
                if not frame.is_map:
                    frame.container.append(value)
                elif frame.key is not _UNSET:
                    frame.container[frame.key] = value
                    frame.key = _UNSET
                elif value.__class__ is str and value != "<<" and value not in frame.container:
                    frame.key = value
                else:
                    self._set_key(frame, value, (0, 0), ev, plain_key=ev.implicit[0])
            elif cls is mapping_end or cls is sequence_end:
                frame = stack.pop()
                if frame.anchor is None and stack:
                    parent = stack[-1]
                    if not parent.is_map:
                        parent.container.append(frame.container)
                    else:  # a collection as a key was refused at its start
                        parent.container[parent.key] = frame.container
                        parent.key = _UNSET
                else:
                    stack.append(frame)
                    self._end()
            elif cls is mapping_start or cls is sequence_start:
                self._start(ev, {} if cls is mapping_start else [])
            elif cls is scalar_event:
                self._scalar(ev)
            elif cls is yaml.AliasEvent:
                self._alias(ev)
            elif cls is yaml.DocumentEndEvent:
                return self.root

    def _read_marked(self) -> Any:
        get = self.loader.get_event
        stack = self.stack
        scalar_event, resolve = yaml.ScalarEvent, _resolve_plain
        while True:
            ev = get()
            cls = ev.__class__
            if cls is scalar_event and ev.tag is None and ev.anchor is None and stack:
                # Same as the fast loop, recording where each key and value starts.
                self.count += 1
                start = ev.start_mark
                mark = (start.line + 1, start.column + 1)
                value = resolve(ev.value) if ev.implicit[0] else ev.value
                frame = stack[-1]
                marks = frame.marks
                assert marks is not None
                if not frame.is_map:
                    marks[len(frame.container)] = (mark, mark)
                    frame.container.append(value)
                elif frame.key is not _UNSET:
                    marks[frame.key] = (mark, frame.key_mark)
                    frame.container[frame.key] = value
                    frame.key = _UNSET
                elif value.__class__ is str and value != "<<" and value not in frame.container:
                    frame.key = value
                    frame.key_mark = mark
                else:
                    self._set_key(frame, value, mark, ev, plain_key=ev.implicit[0])
            elif cls is scalar_event:
                self._scalar(ev)
            elif cls is yaml.MappingStartEvent or cls is yaml.SequenceStartEvent:
                self._start(ev, {} if cls is yaml.MappingStartEvent else [])
            elif cls is yaml.MappingEndEvent or cls is yaml.SequenceEndEvent:
                self._end()
            elif cls is yaml.AliasEvent:
                self._alias(ev)
            elif cls is yaml.DocumentEndEvent:
                return self.root

    def _problem(self, code: str, ev: Any, message: str) -> YamlProblem:
        return YamlProblem(code, ev.start_mark.line + 1, ev.start_mark.column + 1, message)

    def _check_tag(self, ev: Any) -> None:
        tag = ev.tag
        if tag is not None and tag not in _STANDARD_TAGS and not self.limits.allow_custom_tags:
            raise _Abort(
                self._problem(
                    "yaml.tag",
                    ev,
                    f"the tag '{_short_tag(tag)}' is not allowed in catalog files; "
                    "expected plain YAML values, so remove the tag",
                )
            )

    def _scalar(self, ev: Any) -> None:
        self._check_tag(ev)
        self.count += 1
        tag = ev.tag
        if ev.implicit[0] or (tag is not None and tag not in ("!", "tag:yaml.org,2002:str")):
            value = _resolve_plain(ev.value)
        else:
            value = ev.value
        if ev.anchor is not None:
            self.anchors[ev.anchor] = (value, 1)
        mark = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        self._add(value, mark, ev, plain_key=ev.implicit[0])

    def _start(self, ev: Any, container: Any) -> None:
        self._check_tag(ev)
        if len(self.stack) >= self.limits.max_depth:
            raise _StopFile(
                self._problem(
                    "yaml.depth-limit",
                    ev,
                    f"the document nests deeper than {self.limits.max_depth} levels; "
                    "catalog entities need far less, so flatten it",
                )
            )
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.is_map and parent.key is _UNSET:
            raise _Abort(self._complex_key(ev))
        self.count += 1
        mark = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        self.stack.append(_Frame(container, mark, ev.anchor, self.count, self.with_marks))

    def _end(self) -> None:
        frame = self.stack.pop()
        if frame.marks:
            self.marks[id(frame.container)] = frame.marks
        if frame.anchor is not None:
            self.anchors[frame.anchor] = (frame.container, self.count - frame.count0 + 1)
        self._add(frame.container, frame.mark, None, plain_key=False)

    def _alias(self, ev: Any) -> None:
        if ev.anchor not in self.anchors:
            raise _Abort(
                self._problem("yaml.syntax", ev, f"the alias '*{ev.anchor}' has no anchor")
            )
        value, size = self.anchors[ev.anchor]
        self.count += size
        self.alias_nodes += size
        if self.alias_nodes > self.limits.max_alias_nodes:
            raise _Abort(
                self._problem(
                    "yaml.alias-limit",
                    ev,
                    f"aliases expand to more than {self.limits.max_alias_nodes} nodes "
                    "(a 'billion laughs' or merge-key bomb); write the values out instead",
                )
            )
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.is_map and parent.key is _UNSET and size > 1:
            raise _Abort(self._complex_key(ev))
        mark = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        self._add(value, mark, ev, plain_key=False)

    def _complex_key(self, ev: Any) -> YamlProblem:
        return self._problem(
            "yaml.complex-key", ev, "a mapping key must be a plain value, not a mapping or list"
        )

    def _add(self, value: Any, mark: tuple[int, int], ev: Any, *, plain_key: bool) -> None:
        if not self.stack:
            self.root = value
            return
        frame = self.stack[-1]
        marks = frame.marks if frame.marks is not None else {}
        if not frame.is_map:
            marks[len(frame.container)] = (mark, mark)
            frame.container.append(value)
        elif frame.key is _UNSET:
            self._set_key(frame, value, mark, ev, plain_key=plain_key)
        else:
            marks[frame.key] = (mark, frame.key_mark)
            frame.container[frame.key] = value
            frame.key = _UNSET

    def _set_key(
        self, frame: _Frame, value: Any, mark: tuple[int, int], ev: Any, *, plain_key: bool
    ) -> None:
        key = _key_text(value)
        if key in frame.container:
            if frame.marks is None:
                raise _NeedMarks
            first = frame.marks[key][1][0]
            raise _Abort(
                self._problem(
                    "yaml.duplicate-key",
                    ev,
                    f"the key '{key}' is already defined on line {first}; "
                    "YAML readers disagree on which one wins, so keep only one",
                )
            )
        if key == "<<" and plain_key:
            self.problems.append(
                self._problem(
                    "yaml.merge-key",
                    ev,
                    "'<<' merge keys are not applied (YAML 1.2, as Backstage reads it); "
                    "the key is read literally, so write the fields out instead",
                )
            )
        frame.key = key
        frame.key_mark = mark


def _skip_to_document_end(loader: Any) -> None:
    while not isinstance(loader.get_event(), yaml.DocumentEndEvent):
        pass


def read_yaml(
    text: str, limits: Limits | None = None, *, marks: bool = True
) -> tuple[list[YamlDoc], list[YamlProblem]]:
    """Read every document of ``text``. Empty documents are kept as ``data=None``.

    With ``marks=False`` positions are not recorded while reading; a document finds
    them by reading the text again the first time :meth:`YamlDoc.locate` is called.
    A syntax error ends the file: libyaml cannot resume after one. Documents read
    before it are returned.
    """
    limits = limits or Limits()
    if not marks:
        try:
            docs, problems = _read(text, limits, marks=False)
        except _NeedMarks:
            problems = [YamlProblem("", 0, 0, "")]
        if not problems:
            reread = _Reread(text, limits)
            for index, doc in enumerate(docs):
                doc.reread, doc.index, doc.marks = reread, index, None
            return docs, problems
        # Rare: a problem in the file; read it again with marks for exact messages.
    docs, problems = _read(text, limits, marks=True)
    for index, doc in enumerate(docs):
        doc.index = index
    return docs, problems


def _read(text: str, limits: Limits, *, marks: bool) -> tuple[list[YamlDoc], list[YamlProblem]]:
    docs: list[YamlDoc] = []
    problems: list[YamlProblem] = []
    loader = _Loader(text)
    try:
        docs.extend(_documents(loader, limits, problems, marks=marks))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = " ".join(p for p in (exc.context, exc.problem) if p)
        start = exc.context_mark
        if start is not None and mark is not None and start.line != mark.line:
            # An unclosed '[' or '{' is reported where the parser gave up (often the
            # next document); say where the construct began.
            what += f" (it starts on line {start.line + 1}, column {start.column + 1})"
        problems.append(
            YamlProblem("yaml.syntax", line, col, f"invalid YAML: {what}; fix the syntax here")
        )
    except yaml.reader.ReaderError as exc:  # e.g. control characters: no mark, a position
        line, col = _line_col(text, exc.position)
        char = f"U+{exc.character:04X}" if isinstance(exc.character, int) else repr(exc.character)
        problems.append(
            YamlProblem(
                "yaml.syntax",
                line,
                col,
                f"invalid YAML: the character {char} is not allowed ({exc.reason}); "
                "remove it or write it as an escape in a double-quoted string",
            )
        )
    except yaml.YAMLError as exc:  # anything else without a mark
        message = " ".join(str(exc).split())
        problems.append(YamlProblem("yaml.syntax", 1, 1, f"invalid YAML: {message}"))
    finally:
        loader.dispose()
    return docs, problems


def _line_col(text: str, position: int) -> tuple[int, int]:
    """1-based line and column of a reader error's position: a UTF-8 byte offset from
    libyaml, a character index from the pure-Python reader. Lines end at LF (or CRLF)."""
    if _Loader is not yaml.SafeLoader:
        position = len(text.encode("utf-8")[:position].decode("utf-8", errors="ignore"))
    position = max(0, min(position, len(text)))
    line_start = text.rfind("\n", 0, position) + 1
    return text.count("\n", 0, position) + 1, position - line_start + 1


def _documents(
    loader: Any, limits: Limits, problems: list[YamlProblem], *, marks: bool
) -> Iterator[YamlDoc]:
    loader.get_event()  # StreamStartEvent
    while True:
        ev = loader.get_event()
        if isinstance(ev, yaml.StreamEndEvent):
            return
        reader = _DocReader(loader, limits, problems, marks=marks)
        start = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        try:
            data = reader.read()
        except _StopFile as stop:
            problems.append(stop.problem)
            return
        except _Abort as abort:
            problems.append(abort.problem)
            _skip_to_document_end(loader)
            data = _UNSET
        if data is not _UNSET:
            yield YamlDoc(data, start[0], start[1], reader.marks)
