"""Entity refs written in TechDocs pages become links to the entity pages."""

from __future__ import annotations

import pytest

from generator.site.doc_refs import link_refs

KNOWN = {
    "component:default/fnol-service": "../../fnol-service/",
    "resource:default/fnol-db": "../../../resource/fnol-db/",
    "api:payments/cards": "../../../../payments/api/cards/",
}


def url_of(key: str) -> str | None:
    return KNOWN.get(key)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # bare, with and without the namespace, at a sentence's end
        (
            "Writes to resource:fnol-db.",
            "Writes to [resource:fnol-db](../../../resource/fnol-db/).",
        ),
        (
            "See component:default/fnol-service, then api:payments/cards",
            "See [component:default/fnol-service](../../fnol-service/), then "
            "[api:payments/cards](../../../../payments/api/cards/)",
        ),
        # alone in a code span: the code span becomes the link's text
        (
            "Data store: `resource:fnol-db`",
            "Data store: [`resource:fnol-db`](../../../resource/fnol-db/)",
        ),
        (
            "| Owner | `Component:FNOL-Service` |",
            "| Owner | [`Component:FNOL-Service`](../../fnol-service/) |",
        ),
        # left alone: unknown refs, fenced code, code spans holding more than a ref
        ("resource:no-such-db stays", "resource:no-such-db stays"),
        ("```\nresource:fnol-db\n```\n", "```\nresource:fnol-db\n```\n"),
        ("`SELECT resource:fnol-db`", "`SELECT resource:fnol-db`"),
        # already links, link texts, URLs and link definitions
        ("[the db](resource:fnol-db)", "[the db](resource:fnol-db)"),
        ("[resource:fnol-db](https://x.example/)", "[resource:fnol-db](https://x.example/)"),
        (
            "[see `resource:fnol-db` here](https://x.example/)",
            "[see `resource:fnol-db` here](https://x.example/)",
        ),
        ("<https://x.example/resource:fnol-db>", "<https://x.example/resource:fnol-db>"),
        ("https://x.example/resource:fnol-db", "https://x.example/resource:fnol-db"),
        ("[db]: https://x.example/resource:fnol-db", "[db]: https://x.example/resource:fnol-db"),
        # not refs: part of a longer word, path or address
        ("myresource:fnol-db and resource:fnol-dbx", "myresource:fnol-db and resource:fnol-dbx"),
        ("/srv/resource:fnol-db", "/srv/resource:fnol-db"),
    ],
)
def test_refs_become_links_where_a_reader_would_expect(text, expected):
    assert link_refs(text, url_of) == expected


def test_a_page_without_refs_is_returned_as_it_is():
    text = "# Title\n\nNo refs here: component, resource and api: words.\n"
    assert link_refs(text, url_of) == text


def test_docs_pages_link_their_refs_and_where_to_edit_them(example_site):
    page = (example_site / "catalog/default/component/fnol-service/docs/index.html").read_text()
    assert '<a href="../../../resource/fnol-db/"><code>resource:fnol-db</code></a>' in page
    assert '<a href="../../../api/policy-admin-api/">api:policy-admin-api</a>' in page
    edit = "https://github.com/meridian-mutual/developer-portal/edit/main/"
    assert f'<a href="{edit}catalog/claims/fnol-service/docs/index.md">Edit this page</a>' in page
    runbook = example_site / "catalog/default/component/fnol-service/docs/runbook/index.html"
    assert f'href="{edit}catalog/claims/fnol-service/docs/runbook.md"' in runbook.read_text()
