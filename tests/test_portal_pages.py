"""The small things a newcomer meets: a 404 page that helps, under any sub-path; the
handbook titled by its headings with its own navigation; "Start here" near the top of
home; docs pages that link to their entities and to where they are edited."""

from __future__ import annotations

import dataclasses
import re

import pytest

from generator.commands.build import build
from generator.config import load_config
from tests.browser import (
    ANSWERED,
    ARTIFACTS,
    DESKTOP,
    PHONE,
    TRACK_SEARCH,
    axe,
    chromium,
    describe,
    need_chromium,
    serve,
    watch,
)
from tests.conftest import REPO

MISSING = "catalog/default/component/fnol-servce/docs/"


@pytest.fixture(scope="module")
def browser():
    need_chromium()
    with chromium() as b:
        yield b


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_missing_page_under_a_sub_path_helps_and_offers_its_address_as_a_search(
    example_site, browser, viewport
):
    """Served as GitHub Pages serves a project site: under /portal/, every missing
    address answered with the site's 404.html (no site_url configured)."""
    with serve(example_site, "/portal/") as base:
        page = browser.new_page(viewport=viewport)
        page.add_init_script(script=TRACK_SEARCH)
        problems = watch(page, base)
        response = page.goto(base + MISSING)
        assert response is not None and response.status == 404
        assert page.locator("h1").first.inner_text() == "Page not found"
        assert page.locator("#portal-404-path").inner_text() == "/portal/" + MISSING
        assert page.locator(".md-tabs__item--active").count() == 0  # no tab is this page's
        home = page.locator("article a", has_text="Home").first
        assert home.evaluate("a => a.href") == base
        violations = axe(page)
        assert violations == [], describe(violations)
        page.screenshot(path=str(ARTIFACTS / f"404-{viewport['width']}.png"), full_page=True)
        offer = page.locator("#portal-404-search a")
        assert offer.inner_text() == "Search the portal for “fnol-servce”"
        offer.click()
        page.wait_for_url(base + "?q=fnol-servce")
        page.wait_for_function(ANSWERED, arg="fnol-servce", timeout=8000)
        first = page.locator(".md-search-result__item a").first
        assert first.evaluate("a => new URL(a.href).pathname") == (
            "/portal/catalog/default/component/fnol-service/"
        )
        assert problems == []  # styles, scripts and the search index all found
        page.close()


def test_with_site_url_the_404_page_names_its_root(tmp_path):
    config = load_config(REPO)
    site_config = dataclasses.replace(config.site, site_url="https://meridian.example/portal")
    config = dataclasses.replace(config, site=site_config)
    site = tmp_path / "site"
    catalog = REPO / "tests" / "data" / "site_catalog"
    assert build(config, catalogs=[catalog], site_dir=site, build_dir=tmp_path / "b") == 0
    page = (site / "404.html").read_text()
    assert page.count("<base ") == 1
    assert '<meta charset="utf-8"><base href="/portal/_portal-404/">' in page
    assert not (site / "_portal-404").exists()


def test_handbook_pages_are_titled_by_their_headings_and_list_each_other(example_site):
    pages = sorted((example_site / "handbook").rglob("index.html"))
    assert len(pages) >= 6
    for page in pages:
        text = page.read_text()
        heading = re.search(r'<h1 id="[^"]*">([^<]+)', text).group(1)
        assert f"<title>{heading} - " in text, page
        nav = re.search(r'<nav class="portal-handbook-nav" aria-label="Handbook".*?</nav>', text)
        assert nav is not None, page
        assert nav.group().count("<a href=") == len(pages) - 1
        assert f'<strong aria-current="page">{heading}</strong>' in nav.group()
    index = (example_site / "handbook" / "index.html").read_text()
    assert '<a href="register-a-service/">Register a service</a>' in index


def test_home_starts_with_where_to_start_and_counts_in_plurals(example_site):
    home = (example_site / "index.html").read_text()
    start, cards = home.index('id="start-here"'), home.index('class="portal-cards"')
    assert start < cards < home.index('<h2 id="by-lifecycle"')
    cards = re.findall(
        r'"portal-card-count">(\d+)</span><span class="portal-card-label">([^<]+)<', home
    )
    labels = [label for _, label in cards]
    assert labels[:4] == ["Domains", "Systems", "Components", "APIs"]
    assert all(label.endswith("s") == (count != "1") for count, label in cards), cards


@pytest.mark.e2e
def test_a_ref_in_docs_leads_to_its_entity(example_site, browser):
    with serve(example_site) as base:
        page = browser.new_page(viewport=DESKTOP)
        problems = watch(page, base)
        page.goto(base + "catalog/default/component/fnol-service/docs/")
        edit = page.locator("article a", has_text="Edit this page")
        assert edit.get_attribute("href").endswith(
            "/edit/main/catalog/claims/fnol-service/docs/index.md"
        )
        page.click("article a:has(code:text-is('resource:fnol-db'))")
        page.wait_for_url(base + "catalog/default/resource/fnol-db/")
        assert page.locator("h1").first.inner_text() == "FNOL database"
        assert problems == []
        page.close()
