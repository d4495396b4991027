"""The event walker behind :mod:`generator.yaml12`: libyaml's events in, plain values
(and, when asked, the position of every key and value) out, with every limit checked
on the way. Kept apart from the reader's API so each module stays readable."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import yaml

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
    """Tagged values are read as plain values instead of refusing the document."""
    note_custom_tags: bool = False
    """With ``allow_custom_tags``, each tag is also returned as a ``yaml.tag`` problem
    (where it is), so a reader can ignore the tagged value rather than trust it."""


@dataclass(frozen=True, slots=True)
class YamlProblem:
    """A located problem found while reading. ``code`` is a diagnostics code."""

    code: str
    line: int
    column: int
    message: str


class Abort(Exception):
    """Stops reading one document; carries the problem that stopped it."""

    def __init__(self, problem: YamlProblem) -> None:
        super().__init__(problem.message)
        self.problem = problem


class StopFile(Abort):
    """Stops reading the whole file: libyaml takes quadratic time to finish parsing a
    deeply nested document (measured: 115 s for 200,000 levels), so we do not skip it."""


class NeedMarks(Exception):
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


class DocReader:
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
        if tag is None or tag in _STANDARD_TAGS:
            return
        if self.limits.allow_custom_tags:
            if self.limits.note_custom_tags:
                message = (
                    f"the tag '{_short_tag(tag)}' is not evaluated (the portal reads YAML as "
                    "plain data), so this value is ignored; write the value itself"
                )
                self.problems.append(self._problem("yaml.tag", ev, message))
            return
        raise Abort(
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
            raise StopFile(
                self._problem(
                    "yaml.depth-limit",
                    ev,
                    f"the document nests deeper than {self.limits.max_depth} levels; "
                    "catalog entities need far less, so flatten it",
                )
            )
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.is_map and parent.key is _UNSET:
            raise Abort(self._complex_key(ev))
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
            raise Abort(self._problem("yaml.syntax", ev, f"the alias '*{ev.anchor}' has no anchor"))
        value, size = self.anchors[ev.anchor]
        self.count += size
        self.alias_nodes += size
        if self.alias_nodes > self.limits.max_alias_nodes:
            raise Abort(
                self._problem(
                    "yaml.alias-limit",
                    ev,
                    f"aliases expand to more than {self.limits.max_alias_nodes} nodes "
                    "(a 'billion laughs' or merge-key bomb); write the values out instead",
                )
            )
        parent = self.stack[-1] if self.stack else None
        if parent is not None and parent.is_map and parent.key is _UNSET and size > 1:
            raise Abort(self._complex_key(ev))
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
                raise NeedMarks
            first = frame.marks[key][1][0]
            raise Abort(
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


def skip_to_document_end(loader: Any) -> None:
    while not isinstance(loader.get_event(), yaml.DocumentEndEvent):
        pass
