"""Maps drawn by earlier builds, kept in the build folder and found by what they draw.

Laying out a map is most of a large build's time, and most maps do not change from
one build to the next: ``portal serve`` rebuilds after every edit, and CI may keep the
build folder between runs. A map is stored under a hash of its DOT source, the
Graphviz binding's version and the layout code, so a stored map is exactly what
drawing it again would give, and a changed map simply misses. After a build, maps it
did not use are removed, so the cache holds one site's worth.

The cache is the build folder's, written by this machine's builds only; nothing here
is trusted from elsewhere (a CI cache of the build folder is scoped to its branch).
"""

from __future__ import annotations

import hashlib
import os
from functools import cache
from importlib import metadata
from pathlib import Path

from generator.site import layout


@cache
def _salt() -> bytes:
    """What besides the DOT decides a map's bytes: the binding, our layout code and
    the font configuration Graphviz measures text with."""
    digest = hashlib.sha256(metadata.version("pygraphviz").encode())
    for part in (Path(layout.__file__), layout.FONTS_CONF):
        digest.update(part.read_bytes())
    return digest.digest()


class MapCache:
    """SVG files by key in ``folder`` (None: no cache, every map is drawn)."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder

    @staticmethod
    def key(dot: str) -> str:
        """The map's key: a hash of everything that decides its bytes."""
        return hashlib.sha256(_salt() + dot.encode()).hexdigest()

    def _path(self, key: str) -> Path:
        assert self.folder is not None
        return self.folder / key[:2] / f"{key}.svg"

    def get(self, key: str) -> bytes | None:
        """The stored map, or None."""
        if self.folder is None:
            return None
        try:
            return self._path(key).read_bytes()
        except OSError:
            return None

    def put(self, key: str, svg: bytes) -> None:
        """Store a map. Written beside and renamed into place, so a build stopped
        halfway never leaves half a map for the next one; a cache that cannot be
        written is skipped, never an error."""
        if self.folder is None:
            return
        path = self._path(key)
        temporary = path.with_name(f".{path.name}.{os.getpid()}")
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_bytes(svg)
            temporary.replace(path)
        except OSError:
            temporary.unlink(missing_ok=True)

    def prune(self, used: set[str]) -> None:
        """Remove every stored map but ``used`` (and anything else in the folder)."""
        if self.folder is None or not self.folder.is_dir():
            return
        for shard in self.folder.iterdir():
            for entry in shard.iterdir() if shard.is_dir() else [shard]:
                if entry.suffix != ".svg" or entry.stem not in used:
                    entry.unlink(missing_ok=True)
