"""The Jinja2 environment for generated pages, and the filters that keep untrusted
catalog text inert.

Every catalog string is untrusted (it comes from pull requests). Autoescape is on for
every template. Entity pages are HTML (see shell.py); the Markdown pages MkDocs renders
(home, catalog, kinds) keep catalog text inside HTML blocks, which Python-Markdown does
not interpret. Where catalog text sits in Markdown proper (a heading, front matter) it
goes through :func:`md_inline` or :func:`yaml_string`. URLs go through
:func:`safe_url`: only http, https and mailto.
"""

from __future__ import annotations

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
    env.filters.update(md=md_inline, yaml_string=yaml_string)  # URLs: safe_url in pages.py
    return env
