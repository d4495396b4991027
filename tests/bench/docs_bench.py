"""Benchmark: the inputs that once made ``portal build`` quadratic or huge (issue 15),
each against a baseline measured in the same run. Run by ``make bench``.

Prints, with PASS or MISS per target:
- a flat TechDocs site (no nav) of 2,000 pages against one of 1,000 (<= 2.5: linear);
- a system of 600 components and ~4,800 dependsOn links against the same components
  and links in no system (<= 1.5: the system adds a 600-row page, its capped map and
  a system node on 600 maps; unbounded, its map alone took minutes);
- peak memory of a build publishing a 300 MB PDF against the same build without it
  (< 100 MB more: files are copied by streaming).
It is a report and exits 0 unless a build fails. It needs nothing from ../shared.
"""

from __future__ import annotations

import random
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench import PORTAL, REPO, Run, check, measure

PAGES = (1_000, 2_000)
PAGES_TARGET = 2.5
SYSTEM_TARGET = 1.5
PDF_MB = 300
PDF_TARGET_MB = 100
COMPONENT = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
{extra}spec:
  type: service
  lifecycle: production
  owner: user:someone
{spec}"""


def _repo(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "catalog").mkdir()
    (folder / "portal.yaml").write_text(
        'catalog:\n  external_refs: ["user:*"]\ntechdocs:\n  max_file_bytes: 400000000\n'
        "  max_site_bytes: 400000000\n  max_total_bytes: 400000000\n"
    )
    return folder


def docs_site(folder: Path, pages: int, pdf_mb: int = 0) -> Path:
    """One component with a flat docs site of ``pages`` pages (and a PDF)."""
    root = _repo(folder)
    svc = root / "catalog" / "svc"
    (svc / "docs").mkdir(parents=True)
    extra = "  annotations:\n    backstage.io/techdocs-ref: dir:.\n"
    (svc / "catalog-info.yaml").write_text(COMPONENT.format(name="svc", extra=extra, spec=""))
    (svc / "mkdocs.yml").write_text("site_name: Svc\n")
    (svc / "docs" / "index.md").write_text("# Svc\n\nThe service's docs.\n")
    for i in range(pages):
        text = f"# Page {i}\n\nA page of the service's docs, with a [link](index.md).\n"
        (svc / "docs" / f"page-{i:05}.md").write_text(text)
    if pdf_mb:
        with (svc / "docs" / "manual.pdf").open("wb") as out:  # one stream of random data
            out.write(f"%PDF-1.7\n1 0 obj\n<< /Length {pdf_mb << 20} >>\nstream\n".encode())
            block = random.Random(1).randbytes(1 << 20)
            for _ in range(pdf_mb):
                out.write(block)
            out.write(b"\nendstream\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n")
    return root


def dense_system(folder: Path, *, with_system: bool) -> Path:
    """600 components each depending on 8 others; with the system, all part of it."""
    root = _repo(folder)
    rnd = random.Random(7)
    docs = []
    if with_system:
        docs.append(
            "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: big\n"
            "spec:\n  owner: user:someone\n"
        )
    for i in range(600):  # the same links either way: only the system differs
        deps = sorted({f"component:c{rnd.randrange(600)}" for _ in range(8)} - {f"component:c{i}"})
        spec = ("  system: big\n" if with_system else "") + f"  dependsOn: [{', '.join(deps)}]\n"
        docs.append(COMPONENT.format(name=f"c{i}", extra="", spec=spec))
    (root / "catalog" / "all.yaml").write_text("---\n".join(docs))
    return root


def build(root: Path, what: str) -> Run:
    argv = [str(PORTAL), "--root", str(root), "build", "--build-dir", str(root / ".build")]
    run = check(measure(argv, REPO), what, (0,))
    print(f"  {what}: {run.seconds:6.1f} s, {run.peak_mb:6.0f} MB peak")
    return run


def main() -> int:
    with tempfile.TemporaryDirectory() as tmp:
        flat = {
            n: build(docs_site(Path(tmp, f"flat-{n}"), n), f"flat docs, {n} pages") for n in PAGES
        }
        plain = build(dense_system(Path(tmp, "plain"), with_system=False), "600 linked, no system")
        dense = build(dense_system(Path(tmp, "dense"), with_system=True), "600 in one system")
        small = build(docs_site(Path(tmp, "no-pdf"), 10), "docs without the PDF")
        big = build(docs_site(Path(tmp, "pdf"), 10, PDF_MB), f"docs with a {PDF_MB} MB PDF")
        published = Path(tmp, "pdf", "site/catalog/default/component/svc/docs/manual.pdf")
        if not published.is_file() or published.stat().st_size < PDF_MB << 20:
            raise SystemExit("the PDF was not published: the memory figure would mean nothing")
    pages = flat[PAGES[1]].seconds / flat[PAGES[0]].seconds
    system = dense.seconds / plain.seconds
    extra = big.peak_mb - small.peak_mb
    print("results:")
    for ok, text in (
        (
            pages <= PAGES_TARGET,
            f"docs build ratio {PAGES[1]}/{PAGES[0]} pages: {pages:.2f} (target <= {PAGES_TARGET})",
        ),
        (
            system <= SYSTEM_TARGET,
            f"dense system / same components: {system:.2f} (target <= {SYSTEM_TARGET})",
        ),
        (
            extra < PDF_TARGET_MB,
            f"peak memory with a {PDF_MB} MB PDF: +{extra:.0f} MB (target < {PDF_TARGET_MB} MB)",
        ),
    ):
        print(f"  {'PASS' if ok else 'MISS'}  {text}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
