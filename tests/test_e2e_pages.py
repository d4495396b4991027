"""Pages that answer questions, in headless Chromium at desktop and phone widths: kinds
beside refs, API references, the filterable catalog, ownership, links, maps on phones.

The site is the example organisation plus a large generated API, so a reference split
into parts is seen too. Screenshots go to ``test-artifacts/``. Needs Debian's chromium.
"""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading

import pytest

from generator.commands.build import build
from generator.config import load_config
from tests.conftest import REPO

pytestmark = pytest.mark.e2e
CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
ARTIFACTS = REPO / "test-artifacts"
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 900}


def _large_api(folder):
    """An OpenAPI definition too large for one page, owned by a team of the example."""
    paths = "\n".join(
        f"  /orders/{i}:\n    get:\n      tags: [orders]\n"
        f"      summary: Order {i} <script>x()</script>\n"
        f"      description: Reads order {i}, with every line, payment and note it has.\n"
        "      responses:\n        '200':\n          description: The order.\n          content:\n"
        "            application/json:\n              schema:\n"
        "                $ref: '#/components/schemas/Order'\n"
        for i in range(900)
    )
    definition = (
        "openapi: 3.0.3\ninfo: {title: Orders, version: '9'}\npaths:\n" + paths + "components:\n"
        "  schemas:\n    Order:\n      type: object\n      properties:\n"
        "        id: {type: string}\n        next: {$ref: '#/components/schemas/Order'}\n"
    )
    (folder / "orders.openapi.yaml").write_text(definition, encoding="utf-8")
    (folder / "orders.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: orders-api\n"
        "  title: Orders API\n  description: Many operations.\nspec:\n  type: openapi\n"
        "  lifecycle: production\n  owner: claims-intake-team\n"
        "  definition:\n    $text: ./orders.openapi.yaml\n",
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    if CHROMIUM is None:
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")
    tmp = tmp_path_factory.mktemp("e2e-pages")
    extra = tmp / "extra"
    extra.mkdir()
    _large_api(extra)
    site = tmp / "site"
    catalogs = [REPO / "catalog", extra]
    assert build(load_config(REPO), catalogs=catalogs, site_dir=site, build_dir=tmp / "b") == 0

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser(served):
    from playwright.sync_api import sync_playwright

    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
                  "--disable-background-networking", "--disable-component-update"],
        )  # fmt: skip
        yield chromium
        chromium.close()


def _page(browser, served, viewport, **options):
    context = browser.new_context(viewport=viewport, **options)
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on(
        "request",
        lambda r: r.url.startswith((served, "data:")) or page.problems.append(f"left: {r.url}"),
    )
    return page


@pytest.fixture
def desktop(browser, served):
    page = _page(browser, served, DESKTOP)
    yield page
    assert page.problems == []
    page.context.close()


@pytest.fixture
def phone(browser, served):
    page = _page(browser, served, PHONE, is_mobile=True, has_touch=True)
    yield page
    assert page.problems == []
    page.context.close()


def _shot(page, name, *, full=False):
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=full)


FNOL = "catalog/default/component/fnol-service/"


@pytest.mark.parametrize("size", ["desktop", "phone"])
def test_refs_sharing_a_title_say_their_kind(served, request, size):
    page = request.getfixturevalue(size)
    page.goto(served + FNOL)
    facts = page.locator("table.portal-facts")
    assert (
        facts.locator("tr", has_text="Owner").inner_text().split("\t")[-1]
        == "Claims Intake (Group)"
    )
    assert (
        facts.locator("tr", has_text="System").inner_text().split("\t")[-1]
        == "Claims Intake (System)"
    )
    _shot(page, f"kinds-{size}")


def test_api_reference_is_the_page_and_expands_without_script(served, browser):
    page = _page(browser, served, DESKTOP, java_script_enabled=False)
    page.goto(served + "catalog/default/api/claims-intake-api/")
    assert page.locator("article h2").first.get_attribute("id") == "api-reference"  # first
    page.locator("table.portal-operations a", has_text="/v1/fnol").click()
    unit = page.locator("section#op-post-v1-fnol")
    assert unit.locator("h5").first.inner_text() == "Parameters"
    fold = unit.locator("details.portal-apiref-fold", has_text="fields of FnolReceipt")
    inner = fold.locator("li").first
    assert not inner.is_visible()  # folded: the response's fields are a click away
    fold.locator("summary").first.click()
    assert inner.is_visible()
    _shot(page, "apiref-openapi-desktop")
    assert page.problems == []
    page.context.close()


@pytest.mark.parametrize(
    ("api", "needle"),
    [
        ("claims-intake-api", "POST"),
        ("event-bus-api", "PublishBatch"),
        ("claims-graphql", "myQueue"),
        ("claim-events", "claims.claim-submitted.v1"),
    ],
)
def test_api_references_read_on_a_phone(served, phone, api, needle):
    phone.goto(served + f"catalog/default/api/{api}/")
    phone.locator("#api-reference").scroll_into_view_if_needed()
    assert phone.locator(".portal-apiref-unit", has_text=needle).count() >= 1
    widest = phone.evaluate("document.documentElement.scrollWidth")
    assert widest <= PHONE["width"], "the page scrolls sideways"
    _shot(phone, f"apiref-{api}-phone")


def test_a_large_reference_is_split_and_every_operation_listed(served, desktop):
    desktop.goto(served + "catalog/default/api/orders-api/")
    index = desktop.locator("table.portal-operations tr")
    assert index.count() == 900 + 1  # every operation, and the schema
    parts = desktop.locator(".portal-apiref-parts a")
    assert parts.count() >= 2
    assert "<script>" not in desktop.content().split("portal-operations")[1][:2000]
    desktop.locator("table.portal-operations a", has_text="/orders/899").click()
    desktop.wait_for_url(re.compile(r".*/reference-\d+/#op-get-orders-899$"))
    assert desktop.locator("#op-get-orders-899").is_visible()
    assert desktop.locator(".md-header").is_visible()
    desktop.locator("#op-get-orders-899 a", has_text="Order").first.click()
    desktop.wait_for_url(re.compile(r".*/reference-\d+/#schema-Order$"))
    _shot(desktop, "apiref-split-desktop")


def _counts(page):
    """The live region's text, the total of rows written as N."""
    total = page.locator(".portal-catalog-table tbody tr").count()
    return (
        page.locator(".portal-catalog-count")
        .inner_text()
        .replace(f" {total} ", " N ")
        .replace(f"{total} entities", "N entities")
    )


def test_catalog_filters_live_in_the_address(served, desktop):
    desktop.goto(served + "kinds/")
    assert _counts(desktop) == "N entities"
    desktop.select_option("select[name=kind]", "api")
    desktop.select_option("select[name=tag]", "claims")
    assert _counts(desktop) == "4 of N entities match the filters"
    assert desktop.url.endswith("kinds/?kind=api&tag=claims")
    desktop.goto(desktop.url)  # a shared link opens the same view
    assert _counts(desktop) == "4 of N entities match the filters"
    assert desktop.locator(".portal-catalog-table tbody tr:not([hidden])").count() == 4
    _shot(desktop, "catalog-filtered-desktop")


def test_my_team_is_remembered(served, desktop):
    desktop.goto(served + "kinds/?owner=me")
    assert "Choose your team as the owner" in _counts(desktop)
    desktop.select_option("select[name=owner]", "group:default/claims-intake-team")
    desktop.click("text=Remember this owner as my team")
    assert desktop.url.endswith("kinds/?owner=me")
    desktop.goto(served + "kinds/?owner=me&kind=component")
    assert _counts(desktop) == "4 of N entities match the filters"
    label = desktop.locator("select[name=owner] option[value=me]").inner_text()
    assert label == "My team: Claims Intake (Group)"


def test_tag_pills_open_the_filtered_catalog(served, phone):
    phone.goto(served + FNOL)
    phone.click("table.portal-facts a.portal-tag:text-is('tier-1')")
    phone.wait_for_url("**/kinds/?tag=tier-1")
    rows = phone.locator(".portal-catalog-table tbody tr:not([hidden])")
    assert rows.count() >= 1
    assert all("tier-1" in t for t in rows.locator("td:last-child").all_inner_texts())
    phone.locator("#portal-catalog").scroll_into_view_if_needed()
    _shot(phone, "catalog-tag-phone")


def test_catalog_lists_everything_without_script(served, browser):
    page = _page(browser, served, PHONE, java_script_enabled=False)
    page.goto(served + "kinds/?kind=api")
    rows = page.locator(".portal-catalog-table tbody tr")
    assert rows.count() > 100
    assert page.locator(".portal-catalog-table tbody tr:visible").count() == rows.count()
    assert not page.locator("form.portal-catalog-filters").is_visible()
    page.context.close()


def test_a_team_shows_members_first_and_its_sub_teams_on_request(served, desktop):
    desktop.goto(served + "catalog/default/group/claims-intake-team/")
    assert desktop.locator(".portal-members").inner_text() == "Members (2): Priya Raman, Tom Okafor"
    desktop.goto(served + "catalog/default/group/digital-claims/")
    rows = desktop.locator("table.portal-contents tbody tr")
    assert [r for r in rows.all() if r.is_visible()].__len__() == 1
    desktop.check("#portal-with-subteams")
    assert [r for r in rows.all() if r.is_visible()].__len__() == 27
    assert desktop.locator(".portal-counts-all").is_visible()
    _shot(desktop, "ownership-desktop")


def test_a_person_sees_what_their_teams_own(served, phone):
    phone.goto(served + "catalog/default/user/priya-raman/")
    assert "(12 through Claims Intake)" in phone.locator(".portal-counts").inner_text()
    _shot(phone, "ownership-person-phone", full=True)


def test_links_are_labelled_and_local_docs_stay_local(served, phone):
    phone.goto(served + FNOL)
    text = phone.locator("article").inner_text()
    assert "tags @>" not in text  # no raw selector
    labels = phone.locator(".portal-link-label")
    for i in range(labels.count()):  # a label is one line: never broken inside a word
        box = labels.nth(i).bounding_box()
        assert box["height"] < 24, labels.nth(i).inner_text()
    _shot(phone, "links-phone")
    phone.click("a.portal-link:has-text('Runbook')")
    phone.wait_for_url("**/catalog/default/component/fnol-service/docs/runbook/")


def test_maps_stay_readable_on_a_phone_and_full_size_keeps_the_header(served, phone):
    phone.goto(served + FNOL)
    phone.wait_for_load_state("networkidle")
    frame = phone.locator(".portal-map-frame")
    svg_width = phone.evaluate(
        "() => { const o = document.querySelector('object.portal-map');"
        " return o.contentDocument.documentElement.width.baseVal.value; }"
    )
    shown = phone.locator("object.portal-map").bounding_box()["width"]
    assert shown >= svg_width * 0.99 > PHONE["width"]  # drawn at its own size...
    assert frame.evaluate("f => f.scrollWidth > f.clientWidth")  # ...scrolling sideways
    legend = phone.locator(".portal-legend").inner_text()
    assert "Component" in legend and "User" not in legend and "memberOf" not in legend
    frame.scroll_into_view_if_needed()
    _shot(phone, "map-phone")
    phone.click("a.portal-map-full")
    assert phone.url.endswith("#map-full")
    assert phone.locator(".md-header").is_visible()
    assert phone.locator("a.portal-map-fit").is_visible()
    _shot(phone, "map-full-phone")


def test_maps_fit_the_page_on_a_desktop_until_asked(served, desktop):
    desktop.goto(served + "catalog/default/system/claims-intake/")
    desktop.wait_for_load_state("networkidle")
    column = desktop.locator("article").bounding_box()["width"]
    assert desktop.locator("object.portal-map").bounding_box()["width"] <= column
    assert desktop.locator(".portal-legend").is_visible()
    desktop.click("a.portal-map-full")
    assert desktop.locator(".md-header").is_visible()
    _shot(desktop, "map-full-desktop")
