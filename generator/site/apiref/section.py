"""The API reference section of an API's page, and its sub-pages when it is large.

The reference is the page's main content: title and version, servers, an index of every
unit (nothing is ever left off the index), then the units themselves, on the page or
on numbered sub-pages within the byte budget. The raw definition is written beside the
page as text; a definition that cannot be read is shown as that text, with what is
wrong."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from generator.model.entity import Entity
from generator.placeholders import Unresolved
from generator.site import paths
from generator.site.apiref import FORMATS, Parsed, read
from generator.site.apiref.model import Unit
from generator.site.apiref.render import Laid, lay_out, resolve
from generator.site.render import prose_text, safe_url
from generator.site.shell import ShellPage

if TYPE_CHECKING:
    import jinja2

INLINE_RAW = 24_000
"""Raw definitions (shown when they cannot be read, or of a type not rendered) longer
than this are linked, not put into the page."""
RAW_FILE = "definition.txt"
_GIST = 120


def build(
    env: jinja2.Environment, entity: Entity, parsed: Parsed | None, extra: dict[str, str]
) -> tuple[dict[str, Any] | None, list[ShellPage]]:
    """The template context of the section (None for entities without a definition),
    sub-pages, and files to write beside the page (into ``extra``)."""
    text = entity.spec.get("definition")
    if entity.kind != "API" or not isinstance(text, str):
        return None, []
    if isinstance(text, Unresolved):  # a placeholder that was not read
        remote = safe_url(text.url)
        return {"remote": remote, "unread": None if remote else text.url}, []
    api_type = str(entity.spec.get("type", ""))
    if parsed is None:
        parsed = read(api_type, text)
    base = paths.entity_dir(entity.key)
    extra[f"{base}/{RAW_FILE}"] = text
    out: dict[str, Any] = {
        "remote": None,
        "unread": None,
        "type": api_type,
        "known": api_type.strip().lower() in FORMATS,
        "raw_file": RAW_FILE,
        "size": len(text),
        "raw": None,
        "problems": [],
        "reference": None,
    }
    if parsed is None or parsed.reference is None:
        out["problems"] = parsed.problems if parsed else []
        out["raw"] = text if len(text) <= INLINE_RAW else None
        return out, []
    laid = lay_out(env, parsed.reference)
    out["reference"] = parsed.reference
    out["problems"] = parsed.problems
    out["index"] = [
        (
            group,
            [(unit, _href(folder, unit.id, laid.inline), _gist(unit)) for unit, folder in units],
        )
        for group, units in laid.index
    ]
    out["parts"] = [] if laid.inline else [p.folder for p in laid.parts]
    if laid.inline:
        part = laid.parts[0]
        out["units"] = [(g, resolve("".join(h), "", laid.where)) for g, h in part.groups]
        return out, []
    return out, _sub_pages(env, entity, laid)


def _gist(unit: Unit) -> str:
    """A unit's line in the index: its summary, else its description's start."""
    if unit.summary:
        return unit.summary
    text = prose_text(unit.description)
    return text if len(text) <= _GIST else text[: _GIST - 1] + "…"


def _href(folder: str, unit_id: str, inline: bool) -> str:
    return f"#{unit_id}" if inline else f"{folder}#{unit_id}"


def _sub_pages(env: jinja2.Environment, entity: Entity, laid: Laid) -> list[ShellPage]:
    template = env.get_template("apiref_page.html.j2")
    base = paths.entity_url(entity.key)
    count = len(laid.parts)
    pages = []
    for n, part in enumerate(laid.parts, start=1):
        groups = [(g, resolve("".join(h), part.folder, laid.where)) for g, h in part.groups]
        title = f"{entity.title}: API reference, part {n} of {count}"
        body = template.render(
            title=title,
            api=entity.title,
            n=n,
            count=count,
            previous=f"../{laid.parts[n - 2].folder}" if n > 1 else None,
            next=f"../{laid.parts[n].folder}" if n < count else None,
            groups=groups,
            first=_first_last(part.groups),
        )
        about = f"{prose_text(entity.description)} API reference, part {n} of {count}."
        pages.append(ShellPage(base + part.folder, title, about.strip(), body, None))
    return pages


def _first_last(groups: list[tuple[str, list[str]]]) -> Markup:
    """The groups a part holds, for its heading ("Operations, Schemas")."""
    return Markup(", ").join(group for group, _ in groups)
