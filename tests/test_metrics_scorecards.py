"""Scorecards on small catalogs: levels, the minimum-level gate in ``portal validate``,
exceptions (active, expired, invalid), rule-file findings, and adoption numbers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.commands.validate import check
from generator.config import load_config

GROUP = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
"""

SERVICE = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
  description: {description}
  annotations:
    pagerduty.com/service-id: {pager}
    backstage.io/source-template: template:default/svc
    gitops-portal.io/template-version: {version}
spec:
  type: service
  lifecycle: {lifecycle}
  owner: {owner}
"""

TEMPLATE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: svc
  annotations:
    gitops-portal.io/template-version: 1.4.0
spec:
  owner: team-a
  type: service
  steps: []
"""

SCORECARD = """\
apiVersion: gitops-portal.io/v1alpha1
kind: Scorecard
metadata:
  name: readiness
spec:
  levels: [bronze, silver, gold]
  filter: {kind: Component}
  minimum:
    level: bronze
    filter: {spec.lifecycle: production}
  checks:
    - id: owner
      level: bronze
      rule: owner
      fix: handbook/register-a-service/
    - id: description
      level: bronze
      rule: field
      with: {path: metadata.description}
    - id: on-call
      level: silver
      rule: annotation
      with: {key: pagerduty.com/service-id}
    - id: current
      level: gold
      rule: template-current
"""


def _service(name, *, description="Does things.", pager="P1", version="1.4.0",
             lifecycle="production", owner="team-a"):  # fmt: skip
    return SERVICE.format(name=name, description=description, pager=pager, version=version,
                          lifecycle=lifecycle, owner=owner)  # fmt: skip


def _repo(tmp_path: Path, *services: str, exceptions: str | None = None) -> Path:
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog/org.yaml").write_text(GROUP + "---\n" + TEMPLATE)
    for i, text in enumerate(services):
        (tmp_path / f"catalog/s{i}.yaml").write_text(text)
    (tmp_path / "metrics/scorecards").mkdir(parents=True)
    (tmp_path / "metrics/scorecards/readiness.yaml").write_text(SCORECARD)
    if exceptions is not None:
        (tmp_path / "metrics/exceptions.yaml").write_text(exceptions)
    return tmp_path


def _levels(root: Path) -> dict[str, str | None]:
    checked = check(None, load_config(root))
    assert checked.metrics is not None and checked.metrics.scorecards is not None
    scores = checked.metrics.scorecards.scores["readiness"]
    return {k.split("/")[-1]: s.level for k, s in scores.items()}


def test_levels_need_every_check_of_their_level_and_below(tmp_path):
    root = _repo(
        tmp_path,
        _service("gold"),
        _service("silver", version="1.2.0"),
        _service("bronze", pager='""'),
        _service("none", description='""', lifecycle="experimental"),
    )
    assert _levels(root) == {"bronze": "bronze", "gold": "gold", "none": None, "silver": "silver"}


def test_an_entity_below_the_minimum_is_a_located_validate_finding(tmp_path, capsys):
    root = _repo(tmp_path, _service("svc", description='""'))
    assert main(["--root", str(root), "validate", "--format", "json"]) == 1
    (found,) = json.loads(capsys.readouterr().out)["findings"]
    assert (found["code"], found["file"], found["line"], found["column"]) == (
        "scorecard.below-minimum", "catalog/s0.yaml", 4, 9,
    )  # fmt: skip
    assert found["message"].startswith(
        "component:svc is at level none of scorecard 'readiness', below the minimum bronze "
        "(metrics/scorecards/readiness.yaml:9); failing: 'description' (metadata.description "
        "is not set)"
    )


def test_the_gate_only_applies_to_entities_its_filter_matches(tmp_path):
    root = _repo(tmp_path, _service("svc", description='""', lifecycle="experimental"))
    assert main(["--root", str(root), "validate"]) == 0


def test_the_gate_severity_is_configurable(tmp_path, capsys):
    root = _repo(tmp_path, _service("svc", description='""'))
    (root / "portal.yaml").write_text("severity:\n  scorecard.below-minimum: warning\n")
    assert main(["--root", str(root), "validate"]) == 0
    assert "warning[scorecard.below-minimum]" in capsys.readouterr().out


EXCEPTION = """\
exceptions:
  - entity: component:svc
    scorecard: readiness
    check: description
    reason: Being rewritten.
    expires: "{expires}"
"""


def test_an_active_exception_counts_as_met(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    root = _repo(tmp_path, _service("svc", description='""'),
                 exceptions=EXCEPTION.format(expires="2026-01-01"))  # fmt: skip
    assert main(["--root", str(root), "validate"]) == 0
    assert _levels(root) == {"svc": "gold"}


def test_an_expired_exception_is_a_finding_and_no_longer_counts(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767312000")  # 2026-01-02
    root = _repo(tmp_path, _service("svc", description='""'),
                 exceptions=EXCEPTION.format(expires="2026-01-01"))  # fmt: skip
    assert main(["--root", str(root), "validate", "--format", "json"]) == 1
    found = json.loads(capsys.readouterr().out)["findings"]
    assert [(f["code"], f["file"], f["line"]) for f in found] == [
        ("scorecard.below-minimum", "catalog/s0.yaml", 4),
        ("scorecard.exception-expired", "metrics/exceptions.yaml", 2),
    ]
    assert "expired on 2026-01-01" in found[1]["message"]


@pytest.mark.parametrize(
    ("text", "line", "message"),
    [
        (EXCEPTION.format(expires="soon"), 6, "'expires' must be a date"),
        (EXCEPTION.format(expires="2027-01-01").replace("check: description", "check: x"), 2,
         "names check 'x', which scorecard 'readiness' does not have"),
        (EXCEPTION.format(expires="2027-01-01").replace("component:svc", "component:ghost"), 2,
         "names component:default/ghost, which no catalog file defines"),
        ("exceptions: {}\n", 1, "expected 'exceptions:' with a list"),
    ],
)  # fmt: skip
def test_a_bad_exception_is_a_located_finding(tmp_path, capsys, text, line, message):
    root = _repo(tmp_path, _service("svc"), exceptions=text)
    assert main(["--root", str(root), "validate", "--format", "json"]) == 1
    (found,) = json.loads(capsys.readouterr().out)["findings"]
    assert (found["code"], found["file"], found["line"]) == (
        "scorecard.invalid", "metrics/exceptions.yaml", line,
    )  # fmt: skip
    assert message in found["message"]


@pytest.mark.parametrize(
    ("change", "line", "message"),
    [
        (("rule: owner", "rule: owners"), 14, "rule must be one of"),
        (("level: silver", "level: platinum"), 21, "level must be one of"),
        (("with: {path: metadata.description}", "with: {}"), 19, "rule 'field' needs ['path']"),
        (("level: bronze\n    filter", "level: diamond\n    filter"), 9, "minimum level"),
        (("kind: Scorecard", "kind: Rubric"), 1, "expected a mapping with kind: Scorecard"),
    ],
)
def test_a_bad_scorecard_is_a_located_finding(tmp_path, capsys, change, line, message):
    root = _repo(tmp_path, _service("svc"))
    path = root / "metrics/scorecards/readiness.yaml"
    path.write_text(path.read_text().replace(*change, 1))
    assert main(["--root", str(root), "validate", "--format", "json"]) == 1
    found = [f for f in json.loads(capsys.readouterr().out)["findings"]
             if f["code"] == "scorecard.invalid"]  # fmt: skip
    assert [(f["file"], f["line"]) for f in found] == [("metrics/scorecards/readiness.yaml", line)]
    assert message in found[0]["message"]


def test_adoption_counts_golden_paths_drift_and_templates(tmp_path):
    plain = _service("plain").replace(
        "    backstage.io/source-template: template:default/svc\n"
        "    gitops-portal.io/template-version: 1.4.0\n",
        "",
    )
    root = _repo(tmp_path, _service("new"), _service("old", version="1.2.3"),
                 _service("older", version="0.9.0"), plain)  # fmt: skip
    checked = check(None, load_config(root))
    assert checked.metrics is not None
    adoption = checked.metrics.adoption
    assert adoption is not None
    assert (adoption.now.components, adoption.now.from_golden_paths) == (4, 3)
    assert adoption.by_template == [
        ("template:default/svc", "0.9.0", 1),
        ("template:default/svc", "1.2.3", 1),
        ("template:default/svc", "1.4.0", 1),
    ]
    assert [(d.entity, d.behind) for d in adoption.drift] == [
        ("component:default/older", "1 major"),
        ("component:default/old", "2 minor"),
    ]
    assert adoption.by_team == {"group:default/team-a": (4, 3, 0)}
    assert adoption.now.completeness["Component"] == pytest.approx(3 / 8)
