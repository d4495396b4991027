"""``portal metrics`` through the CLI: the JSON shape, text, windows, and no events."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from generator.cli import main

DATA = Path(__file__).parent / "data" / "metrics"
CATALOG = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: claims-team
spec:
  type: team
  children: []
---
apiVersion: backstage.io/v1alpha1
kind: System
metadata:
  name: claims
spec:
  owner: claims-team
---
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: claims-api
spec:
  type: service
  lifecycle: production
  owner: claims-team
  system: claims
"""


def _repo(tmp_path: Path, events: bool = True) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog/all.yaml").write_text(CATALOG)
    if events:
        (tmp_path / "metrics/events").mkdir(parents=True)
        shutil.copy(DATA / "worked-example.jsonl", tmp_path / "metrics/events/2024-03.jsonl")
    return tmp_path


def test_json_has_the_documented_shape(tmp_path, capsys):
    root = _repo(tmp_path)
    argv = ["--root", str(root), "metrics", "--since", "2024-03-04", "--until", "2024-03-17"]
    assert main([*argv, "--format", "json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["window"] == {"since": "2024-03-04T00:00:00Z", "until": "2024-03-18T00:00:00Z"}
    org = doc["org"]
    assert (org["deployments"], org["deployment_frequency_per_week"]) == (5, 2.0)
    assert (org["lead_time_median_hours"], org["lead_time_p90_hours"]) == (2.0, 24.2)
    assert (org["change_failure_rate"], org["recovery_time_median_hours"]) == (0.6, 18.25)
    assert org["rework_rate"] == 0.2 and org["tier"]["lead_time"] == "elite"
    assert list(doc["entities"]) == ["component:default/claims-api"]
    assert (
        doc["teams"]["group:default/claims-team"] == doc["entities"]["component:default/claims-api"]
    )
    assert list(doc["systems"]) == ["system:default/claims"]
    assert doc["findings"] == []


def test_text_shows_agility_and_stability_apart(tmp_path, capsys):
    root = _repo(tmp_path)
    assert main(["--root", str(root), "metrics", "--since", "2024-03-04", "--until",
                 "2024-03-17"]) == 0  # fmt: skip
    out = capsys.readouterr().out
    assert out.startswith("DORA metrics from 2024-03-04 to 2024-03-17 (14 days)")
    assert "agility: deployment frequency high, lead time elite; stability: change failure " \
           "rate low, recovery time high/medium, rework rate high/medium" in out  # fmt: skip


def test_the_default_window_ends_with_the_newest_event(tmp_path, capsys):
    root = _repo(tmp_path)
    assert main(["--root", str(root), "metrics", "--format", "json"]) == 0
    window = json.loads(capsys.readouterr().out)["window"]
    assert window == {"since": "2023-12-14T00:00:00Z", "until": "2024-03-13T00:00:00Z"}


def test_no_events_says_so(tmp_path, capsys):
    root = _repo(tmp_path, events=False)
    assert main(["--root", str(root), "metrics"]) == 0
    assert capsys.readouterr().out.startswith("No events: metrics/events/ holds none.")


def test_a_bad_date_is_a_usage_error(tmp_path, capsys):
    root = _repo(tmp_path)
    assert main(["--root", str(root), "metrics", "--since", "March"]) == 2
    assert "'March' is not a date: use YYYY-MM-DD" in capsys.readouterr().err
    assert main(["--root", str(root), "metrics", "--since", "2024-03-10", "--until",
                 "2024-03-01"]) == 2  # fmt: skip


def test_a_bad_event_line_fails_with_its_location(tmp_path, capsys):
    root = _repo(tmp_path)
    with (root / "metrics/events/2024-03.jsonl").open("a") as f:
        f.write('{"kind": "change", "entity": "claims-api", "sha": "x", "time": "soon"}\n')
    assert main(["--root", str(root), "metrics"]) == 1
    err = capsys.readouterr().err
    assert "metrics/events/2024-03.jsonl:16:1: error[metrics.event-invalid] 'time' is not an " \
           "ISO 8601 time: 'soon'; this line is not counted" in err  # fmt: skip
    assert main(["--root", str(root), "validate"]) == 1


def test_collect_without_a_token_says_what_to_set(tmp_path, monkeypatch, capsys):
    root = _repo(tmp_path)
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    assert main(["--root", str(root), "metrics", "collect", "--dry-run"]) == 2
    assert capsys.readouterr().err == "portal: no GitHub token: set GITHUB_TOKEN (or GH_TOKEN)\n"
    assert sorted(p.name for p in (root / "metrics").iterdir()) == ["events"]  # nothing new
