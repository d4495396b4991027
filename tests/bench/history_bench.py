"""Benchmark: entity history over a long git history, against plain ``git log
--name-only`` over the same repository in the same run; and the site's weight per
entity once pages carry history. Run by ``make bench``.

The repository: the 10,000-entity synthetic catalog committed once, then 4,999 commits
of one to three files each (descriptions edited, owners changed, files moved to another
folder), made with ``git fast-import`` in a few seconds.

Prints, with PASS or MISS per target:
- ``portal history --format json`` (every entity, every change, field by field) against
  ``git log --first-parent --name-only`` of the same paths: ratio <= 25;
- site bytes per entity of a 4,000-entity build with 2,000 commits of history (<= 40 KB).
It is a report and exits 0 unless a command fails. Without ../shared it says so.
"""

from __future__ import annotations

import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))
from bench import GEN, PORTAL, PYTHON, REPO, SHARED, check, measure
from site_bench import BYTES_TARGET, site_bytes

COMMITS = 5_000
RUNS = 3
RATIO_TARGET = 25.0
SITE_ENTITIES, SITE_COMMITS = 4_000, 2_000
ENV = {**os.environ, "GIT_CONFIG_GLOBAL": os.devnull, "GIT_CONFIG_NOSYSTEM": "1"}


def _data(text: str) -> bytes:
    raw = text.encode()
    return b"data %d\n" % len(raw) + raw + b"\n"


def make_repo(root: Path, entities: int, commits: int) -> int:
    """A repository of the synthetic catalog with ``commits`` commits; how many files."""
    catalog = root / "catalog"
    check(measure([str(PYTHON), str(GEN), str(catalog), str(entities)], REPO), "generate", (0,))
    files = {p.relative_to(root).as_posix(): p.read_text() for p in sorted(catalog.rglob("*.yaml"))}
    names = sorted(files)
    shutil.rmtree(catalog)  # the working tree is checked out from the last commit
    stream = bytearray()
    epoch = 1_700_000_000

    def commit(i: int, message: str, changes: bytes) -> None:
        stream.extend(b"commit refs/heads/main\nmark :%d\n" % i)
        stream.extend(b"committer Bench <bench@example.com> %d +0000\n" % (epoch + i * 3600))
        stream.extend(_data(message))
        if i > 1:
            stream.extend(b"from :%d\n" % (i - 1))
        stream.extend(changes)

    first = b"".join(b"M 100644 inline %s\n" % n.encode() + _data(files[n]) for n in names)
    commit(1, "Import the catalog", first)
    for i in range(2, commits + 1):
        changes = bytearray()
        for step in range(1 + i % 3):
            name = names[(i * 7919 + step * 104729) % len(names)]
            text = files[name]
            if i % 10 == 0 and step == 0:  # move the file to another folder
                moved = (
                    name.replace("catalog/", "catalog/moved/", 1)
                    if "/moved/" not in name
                    else name.replace("moved/", "", 1)
                )
                changes += b"D %s\n" % name.encode()
                changes += b"M 100644 inline %s\n" % moved.encode() + _data(text)
                del files[name]
                files[moved] = text
                names[names.index(name)] = moved
                continue
            if i % 7 == 0:  # hand the file's first entity to another team
                text = re.sub(r"owner: group-\d+", f"owner: group-{i % 3}", text, count=1)
            else:
                text = text.replace("description: ", f"description: r{i} ", 1)
            files[name] = text
            changes += b"M 100644 inline %s\n" % name.encode() + _data(text)
        commit(i, f"Change {i} (#{i})", bytes(changes))
    subprocess.run(["git", "init", "-q", "-b", "main", str(root)], check=True, env=ENV)
    subprocess.run(
        ["git", "fast-import", "--quiet"], cwd=root, input=bytes(stream), check=True, env=ENV
    )
    subprocess.run(["git", "checkout", "-q", "-f", "main"], cwd=root, check=True, env=ENV)
    return len(names)


def history_ratio(root: Path) -> str:
    plain_cmd = [
        "git",
        "log",
        "--first-parent",
        "--name-only",
        "--format=%H %an %cI %s",
        "HEAD",
        "--",
        "catalog",
    ]
    ours_cmd = [str(PORTAL), "--root", str(root), "history", "--format", "json"]
    plain, ours = [], []
    for i in range(RUNS):
        plain.append(check(measure(plain_cmd, root), "git log", (0,)))
        ours.append(check(measure(ours_cmd, root), "portal history", (0,)))
        print(
            f"  run {i + 1}: portal history {ours[-1].seconds:6.2f} s {ours[-1].peak_mb:5.0f} MB"
            f"   git log {plain[-1].seconds:5.2f} s",
            flush=True,
        )
    ours_s = statistics.median(r.seconds for r in ours)
    plain_s = statistics.median(r.seconds for r in plain)
    ratio = ours_s / plain_s
    ok = "PASS" if ratio <= RATIO_TARGET else "MISS"
    return (
        f"{ok}  history of {COMMITS} commits: portal {ours_s:.2f} s, git log {plain_s:.2f} s, "
        f"ratio {ratio:.1f} (target <= {RATIO_TARGET:.0f}); "
        f"peak {max(r.peak_mb for r in ours):.0f} MB"
    )


def site_weight(tmp: Path) -> str:
    root = tmp / "site-repo"
    make_repo(root, SITE_ENTITIES, SITE_COMMITS)
    site = tmp / "site"
    argv = [
        str(PORTAL),
        "--root",
        str(root),
        "build",
        "--site-dir",
        str(site),
        "--build-dir",
        str(tmp / "b"),
    ]
    run = check(measure(argv, root), "portal build", (0,))
    per_entity = site_bytes(site) / SITE_ENTITIES
    pages = sum(1 for _ in site.glob("catalog/*/*/*/history/index.html"))
    print(
        f"  build of {SITE_ENTITIES} entities with {SITE_COMMITS} commits: {run.seconds:.1f} s, "
        f"{run.peak_mb:.0f} MB, {pages} history pages"
    )
    ok = "PASS" if per_entity <= BYTES_TARGET else "MISS"
    return f"{ok}  site bytes per entity with history: {per_entity / 1024:.1f} KB (target <= 40 KB)"


def main() -> int:
    if not GEN.is_file():
        print(f"skipped: {SHARED} is absent (needed for gen_catalog.py)")
        return 0
    with tempfile.TemporaryDirectory() as folder:
        tmp = Path(folder)
        files = make_repo(tmp / "repo", 10_000, COMMITS)
        print(f"repository: 10,000 entities in {files} files, {COMMITS} commits")
        results = [history_ratio(tmp / "repo"), site_weight(tmp)]
    print("results:")
    for line in results:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
