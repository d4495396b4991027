"""Scorecard levels over time: the records ``portal metrics snapshot`` writes, reading
them back (and refusing what is not one), and the trend the scorecards page shows."""

from __future__ import annotations

import json
import shutil
import subprocess
from datetime import date, timedelta
from pathlib import Path

import pytest

from generator.cli import main
from generator.metrics import level_trends, levels
from generator.metrics.levels import CardLevels, Record
from generator.metrics.rules import Scorecard
from tests.test_metrics_cli import _repo

DATA = Path(__file__).parent / "data" / "metrics"


def _scorecard_repo(tmp_path: Path) -> Path:
    root = _repo(tmp_path)
    (root / "metrics/scorecards").mkdir(parents=True)
    shutil.copy(DATA / "golden/scorecards/basics.yaml", root / "metrics/scorecards/basics.yaml")
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    subprocess.run(["git", "add", "-A"], cwd=root, check=True)
    who = ["-c", "user.name=T", "-c", "user.email=t@example.com"]
    subprocess.run(["git", *who, "commit", "-qm", "catalog"], cwd=root, check=True)
    return root


def test_snapshot_records_the_day_s_levels_and_the_commit(tmp_path, monkeypatch, capsys):
    root = _scorecard_repo(tmp_path)
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1710720000")  # 2024-03-18
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    assert main(["--root", str(root), "metrics", "snapshot", "--dry-run"]) == 0
    assert not (root / "metrics/levels").exists()
    assert main(["--root", str(root), "metrics", "snapshot"]) == 0
    head = subprocess.run(["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True)
    written = root / "metrics/levels/2024-03-18.json"
    assert capsys.readouterr().out.splitlines()[-1] == (
        "portal: wrote metrics/levels/2024-03-18.json: 1 scorecards, 1 scores, "
        f"commit {head.stdout[:12]}"
    )
    data = json.loads(written.read_text())
    assert data == {
        "version": 1,
        "date": "2024-03-18",
        "commit": head.stdout.strip(),
        "cards": {
            "basics": {
                "totals": {"bronze": 1},
                "teams": {"group:default/claims-team": {"bronze": 1}},
                "checks": {"owner": {"met": 1, "scored": 1}, "docs": {"met": 0, "scored": 1}},
            }
        },
    }
    records, findings = levels.load(root / "metrics/levels", root)
    assert findings == [] and levels.dumps(records[0]) == written.read_text()


def test_snapshot_writes_nothing_when_its_inputs_have_errors(tmp_path, monkeypatch, capsys):
    root = _scorecard_repo(tmp_path)
    with (root / "metrics/events/2024-03.jsonl").open("a") as events:
        events.write('{"kind": "deployment"}\n')
    assert main(["--root", str(root), "metrics", "snapshot"]) == 1
    assert "metrics.event-invalid" in capsys.readouterr().err
    assert not (root / "metrics/levels").exists()


@pytest.mark.parametrize(
    ("name", "text", "line", "problem"),
    [
        ("2024-03-18.json", '{\n "version": 1,\n "date": \n}', 4, "is not JSON (Expecting value)"),
        ("2024-03-18.json", '{"version": 2}', 1, "does not have the shape of a record (version"),
        ("2024-03-18.json", '{"version": 1, "date": "2024-03-18", "commit": "x", "cards": []}',
         1, "does not have the shape of a record (expected an object, found list)"),
        ("2024-03-18.json", '{"version": 1, "date": "2024-03-18", "commit": "x", "cards": '
         '{"a": {"totals": {"bronze": -1}, "teams": {}, "checks": {}}}}', 1,
         "does not have the shape of a record (-1 is not a count)"),
        ("2024-03-11.json", '{"version": 1, "date": "2024-03-18", "commit": "x", "cards": {}}',
         1, "holds the record of 2024-03-18 but is named 2024-03-11.json"),
        ("latest.json", '{"version": 1, "date": "2024-03-18", "commit": "x", "cards": {}}',
         1, "is not named by its date (YYYY-MM-DD.json)"),
    ],
)  # fmt: skip
def test_a_file_that_is_not_a_record_is_a_located_finding(tmp_path, name, text, line, problem):
    folder = tmp_path / "metrics/levels"
    folder.mkdir(parents=True)
    (folder / name).write_text(text)
    (folder / "README.md").write_text("not a record, and not read")
    records, findings = levels.load(folder, tmp_path)
    assert records == []
    [f] = findings
    assert (f.code, f.file, f.line, f.severity.value) == (
        "metrics.levels-invalid",
        f"metrics/levels/{name}",
        line,
        "error",
    )
    assert f.message.startswith(problem), f.message
    assert f.message.endswith("expected a record written by 'portal metrics snapshot'")


def test_a_record_reached_through_a_link_is_refused(tmp_path):
    folder = tmp_path / "levels"
    folder.mkdir()
    (tmp_path / "elsewhere.json").write_text("{}")
    (folder / "2024-03-18.json").symlink_to(tmp_path / "elsewhere.json")
    assert levels.load(folder, tmp_path)[1][0].message.startswith("is not a regular file")


def _card(minimum: str | None = "bronze", levels_: tuple[str, ...] = ("bronze", "silver")):
    return Scorecard("basics", "Basics", "", levels_, {}, (), minimum, {}, "x.yaml", 1)


def _record(day: str, silver: int, name: str = "basics") -> Record:
    counts = {"bronze": 4 - silver, "silver": silver}
    card = CardLevels(counts, {"group:default/a": counts}, {"docs": (silver, 4)})
    return Record(day, "c", {name: card})


def test_a_trend_has_one_point_a_week_up_to_today():
    records = [
        _record("2024-02-26", 0),  # Monday of week 9
        _record("2024-02-28", 1),  # the same week, later: this one counts
        _record("2024-03-04", 2, name="other"),  # another scorecard's
        _record("2024-03-06", 2),
        _record("2024-03-30", 4),  # after today: left out
    ]
    now = _record("2024-03-18", 3)
    shown = level_trends.points(_card(), records, now)
    assert [p.date for p in shown] == ["2024-02-28", "2024-03-06", "2024-03-18"]
    trend = level_trends.context(_card(), records, now)
    assert (trend["level"], trend["since"]) == ("silver", "2024-02-28")
    assert [share for _, _, share in trend["rows"]] == ["25%", "50%", "75%"]
    assert trend["teams"] == {"group:default/a": ("25%", "75%")}
    assert trend["checks"] == {"docs": ("25%", "75%")}


def test_a_trend_keeps_the_latest_weeks_only():
    mondays = [date(2024, 1, 1) + timedelta(weeks=w) for w in range(20)]
    records = [_record(day.isoformat(), 1) for day in mondays]
    shown = level_trends.points(_card(), records, _record("2024-06-03", 2))
    assert len(shown) == levels.TREND_POINTS == 12
    assert (shown[0].date, shown[-1].date) == ("2024-03-04", "2024-06-03")  # 11 + today


def test_without_records_there_is_no_trend_yet():
    assert level_trends.context(_card(), [], _record("2024-03-18", 1)) == {
        "points": 1,
        "level": "silver",
    }


@pytest.mark.parametrize(
    ("minimum", "expected"),
    [("bronze", "silver"), (None, "bronze"), ("silver", "silver")],
)
def test_the_trend_counts_from_the_level_above_the_gate(minimum, expected):
    assert level_trends.target(_card(minimum)) == expected
