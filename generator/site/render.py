"""The Jinja2 environment for generated pages, and the filters that keep untrusted
catalog text inert.

Every catalog string is untrusted (it comes from pull requests). Autoescape is on for
every template. Entity and kind pages are HTML (see shell.py); the Markdown pages MkDocs
renders (home, catalog, docs, maps) keep catalog text inside HTML blocks, which
Python-Markdown does not interpret. Where catalog text sits in Markdown proper (a
heading, front matter) it goes through :func:`md_inline` or :func:`yaml_string`;
descriptions, which are Markdown, through :func:`prose`. URLs go through
:func:`safe_url`: only http, https and mailto.
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
PROSE_LIMIT = 20_000
"""Longer descriptions are shown as plain text: rendering stays well under a second
whatever the text (markdown-it-py is near-linear; Python-Markdown, MkDocs' own, is
quadratic in unmatched '[', an hour for a 1 MiB description)."""
# What a description may become: CommonMark with GitHub's tables and strikethrough, as
# Backstage renders descriptions, images excepted (a request leaving the site); nh3
# drops attributes but link targets.
_PROSE_TAGS = {"p", "br", "em", "strong", "code", "pre", "a", "ul", "ol", "li", "blockquote",
               "h3", "h4", "h5", "h6", "hr", "s", "table", "thead", "tbody", "tr", "th",
               "td"}  # fmt: skip


@functools.cache
def _markdown() -> Any:
    """markdown-it-py with raw HTML shown as text, images as links to them, and
    headings from h3 (the page's title and sections own h1 and h2)."""
    from markdown_it import MarkdownIt

    md = MarkdownIt("commonmark", {"html": False}).enable(["table", "strikethrough"])

    def image(self: Any, tokens: Any, idx: int, options: Any, env: Any) -> str:
        token = tokens[idx]
        src = str(token.attrGet("src") or "")
        alt = self.renderInlineAsText(token.children or [], options, env) or src
        return f'<a href="{html.escape(src)}">{html.escape(alt)}</a>'

    def heading(_self: Any, tokens: Any, idx: int, _options: Any, _env: Any) -> str:
        level = min(int(tokens[idx].tag[1]) + 2, 6)
        return f"<h{level}>" if tokens[idx].nesting == 1 else f"</h{level}>\n"

    md.add_render_rule("image", image)
    md.add_render_rule("heading_open", heading)
    md.add_render_rule("heading_close", heading)
    return md


# A description is shown on its entity's page, in search, and in its owner's and its
# system's tables: rendered once, not four times.
@functools.lru_cache(maxsize=16_384)
def prose(text: str) -> Markup:
    """A description as HTML, written in Markdown as in Backstage: emphasis, links,
    lists, code and tables. Raw HTML stays text, links go only to http(s) and mailto,
    and nh3 cleans the result against an allowlist all the same."""
    text = text.strip()
    if not _MD_SYNTAX.search(text):
        return Markup(f"<p>{escape(text)}</p>")
    if len(text) > PROSE_LIMIT:
        paragraphs = re.split(r"\n\s*\n", text)
        return Markup("\n".join(f"<p>{escape(p.strip())}</p>" for p in paragraphs if p.strip()))
    import nh3

    cleaned = nh3.clean(
        _markdown().render(text),
        tags=_PROSE_TAGS,
        attributes={"a": {"href", "title"}},
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer",
    )
    return Markup(cleaned.strip())


def prose_text(text: str) -> str:
    """A description as one line of plain text (for a table cell): Markdown rendered,
    then its tags dropped."""
    if not _MD_SYNTAX.search(text):
        return " ".join(text.split())
    return _prose_text(text)


@functools.lru_cache(maxsize=16_384)
def _prose_text(text: str) -> str:
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
