"""Benchmark: ``portal build`` at 1,000 and 4,000 entities, against a plain MkDocs
build of 4,000 bare pages with the same theme, in one run; then the whole site of a
10,000-entity organisation against GitHub Pages' 1 GB. Run by ``make bench``.

Prints, with PASS or MISS per target:
- build time at 1,000 and 4,000 entities and their ratio (<= 4.6: linear within 15%);
- average site bytes per entity at 4,000 (<= 40 KB);
- the 4,000-entity build against the plain build (<= 2.0);
- peak memory of each build (< 2 GB);
- the whole site of 10,000 entities in a git repository with 5,000 commits of history,
  metrics (scorecards and a year of deployment events) and a 12.7 KB OpenAPI definition
  on every API, by part: <= 500 MB, so that with the TechDocs budget
  (``techdocs.max_total_bytes``, 400 MB by default) a site stays <= 900 MB, a tenth under
  the 1 GB GitHub Pages publishes.
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
WHOLE_ENTITIES, WHOLE_COMMITS = 10_000, 5_000
WHOLE_TARGET = 500_000_000
"""The catalog's share of the site (pages, maps, data, search, history, metrics)."""
DEFINITION = REPO / "catalog" / "claims" / "apis" / "definitions" / "claims-intake-api.openapi.yaml"


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


def _realistic(root: Path) -> int:
    """Give every generated API the example's largest OpenAPI definition, and the
    repository metrics to compute (its scorecards, seeded deployment events); commit."""
    import re
    import shutil
    import subprocess

    from history_bench import ENV

    sys.path.insert(0, str(REPO))
    from datetime import UTC, datetime

    from generator.metrics.sample import generate

    lines = DEFINITION.read_text().splitlines()
    body = "".join(f"    {line}\n" if line else "\n" for line in lines)
    stub = re.compile(  # what gen_catalog.py writes
        r"  definition: \|\n    openapi: 3\.0\.0\n    info:\n      title: \S+\n"
        r"      version: 1\.0\.0\n    paths: \{\}\n"
    )
    apis, components = 0, []
    for path in sorted((root / "catalog").rglob("*.yaml")):
        text = path.read_text()
        text, n = stub.subn(lambda _: "  definition: |\n" + body, text)
        apis += n
        path.write_text(text)
        components += re.findall(r"kind: Component\nmetadata:\n  name: (\S+)", text)
    shutil.copytree(REPO / "metrics" / "scorecards", root / "metrics" / "scorecards")
    pairs = [(f"component:default/{name}", "") for name in components]
    files = generate(pairs, end=datetime(2026, 11, 30, tzinfo=UTC), mixed=True, scale=0.2)
    (root / "metrics" / "events").mkdir(parents=True)
    for name, lines in files.items():
        (root / "metrics" / "events" / name).write_text("\n".join(lines) + "\n")
    who = {"NAME": "Bench", "EMAIL": "bench@example.com"}
    env = ENV | {f"GIT_{role}_{k}": v for role in ("AUTHOR", "COMMITTER") for k, v in who.items()}
    for argv in (["git", "add", "-A"], ["git", "commit", "-q", "-m", "Definitions and metrics"]):
        subprocess.run(argv, cwd=root, check=True, env=env)
    return apis


def whole_site(tmp: Path) -> tuple[bool, str]:
    """Build the 10,000-entity organisation with everything that weighs; its site by
    part, and the verdict against WHOLE_TARGET."""
    from history_bench import make_repo

    from generator.config import TechDocsConfig
    from generator.site.weight import folder_bytes

    root = tmp / "org"
    make_repo(root, WHOLE_ENTITIES, WHOLE_COMMITS)
    apis = _realistic(root)
    site = tmp / "org-site"
    argv = [str(PORTAL), "--root", str(root), "build", "--site-dir", str(site)]
    run = check(measure([*argv, "--build-dir", str(tmp / "org-build")], root), "portal build", (0,))
    parts = folder_bytes(site)
    total = sum(parts.values())
    print(
        f"whole site, {WHOLE_ENTITIES:,} entities ({apis:,} APIs with a "
        f"{DEFINITION.stat().st_size / 1024:.1f} KB definition), {WHOLE_COMMITS:,} commits, "
        f"metrics: {run.seconds:.1f} s, {run.peak_mb:.0f} MB peak"
    )
    for name, size in sorted(parts.items(), key=lambda kv: -kv[1])[:8]:
        print(f"  {name + '/' if (site / name).is_dir() else name:<16} {size / 1e6:8.1f} MB")
    per_entity = total / WHOLE_ENTITIES / 1024
    print(f"  {'total':<16} {total / 1e6:8.1f} MB ({per_entity:.1f} KB per entity)")
    warned = "warning: the site is" in run.stderr
    docs = TechDocsConfig().max_total_bytes
    return total <= WHOLE_TARGET and not warned, (
        f"whole site of {WHOLE_ENTITIES:,} entities with history, metrics and API "
        f"definitions: {total / 1e6:.0f} MB (target <= {WHOLE_TARGET / 1e6:.0f} MB; with the "
        f"{docs / 1e6:.0f} MB TechDocs budget {(total + docs) / 1e9:.2f} of GitHub Pages' 1 GB)"
    )


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
        whole = whole_site(Path(tmp))
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
        whole,
    ):
        print(f"  {'PASS' if ok else 'MISS'}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
