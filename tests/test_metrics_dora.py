"""DORA's five keys: the worked example of shared/docs/dora.md §8 computed by hand under
our definitions (generator/metrics/dora.py), and the edge cases it lists."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from generator.metrics import dora
from generator.metrics.events import Reader, check_entities

DATA = Path(__file__).parent / "data" / "metrics"
API = "component:default/claims-api"


def _t(text: str) -> float:
    return datetime.fromisoformat(text).timestamp()


WINDOW = dora.Window(_t("2024-03-04T00:00:00Z"), _t("2024-03-18T00:00:00Z"))  # Mon..Sun x2


def _events(lines: list[str], file: str = "metrics/events/2024-03.jsonl"):
    reader = Reader()
    reader.read_lines(lines, file)
    return reader.events


def _example_lines() -> list[str]:
    return (DATA / "worked-example.jsonl").read_text().splitlines()


def _org(lines: list[str], window: dora.Window = WINDOW) -> dora.Summary:
    events = _events(lines)
    assert events.findings == []
    return dora.compute(events, dora.Scopes({}, {}, {}), window).org


def test_worked_example_by_hand():
    """Lead times in hours, per commit, to its first successful deployment:
    c1 27, c2 23, c3 2 (D1); c4 2, c5 0.5 (D2); c7 5h00m10s, c6 40 s (D3, kept: exact
    seconds, not truncated minutes); c8 1 (D5; D4 failed). Sorted: 0.011, 0.5, 1, 2, 2,
    5.003, 23, 27: median (2 + 2) / 2 = 2 h; p90 at position 6.3 = 23 + 0.3 * 4 = 24.2 h.
    CFR: D4 failed, D2 and D5 caused incidents: 3 of 5 = 0.6. Recovery: 6.5 h and 30 h,
    median 18.25 h. Rework: D5 of 5 = 0.2. Frequency: 4 successes in 2 weeks = 2 a
    week; deploy days 3 then 1, median 2: high."""
    org = _org(_example_lines())
    assert org.as_json() == {
        "deployments": 5,
        "successful_deployments": 4,
        "failed_deployments": 1,
        "deployment_frequency_per_week": 2.0,
        "lead_time_median_hours": 2.0,
        "lead_time_p90_hours": 24.2,
        "changes": 8,
        "change_failure_rate": 0.6,
        "recovery_time_median_hours": 18.25,
        "incidents": 2,
        "unresolved_incidents": 0,
        "rework_rate": 0.2,
        "tier": {
            "deployment_frequency": "high",
            "lead_time": "elite",
            "change_failure_rate": "low",
            "recovery_time": "high/medium",
            "rework_rate": "high/medium",
        },
        "bucket": {
            "deployment_frequency": "between once per day and once per week",
            "lead_time": "less than one day",
            "recovery_time": "less than one day",
        },
    }


def test_deploy_days_are_counted_per_iso_week():
    days = ["2024-03-04T01:00:00Z", "2024-03-04T23:00:00Z", "2024-03-10T23:59:59Z",
            "2024-03-11T00:00:00Z"]  # fmt: skip
    assert dora._deploy_days([_t(d) for d in days], WINDOW) == [2, 1]


def test_worked_example_weekly_trend():
    report = dora.compute(_events(_example_lines()), dora.Scopes({}, {}, {}), WINDOW)
    weeks = report.trend()
    assert [datetime.fromtimestamp(w, UTC).date().isoformat() for w, _ in weeks] == [
        "2024-03-04",
        "2024-03-11",
    ]
    first, second = (s for _, s in weeks)
    assert (first.successful, first.deployments, second.successful, second.deployments) == (
        3,
        3,
        1,
        2,
    )
    assert second.change_failure_rate == 1.0  # D4 failed, D5 caused #102
    assert first.lead_time_median_hours == pytest.approx((2 + 2) / 2)  # 7 values: 4th
    assert first.deployment_frequency_per_week == 3.0


def test_events_out_of_order_give_the_same_numbers():
    lines = _example_lines()
    random.Random(7).shuffle(lines)
    assert _org(lines) == _org(_example_lines())


def _shift_zone(line: str, offset: timedelta) -> str:
    data = json.loads(line)
    zone = timezone(offset)
    for key in ("time", "opened", "resolved"):
        if isinstance(data.get(key), str):
            data[key] = datetime.fromisoformat(data[key]).astimezone(zone).isoformat()
    return json.dumps(data)


def test_events_in_different_time_zones_give_the_same_numbers():
    offsets = [timedelta(hours=-4), timedelta(hours=5, minutes=30), timedelta(0)]
    lines = [_shift_zone(x, offsets[i % 3]) for i, x in enumerate(_example_lines())]
    assert "-04:00" in lines[0] and "+05:30" in lines[1]
    assert _org(lines) == _org(_example_lines())


def _deploy(id_: str, when: str, sha: str, changes: list[str], status: str = "success") -> str:
    return json.dumps(
        {"kind": "deployment", "id": id_, "entity": "claims-api", "environment": "production",
         "time": when, "status": status, "sha": sha, "changes": changes, "rework": False}
    )  # fmt: skip


def _change(sha: str, when: str) -> str:
    return json.dumps({"kind": "change", "entity": "claims-api", "sha": sha, "time": when})


def _incident(id_: str, opened: str, resolved: str | None, cause: str | None = None) -> str:
    return json.dumps(
        {"kind": "incident", "id": id_, "entity": "claims-api", "opened": opened,
         "resolved": resolved, "cause": cause}
    )  # fmt: skip


def test_no_deployments_is_insufficient_data_never_elite():
    org = _org([_change("a", "2024-03-05T10:00:00Z")])
    assert org.deployments == 0 and org.change_failure_rate is None
    assert org.lead_time_median_hours is None and org.recovery_time_median_hours is None
    assert set(org.tier.values()) == {"insufficient data"}
    empty = dora.compute(_events([]), dora.Scopes({}, {}, {}), WINDOW).org
    assert set(empty.tier.values()) == {"insufficient data"}
    assert dora.default_window(_events([])) is None


def test_an_incident_never_resolved_is_counted_and_makes_the_tier_worse():
    lines = [
        _incident("1", "2024-03-05T10:00:00Z", "2024-03-05T10:30:00Z"),  # 0.5 h
        _incident("2", "2024-03-06T10:00:00Z", None),  # open 11.6 days at the end
        _incident("3", "2024-03-07T10:00:00Z", "2024-03-20T10:00:00Z"),  # after the window
    ]
    org = _org(lines)
    assert (org.incidents, org.unresolved_incidents) == (3, 2)
    assert org.recovery_time_median_hours == 0.5  # the one resolved in the window
    assert org.tier["recovery_time"] == "low"  # not elite: two have been open for days


def test_a_change_deployed_twice_counts_once_from_its_first_success():
    lines = [
        _change("a", "2024-03-05T08:00:00Z"),
        _deploy("1", "2024-03-05T09:00:00Z", "a", ["a"], status="failure"),
        _deploy("2", "2024-03-05T10:00:00Z", "a", ["a"]),
        _deploy("3", "2024-03-06T10:00:00Z", "a", ["a"]),  # a redeploy of the same SHA
    ]
    org = _org(lines)
    assert (org.changes, org.lead_time_median_hours) == (1, 2.0)
    assert (org.deployments, org.successful) == (3, 2)


def test_the_same_id_twice_counts_once_and_a_later_line_replaces():
    open_ = _incident("9", "2024-03-05T10:00:00Z", None)
    closed = _incident("9", "2024-03-05T10:00:00Z", "2024-03-05T12:00:00Z")
    events = _events([open_, open_, closed])
    assert len(events.incidents) == 1
    assert events.incidents["9"].resolved == _t("2024-03-05T12:00:00Z")
    (note,) = events.findings
    assert (note.code, note.line, note.severity.value) == ("metrics.event-replaced", 3, "info")


def test_a_deployment_of_an_entity_not_in_the_catalog_is_a_finding_not_a_crash():
    other = _deploy("x", "2024-03-05T10:00:00Z", "a", []).replace("claims-api", "ghost")
    events = _events([_example_lines()[8], other, other])
    findings = check_entities(events, {API})
    assert [(f.code, f.file, f.line) for f in findings] == [
        ("metrics.unknown-entity", "metrics/events/2024-03.jsonl", 2)
    ]
    assert "component:default/ghost" in findings[0].message
    scopes = dora.Scopes({API: "group:default/team"}, {}, {})
    report = dora.compute(events, scopes, WINDOW)
    assert report.org.deployments == 2  # it still counts for the organisation
    assert report.teams["group:default/team"].deployments == 1


@pytest.mark.parametrize(
    ("line", "message"),
    [
        ("{not json", "not JSON"),
        ("[1, 2]", "expected a JSON object, found list"),
        ('{"kind": "push"}', "'kind' must be deployment, change or incident"),
        ('{"kind": "change", "entity": "a", "sha": "s", "time": "2024-03-05T10:00:00"}',
         "'time' has no time zone"),
        ('{"kind": "change", "entity": "a", "sha": "s", "time": "yesterday"}',
         "'time' is not an ISO 8601 time"),
        ('{"kind": "change", "entity": "a:", "sha": "s", "time": "2024-03-05T10:00:00Z"}',
         "'entity' is not an entity ref"),
        ('{"kind": "deployment", "id": "1", "entity": "a", "environment": "p", '
         '"time": "2024-03-05T10:00:00Z", "status": "ok", "sha": "s"}', "'status' must be"),
        ('{"kind": "incident", "id": 4, "entity": "a", "opened": "2024-03-05T10:00:00Z", '
         '"resolved": "2024-03-04T10:00:00Z"}', "'resolved' is before 'opened'"),
    ],
)  # fmt: skip
def test_a_bad_line_is_a_located_finding_and_the_rest_still_count(line, message):
    events = _events([_change("a", "2024-03-05T10:00:00Z"), line, ""])
    (bad,) = events.findings
    assert (bad.code, bad.file, bad.line) == ("metrics.event-invalid", events.files[0] if
            events.files else "metrics/events/2024-03.jsonl", 2)  # fmt: skip
    assert message in bad.message
    assert len(events.changes) == 1


def test_many_bad_lines_are_summed_up():
    events = _events(["{"] * 60)
    assert len(events.findings) == 51
    assert events.findings[-1].message == "10 more invalid lines"


class _Refuse:
    def decode(self, line):
        raise ValueError(line)


def test_the_fast_decoder_and_the_checks_in_python_read_lines_alike(monkeypatch):
    """msgspec reads well-formed lines; the Python checks are the authority. Both must
    keep the same events from the same lines."""
    lines = [
        *_example_lines(),
        _incident("7", "2024-03-05T10:00:00+02:00", None, cause="D1"),
        json.dumps(
            {
                "kind": "deployment",
                "id": 42,
                "entity": "group:ops/x",
                "environment": "production",
                "time": "2024-03-05T10:00:00-04:00",
                "status": "failure",
                "sha": "a",
            }
        ),
        json.dumps({"kind": "change", "entity": " ", "sha": "a", "time": "2024-03-05T10:00:00Z"}),
        _incident("8", "2024-03-05T10:00:00Z", "2024-03-04T10:00:00Z"),
    ]
    fast = _events(lines)
    from generator.metrics import events as events_module

    monkeypatch.setattr(events_module.wire, "DECODER", _Refuse())
    monkeypatch.setattr(events_module.wire, "Invalid", (ValueError,))
    slow = _events(lines)
    assert fast.deployments == slow.deployments
    assert fast.changes == slow.changes
    assert fast.incidents == slow.incidents
    assert [(f.line, f.message) for f in fast.findings] == [
        (f.line, f.message) for f in slow.findings
    ]
    assert [f.line for f in fast.findings] == [18, 19]
