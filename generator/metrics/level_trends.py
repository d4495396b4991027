"""Scorecard trends for the scorecards page: the weekly records of ``metrics/levels/``
(see levels.py) with today's levels as the last point.

A trend reads one record per ISO week (the week's latest: the workflow may record more
often), the latest :data:`levels.TREND_POINTS` weeks. Each point is the share of scored
entities at the trend's level or above (:func:`target`), overall and per team, and for
checks the share meeting each check.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from generator.metrics import charts
from generator.metrics.levels import NONE, TREND_POINTS, CardLevels, Record

if TYPE_CHECKING:
    from generator.metrics.rules import Scorecard


@dataclass(frozen=True)
class Point:
    """One day of one scorecard."""

    date: str
    levels: CardLevels


def points(card: Scorecard, records: list[Record], now: Record) -> list[Point]:
    """The trend's points, oldest first, today's last; one per ISO week."""
    weekly: dict[tuple[int, int], Point] = {}
    for record in [*records, now]:
        found = record.cards.get(card.name)
        if found is None or record.date > now.date:
            continue
        week = date.fromisoformat(record.date).isocalendar()[:2]
        weekly[week] = Point(record.date, found)  # records are oldest first: the latest wins
    shown = [weekly[week] for week in sorted(weekly)]
    return shown[-TREND_POINTS:]


def target(card: Scorecard) -> str:
    """The level trends count from: the one above the minimum (the pull-request gate
    keeps the minimum itself near 100 %, so its share tells little), else the first."""
    if card.minimum is None:
        return card.levels[0]
    above = card.levels.index(card.minimum) + 1
    return card.levels[min(above, len(card.levels) - 1)]


def _at_or_above(card: Scorecard, counts: dict[str, int]) -> tuple[int, int]:
    """(entities at the target level or above, entities counted)."""
    wanted = card.levels[card.levels.index(target(card)) :]
    return sum(counts.get(level, 0) for level in wanted), sum(counts.values())


def _share(part: int, whole: int) -> float | None:
    return 100 * part / whole if whole else None


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0f}%"


def context(card: Scorecard, records: list[Record], now: Record) -> dict[str, Any]:
    """What the page shows of the trend: a chart and its table, and for teams and
    checks the share at the first point and now (only the point count and the level
    with fewer than two points)."""
    shown = points(card, records, now)
    level = target(card)
    if len(shown) < 2:
        return {"points": len(shown), "level": level}
    first, last = shown[0].levels, shown[-1].levels
    shares = [_share(*_at_or_above(card, p.levels.totals)) for p in shown]
    rows = [
        (p.date, [p.levels.totals.get(lv, 0) for lv in (NONE, *card.levels)], _pct(v))
        for p, v in zip(shown, shares, strict=True)
    ]
    title = f"{card.title}: entities at {level} or above"
    described = "; ".join(f"{d}: {s}" for d, _, s in rows)
    desc = f"{title}, one point a week from metrics/levels/ and today. {described}."
    chart_id = f"levels-{card.name}"
    labels = [p.date[5:] for p in shown]
    return {
        "points": len(shown),
        "level": level,
        "since": shown[0].date,
        "svg": charts.bar_chart(chart_id, title, desc, labels, shares, unit="%"),
        "rows": rows,
        "teams": {
            team: (_team_share(card, first.teams.get(team)), _team_share(card, counts))
            for team, counts in last.teams.items()
        },
        "checks": {cid: (_rate(first.checks.get(cid)), _rate(n)) for cid, n in last.checks.items()},
    }


def _rate(counts: tuple[int, int] | None) -> str:
    return _pct(_share(*counts)) if counts else "–"


def _team_share(card: Scorecard, counts: dict[str, int] | None) -> str:
    return _pct(_share(*_at_or_above(card, counts))) if counts else "–"
