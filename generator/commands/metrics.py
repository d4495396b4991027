"""``portal metrics``: DORA's five keys per scope from the events in git, as text or JSON;
``portal metrics collect``: fill the events files from GitHub (see metrics/collect.py)."""

from __future__ import annotations

import json
import os
import re
import sys
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, TextIO

from generator.catalog import Catalog, load_catalog
from generator.config import Config
from generator.diagnostics import fails
from generator.errors import ConfigError
from generator.forge import Forge
from generator.metrics import tiers
from generator.metrics.analysis import Metrics, analyse
from generator.metrics.dora import Summary
from generator.process import Runner, SubprocessRunner, current_revision
from generator.reporters import report_text
from generator.site import techdocs

OK, FINDINGS = 0, 1


def parse_date(text: str, *, end: bool = False) -> datetime:
    """``YYYY-MM-DD`` (UTC; with ``end``, the end of that day, so both ends of a window
    are inclusive) or an ISO 8601 time with a zone; ConfigError otherwise."""
    try:
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigError(f"'{text}' is not a date: use YYYY-MM-DD") from None
    if len(text) == 10:
        return when.replace(tzinfo=UTC) + (timedelta(days=1) if end else timedelta(0))
    if when.tzinfo is None:
        raise ConfigError(f"'{text}' has no time zone: add 'Z' or an offset such as +02:00")
    return when


def metrics(
    config: Config,
    *,
    events_dir: Path | None = None,
    since: str | None = None,
    until: str | None = None,
    output_format: str = "text",
    out: TextIO | None = None,
) -> int:
    """Print the metrics; 1 when events or scorecards have failing findings."""
    out = out or sys.stdout
    start = parse_date(since) if since else None
    end = parse_date(until, end=True) if until else None
    if start and end and start >= end:
        raise ConfigError(f"--since {since} is not before --until {until}")
    _, found = _analysed(config, events_dir=events_dir, since=start, until=end)
    if output_format == "json":
        out.write(json.dumps(as_json(found), indent=2, sort_keys=False) + "\n")
    else:
        write_text(found, out)
    return FINDINGS if fails(found.findings, strict=False) else OK


def _analysed(config: Config, **window: Any) -> tuple[Catalog, Metrics]:
    """The catalog and its metrics; their findings reported on stderr (the catalog's
    own findings are validate's to report)."""
    catalog = load_catalog(None, config)
    sites, _ = techdocs.collect(catalog)
    found = analyse(catalog, sites, config, **window)
    if found.findings:
        report_text(found.findings, len(catalog), len(found.events.files), sys.stderr)
    return catalog, found


def _iso(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).isoformat().replace("+00:00", "Z")


def as_json(found: Metrics) -> dict[str, Any]:
    """The documented JSON shape (README, 'portal metrics')."""
    report, window = found.report, found.window
    doc: dict[str, Any] = {
        "window": {"since": _iso(window.since), "until": _iso(window.until)} if window else None,
        "tiers": tiers.TABLE,
        "events": {"files": found.events.files, "lines": found.events.lines},
        "org": report.org.as_json() if report else None,
    }
    for name in ("entities", "teams", "systems", "domains"):
        doc[name] = {k: s.as_json() for k, s in getattr(report, name).items()} if report else {}
    if report:
        doc["trend"] = [{"week": _iso(w), **s.as_json()} for w, s in report.trend()]
    if found.scorecards:
        doc["scorecards"] = {
            name: {key: s.level for key, s in scores.items()}
            for name, scores in found.scorecards.scores.items()
        }
    if found.adoption:
        a = found.adoption
        doc["adoption"] = {
            "components": a.now.components,
            "from_golden_paths": a.now.from_golden_paths,
            "with_techdocs": a.published_docs,
            "by_template": [
                {"template": t, "version": v, "components": n} for t, v, n in a.by_template
            ],
            "drift": [d.__dict__ for d in a.drift],
            "open_exceptions": a.open_exceptions,
            "off_paved_road": [
                {"entity": e, "deployments": n, "off": off, "workflows": list(w)}
                for e, n, off, w in a.off_paved_road
            ],
        }
    doc["findings"] = [f.as_json() for f in found.findings]
    return doc


_COLUMNS = ("Deploys", "/week", "Lead med", "Lead p90", "CFR", "Recovery", "Open", "Rework")


def _hours(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f} h"


def _share(value: float | None) -> str:
    return "-" if value is None else f"{value:.0%}"


def _row(name: str, s: Summary) -> str:
    cells = (
        str(s.deployments), f"{s.deployment_frequency_per_week:.2f}",
        _hours(s.lead_time_median_hours), _hours(s.lead_time_p90_hours),
        _share(s.change_failure_rate), _hours(s.recovery_time_median_hours),
        str(s.unresolved_incidents), _share(s.rework_rate),
    )  # fmt: skip
    return f"{name[:44]:<44} " + " ".join(f"{c:>9}" for c in cells)


def write_text(found: Metrics, out: TextIO) -> None:
    """A table per level: organisation, teams, systems, domains."""
    report = found.report
    if report is None:
        out.write("No events: metrics/events/ holds none. Run 'portal metrics collect' "
                  "(or see the handbook's Metrics page).\n")  # fmt: skip
        return
    w = report.window
    days = round((w.until - w.since) / 86_400)
    out.write(
        f"DORA metrics from {_iso(w.since)[:10]} to {_iso(w.until - 1)[:10]} ({days} days), "
        f"{found.events.lines} event lines; tiers: {tiers.TABLE}\n\n"
    )
    out.write(f"{'Scope':<44} " + " ".join(f"{c:>9}" for c in _COLUMNS) + "\n")
    out.write(_row("organisation", report.org) + "\n")
    tier = report.org.tier
    out.write(
        "  agility: deployment frequency " + tier["deployment_frequency"]
        + ", lead time " + tier["lead_time"]
        + "; stability: change failure rate " + tier["change_failure_rate"]
        + ", recovery time " + tier["recovery_time"] + ", rework rate " + tier["rework_rate"]
        + "\n"
    )  # fmt: skip
    for title, table in (("Teams", report.teams), ("Systems", report.systems),
                         ("Domains", report.domains)):  # fmt: skip
        if table:
            out.write(f"\n{title}\n")
            for key, summary in table.items():
                out.write(_row(key, summary) + "\n")


def collect(
    config: Config,
    *,
    since: str | None,
    dry_run: bool,
    max_wait: int,
    forge: Forge | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> int:
    """``portal metrics collect``: fetch new events from GitHub into the events files and
    remember how far it got. Stopped by a rate limit, it keeps what it fetched and says
    so (exit 0: the next scheduled run goes on from there)."""
    from generator import clock
    from generator.forge.github import GitHubForge
    from generator.metrics import collect as collecting
    from generator.metrics.events import load_events

    start = parse_date(since) if since else None
    catalog = load_catalog(None, config)
    repos = []
    for entity in catalog:
        slug = (entity.metadata.get("annotations") or {}).get(collecting.SLUG)
        if isinstance(slug, str) and re.fullmatch(r"[\w.-]+/[\w.-]+", slug):
            repos.append((slug, entity.key))
    folder = config.root / config.metrics.events_dir
    state_file = config.root / config.metrics.state_file
    state = json.loads(state_file.read_text(encoding="utf-8")) if state_file.is_file() else {}
    found = collecting.collect(
        forge or GitHubForge(),
        repos,
        load_events(folder, config.root),
        environment=config.metrics.environment,
        label=config.metrics.incident_label,
        since=start,
        state=state.get("repositories", {}),
        max_wait=max_wait,
        sleep=sleep,
        now=clock.now,
    )
    changed = collecting.merge(folder, found.events)
    verb = "would write" if dry_run else "wrote"
    print(f"portal: read {found.repositories} of {len(repos)} repositories; "
          f"{len(found.events)} events fetched; {verb} {len(changed)} events files")  # fmt: skip
    if not dry_run:
        folder.mkdir(parents=True, exist_ok=True)
        for name, text in changed.items():
            (folder / name).write_text(text, encoding="utf-8")
        document = {"version": 1, "repositories": found.state}
        state_file.write_text(json.dumps(document, indent=2, sort_keys=True) + "\n", "utf-8")
    if found.stopped:
        print(f"portal: stopped early: {found.stopped}; the events fetched are kept and the "
              "next run goes on from there", file=sys.stderr)  # fmt: skip
    return OK


def snapshot(config: Config, *, dry_run: bool, runner: Runner | None = None) -> int:
    """``portal metrics snapshot``: record today's scorecard levels (counts per level,
    team and check) in ``metrics/levels/<date>.json`` for the scorecards page's trends.
    Nothing is written when the events, rules or exceptions have failing findings: a
    record is only as good as what it was computed from."""
    from generator import clock
    from generator.metrics import levels

    today = clock.now().date().isoformat()  # SOURCE_DATE_EPOCH records a past day
    # The day's levels: event checks read the window that ends today.
    catalog, found = _analysed(config, until=parse_date(today, end=True))
    if fails(found.findings, strict=False):
        print("portal: no record written: fix the findings above first", file=sys.stderr)
        return FINDINGS
    if found.scorecards is None or not found.scorecards.cards:
        print(f"portal: no scorecards in {config.metrics.scorecards_dir}/: nothing to record")
        return OK
    revision = current_revision(runner or SubprocessRunner(), config.root, _github_sha())
    record = levels.take(found.scorecards, catalog, today, revision.commit)
    path = config.root / config.metrics.levels_dir / levels.file_name(today)
    shown = path.relative_to(config.root).as_posix()
    scored = sum(sum(c.totals.values()) for c in record.cards.values())
    verb = "would write" if dry_run else "wrote"
    print(f"portal: {verb} {shown}: {len(record.cards)} scorecards, {scored} scores, "
          f"commit {revision.short}")  # fmt: skip
    if not dry_run:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(levels.dumps(record), encoding="utf-8")
    return OK


def _github_sha() -> str | None:
    return os.environ.get("GITHUB_SHA") or None


DEPLOYABLE = frozenset({"service", "website", "batch-job", "pipeline", "ml-model"})
"""Component types the sample gives deployments (libraries are not deployed)."""


def sample(
    config: Config,
    *,
    out_dir: Path | None,
    end: str,
    days: int,
    seed: int,
    scale: float,
    mixed: bool,
) -> int:
    """``portal metrics sample``: write seeded demo events for the catalog's deployable
    components into ``out_dir`` (default: metrics.events_dir), replacing its files."""
    from generator.metrics.analysis import scopes
    from generator.metrics.sample import generate

    catalog = load_catalog(None, config)
    teams = scopes(catalog).team
    components = [
        (e.key, teams.get(e.key, ""))
        for e in catalog.of_kind("Component")
        if str(e.spec.get("type", "")).lower() in DEPLOYABLE
    ]
    files = generate(
        components, end=parse_date(end), days=days, seed=seed, scale=scale, mixed=mixed
    )
    folder = out_dir or config.root / config.metrics.events_dir
    folder.mkdir(parents=True, exist_ok=True)
    for old in folder.glob("*.jsonl"):
        old.unlink()
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    total = sum(len(lines) for lines in files.values())
    print(f"portal: wrote {total} events for {len(components)} components into {folder}")
    return OK
