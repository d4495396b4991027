"""Delivery events kept in git: ``metrics/events/YYYY-MM.jsonl``, one JSON object a line.

Three kinds (schema: ``generator/schemas/metrics/event.schema.json``)::

    {"kind": "deployment", "id", "entity", "environment", "time", "status", "sha",
     "changes": [sha...], "rework": bool, "workflow": "<path>" (optional)}
    {"kind": "change", "sha", "entity", "time"}          # the commit's time
    {"kind": "incident", "id", "entity", "opened", "resolved" | null, "cause": id | null}

Times are ISO 8601 with a zone and are kept as UTC epoch seconds. A bad line is a
finding with its file and line, never a crash and never dropped silently. The same id
twice counts once: files are read in name order and lines in order, and a later line
with an id already seen replaces the earlier one (the log is append-only; an incident
line appended when it is resolved updates the one appended when it opened). Order
within and across files does not matter otherwise: every computation sorts by time.
"""

from __future__ import annotations

import gc
import json
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from generator.diagnostics import Finding, finding
from generator.metrics import wire
from generator.model.refs import RefError, parse_ref

FINDINGS_PER_FILE = 50
"""More bad lines than this in one file are summed up in one more finding: a broken
generator can write a million of them."""


@dataclass(slots=True)
class Deployment:
    """One deployment attempt, successful or not."""

    id: str
    entity: str
    """Canonical entity key (``component:default/x``)."""
    environment: str
    time: float
    """UTC epoch seconds: when it succeeded or failed."""
    success: bool
    sha: str
    changes: tuple[str, ...]
    rework: bool
    workflow: str
    """The workflow that deployed (``.github/workflows/deploy.yml``), or ``""``."""
    file: str
    line: int


@dataclass(slots=True)
class Change:
    """A commit, with its commit time, as deployments list it."""

    sha: str
    entity: str
    time: float
    file: str
    line: int


@dataclass(slots=True)
class Incident:
    """A production incident; ``cause`` names the deployment that caused it, if known."""

    id: str
    entity: str
    opened: float
    resolved: float | None
    cause: str | None
    file: str
    line: int


@dataclass
class Events:
    """Every event read, deduplicated, with the findings reading them produced."""

    deployments: dict[str, Deployment] = field(default_factory=dict)
    changes: dict[tuple[str, str], Change] = field(default_factory=dict)
    """By (entity, sha)."""
    incidents: dict[str, Incident] = field(default_factory=dict)
    findings: list[Finding] = field(default_factory=list)
    files: list[str] = field(default_factory=list)
    lines: int = 0
    named: dict[str, list[Any]] = field(default_factory=dict)
    """Entity key -> [file, line] of the first line naming it, and how many lines do."""

    def __bool__(self) -> bool:
        return bool(self.deployments or self.changes or self.incidents)

    @property
    def newest(self) -> float | None:
        """The time of the newest event (deployment, commit, incident opened or resolved)."""
        times = [d.time for d in self.deployments.values()]
        times += [c.time for c in self.changes.values()]
        times += [i.resolved or i.opened for i in self.incidents.values()]
        return max(times) if times else None

    def entities(self) -> dict[str, tuple[str, int, int]]:
        """Each entity events name: (file, line) of its first line, and how many lines."""
        return {key: (f, line, n) for key, (f, line, n) in self.named.items()}


class _Bad(Exception):
    """A line that is not a valid event; the message says what to fix."""


def parse_time(value: Any, name: str) -> float:
    """ISO 8601 with a zone, as UTC epoch seconds; ``_Bad`` otherwise."""
    if not isinstance(value, str):
        raise _Bad(f"'{name}' must be an ISO 8601 time string, found {value!r}")
    try:
        when = datetime.fromisoformat(value)
    except ValueError:
        raise _Bad(f"'{name}' is not an ISO 8601 time: {value!r}") from None
    if when.tzinfo is None:
        raise _Bad(f"'{name}' has no time zone: {value!r}; add 'Z' or an offset such as '+02:00'")
    return when.timestamp()


def _text(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    if type(value) is str and value and not value.isspace():
        return value
    raise _Bad(f"'{name}' must be a non-empty string, found {value!r}")


def _id(data: dict[str, Any], name: str = "id") -> str:
    """Ids may be written as numbers (GitHub's deployment ids are); kept as text."""
    value = data.get(name)
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    return _text(data, name)


class Reader:
    """Reads event lines into :class:`Events`; entity refs are parsed once each."""

    def __init__(self) -> None:
        self.events = Events()
        self._refs: dict[str, str] = {}

    def entity(self, data: dict[str, Any], file: str, number: int) -> str:
        """The canonical key of the line's entity; counts the lines naming each."""
        return self.key(_text(data, "entity"), file, number)

    def key(self, text: str, file: str, number: int) -> str:
        """The canonical key of an entity ref as written (parsed once per spelling)."""
        key = self._refs.get(text)
        if key is None:
            try:
                key = parse_ref(text, default_kind="component").key
            except RefError as exc:
                raise _Bad(f"'entity' is not an entity ref: {exc}") from None
            self._refs[text] = key
        seen = self.events.named.get(key)
        if seen is None:
            self.events.named[key] = [file, number, 1]
        else:
            seen[2] += 1
        return key

    def read_dir(self, folder: Path, root: Path) -> Events:
        """Every ``*.jsonl`` in ``folder``, in name order; paths shown relative to ``root``."""
        for path in sorted(folder.glob("*.jsonl")) if folder.is_dir() else []:
            shown = _display(path, root)
            self.events.files.append(shown)
            try:
                text = path.read_text(encoding="utf-8")
            except (OSError, UnicodeDecodeError) as exc:
                self.events.findings.append(
                    finding("metrics.event-invalid", shown, 1, 1, f"cannot be read: {exc}")
                )
                continue
            self.read_lines(text.splitlines(), shown)
        return self.events

    def read_lines(self, lines: Iterable[str], file: str) -> None:
        """Read one file's lines."""
        bad = 0
        decode = wire.DECODER.decode
        for number, line in enumerate(lines, 1):
            if not line or line.isspace():
                continue
            self.events.lines += 1
            try:
                try:
                    accepted = self._accept(decode(line), file, number)
                except wire.Invalid:
                    accepted = False
                if not accepted:
                    self._line(line, file, number)  # the checks in Python say why
            except _Bad as exc:
                bad += 1
                if bad <= FINDINGS_PER_FILE:
                    message = f"{exc}; this line is not counted"
                    self.events.findings.append(
                        finding("metrics.event-invalid", file, number, 1, message)
                    )
        if bad > FINDINGS_PER_FILE:
            more = bad - FINDINGS_PER_FILE
            self.events.findings.append(
                finding("metrics.event-invalid", file, 1, 1, f"{more} more invalid lines")
            )

    def _accept(self, e: wire.Event, file: str, number: int) -> bool:
        """A line msgspec decoded and checked: kept as the checks below would keep it;
        False for what it left for them to refuse (blank strings, times out of order)."""
        if e.entity.isspace():
            return False
        key = self.key(e.entity, file, number)
        if isinstance(e, wire.Change):
            if e.sha.isspace():
                return False
            c = Change(e.sha, key, e.time.timestamp(), file, number)
            if (key, e.sha) in self.events.changes:
                self._keep(self.events.changes, (key, e.sha), c, "change")
            else:
                self.events.changes[key, e.sha] = c
        elif isinstance(e, wire.Deployment):
            ident = e.id if type(e.id) is str else str(e.id)
            if ident.isspace() or e.sha.isspace() or e.environment.isspace():
                return False
            d = Deployment(
                ident, key, e.environment, e.time.timestamp(), e.status == "success",
                e.sha, tuple(e.changes), e.rework, e.workflow, file, number,
            )  # fmt: skip
            if ident in self.events.deployments:
                self._keep(self.events.deployments, ident, d, "deployment")
            else:
                self.events.deployments[ident] = d
        else:
            opened = e.opened.timestamp()
            resolved = e.resolved.timestamp() if e.resolved is not None else None
            cause = None if e.cause is None else str(e.cause)
            blank = str(e.id).isspace() or (cause is not None and cause.isspace())
            if blank or (resolved is not None and resolved < opened):
                return False
            i = Incident(str(e.id), key, opened, resolved, cause, file, number)
            self._keep(self.events.incidents, i.id, i, "incident")
        return True

    def _line(self, line: str, file: str, number: int) -> None:
        try:
            data = json.loads(line)
        except ValueError as exc:
            raise _Bad(f"not JSON ({exc})") from None
        if not isinstance(data, dict):
            raise _Bad(f"expected a JSON object, found {type(data).__name__}")
        kind = data.get("kind")
        if kind == "deployment":
            d = self._deployment(data, file, number)
            self._keep(self.events.deployments, d.id, d, "deployment")
        elif kind == "change":
            sha, key = _text(data, "sha"), self.entity(data, file, number)
            c = Change(sha, key, parse_time(data.get("time"), "time"), file, number)
            self._keep(self.events.changes, (c.entity, c.sha), c, "change")
        elif kind == "incident":
            i = self._incident(data, file, number)
            self._keep(self.events.incidents, i.id, i, "incident")
        else:
            raise _Bad(f"'kind' must be deployment, change or incident, found {kind!r}")

    def _deployment(self, data: dict[str, Any], file: str, number: int) -> Deployment:
        status = data.get("status")
        if status not in ("success", "failure"):
            raise _Bad(f"'status' must be 'success' or 'failure', found {status!r}")
        changes = data.get("changes", [])
        if not isinstance(changes, list) or not all(isinstance(c, str) for c in changes):
            raise _Bad("'changes' must be a list of commit SHAs")
        rework = data.get("rework", False)
        if not isinstance(rework, bool):
            raise _Bad(f"'rework' must be true or false, found {rework!r}")
        workflow = data.get("workflow", "")
        if not isinstance(workflow, str):
            raise _Bad(f"'workflow' must be a string, found {workflow!r}")
        return Deployment(
            _id(data),
            self.entity(data, file, number),
            _text(data, "environment"),
            parse_time(data.get("time"), "time"),
            status == "success",
            _text(data, "sha"),
            tuple(changes),
            rework,
            workflow,
            file,
            number,
        )

    def _incident(self, data: dict[str, Any], file: str, number: int) -> Incident:
        opened = parse_time(data.get("opened"), "opened")
        resolved_at = data.get("resolved")
        resolved = None if resolved_at is None else parse_time(resolved_at, "resolved")
        if resolved is not None and resolved < opened:
            raise _Bad("'resolved' is before 'opened'")
        cause = data.get("cause")
        if cause is not None:
            cause = _id(data, "cause")
        return Incident(
            _id(data), self.entity(data, file, number), opened, resolved, cause, file, number
        )

    def _keep(self, table: dict[Any, Any], key: Any, event: Any, what: str) -> None:
        old = table.get(key)
        if old is not None and _content(old) == _content(event):
            return  # written twice: the first line is where it is
        if old is not None:
            self.events.findings.append(
                finding(
                    "metrics.event-replaced",
                    event.file,
                    event.line,
                    1,
                    f"{what} {key if isinstance(key, str) else key[1]} was also written at "
                    f"{old.file}:{old.line} with other values; this later line counts",
                )
            )
        table[key] = event


def _content(event: Any) -> tuple[Any, ...]:
    """An event's values without where it was read."""
    return tuple(getattr(event, n) for n in event.__slots__ if n not in ("file", "line"))


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def load_events(folder: Path, root: Path) -> Events:
    """Read every events file in ``folder`` (absent: no events, no findings).

    The cyclic garbage collector is paused while reading: a million events are millions
    of small objects, none cyclic, and each collection walks all of them again
    (measured on the benchmark's 1,000,000 events: 12.2 s with it, 5.3 s without)."""
    with paused_gc():
        return Reader().read_dir(folder, root)


@contextmanager
def paused_gc() -> Iterator[None]:
    """No cyclic collection inside: events and the facts computed from them hold no
    cycles, and reference counting frees them."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def check_entities(events: Events, known: Iterable[str]) -> list[Finding]:
    """One finding per entity that events name and the catalog does not define, at its
    first event; and incidents whose cause names no deployment. Such events still count
    for the organisation (a retired service's history is the organisation's too)."""
    known = set(known)
    out = []
    for key, (file, line, count) in sorted(events.entities().items()):
        if key not in known:
            out.append(
                finding(
                    "metrics.unknown-entity",
                    file,
                    line,
                    1,
                    f"{count} event{'s' if count != 1 else ''} name {key}, which no catalog "
                    "file defines; fix the entity ref, or add the entity (they count for "
                    "the organisation only)",
                )
            )
    for incident in events.incidents.values():
        if incident.cause is not None and incident.cause not in events.deployments:
            out.append(
                finding(
                    "metrics.unknown-cause",
                    incident.file,
                    incident.line,
                    1,
                    f"incident {incident.id} names deployment {incident.cause} as its cause, "
                    "which no events file holds; it does not count towards the change "
                    "failure rate",
                )
            )
    return out
