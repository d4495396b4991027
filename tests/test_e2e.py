"""The built portal in headless Chromium: search, follow a map node, no console errors.

Needs Debian's chromium (``.ci/run`` installs it); skipped with the reason otherwise.
Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import functools
import http.server
import shutil
import threading

import pytest

from generator.commands.build import build
from generator.config import load_config
from tests.conftest import REPO

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO / "test-artifacts"


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("e2e")
    site = tmp / "site"
    assert build(load_config(REPO), site_dir=site, build_dir=tmp / "build") == 0
    handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def page(served):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        pg = browser.new_page(viewport={"width": 1280, "height": 900})
        pg.problems = []
        pg.on("console", lambda m: m.type == "error" and pg.problems.append(f"console: {m.text}"))
        pg.on("pageerror", lambda e: pg.problems.append(f"pageerror: {e}"))
        pg.on("requestfailed", lambda r: pg.problems.append(f"failed: {r.url}"))
        pg.on(
            "request",
            lambda r: (
                r.url.startswith(served)
                or r.url.startswith("data:")
                or pg.problems.append(f"external request: {r.url}")
            ),
        )
        yield pg
        browser.close()


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
