"""One table of every entity, across kinds, on the catalog's landing page, with filters
for kind, type, owner ("my team" too), lifecycle, system and tag.

The rows are in the page (it lists everything without JavaScript, and search engines
and screen readers see them); ``assets/catalog.js`` filters them in the browser from
their data attributes and keeps the filters in the URL, so a link shares a view. The
landing page is rendered by MkDocs with a marker where the table goes; the table is put
in afterwards (Python-Markdown would take seconds over thousands of rows)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from generator.errors import BuildError
from generator.model import relations as rel
from generator.model.entity import Entity
from generator.site import paths

if TYPE_CHECKING:
    import jinja2

    from generator.site.pages import SiteContext

CATALOG_URL = "kinds/"
"""The catalog's landing page (``paths.CATALOG_INDEX`` as served)."""
MARKER = "<!-- portal:catalog-table -->"
"""Where the landing page's Markdown wants the table (Python-Markdown keeps comments)."""


def tag_url(from_page: str, tag: str) -> str:
    """The catalog table filtered to one tag, linked from a page (docs-relative path)."""
    return paths.relative(from_page, CATALOG_URL) + "?tag=" + quote(tag, safe="")


def render(env: jinja2.Environment, site: SiteContext, link: Any, kinds: list[str]) -> str:
    """The table and its filters, links relative to the landing page."""
    page = paths.CATALOG_INDEX
    rows = []
    facets: dict[str, Counter[str]] = {f: Counter() for f in ("type", "lifecycle", "tag")}
    owners: dict[str, Any] = {}
    systems: dict[str, Any] = {}
    for entity in site.catalog:
        owner = next(iter(entity.related(rel.OWNED_BY)), None)
        system, _ = rel.system_of(entity.key, lambda key: _part_of(site, key))
        tags = [t for t in entity.metadata.get("tags") or [] if isinstance(t, str)]
        row = Row(
            entity,
            paths.relative(page, paths.entity_url(entity.key)),
            _str(entity.spec.get("type")),
            _str(entity.spec.get("lifecycle")),
            link(owner, page) if owner else None,
            link(system, page) if system else None,
            tags,
        )
        rows.append(row)
        facets["type"][row.type] += 1
        facets["lifecycle"][row.lifecycle] += 1
        facets["tag"].update(set(tags))
        if owner:
            owners[owner] = row.owner
        if system:
            systems[system] = row.system
    rank = {kind: i for i, kind in enumerate(kinds)}
    rows.sort(key=lambda r: (rank.get(r.e.kind, 99), r.e.title.lower(), r.e.key))
    return env.get_template("catalog_table.html.j2").render(
        rows=rows,
        kinds=[(k, sum(1 for r in rows if r.e.kind == k)) for k in kinds],
        types=sorted((v, n) for v, n in facets["type"].items() if v),
        lifecycles=sorted((v, n) for v, n in facets["lifecycle"].items() if v),
        tags=sorted(facets["tag"].items()),
        owners=sorted(owners.items(), key=lambda kv: (kv[1].title.lower(), kv[0])),
        systems=sorted(systems.items(), key=lambda kv: (kv[1].title.lower(), kv[0])),
    )


@dataclass(frozen=True)
class Row:
    """One entity in the table."""

    e: Entity
    url: str
    type: str
    lifecycle: str
    owner: Any
    system: Any
    tags: list[str]


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _part_of(site: SiteContext, key: str) -> list[str]:
    entity = site.catalog.get(key)
    return entity.related(rel.PART_OF) if entity else []


def inject(site_dir: Path, table: str) -> None:
    """Put the table into the landing page MkDocs rendered."""
    page = site_dir / CATALOG_URL / "index.html"
    try:
        text = page.read_text(encoding="utf-8")
    except OSError as exc:
        raise BuildError(f"MkDocs did not render the catalog page ({exc})") from exc
    if text.count(MARKER) != 1:
        raise BuildError(f"the catalog page {page} lost its table marker; keep {MARKER} in it")
    page.write_text(text.replace(MARKER, table), encoding="utf-8")
