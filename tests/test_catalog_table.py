"""The catalog table: every entity in one page, with what the browser filters on."""

from __future__ import annotations

import re

import pytest

from generator import load_catalog, load_config
from generator.commands.build import TEMPLATES
from generator.errors import BuildError
from generator.process import Revision
from generator.site import catalog_table, pages
from generator.site.render import environment
from tests.conftest import REPO


@pytest.fixture(scope="module")
def table():
    catalog = load_catalog(None, load_config(REPO))
    context = pages.SiteContext(catalog, Revision("f" * 40, "f" * 12, ()), frozenset(), {})
    return len(catalog), pages.render_catalog_table(environment(TEMPLATES / "pages"), context)


def test_every_entity_is_a_row_with_what_the_filters_read(table):
    count, html = table
    rows = re.findall(r"<tr data-name=.*", html)
    assert len(rows) == count
    fnol = next(r for r in rows if 'data-name="fnol-service"' in r)
    assert fnol.startswith(
        '<tr data-name="fnol-service" data-kind="component" data-type="service" '
        'data-owner="group:default/claims-intake-team" data-lifecycle="production" '
        'data-system="system:default/claims-intake" data-tags="kotlin spring-boot pii tier-1">'
    )
    assert '<a class="portal-tag" href="?tag=tier-1">tier-1</a>' in fnol


def test_filters_offer_only_values_the_catalog_has_and_start_hidden(table):
    count, html = table
    assert (
        '<form class="portal-catalog-filters" role="search" aria-label="Filter the catalog" hidden>'
        in html
    )
    assert '<option value="api">API (12)</option>' in html
    assert '<option value="me">My team</option>' in html
    assert '<option value="group:default/claims-intake-team">Claims Intake (Group)</option>' in html
    live = f'<p class="portal-catalog-count" role="status" aria-live="polite">{count} entities</p>'
    assert live in html


def test_tag_links_lead_to_the_table_filtered():
    page = "catalog/default/component/fnol-service/index.md"
    assert catalog_table.tag_url(page, "tier-1") == "../../../../kinds/?tag=tier-1"
    assert catalog_table.tag_url(page, "c++#") == "../../../../kinds/?tag=c%2B%2B%23"


def test_the_table_goes_where_the_marker_is_and_only_there(tmp_path):
    page = tmp_path / "kinds" / "index.html"
    page.parent.mkdir()
    page.write_text(f"<article>{catalog_table.MARKER}</article>", encoding="utf-8")
    catalog_table.inject(tmp_path, "<table></table>")
    assert page.read_text(encoding="utf-8") == "<article><table></table></article>"
    with pytest.raises(BuildError, match="lost its table marker"):
        catalog_table.inject(tmp_path, "<table></table>")
