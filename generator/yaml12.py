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

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

import yaml

from generator.yaml_events import (
    Abort,
    DocReader,
    Limits,
    Mark,
    NeedMarks,
    Path,
    StopFile,
    YamlProblem,
    skip_to_document_end,
)

__all__ = ["Limits", "YamlDoc", "YamlProblem", "read_yaml"]

_Loader: Any = yaml.CSafeLoader if yaml.__with_libyaml__ else yaml.SafeLoader


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
        except NeedMarks:
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
        reader = DocReader(loader, limits, problems, marks=marks)
        start = (ev.start_mark.line + 1, ev.start_mark.column + 1)
        try:
            data = reader.read()
        except StopFile as stop:
            problems.append(stop.problem)
            return
        except Abort as abort:  # the document is dropped; the next one is read
            problems.append(abort.problem)
            skip_to_document_end(loader)
            continue
        yield YamlDoc(data, start[0], start[1], reader.marks)
