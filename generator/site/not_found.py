"""The 404 page: where to go instead, and the missing address offered as a search.

GitHub Pages answers every missing address of a site with its ``404.html``, at that
address: ``/developer-portal/catalog/default/component/fnol-servce/`` gets the page
written for the site's root. The theme's own 404 page links to ``/assets/...`` (or
below ``site_url``), which breaks under a sub-path when ``site_url`` is not set. This page
is a page shell one folder deep (relative links, see shell.py) with a ``<base>`` first in
its head: the site's root from ``site_url`` when it is known, otherwise worked out in the
browser from the address (the path up to the first of the site's own top-level folders,
or a project site's first folder on ``*.github.io``). search.js resolves the theme's base
against it too.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path
from urllib.parse import urlsplit

import jinja2

from generator.errors import BuildError
from generator.site.shell import NOT_FOUND_DIR, ShellPage

PAGE = "404.html"
TOP_LEVEL = sorted(
    {"api", "assets", "catalog", "changes", "handbook", "kinds", "maps", "search", "techdocs"}
    | {"index.html", "404.html", "sitemap.xml", "sitemap.xml.gz"}
)
"""The site's own top-level entries: the first of them in a missing address ends its root."""
_CHARSET = '<meta charset="utf-8">'


def page(env: jinja2.Environment, *, docs: bool) -> ShellPage:
    """The 404 page, put into the one-folder-deep shell like the other pages."""
    body = env.get_template("404.html.j2").render(docs=docs)
    about = "Nothing is published at this address: where to go instead."
    return ShellPage(f"{NOT_FOUND_DIR}/", "Page not found", about, body, None)


def finish(site: Path, site_url: str | None) -> None:
    """Move the page to ``404.html`` with its ``<base>``, and remove its folder."""
    folder = site / NOT_FOUND_DIR
    try:
        text = (folder / "index.html").read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildError(f"the 404 page was not written ({exc})") from exc
    if _CHARSET not in text:
        raise BuildError(f"the theme's pages have no '{_CHARSET}' to put the 404 page's base after")
    text = text.replace(_CHARSET, _CHARSET + _base(site_url), 1)
    (site / PAGE).write_text(text, encoding="utf-8")
    shutil.rmtree(folder)


def _base(site_url: str | None) -> str:
    if site_url:
        root = urlsplit(site_url).path.rstrip("/") + "/"
        return f'<base href="{_attr(root + NOT_FOUND_DIR)}/">'
    top = json.dumps(TOP_LEVEL)
    return (
        "<script>(function(){var top=" + top + ',parts=location.pathname.split("/")'
        '.filter(Boolean),root="/";for(var i=0;i<parts.length;i++){if(top.indexOf(parts[i])'
        '>=0){root="/"+parts.slice(0,i).join("/")+(i?"/":"");break}if(i===parts.length-1&&'
        '/\\.github\\.io$/.test(location.hostname)&&parts.length>1){root="/"+parts[0]+"/"}}'
        'var b=document.createElement("base");b.href=root+"' + NOT_FOUND_DIR + '/";'
        "document.head.appendChild(b)})()</script>"
    )


def _attr(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;")
