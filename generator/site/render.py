"""The Jinja2 environment for generated pages, and the filters that keep untrusted
catalog text inert.

Every catalog string is untrusted (it comes from pull requests). Autoescape is on for
every template. Entity pages are HTML (see shell.py); the Markdown pages MkDocs renders
(home, catalog, kinds) keep catalog text inside HTML blocks, which Python-Markdown does
not interpret. Where catalog text sits in Markdown proper (a heading, front matter) it
goes through :func:`md_inline` or :func:`yaml_string`; descriptions, which are
Markdown, through :func:`prose`. URLs go through :func:`safe_url`: only http, https and
mailto.
"""

from __future__ import annotations

import functools
import html
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

from markupsafe import Markup, escape

from generator.model import formats

if TYPE_CHECKING:
    import jinja2

# Python-Markdown's escapable characters, plus '|' (tables) and '<' '>' '&'.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|~])")


def md_inline(text: Any) -> Markup:
    """Catalog text made safe inside Markdown: HTML-escaped, Markdown syntax escaped,
    newlines folded (a heading or table cell is one line)."""
    flat = " ".join(str(text).split())
    return Markup(_MD_SPECIAL.sub(r"\\\1", str(escape(flat))))


def yaml_string(text: Any) -> Markup:
    """Catalog text as a front-matter value (a double-quoted YAML scalar).

    MkDocs themes print front matter without autoescape: Material writes the description
    raw into ``<meta content="...">`` and the title through ``striptags``, which
    *unescapes* entities after stripping tags. So angle brackets become look-alikes
    (no later unescape can make a tag of them) and the rest is HTML-escaped (quotes
    cannot end an attribute; a typed ``&lt;`` stays an entity after one unescape).
    """
    flat = " ".join(str(text).split()).replace("<", "‹").replace(">", "›")
    return Markup(json.dumps(html.escape(flat, quote=True), ensure_ascii=False))


# Text without any of these renders as one paragraph of itself: most descriptions are a
# sentence, and the site renders thousands of them.
_MD_SYNTAX = re.compile(r"[\\`*_\[\]<>#!|~&]|\n|^\s*(?:[-+]|\d+[.)])\s", re.M)
# What a description may become: Markdown's own output, images excepted (a request
# leaving the site); nh3 drops attributes but link targets (ids could clash).
_PROSE_TAGS = {"p", "br", "em", "strong", "code", "pre", "a", "ul", "ol", "li",
               "blockquote", "h3", "h4", "h5", "h6", "hr"}  # fmt: skip


@functools.cache
def _markdown() -> Any:
    """Python-Markdown (MkDocs' own) without raw HTML, which stays text, and with
    images turned into links to them."""
    import markdown
    from markdown.treeprocessors import Treeprocessor

    class ImagesAsLinks(Treeprocessor):  # type: ignore[misc]  # Markdown has no types
        def run(self, root: Any) -> None:
            for img in root.iter("img"):
                src, alt = img.get("src", ""), img.get("alt", "")
                img.tag, img.text = "a", alt or src
                img.attrib.clear()
                img.set("href", src)

    # Headings start at h3: the page's title and sections own h1 and h2.
    converter = markdown.Markdown(
        output_format="html", extensions=["toc"], extension_configs={"toc": {"baselevel": 3}}
    )
    converter.preprocessors.deregister("html_block")
    converter.inlinePatterns.deregister("html")
    converter.treeprocessors.register(ImagesAsLinks(converter), "images_as_links", 1)
    return converter


def prose(text: Any) -> Markup:
    """A description as HTML, written in Markdown as in Backstage: emphasis, links,
    lists and code. Raw HTML stays text, links go only to http(s) and mailto, and nh3
    cleans the result against an allowlist all the same."""
    text = str(text).strip()
    if not _MD_SYNTAX.search(text):
        return Markup(f"<p>{escape(text)}</p>")
    import nh3

    converter = _markdown()
    rendered = converter.reset().convert(text)
    cleaned = nh3.clean(
        rendered,
        tags=_PROSE_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(cleaned)


def prose_text(text: str) -> str:
    """A description as one line of plain text (for a table cell): Markdown rendered,
    then its tags dropped."""
    if not _MD_SYNTAX.search(text):
        return " ".join(text.split())
    import nh3

    return " ".join(html.unescape(nh3.clean(str(prose(text)), tags=set())).split())


def safe_url(url: Any) -> str | None:
    """``url`` when it is an http(s) or mailto link, else None (drops javascript:)."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if formats.is_safe_link(url) and formats.check_url(url) is None else None


def environment(template_dir: Path) -> jinja2.Environment:
    """The page environment: autoescape on, undefined names fail, our filters."""
    import jinja2  # here, not at the top: `portal validate` uses the filters alone

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(template_dir),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(md=md_inline, yaml_string=yaml_string, prose=prose)  # URLs: safe_url
    return env
