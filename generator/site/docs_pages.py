"""TechDocs as the site publishes them: each page's header (a line back to the entity
and across the site's pages), a contents page for large sites, and the files for the
build folder. Reading and checking the docs is :mod:`generator.site.techdocs`; this
module only lays out what passed.

Headers are bounded: a site with many pages lists its first top-level entries and the
page's neighbours, and links to the site's contents page, so a header costs the same
on a site of ten pages or ten thousand (listing every page on every page made a flat
2,000-page site take minutes: the build grew with the square of the page count).
"""

from __future__ import annotations

import posixpath
from collections.abc import Container
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

from generator.site import doc_refs, paths
from generator.site.render import md_inline, yaml_string

if TYPE_CHECKING:
    from generator.site.techdocs import NavItem, TechDocsSite

HEADER_ALL_PAGES = 12
"""A site with at most this many pages lists them all at the top of each page; a larger
one lists its first top-level entries, the previous and next page, and a link to its
contents page."""


def pages_in_order(nav: list[NavItem]) -> list[tuple[str, str]]:
    """The nav's pages, depth first: (title, docs-folder-relative path)."""
    out: list[tuple[str, str]] = []
    for title, value in nav:
        if isinstance(value, list):
            out += pages_in_order(value)
        elif "://" not in value:
            out.append((title, value))
    return out


def contents_page(key: str) -> str:
    """Docs-relative path of a large site's contents page: beside the docs folder, not
    in it, so no page of the author's can be overwritten by it."""
    return f"{paths.entity_dir(key)}/docs-contents.md"


def publish(
    site: TechDocsSite,
    entity_title: str = "",
    *,
    edit_url: str | None = None,
    entities: Container[str] = (),
) -> dict[str, bytes | Path]:
    """The site's files for the build folder, by docs-relative path, in ``files`` order:
    pages as text with their header, other files as the path to copy them from (copied
    by streaming: a 300 MB PDF is never held in memory).

    ``edit_url`` is where the docs folder is edited (``.../edit/<branch>/<folder>``):
    each page's header links to its file there. Refs to ``entities`` (canonical keys)
    written in a page link to their entity pages (see doc_refs.py)."""
    base = paths.techdocs_dir(site.key)
    out: dict[str, bytes | Path] = {}
    for rel in site.files:
        if rel in site.pages:
            page = f"{base}/{rel}"

            def url_of(key: str, page: str = page) -> str | None:
                return paths.relative(page, paths.entity_url(key)) if key in entities else None

            edit = f"{edit_url}/{quote(rel)}" if edit_url else None
            text = doc_refs.link_refs(site.pages[rel], url_of)
            out[page] = (page_header(site, rel, entity_title, edit) + text).encode()
        else:
            out[f"{base}/{rel}"] = site.real_paths[rel]
    if len(site.in_order) > HEADER_ALL_PAGES:
        out[contents_page(site.key)] = _contents(site, entity_title).encode()
    return out


def _front_matter(site: TechDocsSite, rel: str) -> str:
    """The page's title names its service ('Runbook · FNOL Service' in the browser and
    in search, where every site has a 'Runbook'); the portal's sidebar, which would
    list the Docs landing page alone, is hidden so the page takes its width."""
    page = site.page_titles.get(rel)
    title = f"{page} · {site.site_name}" if page and page != site.site_name else site.site_name
    return f"---\ntitle: {yaml_string(title)}\nhide:\n  - navigation\n---\n\n"


def page_header(site: TechDocsSite, rel: str, entity_title: str, edit: str | None = None) -> str:
    """The top of each page: front matter hiding the portal's sidebar, then a Markdown
    line linking back to the entity and across the site's pages, and to where the page
    is edited."""
    here = posixpath.dirname(rel) or "."
    page = f"{paths.techdocs_dir(site.key)}/{rel}"

    def link(title: str, path: str) -> str:
        if path == rel:
            return f"**{md_inline(title)}**"
        return f"[{md_inline(title)}]({posixpath.relpath(path, here)})"

    pages = site.in_order
    if len(pages) <= HEADER_ALL_PAGES:
        links = " · ".join(link(title, path) for title, path in pages)
    else:
        top = site.top_level
        links = " · ".join(link(title, path) for title, path in top[:HEADER_ALL_PAGES])
        contents = posixpath.relpath(contents_page(site.key), posixpath.dirname(page))
        links += f" · [All {len(pages):,} pages]({contents})"
        at = site.position.get(rel)
        if at is not None and at > 0:
            links += f" | ← {link(*pages[at - 1])}"
        if at is not None and at + 1 < len(pages):
            links += f" | {link(*pages[at + 1])} →"
    # The entity page is not a MkDocs page (see shell.py): link to its URL.
    entity_page = paths.relative(page, paths.entity_url(site.key))
    back = f"[{md_inline(entity_title or site.site_name)}]({entity_page})"
    edit_link = f" | [Edit this page]({edit})" if edit else ""
    return f"{_front_matter(site, rel)}{back} › {links}{edit_link}\n\n"


def _contents(site: TechDocsSite, entity_title: str) -> str:
    """Every page of a large site, in nav order, indented by section."""
    here = contents_page(site.key)
    base = paths.techdocs_dir(site.key)
    lines = [
        "---",
        f"title: {yaml_string(f'Contents · {site.site_name}')}",
        "hide:\n  - navigation",
        "---",
        "",
        f"# {md_inline(site.site_name)}: all pages",
        "",
        f"[{md_inline(entity_title or site.site_name)}]"
        f"({paths.relative(here, paths.entity_url(site.key))})",
        "",
    ]

    def walk(items: list[NavItem], depth: int) -> None:
        for title, value in items:
            indent = "    " * depth
            if isinstance(value, list):
                lines.append(f"{indent}- {md_inline(title)}")
                walk(value, depth + 1)
            elif "://" in value:
                lines.append(f"{indent}- [{md_inline(title)}]({value})")
            else:
                target = posixpath.relpath(f"{base}/{value}", posixpath.dirname(here))
                lines.append(f"{indent}- [{md_inline(title)}]({target})")

    walk(site.nav, 0)
    return "\n".join(lines) + "\n"
