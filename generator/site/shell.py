"""Entity and kind index pages, put into page shells that MkDocs renders once.

Sending every entity page through MkDocs costs about 9 ms a page (Python-Markdown
re-parses our HTML, the theme renders the page, the search plugin parses it again):
35 s of a 4,000-entity build, four times a bare MkDocs build; a kind's index, one table
row per entity, costs as much again at that size. These pages are HTML we render
ourselves, autoescaped, so MkDocs renders a shell page as deep as they are (every
relative link in the theme is then the same) with marker text; each page is its shell
with its title, description and body put in. Entity pages' search entries are added to
the theme's search index the same way.

This ties the build to two things of MkDocs Material: the ``<article>`` element that
holds a page's content, and the search index's ``docs`` list. Both are checked, and a
theme that changes them fails the build with a message, never a silently broken site.
"""

from __future__ import annotations

import html
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from generator.errors import BuildError
from generator.site.search import SearchEntry, write_index
from generator.writing import write_files

NOT_FOUND_DIR = "_portal-404"
SHELL_DIRS = (
    NOT_FOUND_DIR,
    "kinds/_portal",
    "catalog/_portal/shell/page",
    "catalog/_portal-history/s/p/h",
)
"""One folder deep for the 404 page (not_found.py), two like ``kinds/<kind>``, four like
``catalog/<namespace>/<kind>/<name>``, five like an entity's ``.../<name>/history``
(kinds have no underscore, and namespaces are DNS labels, so no kind or namespace can be
named ``_portal``)."""
TITLE = "PORTALSHELLTITLEQ7"
DESCRIPTION = "PORTALSHELLDESCRIPTIONQ7"
_ARTICLE = '<article class="md-content__inner md-typeset">'
_SKIP = f'href="#{TITLE.lower()}"'  # the theme's skip link, to the shell's heading
SKIP_TARGET = "portal-title"
_ARTICLE_END = "</article>"
_LINE_BREAKS = re.compile(r"[ \t]*\n\s*")
"""The theme's indentation and blank lines: 2.8 of a shell's 12.9 KB, on every entity
page (29 MB of a 10,000-entity site). One newline keeps what whitespace means in HTML
and in inline scripts."""
_VERBATIM = ("<pre", "<textarea")


def shell_markdown() -> str:
    """The shell page's source: marker title and description, no navigation sidebar
    (these pages are not in the navigation, so it would be empty) and no table of
    contents, left out of the search index."""
    return (
        f"---\ntitle: {TITLE}\ndescription: {DESCRIPTION}\n"
        "hide:\n  - navigation\n  - toc\nsearch:\n  exclude: true\n---\n\n"
        f"# {TITLE}\n\nThis page is replaced by each entity page.\n"
    )


@dataclass(frozen=True)
class ShellPage:
    """One page put into a shell: what goes into it and into the search index."""

    url: str
    """Site-relative folder URL, e.g. ``catalog/default/component/x/``."""
    title: str
    description: str
    body: str
    """The article's HTML, escaped by its template."""
    search: SearchEntry | None
    """What search finds the page by (entities); None keeps the page out of search."""


@dataclass(frozen=True)
class Shell:
    """The rendered shell split around its article."""

    head: str
    tail: str

    @classmethod
    def read(cls, site: Path, folder: str) -> Shell:
        """Read the shell MkDocs rendered into ``folder`` (one of ``SHELL_DIRS``)."""
        page = site / folder / "index.html"
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
        return cls(_compact(text[: start + len(_ARTICLE)]), _compact(text[end:]))

    def page(self, entry: ShellPage) -> str:
        """The shell with one entity's title, description and body. The theme's skip
        link pointed at the shell's heading: it now points at the page's own, the first
        ``<h1>`` of the body (every page template starts with one)."""
        title = html.escape(entry.title, quote=True)
        description = html.escape(" ".join(entry.description.split()), quote=True)
        head = self.head.replace(TITLE, title).replace(DESCRIPTION, description)
        head = head.replace(_SKIP, f'href="#{SKIP_TARGET}"', 1)
        body = entry.body.replace("<h1>", f'<h1 id="{SKIP_TARGET}">', 1)
        return head + body + self.tail.replace(TITLE, title)


def _compact(part: str) -> str:
    """``part`` of the shell without indentation, unless it holds text whose
    whitespace shows (a theme override may add one)."""
    if any(tag in part for tag in _VERBATIM):
        return part
    return _LINE_BREAKS.sub("\n", part)


def write_pages(site: Path, pages: list[ShellPage]) -> None:
    """Write every page into the built site, each in the shell of its depth, and add
    those that have search text to the search index. The shells are then removed."""
    shells = {_depth(folder): Shell.read(site, folder) for folder in SHELL_DIRS}
    for folder in SHELL_DIRS:
        shutil.rmtree(site.joinpath(*folder.split("/")[:2]))
    files = {}
    for entry in pages:
        shell = shells.get(_depth(entry.url))
        if shell is None:
            raise BuildError(f"no page shell is as deep as {entry.url}")  # a bug in paths
        files[f"{entry.url}index.html"] = shell.page(entry)
    write_files(site, files)
    write_index(site, pages)


def _depth(url: str) -> int:
    return len([part for part in url.split("/") if part])
