"""Drawing every map of a site: which map each page gets, drawn in forked workers.

A map costs about 5 ms (DOT from the graph, then Graphviz), so a large catalog spends
more time here than anywhere else. Workers are forked after the relation graph is
built, so they share the catalog and the graph and only SVG bytes travel back.
"""

from __future__ import annotations

import multiprocessing
from typing import TYPE_CHECKING, Any

from generator.parallel import can_fork
from generator.site import layout, maps, paths

if TYPE_CHECKING:
    from generator.catalog import Catalog

POOL_MIN_MAPS = 200
"""Below this, forking costs more than it saves."""

Job = tuple[str, str]
"""(docs-relative SVG path, entity key; empty for the organisation overview)."""

_index: maps.Index | None = None  # set in the parent just before forking


def jobs(catalog: Catalog) -> list[Job]:
    """One map per entity (systems and domains get their own kind of map) and the
    organisation overview."""
    out: list[Job] = [(paths.ORG_MAP_SVG, "")]
    out += [(paths.entity_map(entity.key), entity.key) for entity in catalog]
    return out


def _dot(index: maps.Index, key: str) -> str:
    if not key:
        return maps.overview_dot(index)
    kind = key.split(":", 1)[0]
    if kind == "system":
        return maps.system_dot(index, key)
    if kind == "domain":
        return maps.domain_dot(index, key)
    return maps.neighbourhood_dot(index, key)


def _draw(job: Job) -> tuple[str, bytes]:
    assert _index is not None
    return job[0], layout.render_svg(_dot(_index, job[1]))


class Drawing:
    """Maps being drawn. With workers, they draw while the caller goes on rendering
    pages and running MkDocs; :meth:`result` waits for them."""

    def __init__(self, catalog: Catalog) -> None:
        global _index
        self.todo = jobs(catalog)
        # Built once, before forking: every worker shares it (and the graph).
        _index = maps.Index(catalog)
        self._pool: Any = None
        self._pending: Any = None
        if len(self.todo) >= POOL_MIN_MAPS and can_fork():
            self._pool = multiprocessing.get_context("fork").Pool(2)
            self._pending = self._pool.map_async(_draw, self.todo, chunksize=32)

    def cancel(self) -> None:
        """Stop the workers (a failed build must not leave them running)."""
        global _index
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        _index = None

    def result(self) -> dict[str, bytes]:
        """Every map as ``{docs-relative SVG path: SVG}``, in job order."""
        try:
            if self._pool is None:
                return dict(_draw(job) for job in self.todo)
            drawn: list[tuple[str, bytes]] = self._pending.get()
            return dict(drawn)
        finally:
            self.cancel()


def draw_all(catalog: Catalog) -> dict[str, bytes]:
    """Every map, drawn now."""
    return Drawing(catalog).result()
