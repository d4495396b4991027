"""The metrics stage's orchestrator: events, DORA, scorecards and adoption for one
catalog, as ``portal metrics``, ``portal validate`` and ``portal build`` all need them.
Reads files (events, rules, exceptions); computes nothing itself."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from generator import clock
from generator.diagnostics import Finding, apply_severities
from generator.metrics import dora
from generator.metrics.events import Events, check_entities, load_events, paused_gc
from generator.model import relations as rel

if TYPE_CHECKING:
    from generator.catalog import Catalog
    from generator.config import Config
    from generator.metrics.adoption import Adoption
    from generator.metrics.levels import Record
    from generator.metrics.scorecards import Results
    from generator.site.techdocs import TechDocsSite


@dataclass
class Metrics:
    """Everything the metrics pages and commands show."""

    events: Events
    window: dora.Window | None
    report: dora.Report | None
    """None without events in the folder."""
    scorecards: Results | None = None
    adoption: Adoption | None = None
    scopes: dora.Scopes | None = None
    findings: list[Finding] = field(default_factory=list)
    levels: list[Record] = field(default_factory=list)
    """Earlier scorecard levels (metrics/levels/), oldest first, for trends."""


def scopes(catalog: Catalog) -> dora.Scopes:
    """Each entity's owner, system (a subcomponent's through its parent) and domain."""

    def part_of(key: str) -> list[str]:
        entity = catalog.get(key)
        return entity.related(rel.PART_OF) if entity else []

    rows = []
    for entity in catalog:
        owners = entity.related(rel.OWNED_BY)
        system, _ = rel.system_of(entity.key, part_of)
        domain = None
        if system is not None:
            domain = next((t for t in part_of(system) if t.startswith("domain:")), None)
        rows.append((entity.key, owners[0] if owners else None, system, domain))
    return dora.scopes_from(rows)


def window_for(
    events: Events, days: int, since: datetime | None, until: datetime | None
) -> dora.Window | None:
    """``[since, until)``: given, or the ``days`` up to the end of the newest event's day."""
    if since is None and until is None:
        return dora.default_window(events, days)
    end = until.timestamp() if until else None
    start = since.timestamp() if since else None
    if end is None:
        newest = events.newest
        end = (newest // dora.DAY + 1) * dora.DAY if newest is not None else None
        if end is None:
            end = (start or 0) + days * dora.DAY
    return dora.Window(start if start is not None else end - days * dora.DAY, end)


def analyse(
    catalog: Catalog,
    sites: list[TechDocsSite],
    config: Config,
    *,
    events_dir: Path | None = None,
    since: datetime | None = None,
    until: datetime | None = None,
) -> Metrics:
    """Read the events, scorecards and exceptions; compute everything."""
    with paused_gc():  # a million events: see load_events
        return _analyse(catalog, sites, config, events_dir, since, until)


def _analyse(
    catalog: Catalog,
    sites: list[TechDocsSite],
    config: Config,
    events_dir: Path | None,
    since: datetime | None,
    until: datetime | None,
) -> Metrics:
    from generator.metrics import adoption, levels, scorecards

    folder = events_dir or config.root / config.metrics.events_dir
    events = load_events(folder, config.root)
    findings = [*events.findings, *check_entities(events, catalog.entities)]
    window = window_for(events, config.metrics.window_days, since, until)
    report = None
    rollup = scopes(catalog)
    if window is not None and events:
        report = dora.compute(events, rollup, window, config.metrics.environment)
    # Exceptions expire by the clock (SOURCE_DATE_EPOCH in reproducible builds).
    results = scorecards.evaluate(catalog, sites, config, events, report, clock.now().date())
    findings += results.findings
    found = adoption.adopt(catalog, sites, events, window, config, results)
    records, bad = levels.load(config.root / config.metrics.levels_dir, config.root)
    return Metrics(
        events,
        window,
        report,
        results,
        found,
        rollup,
        apply_severities([*findings, *bad], config.severity),
        records,
    )
