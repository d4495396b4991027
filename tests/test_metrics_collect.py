"""``portal metrics collect`` against the in-memory GitHub: incremental, idempotent,
rate-limit aware, and what it writes loads back as valid events."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from generator.commands.metrics import collect
from generator.config import load_config
from generator.forge import Commit, Deployment, Issue
from generator.forge.fake import FakeForge
from generator.metrics.events import load_events

PAVED = ".github/workflows/deploy.yml"
T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: claims-api
  annotations:
    github.com/project-slug: acme/claims-api
spec:
  type: service
  lifecycle: production
  owner: team-a
---
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
"""


def _h(hours: float) -> datetime:
    return T0 + timedelta(hours=hours)


def _forge(budget: int | None = None) -> FakeForge:
    forge = FakeForge(budget=budget)
    repo = forge.add_repo("acme/claims-api")
    repo.history = [Commit(f"c{i}", _h(i)) for i in range(1, 7)]
    repo.deployments = [
        Deployment(1, "c2", "production", _h(3), (("success", _h(3)),), PAVED),
        Deployment(2, "c4", "production", _h(5), (("failure", _h(5)),), PAVED),
        Deployment(3, "c5", "production", _h(6), (("success", _h(6.5)),), "Jenkinsfile"),
        Deployment(4, "c6", "production", _h(8), (("in_progress", _h(8)),)),
        Deployment(5, "c6", "staging", _h(7), (("success", _h(7)),)),
    ]  # fmt: skip
    repo.issues = [
        Issue(7, "Checkout down", "closed", _h(5.5), _h(7), ("incident",), "root cause: c4"),
        Issue(8, "Slow", "open", _h(9), None, ("incident",), ""),
        Issue(9, "Typo", "open", _h(9), None, ("bug",), ""),
    ]
    return forge


def _repo(tmp_path: Path) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "all.yaml").write_text(COMPONENT)
    return tmp_path


def _run(root: Path, forge: FakeForge, **kw) -> int:
    kw.setdefault("since", "2026-03-01")
    return collect(load_config(root), dry_run=False, max_wait=0, forge=forge, **kw)


def _lines(root: Path) -> list[dict]:
    text = (root / "metrics/events/2026-03.jsonl").read_text()
    return [json.loads(x) for x in text.splitlines()]


def test_collect_writes_deployments_changes_and_incidents(tmp_path):
    root = _repo(tmp_path)
    assert _run(root, _forge()) == 0
    lines = _lines(root)
    deps = {d["id"]: d for d in lines if d["kind"] == "deployment"}
    assert sorted(deps) == ["1", "2", "3"]  # 4 is in progress, 5 is staging
    assert deps["3"]["changes"] == ["c3", "c4", "c5"]  # everything since the last success
    assert deps["3"]["rework"] is True  # made while incident #7 was open
    assert deps["3"]["workflow"] == "Jenkinsfile"
    incidents = {i["id"]: i for i in lines if i["kind"] == "incident"}
    assert sorted(incidents) == ["acme/claims-api#7", "acme/claims-api#8"]
    assert incidents["acme/claims-api#7"]["cause"] == "3"  # c4 first shipped in 3 (2 failed)
    events = load_events(root / "metrics/events", root)
    assert events.findings == []
    assert len(events.deployments) == 3


def test_a_second_run_is_idempotent_and_reads_on_from_where_it_stopped(tmp_path):
    root = _repo(tmp_path)
    forge = _forge()
    _run(root, forge)
    before = (root / "metrics/events/2026-03.jsonl").read_text()
    state = json.loads((root / "metrics/collect-state.json").read_text())
    assert state["repositories"]["acme/claims-api"]["last_sha"] == "c5"
    forge.calls.clear()
    _run(root, forge)
    assert (root / "metrics/events/2026-03.jsonl").read_text() == before
    # Deployment 4 finishes; the next run adds it with the commit since c5 only.
    forge.repos["acme/claims-api"].deployments[3] = Deployment(
        4, "c6", "production", _h(8), (("success", _h(8.2)),), ".github/workflows/deploy.yml"
    )
    _run(root, forge)
    deps = {d["id"]: d for d in _lines(root) if d["kind"] == "deployment"}
    assert deps["4"]["changes"] == ["c6"]
    assert ("compare", "acme/claims-api", "c5", "c6") in forge.calls


def test_a_rate_limit_stops_cleanly_keeping_what_was_fetched(tmp_path, capsys):
    root = _repo(tmp_path)
    assert _run(root, _forge(budget=2)) == 0  # deployments, one compare, then the limit
    err = capsys.readouterr().err
    assert "stopped early: GitHub's rate limit is spent" in err
    kept = [d["id"] for d in _lines(root) if d["kind"] == "deployment"]
    assert kept == ["1", "2"]
    state = json.loads((root / "metrics/collect-state.json").read_text())
    assert state["repositories"] == {}  # the repository is read again whole next time
    assert _run(root, _forge()) == 0
    assert sorted(d["id"] for d in _lines(root) if d["kind"] == "deployment") == ["1", "2", "3"]
