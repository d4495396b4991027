"""Search relevance, measured as users meet it.

In Chromium, queries are typed into the search box of the example organisation's portal
and of a generated catalog whose names share prefixes, and the first hit is asserted.
The ranking worker also runs under Node against each site's own index for every name,
title and ref of both catalogs (hundreds of queries in a second), and against hostile
text: the theme inserts whatever the worker returns as HTML.
"""

from __future__ import annotations

import html
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests import prefix_catalog
from tests.browser import (
    ANSWERED,
    ARTIFACTS,
    DESKTOP,
    PHONE,
    TRACK_SEARCH,
    chromium,
    need_chromium,
    serve,
    watch,
)
from tests.conftest import REPO

WORKER = REPO / "site_templates" / "assets" / "search-worker.js"
HARNESS = Path(__file__).parent / "js" / "search_worker_harness.js"
NODE = shutil.which("node")


def entity(kind: str, name: str) -> str:
    return f"catalog/default/{kind.lower()}/{name}/"


# --- the ranking worker under Node ------------------------------------------------------


def rank(site: Path, queries: list[str], tmp_path: Path) -> list[dict[str, Any]]:
    """The worker's result for each query, with the site's own index."""
    if NODE is None:
        pytest.skip("node is not installed (`.ci/run` installs nodejs)")
    asked = tmp_path / "queries.json"
    asked.write_text(json.dumps(queries))
    index = site / "search" / "search_index.json"
    done = subprocess.run(
        [NODE, str(HARNESS), str(WORKER), str(index), str(asked)],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    answers: list[dict[str, Any]] = json.loads(done.stdout)
    return answers


def firsts(answer: dict[str, Any], n: int = 1) -> list[str]:
    return [group[0]["location"] for group in answer["items"][:n]]


def test_every_name_title_and_ref_of_shared_prefixes_finds_its_entity_first(prefix_site, tmp_path):
    site, kinds = prefix_site
    names = sorted(kinds)
    queries = (
        names
        + [prefix_catalog.title(n) for n in names]
        + [f"{kinds[n].lower()}:{n}" for n in names]
        + [f"{kinds[n].lower()}:default/{n}" for n in names]
    )
    answers = rank(site, queries, tmp_path)
    wrong = {
        q: firsts(a, 3)
        for q, a, n in zip(queries, answers, names * 4, strict=True)
        if firsts(a) != [entity(kinds[n], n)]
    }
    assert wrong == {}


def test_prefixes_and_words_rank_after_the_whole_name(prefix_site, tmp_path):
    site, _ = prefix_site
    cases = {
        # whole name first, then names starting with it, shortest first
        "orders-app": [
            entity("Component", "orders-app"),
            entity("Component", "orders-app-v2"),
            entity("Component", "orders-app-admin"),
            entity("Resource", "orders-app-db"),
        ],
        "Orders App": [entity("Component", "orders-app")],
        "orders app": [entity("Component", "orders-app")],
        # a prefix of a name: systems before components before resources
        "orders-a": [entity("Component", "orders-app")],
        "order-hist": [entity("System", "order-history")],
        "service-1": [entity("Component", "service-1"), entity("Component", "service-10")],
        "service 12": [entity("Component", "service-12"), entity("Component", "service-120")],
        # words of a name in another order
        "sync orders": [entity("Component", "orders-sync"), entity("Component", "orders-sync-app")],
        # a tag finds what it tags, before names that merely contain its words
        "team-payments": [entity("Component", "payments-app")],
    }
    answers = rank(site, list(cases), tmp_path)
    for (query, expected), answer in zip(cases.items(), answers, strict=True):
        assert firsts(answer, len(expected)) == expected, query


def test_every_name_and_ref_of_the_example_organisation_finds_its_entity_first(
    example_site, tmp_path
):
    """A name two entities share (the Billing system and domain are both 'billing')
    puts both first, the one whose title is the name too ahead."""
    index = json.loads((example_site / "search" / "search_index.json").read_text())
    entities = [d for d in index["docs"] if "n" in d.get("p", {})]
    assert len(entities) == len(list((example_site / "api" / "entities").rglob("*.json")))
    named: dict[str, set[str]] = {}
    for d in entities:
        named.setdefault(d["p"]["n"], set()).add(d["location"])
        named[d["p"]["r"]] = {d["location"]}
    queries = sorted(named)
    answers = rank(example_site, queries, tmp_path)
    wrong = {
        q: firsts(a, 3)
        for q, a in zip(queries, answers, strict=True)
        if set(firsts(a, len(named[q]))) != named[q]
    }
    assert wrong == {}
    billing = answers[queries.index("billing")]
    assert firsts(billing, 2) == [entity("System", "billing"), entity("Domain", "billing")]


def test_a_title_two_entities_share_lists_both_first(example_site, tmp_path):
    """'Claims Intake' is a system and a team: the system (its name too) first, the team
    next, then what starts with the words."""
    answer = rank(example_site, ["Claims Intake"], tmp_path)[0]
    assert firsts(answer, 3) == [
        entity("System", "claims-intake"),
        entity("Group", "claims-intake-team"),
        entity("API", "claims-intake-api"),
    ]
    meta = [group[0]["text"] for group in answer["items"][:2]]
    assert '<span class="portal-hit-kind">System</span>' in meta[0]
    assert '<span class="portal-hit-kind">Group</span>' in meta[1]


def test_hits_are_escaped_whatever_the_index_holds(tmp_path):
    """The theme inserts titles and texts as HTML: everything the worker returns from the
    index is escaped, tags included, and the <mark>s it adds are its only markup."""
    evil = '<img src=x onerror="alert(1)">'
    site = tmp_path / "site"
    (site / "search").mkdir(parents=True)
    docs = [
        {
            "location": "catalog/default/component/evil/",
            "title": f"Evil {html.escape(evil, quote=False)}",  # as the build writes it
            "text": f"Evil &lt;script&gt;alert(2)&lt;/script&gt; {evil}",
            "tags": [evil],
            "p": {"k": f"Kind{evil}", "n": "evil", "r": "component:evil", "o": evil, "ok": evil},
        },
        {"location": "handbook/x/", "title": "Evil page", "text": f"<p>evil {evil}</p>"},
    ]
    (site / "search" / "search_index.json").write_text(json.dumps({"config": {}, "docs": docs}))
    answer = rank(site, ["evil"], tmp_path)[0]
    returned = json.dumps(answer)
    assert "<img" not in returned and "<script" not in returned
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in answer["items"][0][0]["title"]
    assert answer["items"][0][0]["title"].startswith("<mark>Evil</mark> ")


# --- typed in Chromium -------------------------------------------------------------------

_HITS = """base => Array.from(document.querySelectorAll(".md-search-result__item")).map(item => {
  const link = item.querySelector("a.md-search-result__link");
  const url = new URL(link.href);
  return {
    location: url.pathname.slice(new URL(base).pathname.length),
    title: link.querySelector("h1").innerText,
    text: link.innerText,
  };
})"""


def typed(page: Any, base: str, query: str) -> list[dict[str, str]]:
    """Type ``query`` into the search box as a user does; the hits, once the theme
    shows the answer to it."""
    box = page.locator("input.md-search__input")
    opener = page.locator("label.md-header__button[for='__search']")
    if not page.evaluate("document.getElementById('__search').checked"):
        (opener if opener.is_visible() else box).click()  # a phone's box opens from a button
    box.fill("")
    page.keyboard.type(query, delay=10)
    page.wait_for_function(ANSWERED, arg=query, timeout=8000)
    hits: list[dict[str, str]] = page.evaluate(_HITS, base)
    return hits


@pytest.fixture(scope="module")
def browser():
    need_chromium()
    with chromium() as b:
        yield b


@pytest.fixture
def org(example_site, browser):
    with serve(example_site) as base:
        page = browser.new_page(viewport=DESKTOP)
        page.add_init_script(script=TRACK_SEARCH)
        page.problems = watch(page, base)
        page.goto(base)
        yield page, base
        page.close()


EXAMPLE = {
    "fnol": entity("Component", "fnol-service"),
    "FNOL Service": entity("Component", "fnol-service"),
    "fnol-db": entity("Resource", "fnol-db"),
    "payments": entity("System", "payments"),
    "Payments Service": entity("Component", "payments-service"),
    "claims": entity("Domain", "claims"),
    "claims-intake-team": entity("Group", "claims-intake-team"),
    "resource:default/fnol-db": entity("Resource", "fnol-db"),
    "aisha": entity("User", "aisha-khan"),
    "psp": entity("Component", "psp-adapter"),
    "fnol architecture": "catalog/default/component/fnol-service/docs/architecture/",
    "register a service": "handbook/register-a-service/",
}


@pytest.mark.e2e
def test_typed_queries_find_the_obvious_first(org):
    page, base = org
    for query, expected in EXAMPLE.items():
        hits = typed(page, base, query)
        assert hits, query
        assert hits[0]["location"] == expected, (query, [h["location"] for h in hits[:5]])
    hits = typed(page, base, "payments")
    assert [h["location"] for h in hits[:2]] == [
        entity("System", "payments"),
        entity("Group", "payments-team"),
    ]
    page.screenshot(path=str(ARTIFACTS / "search-payments.png"))
    assert page.problems == []


@pytest.mark.e2e
def test_each_hit_says_its_kind_owner_and_what_it_is(org):
    page, base = org
    hits = typed(page, base, "fnol")
    first = hits[0]
    assert first["title"] == "FNOL Service"
    assert "Component service · Owner: Claims Intake (group)" in first["text"]
    assert "Accepts first notice of loss submissions" in first["text"]
    # Not the index's raw words, run together.
    assert "component:fnol-service Component service production" not in first["text"]
    hits = typed(page, base, "tier-1")
    assert "tier-1" in hits[0]["text"].split()  # a tagged entity, its tags shown
    assert hits[0]["location"].startswith("catalog/")
    assert not any(h["location"].startswith("handbook/") for h in hits[:10])
    page.screenshot(path=str(ARTIFACTS / "search-tag.png"))


@pytest.mark.e2e
def test_docs_hits_show_their_words_not_the_page_header(org):
    page, base = org
    hits = typed(page, base, "runbook")
    assert hits[0]["title"].startswith("Runbook · ")
    assert "›" not in hits[0]["text"]
    assert "Docs of " in hits[0]["text"] and "Owner: " in hits[0]["text"]
    assert "alert" in hits[0]["text"].lower()
    page.screenshot(path=str(ARTIFACTS / "search-docs.png"))
    # Landing pages are found by their title only: their tables ran cells together.
    for query in ("owner", "lifecycle"):
        text = " ".join(h["text"] for h in typed(page, base, query))
        assert "OwnerOwns" not in text and "LifecycleEntities" not in text, query


@pytest.mark.e2e
def test_typed_queries_on_shared_prefixes(prefix_site, browser):
    site, _ = prefix_site
    with serve(site) as base:
        page = browser.new_page(viewport=PHONE)
        page.add_init_script(script=TRACK_SEARCH)
        problems = watch(page, base)
        page.goto(base)
        cases = {
            "orders-app": entity("Component", "orders-app"),
            "orders": entity("System", "orders"),
            "order": entity("System", "order"),
            "Order History": entity("System", "order-history"),
            "payment-sync": entity("Component", "payment-sync"),
            "service-1": entity("Component", "service-1"),
            "Service 120": entity("Component", "service-120"),
        }
        for query, expected in cases.items():
            hits = typed(page, base, query)
            assert hits[0]["location"] == expected, (query, [h["location"] for h in hits[:5]])
        page.screenshot(path=str(ARTIFACTS / "search-prefixes-phone.png"))
        assert problems == []
        page.close()


def test_generated_pages_keep_their_words_apart_in_the_index(example_site):
    """Elements written one after another would run together in the theme's index."""
    from generator.site.search import cells_apart

    row = "<tr><td>Billing</td><td>73</td></tr><div><span>7%</span><span>elite</span></div>"
    assert cells_apart("metrics/index.md", row) == (
        "<tr><td>Billing</td>\n<td>73</td></tr>\n<div><span>7%</span>\n<span>elite</span></div>"
    )
    assert cells_apart("index.md", row) == row  # a landing page: found by title only
    assert cells_apart("x/docs/page.md", b"<td>a</td><td>b</td>") == b"<td>a</td><td>b</td>"
    index = json.loads((example_site / "search" / "search_index.json").read_text())
    texts = " ".join(d["text"] for d in index["docs"] if d["location"].startswith("metrics/"))
    assert "Team Deployments Frequency" in texts and "TeamDeployments" not in texts
