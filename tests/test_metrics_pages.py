"""Golden files for the metrics section of a small catalog, and one chart's bytes.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 make test`` and review the
diff like code.
"""

from __future__ import annotations

import dataclasses
import os
import re
from pathlib import Path

import pytest

from generator import load_catalog, load_config
from generator.commands.build import TEMPLATES
from generator.config import MetricsConfig
from generator.metrics import charts
from generator.metrics import pages as metrics_pages
from generator.metrics.adoption_pages import entity_scores
from generator.metrics.analysis import analyse
from generator.process import Revision
from generator.site.render import environment
from tests.conftest import REPO

GOLDEN = Path(__file__).parent / "golden" / "metrics"
DATA = "tests/data/metrics/golden"
CATALOG = Path(__file__).parent / "data" / "site_catalog"


@pytest.fixture
def metrics(monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1762041600")  # 2026-11-02
    config = dataclasses.replace(
        load_config(REPO),
        metrics=MetricsConfig(
            events_dir=f"{DATA}/events",
            scorecards_dir=f"{DATA}/scorecards",
            exceptions_file=f"{DATA}/exceptions.yaml",
            levels_dir=f"{DATA}/levels",
        ),
    )
    catalog = load_catalog([CATALOG], config)
    return catalog, analyse(catalog, [], config)


def _compare(rendered: dict[str, str]) -> None:
    if os.environ.get("UPDATE_GOLDEN"):
        for name, text in rendered.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
    expected = {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }
    assert sorted(rendered) == sorted(expected)
    for name, text in expected.items():
        assert rendered[name] == text, name


def test_metrics_pages_match_golden_files(metrics):
    catalog, found = metrics
    assert found.findings == []
    env = environment(TEMPLATES / "pages")
    rendered = metrics_pages.render(env, found, catalog, Revision("f" * 40, "f" * 12))
    org_chart = re.search(r"<svg[^>]*>.*?</svg>", rendered[metrics_pages.INDEX], re.S)
    assert org_chart is not None
    rendered["chart-org-deploys.svg"] = org_chart.group(0)
    _compare(rendered)


def test_catalog_text_and_links_stay_inert(metrics):
    catalog, found = metrics
    env = environment(TEMPLATES / "pages")
    rendered = metrics_pages.render(env, found, catalog, Revision("f" * 40, "f" * 12))
    exceptions = rendered["metrics/exceptions.md"]
    assert "A library &lt;b&gt;without&lt;/b&gt; docs" in exceptions
    scorecards = rendered["metrics/scorecards.md"]
    assert 'href="https://example.com/docs?a=1&amp;b=&lt;2&gt;"' in scorecards


def test_an_entity_page_shows_its_level_failing_checks_and_exceptions(metrics):
    _, found = metrics
    (igniter,) = entity_scores(found, "component:default/igniter", "catalog/x/index.md")
    assert igniter["level"] == "silver"
    assert [r.check.id for r in igniter["excused"]] == ["docs"]
    (ignition,) = entity_scores(found, "component:default/ignition", "catalog/x/index.md")
    assert (ignition["level"], ignition["required"]) == ("bronze", "bronze")
    assert [f["r"].why for f in ignition["failing"]] == [
        "no TechDocs published (backstage.io/techdocs-ref)"
    ]


def test_a_chart_is_the_same_bytes_for_the_same_numbers_and_describes_itself():
    args = ("c", "Deploys <per> week", "Weekly & more", ["01-05", "01-12"], [3.0, None])
    svg = charts.bar_chart(*args, unit="")
    assert svg == charts.bar_chart(*args, unit="")
    assert '<title id="c-title">Deploys &lt;per&gt; week</title>' in svg
    assert '<desc id="c-desc">Weekly &amp; more</desc>' in svg
    assert 'role="img" aria-labelledby="c-title c-desc"' in svg
    assert "<script" not in svg and "http://www.w3.org/2000/svg" in svg
    assert svg.count("<rect") == 1  # no bar for a week without data
    assert len(svg.encode()) < 2048


def test_an_entity_page_shows_its_own_delivery_and_links_its_trends(metrics):
    from generator.metrics.pages import entity_delivery

    catalog, found = metrics
    page = "catalog/default/component/ignition/index.md"
    shown = entity_delivery(found, catalog, "component:default/ignition", page)
    assert shown is not None
    assert shown["window"] == "2026-08-03 to 2026-10-31"
    rows = [(c["name"], c["value"], c["tier"], c["basis"]) for cs in shown["cards"].values()
            for c in cs]  # fmt: skip
    assert rows == [
        ("Deployment frequency", "0.4 a week", "medium", "5 successful deployments"),
        ("Lead time for changes", "median 35.3 h, p90 125.8 h", "high", "12 changes"),
        ("Change failure rate", "0%", "elite", "5 deployments"),
        ("Failed deployment recovery time", "–", "insufficient data", "0 incidents"),
        ("Deployment rework rate", "0%", "elite", "5 deployments"),
    ]
    assert shown["trends"] == [
        {"kind": "team", "url": "../../../../metrics/teams/team-rocket/", "title": "Team Rocket"},
        {"kind": "system", "url": "../../../../metrics/systems/countdown/", "title": "Countdown"},
    ]
    rendered = metrics_pages.render(environment(TEMPLATES / "pages"), found, catalog,
                                    Revision("f" * 40, "f" * 12))  # fmt: skip
    assert {"metrics/teams/team-rocket.md", "metrics/systems/countdown.md"} <= set(rendered)
    # No deployments or incidents of its own: no block.
    assert entity_delivery(found, catalog, "component:default/igniter", page) is None
