"""What search finds and how it ranks: the index the browser searches.

MkDocs Material ranks with lunr (BM25 over title, text and tags, every query word a
trailing wildcard): an exact name scores no better than any other title holding the word,
so ``fnol`` ranked the FNOL database above FNOL Service, ``payments`` a Kafka topic above
the Payments system, and ``orders-app`` (split into ``orders`` and ``app``)
``orders-sync-app`` first. No field boost or document boost can express "the exact name
first, then names that start with it, then names holding its words".

So the portal keeps the theme's search box and result list and gives them its own
worker (``site_templates/assets/search-worker.js``, swapped in by ``search.js``; it
speaks the theme's four-message worker protocol), which ranks in tiers: exact name,
title or ref; then their prefixes; then a tag; then words of the name, title and tags;
then words anywhere; then some of the words. Within a tier, kinds rank in the catalog's
order (a domain, a system, a component, before a resource or a person).

This module writes what the worker needs into the theme's index,
``search/search_index.json``: each entity's kind, name, ref, owner, type and a short
description (``p``, beside the theme's own fields, so any other reader of the file still
finds ``location``, ``title`` and ``text``), and marks TechDocs and handbook pages with
what they belong to. The file is read by the theme's page script and handed to the
worker whole.
"""

from __future__ import annotations

import html
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.errors import BuildError
from generator.site import paths
from generator.site.render import prose_text

if TYPE_CHECKING:
    from generator.site.shell import ShellPage

SEARCH_INDEX = "search/search_index.json"
LANDING = frozenset(
    url[: -len("index.md")]
    for url in (
        "index.md",
        paths.CATALOG_INDEX,
        paths.DOCS_INDEX,
        paths.ORG_MAP,
        "changes/index.md",
    )  # history.CHANGELOG
)
"""Pages of links and counts: found by their title only (the theme's index of a table
runs its cells together)."""
DESCRIPTION_CHARS = 300
"""Of a description, the index keeps this much (search finds its words, a hit shows
its first line): a 20,000-character description must not cost each visitor 20 KB."""


@dataclass(frozen=True)
class SearchEntry:
    """An entity as search knows it."""

    kind: str
    name: str
    ref: str
    """Display ref: ``component:fnol-service`` (namespace only when not default)."""
    full_ref: str
    """``component:default/fnol-service``."""
    description: str
    """One line of plain text."""
    tags: tuple[str, ...] = ()
    type: str = ""
    lifecycle: str = ""
    owner: tuple[str, str] | None = None
    """(title, kind) of the owner."""
    system: str = ""

    def fields(self) -> dict[str, Any]:
        """The worker's fields, by short key (the index holds one per entity)."""
        out: dict[str, Any] = {"k": self.kind, "n": self.name, "r": self.ref}
        if self.full_ref != self.ref:
            out["f"] = self.full_ref
        if self.owner:
            out["o"], out["ok"] = self.owner
        more = {"t": self.type, "l": self.lifecycle, "s": self.system}
        return out | {key: value for key, value in more.items() if value}


def entity_entry(ctx: dict[str, Any]) -> SearchEntry:
    """The search entry of an entity page, from the page's context (pages.py)."""
    entity = ctx["e"]
    owner = ctx["owner"]
    system = ctx["system"]
    return SearchEntry(
        kind=entity.kind,
        name=entity.name,
        ref=entity.ref.display,
        full_ref=f"{entity.kind.lower()}:{entity.namespace}/{entity.name}",
        description=_short(prose_text(entity.description)),
        tags=tuple(ctx["tags"]),
        type=ctx["spec_type"],
        lifecycle=ctx["lifecycle"],
        owner=(owner.title, owner.kind) if owner is not None else None,
        system=system.title if system is not None else "",
    )


def _short(text: str) -> str:
    if len(text) <= DESCRIPTION_CHARS:
        return text
    cut = text.rfind(" ", 0, DESCRIPTION_CHARS)
    return text[: cut if cut > DESCRIPTION_CHARS // 2 else DESCRIPTION_CHARS].rstrip() + "…"


_DOCS = re.compile(r"(catalog/[^/]+/[^/]+/[^/]+/)docs(?:-contents)?/")
"""A TechDocs page's URL: the entity page's URL, then ``docs/`` (docs_pages.py)."""


_CELL_END = re.compile(
    r"(</(?:t[dhr]|thead|tbody|table|div|[uo]l|li|p|d[dlt]|h[1-6]|caption|title|desc|span)>)(?=<[a-z])"
)
_SECTIONS = {"handbook/": "Handbook", "metrics/": "Metrics", "create/": "Golden path"}
"""Kinds of pages the portal renders through MkDocs, by their folder, for search hits."""


def cells_apart(name: str, content: Any) -> Any:
    """A generated Markdown page with a line break between an element's end and the next
    element's start (table cells, boxes, spans of a card, a chart's title and text).

    The theme's index drops most tags and keeps their text, so elements written one
    after another run together in search ("Deployment frequency75.2 a week"); a line
    break between them is nothing on the page (cells, blocks, flex items) and a space in
    the index."""
    if not (isinstance(content, str) and name.endswith(".md") and "</" in content):
        return content
    if name.endswith("index.md") and name[: -len("index.md")] in LANDING:
        return content  # found by title only
    return _CELL_END.sub("\\1\n", content)


def write_index(site: Path, entries: Sequence[ShellPage]) -> None:
    """Add the entities to the theme's index and mark each docs page with its entity
    (kind, owner): TechDocs hits then say whose docs they are."""
    path = site / SEARCH_INDEX
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
        docs = index["docs"]
        if not isinstance(docs, list):
            raise TypeError("'docs' is not a list")
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"cannot add entity pages to the search index {path} ({exc})") from exc
    entries = [entry for entry in entries if entry.search is not None]
    by_url = {entry.url: entry for entry in entries}
    docs[:] = [doc for doc in docs if _page(doc, by_url)]
    docs += [_entity_doc(entry) for entry in entries]
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")


def _entity_doc(entry: ShellPage) -> dict[str, Any]:
    s = entry.search
    assert s is not None
    doc: dict[str, Any] = {
        "location": entry.url,
        # The theme's fields are HTML (its worker inserts them as they are): escaped.
        "title": html.escape(entry.title, quote=False),
        "text": html.escape(s.description, quote=False),
        "p": s.fields(),
    }
    if s.tags:
        doc["tags"] = list(s.tags)
    return doc


def _page(doc: Any, entities: dict[str, ShellPage]) -> bool:
    """Mark a page MkDocs rendered with what it is (a handbook page, the docs of an
    entity, a landing page); False for what search should not hold."""
    if not isinstance(doc, dict) or not isinstance(doc.get("location"), str):
        return False
    location: str = doc["location"]
    page = location.split("#", 1)[0]
    if page in LANDING:
        doc.update(text="", p={"k": "Page"})
        return page == location  # their tables read as glued words ("LifecycleEntities")
    section = next((kind for folder, kind in _SECTIONS.items() if page.startswith(folder)), None)
    if section is not None:
        doc["p"] = {"k": section}
        return True
    of = _DOCS.match(page)
    entry = entities.get(of.group(1)) if of else None
    if entry is None or entry.search is None:
        return True
    fields: dict[str, Any] = {"k": "Docs", "of": entry.title, "ofk": entry.search.kind}
    if entry.search.owner:
        fields["o"], fields["ok"] = entry.search.owner
    doc["p"] = fields
    text = doc.get("text")
    if page == location and isinstance(text, str) and text.startswith("<p>"):
        # The first paragraph is the portal's line of links across the site
        # (docs_pages.page_header): a hit shows the page's own words instead.
        doc["text"] = text[text.find("</p>") + len("</p>") :].lstrip()
    return True
