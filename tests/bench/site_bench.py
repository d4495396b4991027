"""Benchmark: ``portal build`` at 1,000 and 4,000 entities, against a plain MkDocs
build of 4,000 bare pages with the same theme, in one run. Run by ``make bench``.

Prints, with PASS or MISS per target:
- build time at 1,000 and 4,000 entities and their ratio (<= 4.6: linear within 15%);
- average site bytes per entity at 4,000 (<= 40 KB);
- the 4,000-entity build against the plain build (<= 2.0);
- peak memory of each build (< 2 GB).
It is a report and exits 0 unless a build fails. Without ../shared it says so.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench import BIN, GEN, PORTAL, PYTHON, REPO, SHARED, check, measure

SIZES = (1_000, 4_000)
LINEAR_TARGET = 4.6
BYTES_TARGET = 40 * 1024
PLAIN_TARGET = 2.0
MEMORY_TARGET_MB = 2048


def site_bytes(site: Path) -> int:
    """Apparent size of every file of the site."""
    return sum(p.stat().st_size for p in site.rglob("*") if p.is_file())


def plain_site(folder: Path, pages: int) -> Path:
    """``pages`` bare Markdown pages, same theme, navigation trimmed as ours is."""
    docs = folder / "docs"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text("# Home\n\nBare pages.\n")
    for i in range(pages):
        (docs / f"page-{i}.md").write_text(f"# Page {i}\n\nA bare page with a paragraph of text.\n")
    (folder / "mkdocs.yml").write_text(
        "site_name: Plain\ntheme:\n  name: material\n  font: false\nnav:\n  - index.md\n"
        "not_in_nav: /page-*.md\nplugins:\n  - search\n"
    )
    return folder / "mkdocs.yml"


def main() -> int:
    if not GEN.is_file():
        print(f"skipped: {SHARED} is absent (needed for gen_catalog.py)")
        return 0
    results: dict[int, tuple[float, float, int]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        for n in SIZES:
            catalog = Path(tmp, f"catalog-{n}")
            check(measure([str(PYTHON), str(GEN), str(catalog), str(n)], REPO), "generate", (0,))
            site = Path(tmp, f"site-{n}")
            # A fresh build folder: its map cache must not make a run faster than a
            # first build is.
            build = ["--site-dir", str(site), "--build-dir", str(Path(tmp, f"build-{n}"))]
            run = check(
                measure([str(PORTAL), "build", "--catalog", str(catalog), *build], REPO),
                f"portal build ({n})",
                (0,),
            )
            results[n] = (run.seconds, run.peak_mb, site_bytes(site))
            print(
                f"{n:>6} entities: {run.seconds:6.1f} s, {run.peak_mb:6.0f} MB peak, "
                f"{results[n][2] / n / 1024:5.1f} KB per entity"
            )
        config = plain_site(Path(tmp, "plain"), SIZES[-1])
        plain = check(
            measure([str(BIN / "mkdocs"), "build", "-q", "-f", str(config)], REPO), "mkdocs", (0,)
        )
        print(f"  plain MkDocs, {SIZES[-1]} bare pages: {plain.seconds:6.1f} s")
    small, large = (results[n] for n in SIZES)
    linear = large[0] / small[0]
    per_entity = large[2] / SIZES[-1]
    versus_plain = large[0] / plain.seconds
    peak = max(r[1] for r in results.values())
    print("results:")
    for ok, text in (
        (
            linear <= LINEAR_TARGET,
            f"build time ratio {SIZES[-1]}/{SIZES[0]}: {linear:.2f} (target <= {LINEAR_TARGET})",
        ),
        (
            per_entity <= BYTES_TARGET,
            f"site bytes per entity: {per_entity / 1024:.1f} KB (target <= 40 KB)",
        ),
        (
            versus_plain <= PLAIN_TARGET,
            f"{SIZES[-1]}-entity build / plain MkDocs: {versus_plain:.2f} "
            f"(target <= {PLAIN_TARGET})",
        ),
        (peak < MEMORY_TARGET_MB, f"peak memory: {peak:.0f} MB (target < {MEMORY_TARGET_MB} MB)"),
    ):
        print(f"  {'PASS' if ok else 'MISS'}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
