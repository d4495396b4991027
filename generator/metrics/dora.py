"""DORA's five keys per component, team, system, domain and the organisation, over a
window. Pure: events and the catalog's scopes in, numbers out.

Definitions (shared/docs/dora.md; where Four Keys differs, the note says so):

- **Deployment frequency**: successful deployments in the window per week.
- **Lead time for changes**: for each commit, from its commit time to the *first
  successful* deployment of its entity that lists it (or deploys it); median and p90 of
  every commit delivered in the window, pooled (a deployment of many commits weighs as
  many). Exact seconds, not Four Keys' truncated minutes; a time of 0 or less (a
  commit clock ahead of the deploy) is left out, as Four Keys does.
- **Change failure rate**: distinct deployments that failed or that an incident names
  as its cause, over all deployments (Four Keys counted joined rows, which can pass 100 %).
- **Failed deployment recovery time**: median of incident opened to resolved, over
  incidents opened in the window. Incidents not resolved by the window's end are counted
  and shown; the tier uses the larger of the resolved median and the median with open
  incidents counted at their age so far, so leaving incidents open never flatters it.
- **Deployment rework rate**: deployments marked ``rework`` over all deployments.

Everything is as of the window's end: an incident resolved later is open here, so a
past report rebuilt from the same events gives the same numbers.
"""

from __future__ import annotations

import functools
import operator
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from generator.metrics import tiers
from generator.metrics.events import Deployment, Events

DAY, WEEK = 86_400, 7 * 86_400
_MONDAY = 4 * DAY  # 1970-01-01 was a Thursday; ISO weeks start on Monday


@dataclass(frozen=True)
class Window:
    """``[since, until)`` in UTC epoch seconds."""

    since: float
    until: float

    @property
    def weeks(self) -> float:
        """The window's length in weeks."""
        return (self.until - self.since) / WEEK

    @functools.cached_property
    def starts(self) -> tuple[float, ...]:
        """:meth:`week_starts`, computed once (every scope's summary asks)."""
        return tuple(self.week_starts())

    def week_starts(self) -> list[float]:
        """Monday 00:00 UTC of every ISO week the window overlaps."""
        first = self.since - (self.since - _MONDAY) % WEEK
        return [first + i * WEEK for i in range(int((self.until - first) // WEEK) + 1)
                if first + i * WEEK < self.until]  # fmt: skip


@dataclass(slots=True)
class Bucket:
    """The facts of one scope in the window, ready to summarise or merge."""

    deployments: list[tuple[float, bool, bool, bool]] = field(default_factory=list)
    """(time, success, failed or caused an incident, rework)."""
    lead: list[tuple[float, float]] = field(default_factory=list)
    """(deployment time, lead time in hours)."""
    incidents: list[tuple[float, float | None]] = field(default_factory=list)
    """(opened, resolved by the window's end or None)."""

    def add(self, other: Bucket) -> None:
        """Merge another scope's facts into this one."""
        self.deployments += other.deployments
        self.lead += other.lead
        self.incidents += other.incidents


@dataclass(frozen=True)
class Summary:
    """One scope's five keys."""

    deployments: int
    successful: int
    failed: int
    deployment_frequency_per_week: float
    lead_time_median_hours: float | None
    lead_time_p90_hours: float | None
    changes: int
    change_failure_rate: float | None
    recovery_time_median_hours: float | None
    incidents: int
    unresolved_incidents: int
    rework_rate: float | None
    tier: Mapping[str, str]
    bucket: Mapping[str, str]

    def as_json(self) -> dict[str, Any]:
        """The ``portal metrics --format json`` shape of one scope."""
        return {
            "deployments": self.deployments,
            "successful_deployments": self.successful,
            "failed_deployments": self.failed,
            "deployment_frequency_per_week": _round(self.deployment_frequency_per_week),
            "lead_time_median_hours": _round(self.lead_time_median_hours),
            "lead_time_p90_hours": _round(self.lead_time_p90_hours),
            "changes": self.changes,
            "change_failure_rate": _round(self.change_failure_rate, 4),
            "recovery_time_median_hours": _round(self.recovery_time_median_hours),
            "incidents": self.incidents,
            "unresolved_incidents": self.unresolved_incidents,
            "rework_rate": _round(self.rework_rate, 4),
            "tier": dict(self.tier),
            "bucket": dict(self.bucket),
        }


def _round(value: float | None, digits: int = 2) -> float | None:
    return None if value is None else round(value, digits)


def summarize(bucket: Bucket, window: Window) -> Summary:
    """The five keys of one scope's facts, tiered."""
    deps = bucket.deployments
    successes = [t for t, ok, _, _ in deps if ok]
    failed = sum(1 for _, _, bad, _ in deps if bad)
    rework = sum(1 for _, _, _, again in deps if again)
    n = len(deps)
    per_week = len(successes) / window.weeks if window.weeks > 0 else 0.0
    lead = sorted(hours for _, hours in bucket.lead)
    lead_median = tiers.median(lead)
    resolved = sorted((r - o) / 3600 for o, r in bucket.incidents if r is not None)
    ages = sorted(((r if r is not None else window.until) - o) / 3600 for o, r in bucket.incidents)
    recovery = tiers.median(resolved)
    worst = max(recovery, tiers.median(ages) or 0.0) if recovery is not None else None
    cfr = failed / n if n else None
    rework_rate = rework / n if n else None
    frequency, frequency_bucket = tiers.frequency_tier(_deploy_days(successes, window), per_week)
    tier = {
        "deployment_frequency": frequency,
        "lead_time": tiers.lead_time_tier(lead_median, len(lead)),
        "change_failure_rate": tiers.rate_tier(cfr, n),
        "recovery_time": tiers.recovery_tier(worst),
        "rework_rate": tiers.rate_tier(rework_rate, n),
    }
    bucket_names = {
        "deployment_frequency": frequency_bucket,
        "lead_time": tiers.duration_bucket(lead_median) if lead else tiers.INSUFFICIENT,
        "recovery_time": tiers.duration_bucket(recovery),
    }
    return Summary(
        n, len(successes), n - len(successes), per_week, lead_median,
        tiers.percentile(lead, 0.9), len(lead), cfr, recovery, len(bucket.incidents),
        len(bucket.incidents) - len(resolved), rework_rate, tier, bucket_names,
    )  # fmt: skip


def _deploy_days(successes: list[float], window: Window) -> list[int]:
    """Distinct days with a successful deployment, per week of the window."""
    if not successes:
        return []
    # The same week numbers as (t - _MONDAY) // WEEK, from day numbers (day 4 was a Monday).
    weeks = Counter((day - 4) // 7 for day in {int(t // DAY) for t in successes})
    return [weeks.get(int((w - _MONDAY) // WEEK), 0) for w in window.starts]


def weekly(bucket: Bucket, window: Window) -> list[tuple[float, Summary]]:
    """The scope's five keys per ISO week of the window (a week's deployment frequency
    is that week's count), for trend charts; weeks are not tiered. One pass over the
    facts into per-week counts: the site asks this of every team and system."""
    starts = window.starts
    if not starts:
        return []
    first, n = starts[0], len(starts)
    deployed, succeeded, failed, redone = [0] * n, [0] * n, [0] * n, [0] * n
    for t, success, bad, again in bucket.deployments:
        i = int((t - first) // WEEK)
        deployed[i] += 1
        succeeded[i] += success
        failed[i] += bad
        redone[i] += again
    leads: list[list[float]] = [[] for _ in starts]
    for t, hours in bucket.lead:
        leads[int((t - first) // WEEK)].append(hours)
    opened: list[list[float | None]] = [[] for _ in starts]
    for t, resolved in bucket.incidents:
        opened[int((t - first) // WEEK)].append(None if resolved is None else resolved - t)
    out = []
    for i, start in enumerate(starts):
        weeks = (min(start + WEEK, window.until) - max(start, window.since)) / WEEK
        lead = sorted(leads[i])
        took = sorted(d / 3600 for d in opened[i] if d is not None)
        n_dep = deployed[i]
        summary = Summary(
            n_dep, succeeded[i], n_dep - succeeded[i],
            succeeded[i] / weeks if weeks > 0 else 0.0,
            tiers.median(lead), tiers.percentile(lead, 0.9), len(lead),
            failed[i] / n_dep if n_dep else None, tiers.median(took), len(opened[i]),
            len(opened[i]) - len(took), redone[i] / n_dep if n_dep else None, {}, {},
        )  # fmt: skip
        out.append((start, summary))
    return out


def entity_buckets(
    events: Events, window: Window, environment: str | None = None
) -> dict[str, Bucket]:
    """Each entity's facts in the window; deployments to ``environment`` only (any
    case) when it is given. Runs once over a million events: kept to plain loops."""
    out: dict[str, Bucket] = {}
    since, until = window.since, window.until
    caused = {i.cause for i in events.incidents.values() if i.cause and i.opened < until}
    by_entity: dict[str, list[Deployment]] = {}
    wanted = environment.lower() if environment else None
    for d in events.deployments.values():
        if wanted is not None and d.environment != environment and d.environment.lower() != wanted:
            continue
        deps = by_entity.get(d.entity)
        if deps is None:
            by_entity[d.entity] = [d]
        else:
            deps.append(d)
    changes = events.changes
    for entity, deps in by_entity.items():
        deps.sort(key=_WHEN)
        bucket = Bucket()
        delivered: set[str] = set()
        for d in deps:
            if d.time >= until:
                break
            inside = d.time >= since
            if inside:
                failed = not d.success or d.id in caused
                bucket.deployments.append((d.time, d.success, failed, d.rework))
            if not d.success:
                continue
            shipped = d.changes if d.sha in d.changes else (*d.changes, d.sha)
            for sha in shipped:
                if sha in delivered:
                    continue
                delivered.add(sha)
                if inside:
                    change = changes.get((entity, sha))
                    if change is not None and d.time > change.time:
                        bucket.lead.append((d.time, (d.time - change.time) / 3600))
        if bucket.deployments:
            out[entity] = bucket
    for i in events.incidents.values():
        if since <= i.opened < until:
            resolved = i.resolved if i.resolved is not None and i.resolved <= until else None
            found = out.get(i.entity)
            if found is None:
                found = out[i.entity] = Bucket()
            found.incidents.append((i.opened, resolved))
    return out


_WHEN = operator.attrgetter("time", "id")


@dataclass(frozen=True)
class Scopes:
    """Where each catalog entity rolls up: its owner, system and domain."""

    team: Mapping[str, str]
    system: Mapping[str, str]
    domain: Mapping[str, str]


@dataclass
class Report:
    """Every scope's summary, and the facts behind the rolled-up ones (for trends)."""

    window: Window
    org: Summary
    entities: dict[str, Summary]
    teams: dict[str, Summary]
    systems: dict[str, Summary]
    domains: dict[str, Summary]
    buckets: dict[str, Bucket]
    """Facts of the organisation (``""``), teams, systems and domains, by key."""

    def trend(self, key: str = "") -> list[tuple[float, Summary]]:
        """Weekly summaries of one rolled-up scope (``""``: the organisation)."""
        return weekly(self.buckets.get(key, Bucket()), self.window)


def compute(
    events: Events, scopes: Scopes, window: Window, environment: str | None = None
) -> Report:
    """The five keys for every scope. Entities the catalog does not define count for
    themselves and the organisation only."""
    per_entity = entity_buckets(events, window, environment)
    rolled: dict[str, Bucket] = {"": Bucket()}
    for key, bucket in per_entity.items():
        rolled[""].add(bucket)
        for table in (scopes.team, scopes.system, scopes.domain):
            scope = table.get(key)
            if scope is not None:
                rolled.setdefault(scope, Bucket()).add(bucket)

    def level(table: Mapping[str, str]) -> dict[str, Summary]:
        keys = sorted(set(table.values()))
        return {k: summarize(rolled.get(k, Bucket()), window) for k in keys}

    return Report(
        window,
        summarize(rolled[""], window),
        {k: summarize(per_entity[k], window) for k in sorted(per_entity)},
        level(scopes.team),
        level(scopes.system),
        level(scopes.domain),
        rolled,
    )


def default_window(events: Events, days: int = 90) -> Window | None:
    """The ``days`` up to the end of the newest event's UTC day; None without events."""
    newest = events.newest
    if newest is None:
        return None
    until = (newest // DAY + 1) * DAY
    return Window(until - days * DAY, until)


def scopes_from(entities: Iterable[tuple[str, str | None, str | None, str | None]]) -> Scopes:
    """Scopes from (entity, team, system, domain) rows."""
    team, system, domain = {}, {}, {}
    for key, t, s, d in entities:
        if t:
            team[key] = t
        if s:
            system[key] = s
        if d:
            domain[key] = d
    return Scopes(team, system, domain)
