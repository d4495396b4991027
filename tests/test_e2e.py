"""The built portal in headless Chromium: search, follow a map node, no console errors.

Needs Debian's chromium (``.ci/run`` installs it); skipped with the reason otherwise.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import pytest

from tests.browser import ARTIFACTS, chromium, need_chromium, serve, watch

pytestmark = pytest.mark.e2e


@pytest.fixture(scope="module")
def served(example_site):
    need_chromium()
    with serve(example_site) as url:
        yield url


@pytest.fixture
def page(served):
    with chromium() as browser:
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.problems = watch(pg, served)
        yield pg


def test_search_finds_a_component_and_opens_it(served, page):
    page.goto(served)
    page.screenshot(path=str(ARTIFACTS / "home.png"), full_page=True)
    page.click(".md-search__input", timeout=5000)
    page.keyboard.type("FNOL service", delay=30)  # Material searches on key events
    result = page.locator("a.md-search-result__link[href*='/component/fnol-service/?']").first
    result.wait_for(timeout=10000)
    page.screenshot(path=str(ARTIFACTS / "search.png"))
    result.click()
    page.wait_for_url("**/catalog/default/component/fnol-service/**")
    assert page.locator("h1").first.inner_text().startswith("FNOL Service")
    page.screenshot(path=str(ARTIFACTS / "entity.png"), full_page=True)
    assert page.problems == []


def test_map_node_leads_to_a_neighbour(served, page):
    page.goto(served + "catalog/default/component/fnol-service/")
    page.wait_for_load_state("networkidle")
    frame = next(f for f in page.frames if f.url.endswith(".svg"))
    # Graphviz writes xlink:href, which CSS attribute selectors do not see.
    node = frame.locator(
        "xpath=//*[local-name()='a'][contains(@*[local-name()='href'], 'group/claims-intake-team')]"
    ).first
    node.click()
    page.wait_for_url("**/catalog/default/group/claims-intake-team/**")
    page.screenshot(path=str(ARTIFACTS / "neighbour.png"), full_page=True)
    assert "Claims Intake" in page.locator("h1").first.inner_text()
    assert page.problems == []


def test_kind_index_filters_in_the_browser(served, page):
    page.goto(served + "kinds/component/")
    rows = page.locator("#portal-index tbody tr")
    total = rows.count()
    page.fill("input.portal-filter-input", "payments")
    visible = page.locator("#portal-index tbody tr:not([hidden])").count()
    page.screenshot(path=str(ARTIFACTS / "index.png"), full_page=True)
    assert 0 < visible < total
    assert page.locator(".md-tabs__item--active").inner_text().strip() == "Catalog"
    assert page.problems == []


def test_pages_outside_the_navigation_mark_their_tab(served, page):
    """Entity pages and TechDocs are not in the navigation; the portal marks their tab."""
    page.goto(served + "catalog/default/component/fnol-service/")
    assert page.locator(".md-tabs__item--active").inner_text().strip() == "Catalog"
    page.goto(served + "catalog/default/component/fnol-service/docs/")
    assert page.locator(".md-tabs__item--active").inner_text().strip() == "Docs"
    page.screenshot(path=str(ARTIFACTS / "techdocs.png"), full_page=True)
    assert page.problems == []


def test_metrics_pages_show_charts_with_their_numbers(served, page):
    page.goto(served + "metrics/")
    assert page.locator("h1").first.inner_text().startswith("Metrics")
    charts = page.locator("svg.portal-chart-svg")
    assert charts.count() >= 4
    assert charts.first.bounding_box()["width"] > 300  # drawn, at a readable size
    assert (
        page.locator("svg.portal-chart-svg title")
        .first.text_content()
        .startswith("Successful deployments per week")
    )
    assert page.locator(".md-tabs__item--active").inner_text().strip() == "Metrics"
    page.screenshot(path=str(ARTIFACTS / "metrics.png"), full_page=True)
    page.click("a[href='teams/claims-intake-team/']")
    page.wait_for_url("**/metrics/teams/claims-intake-team/")
    assert page.locator(".md-tabs__item--active").inner_text().strip() == "Metrics"
    assert page.locator("table.portal-chart-numbers").count() == 4
    page.screenshot(path=str(ARTIFACTS / "metrics-team.png"), full_page=True)
    assert page.problems == []
