"""Contexts and pages for adoption, scorecards and exceptions in the ``metrics/`` section,
and the scorecard block of entity pages."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from generator.metrics import charts, level_trends, levels
from generator.model import relations as rel
from generator.site import paths
from generator.site.render import safe_url

if TYPE_CHECKING:
    import jinja2

    from generator.catalog import Catalog
    from generator.metrics.adoption import Adoption
    from generator.metrics.analysis import Metrics
    from generator.metrics.scorecards import Score

SCORECARDS = "metrics/scorecards.md"
EXCEPTIONS = "metrics/exceptions.md"


def _link(catalog: Catalog, key: str, page: str) -> dict[str, Any]:
    entity = catalog.get(key)
    url = paths.relative(page, paths.entity_url(key)) if entity else None
    return {"key": key, "title": entity.title if entity else key, "url": url}


def fix_url(fix: str, page: str) -> str | None:
    """A check's how-to-fix link from ``page``: a URL as written, a site path relative."""
    if fix.startswith(("http://", "https://")):
        return safe_url(fix)
    return paths.relative(page, fix) if fix and ".." not in fix else None


def levels_by_entity(metrics: Metrics) -> dict[str, dict[str, str | None]]:
    """Entity -> scorecard name -> level reached."""
    out: dict[str, dict[str, str | None]] = {}
    if metrics.scorecards is None:
        return out
    for name, scores in metrics.scorecards.scores.items():
        for key, s in scores.items():
            out.setdefault(key, {})[name] = s.level
    return out


def _pct(part: int, whole: int) -> str:
    return f"{part / whole:.0%}" if whole else "–"


def adoption_context(metrics: Metrics, catalog: Catalog, page: str) -> dict[str, Any] | None:
    """Golden paths, drift, TechDocs, completeness, exceptions, off the paved road."""
    a = metrics.adoption
    if a is None:
        return None
    now = a.now
    return {
        "components": now.components,
        "golden": now.from_golden_paths,
        "golden_share": _pct(now.from_golden_paths, now.components),
        "docs": a.published_docs,
        "docs_share": _pct(a.published_docs, now.components),
        "by_template": [
            {"template": _link(catalog, t, page), "version": v, "count": n,
             "latest": a.latest.get(t, "not in the catalog")}
            for t, v, n in a.by_template
        ],
        "drift": [{"entity": _link(catalog, d.entity, page), "version": d.version,
                   "latest": d.latest, "behind": d.behind} for d in a.drift],
        "completeness": [(kind, f"{share:.0%}") for kind, share in now.completeness.items()],
        "open_exceptions": a.open_exceptions,
        "exceptions_url": paths.relative(page, "metrics/exceptions/"),
        "off_road": [{"entity": _link(catalog, e, page), "deployments": n, "off": off,
                      "workflows": ", ".join(w)} for e, n, off, w in a.off_paved_road],
        "teams": [{"team": _link(catalog, t, page), "components": c, "golden": _pct(g, c),
                   "docs": _pct(d, c)} for t, (c, g, d) in a.by_team.items()],
        "trend": [(day, s.from_golden_paths, s.components, _pct(s.from_golden_paths,
                   s.components)) for day, s in a.trend],
        "trend_svg": _trend_chart(a) if a.trend else "",
    }  # fmt: skip


def _trend_chart(a: Adoption) -> str:
    """Share of components from golden paths at the end of each week, as a chart."""
    labels = [day[5:] for day, _ in a.trend]
    values = [100 * s.from_golden_paths / s.components if s.components else None
              for _, s in a.trend]  # fmt: skip
    title = "Components created from golden paths, share at the end of each week"
    described = "; ".join(f"{day}: {'–' if v is None else f'{v:.0f}%'}"
                          for (day, _), v in zip(a.trend, values, strict=True))  # fmt: skip
    desc = f"{title}, from the catalog's git history. {described}."
    return charts.bar_chart("adoption-golden", title, desc, labels, values, unit="%")


def scorecards_context(metrics: Metrics, catalog: Catalog) -> list[dict[str, Any]]:
    """Each scorecard: checks, levels by team, pass rate per check, every entity."""
    results = metrics.scorecards
    if results is None:
        return []
    page = SCORECARDS
    today = results.today.isoformat() if results.today else "9999-12-31"
    now = levels.take(results, catalog, today, "")
    out = []
    for card in results.cards:
        scores = results.scores.get(card.name, {})
        counted = now.cards[card.name]  # the counts a weekly record keeps, for today
        out.append({
            "card": card,
            "levels": ["none", *card.levels],
            "checks": [{"c": c, "fix": fix_url(c.fix, page), "rate": _pct(*counted.checks[c.id])}
                       for c in card.checks],
            "teams": [{"team": _link(catalog, t, page), "counts": counts}
                      for t, counts in sorted(counted.teams.items())],
            "entities": [{"entity": _link(catalog, k, page), "score": s,
                          "failing": [r.check.id for r in s.failing()]}
                         for k, s in sorted(scores.items())],
            "totals": counted.totals,
            "trend": level_trends.context(card, metrics.levels, now),
        })  # fmt: skip
    return out


def exceptions_context(metrics: Metrics, catalog: Catalog) -> list[dict[str, Any]]:
    """Every exception, with its owner and whether it is still active."""
    results = metrics.scorecards
    if results is None or results.today is None:
        return []
    rows = []
    for ex in sorted(results.exemptions, key=lambda e: (e.expires, e.entity)):
        entity = catalog.get(ex.entity)
        owner = (entity.related(rel.OWNED_BY) or [""])[0] if entity else ""
        rows.append({
            "ex": ex,
            "entity": _link(catalog, ex.entity, EXCEPTIONS),
            "owner": _link(catalog, owner, EXCEPTIONS) if owner else None,
            "active": ex.active(results.today),
        })  # fmt: skip
    return rows


def render(
    env: jinja2.Environment, metrics: Metrics, catalog: Catalog, common: dict[str, Any]
) -> dict[str, str]:
    """The scorecards and exceptions pages."""
    return {
        SCORECARDS: env.get_template("metrics/scorecards.md.j2").render(
            **common, cards=scorecards_context(metrics, catalog)
        ),
        EXCEPTIONS: env.get_template("metrics/exceptions.md.j2").render(
            **common, rows=exceptions_context(metrics, catalog)
        ),
    }


def entity_scores(metrics: Metrics | None, key: str, page: str) -> list[dict[str, Any]]:
    """The scorecard block of one entity's page: level and failing checks per scorecard."""
    if metrics is None or metrics.scorecards is None:
        return []
    out = []
    for card in metrics.scorecards.cards:
        s: Score | None = metrics.scorecards.scores.get(card.name, {}).get(key)
        if s is None:
            continue
        out.append({
            "card": card,
            "level": s.level or "none",
            "required": card.minimum if s.required else None,
            "failing": [{"r": r, "fix": fix_url(r.check.fix, page)} for r in s.failing()],
            "excused": [r for r in s.results if not r.passed and r.exemption is not None],
            "url": paths.relative(page, "metrics/scorecards/"),
        })  # fmt: skip
    return out
