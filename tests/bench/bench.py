"""Benchmark: ``portal validate`` against the peer baseline on a 10,000-entity catalog,
then the time it takes to refuse hostile files. Run by ``make bench``; pytest does not
collect it (no ``test_`` prefix).

It is a report: it prints PASS or MISS per target and exits 0, unless a command crashes
(an exit code other than the expected ones, or a signal), which exits 1. Without
``../shared`` (the generator script, the peer and the schemas) it says so and exits 0.

Targets: ours/peer median wall time <= 0.35; our peak RSS < 500 MB; each hostile file
refused (exit 1 with the expected finding) in < 1 s.
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
SHARED = REPO.parent / "shared"
GEN = SHARED / "tools" / "gen_catalog.py"
PEER = SHARED / "tools" / "peer_validate.py"
SCHEMAS = SHARED / "conformance" / "backstage" / "schema"
BIN = REPO / ".venv" / "bin"
PYTHON = BIN / "python" if (BIN / "python").exists() else Path(sys.executable)
PORTAL = BIN / "portal"
TIME = Path("/usr/bin/time")

ENTITIES = 10_000
RUNS = 5
RATIO_TARGET = 0.35
MEMORY_TARGET_MB = 500
REFUSE_TARGET_S = 1.0


class Crash(Exception):
    """A measured command failed in a way a report cannot explain."""


@dataclass
class Run:
    code: int
    seconds: float
    peak_mb: float
    stdout: str
    stderr: str


def measure(argv: list[str], cwd: Path) -> Run:
    """Run one command; wall time from here, peak RSS of that child alone.

    ``getrusage(RUSAGE_CHILDREN)`` is a maximum over every child so far, so it cannot
    tell runs apart: GNU time reports the child's own ``ru_maxrss``; without it,
    ``os.wait4`` returns the same figure for the one process waited for."""
    with tempfile.TemporaryDirectory() as tmp:
        out_path, err_path, rss_path = (Path(tmp, n) for n in ("out", "err", "rss"))
        use_time = TIME.is_file() and os.access(TIME, os.X_OK)
        command = [str(TIME), "-f", "%M", "-o", str(rss_path), *argv] if use_time else argv
        with out_path.open("wb") as out, err_path.open("wb") as err:
            start = time.perf_counter()
            proc = subprocess.Popen(command, cwd=cwd, stdout=out, stderr=err)
            _, status, usage = os.wait4(proc.pid, 0)
            seconds = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        if use_time:
            lines = rss_path.read_text().split()  # "Command exited with non-zero status N" first
            peak_kb = float(lines[-1])
        else:
            peak_kb = usage.ru_maxrss  # kilobytes on Linux
        return Run(code, seconds, peak_kb / 1024, out_path.read_text(), err_path.read_text())


def check(run: Run, what: str, codes: tuple[int, ...]) -> Run:
    if run.code not in codes:
        raise Crash(
            f"{what} exited with {run.code} (expected {' or '.join(map(str, codes))})\n"
            f"stdout:\n{run.stdout[-2000:]}\nstderr:\n{run.stderr[-2000:]}"
        )
    return run


def verdict(ok: bool) -> str:
    return "PASS" if ok else "MISS"


def throughput(catalog: Path) -> list[str]:
    ours_cmd = [str(PORTAL), "validate", str(catalog)]
    peer_cmd = [str(PYTHON), str(PEER), str(SCHEMAS), str(catalog)]
    ours: list[Run] = []
    peer: list[Run] = []
    for i in range(RUNS):  # alternate, so drift (caches, other load) hits both alike
        ours.append(check(measure(ours_cmd, REPO), "portal validate", (0,)))
        peer.append(check(measure(peer_cmd, REPO), "peer_validate.py", (0,)))
        print(
            f"  run {i + 1}: ours {ours[-1].seconds:6.2f} s {ours[-1].peak_mb:6.0f} MB   "
            f"peer {peer[-1].seconds:6.2f} s {peer[-1].peak_mb:6.0f} MB",
            flush=True,
        )
    print(f"  ours: {ours[-1].stdout.strip().splitlines()[-1]}")
    print(f"  peer: {peer[-1].stdout.strip()}")
    ours_s = statistics.median(r.seconds for r in ours)
    peer_s = statistics.median(r.seconds for r in peer)
    ratio = ours_s / peer_s
    ours_mb = max(r.peak_mb for r in ours)
    peer_mb = max(r.peak_mb for r in peer)
    print(f"  median wall time: ours {ours_s:.2f} s, peer {peer_s:.2f} s")
    print(f"  peak RSS:         ours {ours_mb:.0f} MB, peer {peer_mb:.0f} MB")
    return [
        f"{verdict(ratio <= RATIO_TARGET)}  time ratio ours/peer {ratio:.2f} "
        f"(target <= {RATIO_TARGET})",
        f"{verdict(ours_mb < MEMORY_TARGET_MB)}  our peak memory {ours_mb:.0f} MB "
        f"(target < {MEMORY_TARGET_MB} MB)",
    ]


def hostile_files(folder: Path) -> dict[str, tuple[Path, str]]:
    """Each hostile file and the finding code that must refuse it."""
    folder.mkdir()
    big = folder / "six-megabytes.yaml"
    entity = (
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc-{i}\n"
        "spec:\n  type: service\n  lifecycle: production\n  owner: team-a\n---\n"
    )
    with big.open("w") as f:
        i = 0
        while f.tell() < 6 * 1024 * 1024:
            f.write(entity.format(i=i))
            i += 1
    laughs = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, name in zip("abcdefgh", "bcdefghi", strict=True):
        laughs.append(f"{name}: &{name} [{','.join([f'*{prev}'] * 9)}]")
    (folder / "alias-bomb.yaml").write_text("\n".join(laughs) + "\n")
    merge = ["l0: &l0 {k0: 0}"]
    merge += [f"l{n}: &l{n} {{<<: [*l{n - 1}, *l{n - 1}], k{n}: {n}}}" for n in range(1, 25)]
    (folder / "merge-bomb.yaml").write_text("\n".join(merge) + "\n")
    (folder / "deep.yaml").write_text("[" * 200_000)
    return {
        "6 MB catalog file": (big, "file.too-large"),
        "alias bomb (9 x 9 levels)": (folder / "alias-bomb.yaml", "yaml.alias-limit"),
        "merge-key bomb (24 levels)": (folder / "merge-bomb.yaml", "yaml.alias-limit"),
        "200,000 nested '['": (folder / "deep.yaml", "yaml.depth-limit"),
    }


def refusals(folder: Path) -> list[str]:
    results = []
    for what, (path, code) in hostile_files(folder).items():
        run = check(
            measure([str(PORTAL), "validate", "--format", "json", str(path)], REPO), what, (1,)
        )
        codes = {f["code"] for f in json.loads(run.stdout)["findings"]}
        refused = code in codes
        fast = run.seconds < REFUSE_TARGET_S
        size = path.stat().st_size
        print(
            f"  {what}: {size:,} bytes, exit {run.code}, {sorted(codes)}, "
            f"{run.seconds:.2f} s, {run.peak_mb:.0f} MB"
        )
        results.append(
            f"{verdict(refused and fast)}  {what} refused with {code} in {run.seconds:.2f} s "
            f"(target < {REFUSE_TARGET_S:.0f} s)" + ("" if refused else f"; got {sorted(codes)}")
        )
    return results


def main() -> int:
    missing = [p for p in (GEN, PEER, SCHEMAS) if not p.exists()]
    if missing:
        print(f"bench skipped: {', '.join(map(str, missing))} not found (../shared is absent)")
        return 0
    if not PORTAL.exists():
        print(f"bench skipped: {PORTAL} not found; run `make install` first")
        return 0
    tmp = Path(tempfile.mkdtemp(prefix="portal-bench-"))
    try:
        catalog = tmp / "catalog"
        made = subprocess.run(
            [str(PYTHON), str(GEN), str(catalog), str(ENTITIES)],
            check=True,
            capture_output=True,
            text=True,
        )
        files = sum(1 for _ in catalog.rglob("*.yaml"))
        size = sum(p.stat().st_size for p in catalog.rglob("*.yaml"))
        print(f"catalog: {made.stdout.strip()} entities in {files} files, {size / 1e6:.1f} MB")
        print(f"throughput ({RUNS} runs each, alternating):")
        results = throughput(catalog)
        print("hostile files:")
        results += refusals(tmp / "hostile")
    except Crash as crash:
        print(f"CRASH: {crash}")
        return 1
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    print("results:")
    for line in results:
        print(f"  {line}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
