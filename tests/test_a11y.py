"""WCAG 2.2 AA on every kind of page: axe-core (every rule, every impact) at desktop and
phone widths, and what axe cannot see: the skip link, visible focus at 3:1, Tab stops
that are there on screen, maps a keyboard can pass, filters a screen reader announces.

Screenshots of every page at both widths go to ``test-artifacts/a11y/``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest

from tests.browser import (
    ARTIFACTS,
    DESKTOP,
    PHONE,
    axe,
    chromium,
    contrast,
    describe,
    need_chromium,
    serve,
    watch,
)

PAGES = {
    "home": "",
    "catalog": "kinds/",
    "kind-index": "kinds/component/",
    "component": "catalog/default/component/fnol-service/",
    "api": "catalog/default/api/claims-intake-api/",
    "resource": "catalog/default/resource/fnol-db/",
    "system": "catalog/default/system/payments/",
    "domain": "catalog/default/domain/claims/",
    "group": "catalog/default/group/claims-intake-team/",
    "user": "catalog/default/user/aisha-khan/",
    "maps": "maps/",
    "docs-index": "techdocs/",
    "techdocs": "catalog/default/component/fnol-service/docs/runbook/",
    "handbook": "handbook/register-a-service/",
    "template": "catalog/default/template/python-service/",
    "golden-path": "create/python-service/",
    "metrics": "metrics/",
    "not-found": "catalog/default/component/no-such-service/",
}
# No transitions: a focus ring or skip link is checked as it ends up, not half-way.
STILL = "*, *::before, *::after { transition: none !important; animation: none !important; }"
STILL_SCRIPT = f"""document.addEventListener("DOMContentLoaded", () => {{
  if (!document.head) {{ return; }}  // a map's SVG document
  const style = document.createElement("style");
  style.textContent = {STILL!r};
  document.head.appendChild(style);
}});"""


@pytest.fixture(scope="module")
def site(example_site):
    need_chromium()
    with serve(example_site) as base, chromium() as browser:
        yield base, browser


def _open(site: tuple[str, Any], path: str, viewport: dict[str, int]) -> Any:
    base, browser = site
    context = browser.new_context(viewport=viewport)
    context.add_init_script(script=STILL_SCRIPT)
    page = context.new_page()
    page.problems = watch(page, base)
    page.goto(base + path)
    return page


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_no_axe_violations_on_any_kind_of_page(site, viewport):
    shots = ARTIFACTS / "a11y"
    shots.mkdir(parents=True, exist_ok=True)
    page = _open(site, "", viewport)
    found, problems = {}, {}
    for name, path in PAGES.items():
        page.goto(site[0] + path)  # the <object> maps load before the load event
        violations = axe(page)
        if violations:
            found[name] = describe(violations)
        if page.problems:
            problems[name] = list(page.problems)
            page.problems.clear()
        page.screenshot(path=str(shots / f"{name}-{viewport['width']}.png"), full_page=True)
    page.context.close()
    assert found == {}
    assert problems == {}


@pytest.mark.e2e
@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_search_dialog_is_named_and_clean_with_results(site, viewport):
    page = _open(site, "", viewport)
    opener = page.locator("label.md-header__button[for='__search']")
    (opener if opener.is_visible() else page.locator("input.md-search__input")).click()
    page.keyboard.type("claims", delay=10)
    page.locator(".md-search-result__item").first.wait_for()
    assert page.get_attribute(".md-search", "aria-label") == "Search the portal"
    violations = axe(page)
    page.screenshot(path=str(ARTIFACTS / "a11y" / f"search-{viewport['width']}.png"))
    assert violations == [], describe(violations)


def _focused(page: Any) -> dict[str, Any]:
    return page.evaluate(
        """() => {
  const e = document.activeElement;
  const box = e.getBoundingClientRect();
  const style = getComputedStyle(e);
  let back = null;
  for (let n = e; n && n.nodeType === 1; n = n.parentElement) {
    const c = getComputedStyle(n).backgroundColor;
    if (c && c !== "transparent" && !/, 0\\)$/.test(c)) { back = c; break; }
  }
  return {
    tag: e.tagName, cls: String(e.className), href: e.getAttribute("href"),
    text: (e.innerText || e.getAttribute("aria-label") || "").trim().slice(0, 40),
    width: box.width, height: box.height,
    seen: e.checkVisibility({opacityProperty: true, visibilityProperty: true}),
    outline: [style.outlineStyle, style.outlineWidth, style.outlineColor],
    shadow: style.boxShadow, back: back || "rgb(255, 255, 255)",
    inMap: !!e.closest("object, .portal-map-frame object"),
  };
}"""
    )


def _rgb(text: str) -> tuple[float, float, float]:
    r, g, b = (float(x) for x in re.findall(r"[\d.]+", text)[:3])
    return r, g, b


def _tab_stops(page: Any, count: int) -> list[dict[str, Any]]:
    """The first ``count`` Tab stops, or all of them when the page has fewer."""
    stops = []
    for _ in range(count):
        page.keyboard.press("Tab")
        stop = _focused(page)
        if stop["tag"] == "BODY":  # past the last one: focus left the page
            break
        stops.append(stop)
    return stops


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["home", "component", "group", "techdocs"])
def test_every_tab_stop_is_seen_and_its_focus_ring_keeps_3_to_1(site, name):
    """Tab through the page: each stop is on screen (no zero-size or transparent control)
    and ringed at 3:1 or more against what is behind it (the dark ring on light pages,
    its white halo on the indigo header); focus never goes into a map."""
    page = _open(site, PAGES[name], DESKTOP)
    stops = _tab_stops(page, 30)
    for stop in stops:
        where = (name, stop["tag"], stop["cls"], stop["text"])
        assert stop["seen"] and stop["width"] >= 1 and stop["height"] >= 1, where
        assert not stop["inMap"], where
        style, width, colour = stop["outline"]
        assert style == "solid" and float(width.rstrip("px")) >= 2, where
        ring = contrast(_rgb(colour), _rgb(stop["back"]))
        halo = contrast(_rgb(stop["shadow"]), _rgb(stop["back"])) if "rgb" in stop["shadow"] else 0
        assert max(ring, halo) >= 3, (where, ring, halo)
    page.context.close()


@pytest.mark.e2e
@pytest.mark.parametrize("name", ["home", "component", "kind-index", "techdocs", "maps"])
def test_the_skip_link_is_the_first_stop_and_lands_on_the_content(site, name):
    page = _open(site, PAGES[name], DESKTOP)
    page.keyboard.press("Tab")
    first = _focused(page)
    assert first["cls"].startswith("md-skip") and first["seen"], first
    page.keyboard.press("Enter")
    target = page.evaluate("() => location.hash")
    assert target == first["href"]
    assert page.evaluate("h => !!document.querySelector(h)?.closest('article')", target)
    page.context.close()


@pytest.mark.e2e
def test_a_map_is_skipped_and_its_links_are_in_the_table_after_it(site):
    page = _open(site, PAGES["component"], DESKTOP)
    skip = page.locator(".portal-map-frame a.portal-skip")
    target = skip.get_attribute("href")  # the section after the map
    assert target == page.evaluate(
        """() => { let e = document.querySelector('h2#map').nextElementSibling;
                   while (e.tagName !== 'H2') e = e.nextElementSibling;
                   return '#' + e.id; }"""
    )
    skip.focus()
    assert _focused(page)["seen"]  # shown once focused
    page.screenshot(path=str(ARTIFACTS / "a11y" / "map-skip-link.png"))
    page.keyboard.press("Enter")
    assert page.evaluate("() => location.hash") == target
    page.keyboard.press("Tab")  # the next stop is the section's, not in the map
    stop = _focused(page)
    assert stop["tag"] == "A" and not stop["inMap"], stop
    assert page.evaluate("t => !!document.querySelector(t)", target)
    # Every neighbour the map draws is a link in the page's text.
    drawn = page.evaluate(
        """() => Array.from(document.querySelector("object.portal-map").contentDocument
                 .querySelectorAll("a"))
                 .map(a => a.getAttribute("xlink:href") || a.getAttribute("href"))
                 .filter(h => h && h.includes("/catalog/"))
                 .map(h => h.split("/catalog/")[1])"""
    )
    listed = page.evaluate(
        """() => Array.from(document.querySelectorAll("article a[href]"))
                 .map(a => new URL(a.href).pathname.split("/catalog/")[1]).filter(Boolean)"""
    )
    drawn = set(drawn) - {"default/component/fnol-service/"}  # the entity itself
    assert drawn and drawn <= set(listed), drawn - set(listed)
    page.context.close()


@pytest.mark.e2e
def test_the_kind_filter_announces_how_many_entities_it_shows(site):
    page = _open(site, PAGES["kind-index"], DESKTOP)
    count = page.locator(".portal-filter-count")
    assert count.get_attribute("role") == "status"  # a polite live region
    page.fill("input.portal-filter-input", "claims")
    assert re.fullmatch(r"\d+ of 30 entities", count.inner_text()), count.inner_text()
    page.context.close()


def test_every_skip_link_points_at_an_element_of_its_page(example_site: Path):
    """The theme's skip link pointed at the page shell's heading on every entity page."""
    anchors = re.compile(r'<a href="#([^"]+)" class="(?:md-skip|portal-skip)"')
    skips = 0
    for page in sorted(example_site.rglob("*.html")):
        text = page.read_text(encoding="utf-8")
        for target in anchors.findall(text) + re.findall(
            r'class="portal-skip" href="#([^"]+)"', text
        ):
            skips += 1
            assert f'id="{target}"' in text, (page.relative_to(example_site), target)
    assert skips > 150
