"""Scorecard levels over time, kept in git: one small record a week.

A level depends on the catalog, TechDocs and events of its day, so a trend cannot be
recomputed cheaply from today's files: replaying every past week means loading the
whole repository as it was, week by week. Instead ``portal metrics snapshot`` (run by
the metrics workflow on its schedule, proposed as a pull request like the events) writes
``metrics/levels/<date>.json`` with what the scorecards page shows: per scorecard, how
many entities reached each level, per team and in all, and how many met each check. The
commit it was computed at is in the record: on a checkout of that commit, the same
command with ``SOURCE_DATE_EPOCH`` set to that day writes the same file. Records are
aggregates (no entity names), a few KB a week for any catalog size.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.diagnostics import Finding, finding
from generator.model import relations as rel

if TYPE_CHECKING:
    from generator.catalog import Catalog
    from generator.metrics.scorecards import Results

VERSION = 1
NONE = "none"
"""The level of an entity that reaches none."""
_NAME = re.compile(r"\d{4}-\d{2}-\d{2}\.json")
MAX_BYTES = 1 << 20
"""A record is a few KB; a larger file is not one (and is not read whole)."""
TREND_POINTS = 12
"""Records shown in a trend: the latest twelve (about a quarter of weekly records)."""


@dataclass(frozen=True)
class CardLevels:
    """One scorecard on one day."""

    totals: dict[str, int]
    """Level (or ``none``) -> entities."""
    teams: dict[str, dict[str, int]]
    """Owner ref -> level -> entities."""
    checks: dict[str, tuple[int, int]]
    """Check id -> (entities meeting it, entities scored)."""


@dataclass(frozen=True)
class Record:
    """The scorecards of one day."""

    date: str
    commit: str
    cards: dict[str, CardLevels]


def take(results: Results, catalog: Catalog, date: str, commit: str) -> Record:
    """The record of ``results``: counts per level, per team and per check."""
    cards = {}
    for card in results.cards:
        scores = results.scores.get(card.name, {})
        totals: dict[str, int] = {}
        teams: dict[str, dict[str, int]] = {}
        met: dict[str, int] = {check.id: 0 for check in card.checks}
        for key, score in scores.items():
            level = score.level or NONE
            totals[level] = totals.get(level, 0) + 1
            entity = catalog.get(key)
            owner = (entity.related(rel.OWNED_BY) or [""])[0] if entity else ""
            if owner:
                counts = teams.setdefault(owner, {})
                counts[level] = counts.get(level, 0) + 1
            for result in score.results:
                met[result.check.id] += result.met
        checks = {cid: (n, len(scores)) for cid, n in met.items()}
        cards[card.name] = CardLevels(totals, teams, checks)
    return Record(date, commit, cards)


def dumps(record: Record) -> str:
    """The record's file: sorted keys, one key per line (diffs read well in review)."""
    cards = {
        name: {
            "totals": c.totals,
            "teams": c.teams,
            "checks": {cid: {"met": met, "scored": n} for cid, (met, n) in c.checks.items()},
        }
        for name, c in record.cards.items()
    }
    data = {"version": VERSION, "date": record.date, "commit": record.commit, "cards": cards}
    return json.dumps(data, indent=1, sort_keys=True, ensure_ascii=False) + "\n"


def file_name(date: str) -> str:
    return f"{date}.json"


def load(folder: Path, root: Path) -> tuple[list[Record], list[Finding]]:
    """Every record in ``folder``, oldest first; a file that is not one is a finding
    (``metrics.levels-invalid``) and is left out."""
    records: list[Record] = []
    findings: list[Finding] = []
    if not folder.is_dir():
        return records, findings
    for path in sorted(folder.iterdir()):
        shown = _shown(path, root)
        if path.suffix != ".json":
            continue
        problem, line, record = _read(path)
        if record is not None and _NAME.fullmatch(path.name) is None:
            problem, line, record = "is not named by its date (YYYY-MM-DD.json)", 1, None
        if record is not None and path.name != file_name(record.date):
            problem = f"holds the record of {record.date} but is named {path.name}"
            line, record = 1, None
        if record is None:
            message = f"{problem}; expected a record written by 'portal metrics snapshot'"
            findings.append(finding("metrics.levels-invalid", shown, line, 1, message))
        else:
            records.append(record)
    return records, findings


def _shown(path: Path, root: Path) -> str:
    try:
        return path.relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()


def _read(path: Path) -> tuple[str, int, Record | None]:
    """``(problem, line, record)``: the record, or what is wrong and where."""
    try:
        if not path.is_file() or path.is_symlink():
            return "is not a regular file", 1, None
        if path.stat().st_size > MAX_BYTES:
            return f"is over {MAX_BYTES:,} bytes", 1, None
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        return f"is not JSON ({exc.msg})", exc.lineno, None
    except (OSError, UnicodeDecodeError) as exc:
        return f"cannot be read ({exc})", 1, None
    try:
        return "", 1, _record(data)
    except (KeyError, TypeError, ValueError) as exc:
        return f"does not have the shape of a record ({exc})", 1, None


def _record(data: Any) -> Record:
    """A record from its JSON; KeyError, TypeError or ValueError when it is not one."""
    if not isinstance(data, dict) or data.get("version") != VERSION:
        raise ValueError(f"version is not {VERSION}")
    date, commit = data["date"], data["commit"]
    if not isinstance(date, str) or not re.fullmatch(r"\d{4}-\d{2}-\d{2}", date):
        raise ValueError("date is not YYYY-MM-DD")
    if not isinstance(commit, str):
        raise TypeError("commit is not a string")
    cards = {}
    for name, card in _mapping(data["cards"]).items():
        card = _mapping(card)
        checks = {
            cid: (_count(c["met"]), _count(c["scored"]))
            for cid, c in _mapping(card["checks"]).items()
        }
        teams = {team: _counts(counts) for team, counts in _mapping(card["teams"]).items()}
        cards[name] = CardLevels(_counts(card["totals"]), teams, checks)
    return Record(date, commit, cards)


def _mapping(value: Any) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise TypeError(f"expected an object, found {type(value).__name__}")
    return value


def _counts(value: Any) -> dict[str, int]:
    return {str(k): _count(v) for k, v in _mapping(value).items()}


def _count(value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{value!r} is not a count")
    return value
