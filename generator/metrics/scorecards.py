"""Scorecards evaluated: each entity's level per scorecard, its failing checks, the
exceptions that excuse checks, and the minimum-level gate ``portal validate`` reports.

An entity reaches a level when every check of that level and of every level below is
met (OpsLevel's rubric): passed, or excused by an exception that has not expired.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from generator.diagnostics import Finding, finding
from generator.metrics.checks import RULES, Context
from generator.metrics.exemptions import Exemption, load_exemptions
from generator.metrics.rules import Check, Scorecard, load_scorecards

if TYPE_CHECKING:
    from generator.catalog import Catalog
    from generator.config import Config
    from generator.metrics.dora import Report
    from generator.metrics.events import Deployment, Events
    from generator.site.techdocs import TechDocsSite


@dataclass(frozen=True)
class Result:
    """One check on one entity."""

    check: Check
    passed: bool
    why: str
    exemption: Exemption | None = None
    """The active exception excusing it, if it failed."""

    @property
    def met(self) -> bool:
        """Passed, or excused."""
        return self.passed or self.exemption is not None


@dataclass(frozen=True)
class Score:
    """One entity on one scorecard."""

    entity: str
    level: str | None
    """The highest level reached; None below the first."""
    results: tuple[Result, ...]
    required: bool
    """The scorecard's minimum level applies to this entity."""

    def failing(self) -> list[Result]:
        """Checks not met, lowest level first."""
        return [r for r in self.results if not r.met]


@dataclass
class Results:
    """Every scorecard's scores, the exceptions, and the findings."""

    cards: list[Scorecard] = field(default_factory=list)
    scores: dict[str, dict[str, Score]] = field(default_factory=dict)
    """Scorecard name -> entity key -> score."""
    exemptions: list[Exemption] = field(default_factory=list)
    today: date | None = None
    findings: list[Finding] = field(default_factory=list)


def level_of(card: Scorecard, results: list[Result]) -> str | None:
    """The highest level whose checks, and every lower level's, are all met."""
    reached = None
    for level in card.levels:
        if not all(r.met for r in results if r.check.level == level):
            break
        reached = level
    return reached


def score(card: Scorecard, entity_key: str, ctx: Context, waived: dict[str, Exemption]) -> Score:
    """Run every check of ``card`` on one entity."""
    entity = ctx.catalog.entities[entity_key]
    order = {name: i for i, name in enumerate(card.levels)}
    results = []
    for check in sorted(card.checks, key=lambda c: (order[c.level], c.line)):
        passed, why = RULES[check.rule].run(entity, ctx, check.params)
        results.append(Result(check, passed, why, None if passed else waived.get(check.id)))
    return Score(entity_key, level_of(card, results), tuple(results), card.required(entity))


def evaluate(
    catalog: Catalog,
    sites: list[TechDocsSite],
    config: Config,
    events: Events | None,
    report: Report | None,
    today: date,
) -> Results:
    """Score every entity each scorecard applies to; check exceptions; apply the gate."""
    root = config.root
    cards, findings = load_scorecards(root / config.metrics.scorecards_dir, root)
    exemptions, found = load_exemptions(root / config.metrics.exceptions_file, root)
    findings += found
    out = Results(cards, {}, exemptions, today, findings)
    if not cards:
        return out
    ctx = Context(
        catalog,
        {site.key: site for site in sites},
        _deployments(events, report, config.metrics.environment),
        report.entities if report else {},
        tuple(config.metrics.paved_road_workflows),
    )
    active = _check_exemptions(out, catalog)
    for card in cards:
        scores = out.scores[card.name] = {}
        for entity in catalog:
            if card.applies(entity):
                waived = active.get((card.name, entity.key), {})
                scores[entity.key] = score(card, entity.key, ctx, waived)
        out.findings += _gate(card, scores, catalog)
    return out


def _deployments(
    events: Events | None, report: Report | None, environment: str
) -> dict[str, list[Deployment]]:
    out: dict[str, list[Deployment]] = {}
    if events is None or report is None:
        return out
    since, until = report.window.since, report.window.until
    for d in events.deployments.values():
        if since <= d.time < until and d.environment.lower() == environment.lower():
            out.setdefault(d.entity, []).append(d)
    return out


def _check_exemptions(
    out: Results, catalog: Catalog
) -> dict[tuple[str, str], dict[str, Exemption]]:
    """Active exceptions by (scorecard, entity) then check; findings for the others."""
    checks = {card.name: {c.id for c in card.checks} for card in out.cards}
    active: dict[tuple[str, str], dict[str, Exemption]] = {}
    assert out.today is not None
    for ex in out.exemptions:
        problem = None
        if ex.scorecard not in checks:
            problem = f"names scorecard '{ex.scorecard}', which is not in {sorted(checks)}"
        elif ex.check not in checks[ex.scorecard]:
            problem = f"names check '{ex.check}', which scorecard '{ex.scorecard}' does not have"
        elif catalog.get(ex.entity) is None:
            problem = f"names {ex.entity}, which no catalog file defines"
        if problem:
            out.findings.append(finding("scorecard.invalid", ex.file, ex.line, 1,
                                        f"this exception {problem}"))  # fmt: skip
        elif not ex.active(out.today):
            out.findings.append(
                finding(
                    "scorecard.exception-expired",
                    ex.file,
                    ex.line,
                    1,
                    f"the exception for {ex.entity} from check '{ex.check}' of "
                    f"'{ex.scorecard}' expired on {ex.expires.isoformat()}; meet the check, "
                    "or renew the exception with a new reason and date",
                )
            )
        else:
            active.setdefault((ex.scorecard, ex.entity), {})[ex.check] = ex
    return active


def _gate(card: Scorecard, scores: dict[str, Score], catalog: Catalog) -> list[Finding]:
    """A finding on each entity the minimum level applies to and that is below it."""
    if card.minimum is None:
        return []
    rank = {name: i for i, name in enumerate(card.levels)}
    wanted = rank[card.minimum]
    out = []
    for key, s in sorted(scores.items()):
        if not s.required or (s.level is not None and rank[s.level] >= wanted):
            continue
        entity = catalog.entities[key]
        line, column = entity.locate(("metadata", "name"))
        missing = [r for r in s.failing() if rank[r.check.level] <= wanted]
        what = "; ".join(
            f"'{r.check.id}' ({r.why}{'; how to fix: ' + r.check.fix if r.check.fix else ''})"
            for r in missing
        )
        out.append(
            finding(
                "scorecard.below-minimum",
                entity.file,
                line,
                column,
                f"{entity.ref.display} is at level {s.level or 'none'} of scorecard "
                f"'{card.name}', below the minimum {card.minimum} ({card.file}:"
                f"{card.minimum_line}); failing: {what}. Meet the checks, or add an "
                "exception with a reason and an expiry date to the exceptions file",
            )
        )
    return out
