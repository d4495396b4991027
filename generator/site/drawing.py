"""Drawing every map of a site: which map each page gets, drawn in forked workers.

A map costs about 5 ms (DOT from the graph, then Graphviz), so a large catalog spends
more time here than anywhere else. Workers are forked after the relation graph is
built, so they share the catalog and the graph and only SVG bytes travel back.
"""

from __future__ import annotations

import multiprocessing
from collections.abc import Callable
from typing import TYPE_CHECKING

from generator.parallel import can_fork
from generator.site import maps, paths

if TYPE_CHECKING:
    from generator.catalog import Catalog

POOL_MIN_MAPS = 200
"""Below this, forking costs more than it saves."""

Job = tuple[str, str]
"""(docs-relative SVG path, entity key; empty for the organisation overview)."""

_catalog: Catalog | None = None  # set in the parent just before forking


def jobs(catalog: Catalog) -> list[Job]:
    """One map per entity (systems and domains get their own kind of map) and the
    organisation overview."""
    out: list[Job] = [(paths.ORG_MAP_SVG, "")]
    out += [(paths.entity_map(entity.key), entity.key) for entity in catalog]
    return out


def _dot(catalog: Catalog, key: str) -> str:
    if not key:
        return maps.overview_dot(catalog)
    kind = key.split(":", 1)[0]
    if kind == "system":
        return maps.system_dot(catalog, key)
    if kind == "domain":
        return maps.domain_dot(catalog, key)
    return maps.neighbourhood_dot(catalog, key)


def _draw(job: Job) -> tuple[str, bytes]:
    assert _catalog is not None
    return job[0], maps.render_svg(_dot(_catalog, job[1]))


def draw_all(catalog: Catalog, progress: Callable[[int], None] | None = None) -> dict[str, bytes]:
    """Every map as ``{docs-relative SVG path: SVG}``, in job order."""
    global _catalog
    todo = jobs(catalog)
    catalog.graph  # noqa: B018 - build the graph once, before forking, for all workers
    _catalog = catalog
    try:
        if len(todo) < POOL_MIN_MAPS or not can_fork():
            drawn = []
            for job in todo:
                drawn.append(_draw(job))
                if progress:
                    progress(1)
            return dict(drawn)
        return _draw_forked(todo, progress)
    finally:
        _catalog = None


def _draw_forked(todo: list[Job], progress: Callable[[int], None] | None) -> dict[str, bytes]:
    chunk = 32
    out: dict[str, bytes] = {}
    with multiprocessing.get_context("fork").Pool(2) as pool:
        for name, svg in pool.imap(_draw, todo, chunksize=chunk):
            out[name] = svg
            if progress:
                progress(1)
    return out
