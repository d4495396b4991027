"""The handbook: the portal's own pages (``site_templates/handbook``), each titled by its
heading and given the handbook's navigation.

MkDocs titles a page outside the navigation by its file name unless the page starts with
its heading ("Techdocs" for "Add docs to your service"), and listing the handbook's
pages in the site navigation would put them into every page, entity pages included
(measured: 2.5 KB a page). So each page gets a ``title`` from its ``# heading`` and a
line of links across the handbook at its top, in the order the handbook's first page
lists them.
"""

from __future__ import annotations

import html
import re
from pathlib import Path

from generator.site import paths
from generator.site.render import yaml_string

_FRONT = re.compile(r"\A---\n.*?\n---\n", re.S)
_HEADING = re.compile(r"^# (.+?)\s*$", re.M)
_BACK = re.compile(r"\A\[[^\]\n]*\]\(index\.md\) ›[ \t]*\n+")  # a page's own line back, replaced
_LISTED = re.compile(r"^\s*[-*] \[[^\]\n]*\]\(([\w.-]+\.md)\)", re.M)


def pages(folder: Path) -> dict[str, str]:
    """The handbook's files for the docs folder, by docs-relative path."""
    files = sorted(f for f in folder.glob("*") if f.is_file()) if folder.is_dir() else []
    texts = {f.name: f.read_text(encoding="utf-8") for f in files}
    out = {f"handbook/{name}": text for name, text in texts.items() if not name.endswith(".md")}
    order = _order([name for name in texts if name.endswith(".md")], texts.get("index.md", ""))
    titles = {name: _title(name, texts[name]) for name in order}
    for name in order:
        body = _BACK.sub("", _FRONT.sub("", texts[name], count=1).lstrip("\n"), count=1)
        front = f"---\ntitle: {yaml_string(titles[name])}\nhide:\n  - navigation\n---\n\n"
        out[f"handbook/{name}"] = front + _nav(name, order, titles) + "\n\n" + body
    return out


def _order(names: list[str], index: str) -> list[str]:
    """The first page, the pages in the order its lists link them, then the others."""
    listed = [n for n in dict.fromkeys(_LISTED.findall(index)) if n in names and n != "index.md"]
    first = ["index.md"] if "index.md" in names else []
    return first + listed + sorted(set(names) - set(listed) - set(first))


def _title(name: str, text: str) -> str:
    heading = _HEADING.search(_FRONT.sub("", text, count=1))
    return heading.group(1).strip() if heading else name[: -len(".md")].replace("-", " ")


def _nav(here: str, order: list[str], titles: dict[str, str]) -> str:
    """Raw HTML (trusted: the handbook is the portal's own), kept out of search."""
    page = f"handbook/{here}"
    links = []
    for name in order:
        title = html.escape(titles[name])
        if name == here:
            links.append(f'<strong aria-current="page">{title}</strong>')
        else:
            url = "handbook/" if name == "index.md" else f"handbook/{name[: -len('.md')]}/"
            links.append(f'<a href="{paths.relative(page, url)}">{title}</a>')
    return (
        '<nav class="portal-handbook-nav" aria-label="Handbook" data-search-exclude>'
        + " · ".join(links)
        + "</nav>"
    )
