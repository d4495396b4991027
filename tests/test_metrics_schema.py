"""The events' JSON Schema (generator/schemas/metrics/event.schema.json) and the loader
agree: every committed event is valid against it, and lines it refuses the loader
refuses too."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest

from generator.metrics.events import Reader
from tests.conftest import REPO

SCHEMA = json.loads((REPO / "generator/schemas/metrics/event.schema.json").read_text())
VALIDATOR = jsonschema.Draft202012Validator(SCHEMA)
DATA = Path(__file__).parent / "data" / "metrics"


def _committed() -> list[str]:
    lines = []
    for path in sorted((REPO / "metrics/events").glob("*.jsonl")):
        lines += path.read_text().splitlines()[:300]  # a sample of each month
    return lines + (DATA / "worked-example.jsonl").read_text().splitlines()


def test_the_committed_events_are_valid_against_the_schema():
    lines = _committed()
    assert len(lines) > 1000
    for line in lines:
        errors = list(VALIDATOR.iter_errors(json.loads(line)))
        assert errors == [], (line, errors[0].message)


@pytest.mark.parametrize(
    "event",
    [
        {"kind": "change", "entity": "a", "sha": "s", "time": "2024-03-05T10:00:00"},
        {"kind": "change", "entity": "a", "sha": "", "time": "2024-03-05T10:00:00Z"},
        {"kind": "change", "entity": " ", "sha": "s", "time": "2024-03-05T10:00:00Z"},
        {"kind": "deployment", "id": "1", "entity": "a", "environment": "p",
         "time": "2024-03-05T10:00:00Z", "status": "ok", "sha": "s"},
        {"kind": "deployment", "id": True, "entity": "a", "environment": "p",
         "time": "2024-03-05T10:00:00Z", "status": "success", "sha": "s"},
        {"kind": "deployment", "id": "1", "entity": "a", "environment": "p",
         "time": "2024-03-05T10:00:00Z", "status": "success", "sha": "s", "changes": [1]},
        {"kind": "incident", "id": "1", "entity": "a", "opened": "yesterday"},
        {"kind": "push"},
    ],
)  # fmt: skip
def test_what_the_schema_refuses_the_loader_refuses(event):
    assert list(VALIDATOR.iter_errors(event)) != []
    reader = Reader()
    reader.read_lines([json.dumps(event)], "x.jsonl")
    assert [f.code for f in reader.events.findings] == ["metrics.event-invalid"]
