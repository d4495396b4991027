"""API references laid out on pages: on the API's own page when small, else an index
there and the units on numbered sub-pages, each within a byte budget. Units are
rendered once, with links between them as tokens; once every unit has its page, the
tokens become relative links."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from markupsafe import Markup

from generator.site.apiref.model import Reference, Unit

if TYPE_CHECKING:
    import jinja2

INLINE_BUDGET = 80_000
"""Bytes of reference a page of its own (the API's page) may hold whole."""
PAGE_BUDGET = 120_000
"""Bytes of units on one sub-page. A unit larger than this has a page of its own: its
size is bounded by the definition's (fields, depth and descriptions are)."""
_TOKEN = re.compile("\x00([A-Za-z0-9_.-]+)\x00")


def _token(target: str) -> Markup:
    return Markup(f"\x00{target}\x00")


@dataclass
class Part:
    """One page of units: its folder (relative to the API's page; "" for the page
    itself) and its units' HTML by group."""

    folder: str
    groups: list[tuple[str, list[str]]] = field(default_factory=list)
    size: int = 0


@dataclass
class Laid:
    """A reference laid out: the index (group, units with their links) shown on the
    API's page, and the parts (the first is the API's page when all of it fits)."""

    index: list[tuple[str, list[tuple[Unit, str]]]]
    parts: list[Part]
    inline: bool
    where: dict[str, str]
    """Unit id -> folder of the part holding it."""


def sub_page(n: int) -> str:
    """Folder of the n-th sub-page of a reference, relative to the API's page."""
    return f"reference-{n}/"


def grouped(units: list[Unit]) -> list[tuple[str, list[Unit]]]:
    """Units by group, groups in order of first appearance."""
    groups: dict[str, list[Unit]] = {}
    for unit in units:
        groups.setdefault(unit.group, []).append(unit)
    return list(groups.items())


def lay_out(env: jinja2.Environment, ref: Reference) -> Laid:
    """Render every unit and share them out onto pages."""
    template = env.get_template("_apiref_unit.html.j2")
    groups = grouped(ref.units)
    rendered = [(g, [(u, template.render(u=u, link=_token)) for u in us]) for g, us in groups]
    total = sum(len(html) for _, units in rendered for _, html in units)
    inline = total <= INLINE_BUDGET
    parts: list[Part] = [Part("")] if inline else []
    where: dict[str, str] = {}
    for group, units in rendered:
        for unit, html in units:
            full = bool(parts) and parts[-1].size > 0 and parts[-1].size + len(html) > PAGE_BUDGET
            if not inline and (not parts or full):
                parts.append(Part(sub_page(len(parts) + 1)))
            part = parts[-1]
            if not part.groups or part.groups[-1][0] != group:
                part.groups.append((group, []))
            part.groups[-1][1].append(html)
            part.size += len(html)
            where[unit.id] = part.folder
    index = [(g, [(u, where[u.id]) for u, _ in units]) for g, units in rendered]
    return Laid(index, parts, inline, where)


def resolve(html: str, here: str, where: dict[str, str]) -> Markup:
    """``html`` of the page at ``here`` (a folder relative to the API's page) with its
    link tokens made relative links; unknown tokens are dropped."""

    def link(match: re.Match[str]) -> str:
        target = match[1]
        if target not in where:
            return "#"
        folder = where[target]
        if folder == here:
            return f"#{target}"
        up = "../" if here else ""
        return f"{up}{folder}#{target}"

    return Markup(_TOKEN.sub(link, html).replace("\x00", ""))
