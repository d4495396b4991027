"""Entity pages, put into a page shell that MkDocs renders once.

Sending every entity page through MkDocs costs about 9 ms a page (Python-Markdown
re-parses our HTML, the theme renders the page, the search plugin parses it again):
35 s of a 4,000-entity build, four times a bare MkDocs build. Entity pages are HTML we
render ourselves, autoescaped, so MkDocs renders one shell page four folders deep
(where entity pages live, so every relative link in the theme is the same) with
marker text; each entity page is that shell with its title, description and body put
in. Their search entries are added to the theme's search index the same way.

This ties the build to two things of MkDocs Material: the ``<article>`` element that
holds a page's content, and the search index's ``docs`` list. Both are checked, and a
theme that changes them fails the build with a message, never a silently broken site.
"""

from __future__ import annotations

import html
import json
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildError
from generator.writing import write_files

SHELL_DIR = "catalog/_portal/shell/page"
"""Four folders deep, like ``catalog/<namespace>/<kind>/<name>``."""
TITLE = "PORTALSHELLTITLEQ7"
DESCRIPTION = "PORTALSHELLDESCRIPTIONQ7"
_ARTICLE = '<article class="md-content__inner md-typeset">'
_ARTICLE_END = "</article>"
SEARCH_INDEX = "search/search_index.json"


def shell_markdown() -> str:
    """The shell page's source: marker title and description, no table of contents,
    left out of the search index."""
    return (
        f"---\ntitle: {TITLE}\ndescription: {DESCRIPTION}\n"
        "hide:\n  - toc\nsearch:\n  exclude: true\n---\n\n"
        f"# {TITLE}\n\nThis page is replaced by each entity page.\n"
    )


@dataclass(frozen=True)
class EntityPage:
    """One entity page: what goes into the shell and into the search index."""

    url: str
    """Site-relative folder URL, e.g. ``catalog/default/component/x/``."""
    title: str
    description: str
    body: str
    """The article's HTML, escaped by its template."""
    search_text: str
    """Plain text for search: name, kind, type, owner, system, tags, description."""


@dataclass(frozen=True)
class Shell:
    """The rendered shell split around its article."""

    head: str
    tail: str

    @classmethod
    def read(cls, site: Path) -> Shell:
        """Read the shell MkDocs rendered, then remove it from the site."""
        page = site / SHELL_DIR / "index.html"
        try:
            text = page.read_text(encoding="utf-8")
        except OSError as exc:
            raise BuildError(f"MkDocs did not render the entity page shell ({exc})") from exc
        start, end = text.find(_ARTICLE), text.rfind(_ARTICLE_END)
        if start < 0 or end < start or TITLE not in text[:start]:
            raise BuildError(
                "the theme's page layout is not the MkDocs Material one the portal fills in "
                f"(no '{_ARTICLE}' in the shell page); keep theme.name: material"
            )
        shutil.rmtree(site / "catalog" / "_portal")
        return cls(text[: start + len(_ARTICLE)], text[end:])

    def page(self, entry: EntityPage) -> str:
        """The shell with one entity's title, description and body."""
        title = html.escape(entry.title, quote=True)
        description = html.escape(" ".join(entry.description.split()), quote=True)
        head = self.head.replace(TITLE, title).replace(DESCRIPTION, description)
        return head + entry.body + self.tail.replace(TITLE, title)


def write_pages(site: Path, pages: list[EntityPage]) -> None:
    """Write every entity page into the built site and add it to the search index."""
    shell = Shell.read(site)
    write_files(site, {f"{entry.url}index.html": shell.page(entry) for entry in pages})
    _index(site, pages)


def _index(site: Path, pages: list[EntityPage]) -> None:
    path = site / SEARCH_INDEX
    try:
        index = json.loads(path.read_text(encoding="utf-8"))
        docs = index["docs"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise BuildError(f"cannot add entity pages to the search index {path} ({exc})") from exc
    docs += [
        {"location": p.url, "title": p.title, "text": html.escape(p.search_text)} for p in pages
    ]
    path.write_text(json.dumps(index, ensure_ascii=False, separators=(",", ":")), "utf-8")
