"""How heavy the built site is, against GitHub Pages' limit.

GitHub Pages publishes sites of at most 1 GB ("Published GitHub Pages sites may be no
larger than 1 GB"); a larger artifact fails to deploy after the build has passed. The
build says so before that: a warning from 80 % of the limit, with what weighs most.
TechDocs have their own budget (``techdocs.max_total_bytes``, 40 % of the limit by
default); the catalog's pages, maps and data are measured in ``make bench``
(tests/bench/site_bench.py: a 10,000-entity organisation within half the limit).
"""

from __future__ import annotations

import os
from pathlib import Path

PAGES_LIMIT = 1_000_000_000
"""GitHub Pages' limit on a published site, in bytes (1 GB, decimal: the stricter)."""
WARN_SHARE = 0.8


def folder_bytes(folder: Path) -> dict[str, int]:
    """Bytes of every file below ``folder``, by its top-level entry (walked with scandir:
    a 10,000-entity site has some 60,000 files)."""
    out: dict[str, int] = {}
    with os.scandir(folder) as entries:
        for entry in entries:
            out[entry.name] = _bytes(entry)
    return out


def _bytes(entry: os.DirEntry[str]) -> int:
    if entry.is_file(follow_symlinks=False):
        return entry.stat(follow_symlinks=False).st_size
    if not entry.is_dir(follow_symlinks=False):
        return 0
    with os.scandir(entry.path) as entries:
        return sum(_bytes(child) for child in entries)


def warning(parts: dict[str, int], limit: int | None = None) -> str | None:
    """A warning when the site is near (or over) the limit (``PAGES_LIMIT`` unless
    given), naming its heaviest parts."""
    limit = PAGES_LIMIT if limit is None else limit
    total = sum(parts.values())
    if total < limit * WARN_SHARE:
        return None
    heaviest = sorted(parts.items(), key=lambda kv: (-kv[1], kv[0]))[:3]
    named = ", ".join(f"{name}/ {size / 1e6:,.0f} MB" for name, size in heaviest)
    verb = "is over" if total > limit else "is near"
    return (
        f"the site is {total / 1e6:,.0f} MB and {verb} GitHub Pages' limit of "
        f"{limit / 1e9:g} GB for a published site (heaviest: {named}); move large "
        "TechDocs files to a file store, or lower techdocs.max_total_bytes"
    )
