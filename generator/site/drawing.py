"""Drawing every map of a site: which map each page gets, drawn in forked workers.

A map costs about 3 ms (DOT from the relations, then Graphviz), so a large catalog spends
more time here than anywhere else. Workers are forked after the map index is built,
so they share the catalog and the index; each writes its maps into the
folder being built (a staging folder: a failed build publishes none of it), so
nothing travels back but the names.
"""

from __future__ import annotations

import multiprocessing
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.parallel import can_fork
from generator.site import layout, maps, paths
from generator.site.map_cache import MapCache
from generator.writing import write_files

if TYPE_CHECKING:
    from generator.catalog import Catalog

POOL_MIN_MAPS = 200
"""Below this, forking costs more than it saves."""

Job = tuple[str, str]
"""(docs-relative SVG path, entity key; empty for the organisation overview)."""

_index: maps.Index | None = None  # set in the parent just before forking
_into: Path | None = None
_cache = MapCache(None)


def jobs(catalog: Catalog) -> list[Job]:
    """One map per entity (systems and domains get their own kind of map) and the
    organisation overview."""
    out: list[Job] = [(paths.ORG_MAP_SVG, "")]
    out += [(paths.entity_map(entity.key), entity.key) for entity in catalog]
    return out


def _draw(job: Job) -> tuple[str, str]:
    """Draw one map (or find it drawn by an earlier build) and write it; its path and
    cache key."""
    assert _index is not None and _into is not None
    dot = maps.map_dot(_index, job[1])
    key = _cache.key(dot)
    svg = _cache.get(key)
    if svg is None:
        svg = layout.render_svg(dot)
        _cache.put(key, svg)
    write_files(_into, {job[0]: svg})
    return job[0], key


class Drawing:
    """Maps being drawn. With workers, they draw while the caller goes on rendering
    pages and running MkDocs; :meth:`result` waits for them."""

    def __init__(self, catalog: Catalog, into: Path, cache: Path | None = None) -> None:
        global _index, _into, _cache
        self.todo = jobs(catalog)
        # Built once, before forking: every worker shares it.
        _index, _into, _cache = maps.Index(catalog), into, MapCache(cache)
        self.index = _index
        """The catalog as maps read it (pages use it for the legends)."""
        self._pool: Any = None
        self._pending: Any = None
        if len(self.todo) >= POOL_MIN_MAPS and can_fork():
            self._pool = multiprocessing.get_context("fork").Pool(2)
            self._pending = self._pool.map_async(_draw, self.todo, chunksize=32)

    def cancel(self) -> None:
        """Stop the workers (a failed build must not leave them running)."""
        global _index, _into, _cache
        if self._pool is not None:
            self._pool.terminate()
            self._pool.join()
            self._pool = None
        _index = _into = None
        _cache = MapCache(None)

    def result(self) -> list[str]:
        """Wait for every map to be written; their paths, in job order. Stored maps
        this build did not use are then removed from the cache."""
        try:
            here = self._pool is None
            drawn: list[tuple[str, str]] = (
                [_draw(job) for job in self.todo] if here else self._pending.get()
            )
            _cache.prune({key for _, key in drawn})
            return [name for name, _ in drawn]
        finally:
            self.cancel()


def draw_all(catalog: Catalog, into: Path, cache: Path | None = None) -> list[str]:
    """Draw and write every map now."""
    return Drawing(catalog, into, cache).result()
