"""Benchmark: every metric for the 10,000-entity catalog with 1,000,000 events, against
merely parsing those events' JSON, measured in the same run. Run by ``make bench``;
pytest does not collect it.

Events come from the seeded generator (``generator.metrics.sample``). Each side runs in
its own process, alternately, RUNS times; the medians are compared. "Every metric":
reading and checking the events, DORA's five keys for every component, team, system
and domain, weekly trends of the organisation and every team and system (what the
pages chart), the scorecards (this repository's
rules) and adoption. Loading the catalog is timed apart: it is validate's cost.

Both sides are single-threaded, so the ratio is taken on CPU time (it does not move
when other work shares the machine); wall times are printed too.
Targets: metrics / parse <= 3.0; peak RSS of the metrics process < 2 GB. A report:
it prints PASS or MISS and exits 0 unless a run crashes. Without ../shared it says so.
"""

from __future__ import annotations

import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GEN = REPO.parent / "shared" / "tools" / "gen_catalog.py"
PYTHON = REPO / ".venv" / "bin" / "python"
sys.path.insert(0, str(REPO / "tests" / "bench"))
from bench import measure  # noqa: E402  (the same wall-time and peak-RSS measurement)

ENTITIES = 10_000
EVENTS = 1_000_000
RUNS = 3
RATIO_TARGET = 3.0
MEMORY_TARGET_MB = 2048

PARSE = """
import json, sys, time
from pathlib import Path
start, cpu = time.perf_counter(), time.process_time()
n = 0
for path in sorted(Path(sys.argv[1]).glob("*.jsonl")):
    for line in path.read_text(encoding="utf-8").splitlines():
        json.loads(line)
        n += 1
print(json.dumps({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu,
                  "lines": n}))
"""

METRICS = """
import json, sys, time
from pathlib import Path
from generator.catalog import load_catalog
from generator.config import load_config
from generator.metrics.analysis import analyse
root = Path(sys.argv[1])
config = load_config(root)
began = time.perf_counter()
catalog = load_catalog(None, config)
loaded, cpu = time.perf_counter(), time.process_time()
found = analyse(catalog, [], config)
report = found.report
for key in ["", *report.teams, *report.systems]:  # the trends the pages chart
    report.trend(key)
done, cpu = time.perf_counter(), time.process_time() - cpu
levels = sum(len(s) for s in found.scorecards.scores.values())
print(json.dumps({"seconds": done - loaded, "cpu": cpu, "catalog": loaded - began,
                  "deployments": report.org.deployments, "scored": levels,
                  "findings": len(found.findings)}))
"""


def _events(root: Path) -> int:
    """Write about EVENTS seeded events for the catalog's components."""
    sys.path.insert(0, str(REPO))
    from datetime import UTC, datetime

    from generator.catalog import load_catalog
    from generator.config import load_config
    from generator.metrics.analysis import scopes
    from generator.metrics.sample import generate

    catalog = load_catalog(None, load_config(root))
    teams = scopes(catalog).team
    components = [(e.key, teams.get(e.key, "")) for e in catalog.of_kind("Component")]
    # About 167 events a component over 180 days at scale 1 would be 1.4 M: scale down.
    files = generate(components, end=datetime(2026, 11, 30, tzinfo=UTC), mixed=True, scale=0.75)
    folder = root / "metrics" / "events"
    folder.mkdir(parents=True)
    for name, lines in files.items():
        (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sum(len(lines) for lines in files.values())


def main() -> int:
    if not GEN.is_file():
        print(f"metrics bench: skipped, {GEN} not found (../shared is absent)")
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        subprocess.run([sys.executable, str(GEN), str(root / "catalog"), str(ENTITIES)],
                       check=True, capture_output=True)  # fmt: skip
        shutil.copytree(REPO / "metrics" / "scorecards", root / "metrics" / "scorecards")
        count = _events(root)
        size = sum(p.stat().st_size for p in (root / "metrics/events").glob("*.jsonl"))
        print(f"metrics bench: {ENTITIES:,} entities, {count:,} events ({size / 1e6:.0f} MB)")
        parse, metrics, peaks, parse_cpu, metrics_cpu = [], [], [], [], []
        for _ in range(RUNS):
            p = measure([str(PYTHON), "-c", PARSE, str(root / "metrics/events")], REPO)
            m = measure([str(PYTHON), "-c", METRICS, str(root)], REPO)
            if p.code or m.code:
                print(p.stderr[-2000:], m.stderr[-2000:])
                return 1
            parsed, result = json.loads(p.stdout), json.loads(m.stdout)
            parse.append(parsed["seconds"])
            parse_cpu.append(parsed["cpu"])
            metrics.append(result["seconds"])
            metrics_cpu.append(result["cpu"])
            peaks.append(m.peak_mb)
        p_med, m_med = statistics.median(parse), statistics.median(metrics)
        p_cpu, m_cpu = statistics.median(parse_cpu), statistics.median(metrics_cpu)
        ratio = m_cpu / p_cpu
        print(f"  parsing the JSON only (json.loads a line): {p_med:.2f} s wall, "
              f"{p_cpu:.2f} s CPU (median of {RUNS})")  # fmt: skip
        print(f"  every metric: {m_med:.2f} s wall, {m_cpu:.2f} s CPU (catalog load apart: "
              f"{result['catalog']:.2f} s; {result['deployments']:,} deployments in the "
              f"window, {result['scored']:,} entities scored; decoded with msgspec)")  # fmt: skip
        verdict = "PASS" if ratio <= RATIO_TARGET else "MISS"
        print(
            f"  ratio {ratio:.2f} in CPU time, {m_med / p_med:.2f} in wall time "
            f"(target <= {RATIO_TARGET}): {verdict}"
        )
        peak = max(peaks)
        verdict = "PASS" if peak < MEMORY_TARGET_MB else "MISS"
        print(f"  peak RSS {peak:.0f} MB (target < {MEMORY_TARGET_MB} MB): {verdict}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
