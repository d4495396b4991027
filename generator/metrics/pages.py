"""The site's ``metrics/`` section: the organisation, one page per team and per system,
scorecards and exceptions. Contexts are plain data; templates in
``site_templates/pages/metrics`` render them to Markdown for MkDocs. Nothing here writes.

Every chart states its window and its data source, and its numbers are in a table
beside it. Teams are listed by name, never ranked: DORA warns against comparing teams.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from generator.metrics import charts, tiers
from generator.metrics.dora import WEEK, Summary
from generator.model.refs import ref_from_key
from generator.site import paths

if TYPE_CHECKING:
    import jinja2

    from generator.catalog import Catalog
    from generator.metrics.analysis import Metrics
    from generator.process import Revision

INDEX = "metrics/index.md"
SCORECARDS = "metrics/scorecards.md"
EXCEPTIONS = "metrics/exceptions.md"
AGILITY = ("deployment_frequency", "lead_time")
STABILITY = ("change_failure_rate", "recovery_time", "rework_rate")
NAMES = {
    "deployment_frequency": "Deployment frequency",
    "lead_time": "Lead time for changes",
    "change_failure_rate": "Change failure rate",
    "recovery_time": "Failed deployment recovery time",
    "rework_rate": "Deployment rework rate",
}


def scope_page(kind: str, key: str) -> str:
    """``metrics/teams/<name>.md`` (``<namespace>--<name>`` outside the default one)."""
    ref = ref_from_key(key)
    name = ref.name if ref.namespace == "default" else f"{ref.namespace}--{ref.name}"
    return f"metrics/{kind}/{name.lower()}.md"


def _day(t: float) -> str:
    return datetime.fromtimestamp(t, UTC).strftime("%Y-%m-%d")


def _hours(v: float | None) -> str:
    return "–" if v is None else f"{v:.1f} h"


def _rate(v: float | None) -> str:
    return "–" if v is None else f"{v:.0%}"


def value_text(s: Summary, metric: str) -> str:
    """One metric's value as shown."""
    return {
        "deployment_frequency": f"{s.deployment_frequency_per_week:.1f} a week",
        "lead_time": f"median {_hours(s.lead_time_median_hours)}, p90 "
        f"{_hours(s.lead_time_p90_hours)}",
        "change_failure_rate": _rate(s.change_failure_rate),
        "recovery_time": _hours(s.recovery_time_median_hours),
        "rework_rate": _rate(s.rework_rate),
    }[metric]


def _basis(s: Summary, metric: str) -> str:
    """What the number is computed from, so a reader can judge it."""
    if metric == "deployment_frequency":
        return _count(s.successful, "successful deployment")
    if metric == "lead_time":
        return _count(s.changes, "change")
    if metric == "recovery_time":
        open_ = f", {s.unresolved_incidents} still open" if s.unresolved_incidents else ""
        return _count(s.incidents, "incident") + open_
    return _count(s.deployments, "deployment")


def _count(n: int, what: str) -> str:
    return f"{n} {what}{'' if n == 1 else 's'}"


def cards(s: Summary) -> dict[str, list[dict[str, str]]]:
    """Agility and stability, each metric with its value, tier and survey bucket."""
    out: dict[str, list[dict[str, str]]] = {}
    for group, metrics in (("Agility", AGILITY), ("Stability", STABILITY)):
        out[group] = [
            {
                "name": NAMES[m],
                "value": value_text(s, m),
                "tier": s.tier[m],
                "tier_class": s.tier[m].replace("/", "-").replace(" ", "-"),
                "bucket": s.bucket.get(m, ""),
                "basis": _basis(s, m),
            }
            for m in metrics
        ]
    return out


_TRENDS = (
    ("deploys", "Successful deployments per week", "", lambda s: float(s.successful), "{:.0f}"),
    ("lead", "Median lead time per week", " h", lambda s: s.lead_time_median_hours, "{:.1f} h"),
    ("cfr", "Change failure rate per week", "%",
     lambda s: None if s.change_failure_rate is None else 100 * s.change_failure_rate, "{:.0f}%"),
    ("recovery", "Median recovery time per week", " h",
     lambda s: s.recovery_time_median_hours, "{:.1f} h"),
)  # fmt: skip


def trend_charts(
    trend: list[tuple[float, Summary]], prefix: str, scope: str, source: str
) -> list[dict[str, Any]]:
    """One chart and table per metric, weekly."""
    labels = [_day(w)[5:] for w, _ in trend]
    span = f"{_day(trend[0][0])} to {_day(trend[-1][0] + WEEK - 1)}" if trend else ""
    out = []
    for slug, title, unit, pick, fmt in _TRENDS:
        values = [pick(s) for _, s in trend]
        shown = [("–" if v is None else fmt.format(v)) for v in values]
        described = "; ".join(f"week of {lab}: {v}" for lab, v in zip(labels, shown, strict=True))
        chart_id = f"{prefix}-{slug}"
        full = f"{title}, {scope}"
        out.append({
            "id": chart_id,
            "title": full,
            "svg": charts.bar_chart(chart_id, full, f"{full}, ISO weeks {span}. {described}.",
                                    labels, values, unit=unit),
            "rows": list(zip([_day(w) for w, _ in trend], shown, strict=True)),
            "caption": f"Weeks {span} (ISO weeks, UTC). Source: {source}.",
        })  # fmt: skip
    return out


def _link(catalog: Catalog, key: str, page: str) -> dict[str, Any]:
    entity = catalog.get(key)
    url = paths.relative(page, paths.entity_url(key)) if entity else None
    return {"key": key, "title": entity.title if entity else key, "url": url}


def _rows(
    catalog: Catalog, table: dict[str, Summary], page: str, kind: str | None
) -> list[dict[str, Any]]:
    rows = []
    for key, s in sorted(table.items(), key=lambda kv: _link(catalog, kv[0], page)["title"]):
        if not s.deployments and not s.incidents:
            continue
        link = _link(catalog, key, page)
        if kind is not None:
            link["url"] = paths.relative(page, scope_page(kind, key)[: -len(".md")] + "/")
        rows.append({"link": link, "s": s, "shown": {m: value_text(s, m) for m in NAMES},
                     "tier": s.tier})  # fmt: skip
    return rows


def render(
    env: jinja2.Environment, metrics: Metrics, catalog: Catalog, revision: Revision
) -> dict[str, str]:
    """Every page of the section, by docs path; empty without events."""
    report = metrics.report
    if report is None:
        return {}
    from generator.metrics import adoption_pages

    w = report.window
    count = len(metrics.events.files)
    files = f"{count} file{'' if count == 1 else 's'}"
    source = f"{files} in metrics/events/ at commit {revision.short}"
    common = {
        "window": f"{_day(w.since)} to {_day(w.until - 1)}",
        "days": round((w.until - w.since) / 86_400),
        "table": tiers.TABLE,
        "source": source,
    }
    scope = env.get_template("metrics/scope.md.j2")
    out = {}
    levels = adoption_pages.levels_by_entity(metrics)
    out[INDEX] = env.get_template("metrics/index.md.j2").render(
        **common,
        cards=cards(report.org),
        org=report.org,
        charts=trend_charts(report.trend(), "org", "organisation", source),
        teams=_rows(catalog, report.teams, INDEX, "teams"),
        systems=_rows(catalog, report.systems, INDEX, "systems"),
        adoption=adoption_pages.adoption_context(metrics, catalog, INDEX),
    )
    for kind, table in (("teams", report.teams), ("systems", report.systems)):
        for key, summary in table.items():
            if not summary.deployments and not summary.incidents:
                continue
            page = scope_page(kind, key)
            members = {k: s for k, s in report.entities.items() if _member(metrics, kind, k, key)}
            title = _link(catalog, key, page)
            slug = page.rsplit("/", 1)[1][:-3]
            out[page] = scope.render(
                **common,
                kind=kind[:-1],
                scope=title,
                up=paths.relative(page, "metrics/"),
                cards=cards(summary),
                charts=trend_charts(report.trend(key), slug, title["title"], source),
                entities=_rows(catalog, members, page, None),
                levels=levels,
            )
    out.update(adoption_pages.render(env, metrics, catalog, common))
    return out


def entity_delivery(
    metrics: Metrics | None, catalog: Catalog, key: str, page: str
) -> dict[str, Any] | None:
    """The delivery block of one entity's page: its five keys in the window, and links
    to the weekly trends of its team and system; None without deployments or
    incidents of its own."""
    report = metrics.report if metrics else None
    summary = report.entities.get(key) if report else None
    if metrics is None or report is None or summary is None:
        return None
    if not summary.deployments and not summary.incidents:
        return None
    assert metrics.scopes is not None
    links = []
    for kind, table, rolled in (
        ("team", metrics.scopes.team, report.teams),
        ("system", metrics.scopes.system, report.systems),
    ):
        scope = table.get(key)
        if scope and scope in rolled:
            url = paths.relative(page, scope_page(f"{kind}s", scope)[: -len(".md")] + "/")
            found = catalog.get(scope)
            links.append({"kind": kind, "url": url, "title": found.title if found else scope})
    w = report.window
    return {
        "window": f"{_day(w.since)} to {_day(w.until - 1)}",
        "cards": cards(summary),
        "trends": links,
    }


def _member(metrics: Metrics, kind: str, entity: str, scope: str) -> bool:
    assert metrics.scopes is not None
    table = metrics.scopes.team if kind == "teams" else metrics.scopes.system
    return table.get(entity) == scope


def level_counts(levels: dict[str, str | None]) -> Counter[str]:
    """How many entities reached each level (``none`` below the first)."""
    return Counter(level or "none" for level in levels.values())
