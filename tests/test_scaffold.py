"""The golden-path engine on small templates made per test: expression semantics, answer
validation, template checks, and the safety rules (paths, links, re-evaluation, the
sandbox, limits, secrets). ``portal new`` is driven through the CLI."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.cli import main
from generator.config import load_config
from generator.scaffold.expressions import Limits, Renderer, make_env
from generator.scaffold.runner import RunOptions, run
from generator.scaffold.template import load_template
from tests.conftest import REPO

TEMPLATE = """\
apiVersion: scaffolder.backstage.io/v1beta3
kind: Template
metadata:
  name: demo
  annotations:
    gitops-portal.io/template-version: 1.2.0
spec:
  owner: group:default/platform
  type: service
  parameters:
    - title: Basics
      required: [name]
      properties:
        name:
          type: string
          pattern: '^[a-z0-9-]+$'
        size:
          type: integer
          minimum: 1
          maximum: 10
          default: 2
        kind:
          type: string
          enum: [small, large]
        token:
          type: string
          ui:field: Secret
  steps:
    - id: fetch
      action: fetch:template
      input:
        url: ./skeleton
        values:
          name: ${{ parameters.name }}
          size: ${{ parameters.size }}
          label: ${{ parameters.label }}
    - id: log
      action: debug:log
      input:
        message: made ${{ parameters.name }} with ${{ secrets.token }}
"""


def _repo(tmp_path: Path, template: str = TEMPLATE, files: dict[str, str] | None = None) -> Path:
    root = tmp_path / "repo"
    folder = root / "golden_paths" / "demo"
    (folder / "skeleton").mkdir(parents=True)
    (folder / "template.yaml").write_text(template)
    for rel, text in (files or {"skeleton/README.md": "# ${{ values.name }}\n"}).items():
        (folder / rel).parent.mkdir(parents=True, exist_ok=True)
        (folder / rel).write_text(text)
    return root


def _run(root: Path, values: dict[str, Any], **options: Any) -> tuple[Any, list[Any]]:
    config = load_config(root)
    template = load_template(root / "golden_paths/demo/template.yaml", config)
    return run(template, config, RunOptions(values, "values.yaml", **options))


def _codes(findings: list[Any]) -> list[str]:
    return [f.code for f in findings if f.severity.value == "error"]


# ------------------------------------------------------------------ expressions


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("${{ p.flag }}", False),
        ("on: ${{ p.flag }}", "on: false"),
        ("${{ p.items }}", [1, "a"]),
        ("${{ p.items }}!", "1,a!"),
        ("${{ p.obj }}?", "[object Object]?"),
        ("${{ p.obj | dump }}", '{"a":"ü"}'),
        ("${{ p.n }}", 1),
        ("${{ p.missing.deeper.still }}", None),
        ("${{ p.name === 'x' and p.flag !== true }}", True),
        ("${{ 'github.com?owner=o&repo=r' | parseRepoUrl | pick('owner') }}", "o"),
        ("${{ 'group:team-a' | parseEntityRef | pick('kind') }}", "group"),
        ("${{ 'github.com?owner=o&repo=r' | projectSlug }}", "o/r"),
        ("${{ ''.__class__.__mro__ }}", None),
        ("${{ cycler.__init__.__globals__ }}", None),
    ],
)
def test_expressions_follow_backstage(text, expected):
    ctx = {"p": {"flag": False, "items": [1, "a"], "obj": {"a": "ü"}, "n": 1.0, "name": "x"}}
    value = Renderer(make_env()).value(text, ctx)
    assert (None if value is Renderer(make_env()).value("", {}) else value) == expected


def test_a_vue_file_keeps_its_own_triple_equals():
    text = "<p v-if=\"{{ a === b }}\">${{ values.x === 'y' }}</p>"
    assert Renderer(make_env()).text(text, {"values": {"x": "y"}}) == (
        '<p v-if="{{ a === b }}">true</p>'
    )


# ------------------------------------------------------------------ answers


def test_answers_are_validated_page_by_page_with_plain_messages(tmp_path):
    root = _repo(tmp_path)
    plan, findings = _run(root, {"name": "Bad Name", "size": 40, "kind": "medium"})
    assert plan is None
    messages = sorted(f.message for f in findings if f.code == "template.values")
    assert messages == [
        "parameter 'kind' must be one of 'small', 'large'; found 'medium' (form page 'Basics')",
        "parameter 'name' must match the pattern ^[a-z0-9-]+$; found 'Bad Name' "
        "(form page 'Basics')",
        "parameter 'size' must be at most 10; found 40 (form page 'Basics')",
    ]
    plan, findings = _run(root, {})
    assert [f.message for f in findings if f.code == "template.values"] == [
        "parameter 'name' is required but was not given (form page 'Basics')"
    ]


def test_defaults_are_filled_and_unknown_values_pass_through(tmp_path):
    plan, _ = _run(_repo(tmp_path), {"name": "svc", "extra": "kept"})
    assert plan.values == {"name": "svc", "size": 2, "extra": "kept"}
    answers = yaml.safe_load(plan.workspace[".portal-answers.yaml"].data)
    assert answers == {
        "template": "template:default/demo",
        "version": "1.2.0",
        "request": plan.request_id,
        "values": {"name": "svc", "size": 2, "extra": "kept"},
    }


def test_dependency_branches_fill_their_defaults():
    from generator.scaffold.parameters import validate

    spec = {
        "parameters": {
            "properties": {"db": {"type": "string", "enum": ["pg", "none"]}},
            "dependencies": {
                "db": {
                    "oneOf": [
                        {"properties": {"db": {"const": "pg"}, "port": {"default": 5432}}},
                        {"properties": {"db": {"const": "none"}}},
                    ]
                }
            },
        }
    }
    values, problems = validate(spec, {"db": "pg"}, lambda _e, _a: True)
    assert (values, problems) == ({"db": "pg", "port": 5432}, [])


# ------------------------------------------------------------------ template checks


def test_inputs_an_action_does_not_apply_are_warnings_at_their_line(tmp_path, capsys):
    publish = (
        "    - id: publish\n      action: publish:github\n      input:\n"
        "        repoUrl: github.com?owner=acme&repo=x\n"
        "        repoVariables: {STAGE: dev}\n"
        "        secrets:\n          TOKEN: ${{ secrets.token }}\n"
        "        repoVisibility: internal\n"
    )
    root = _repo(tmp_path, TEMPLATE + publish)
    assert main(["--root", str(root), "validate", "--format", "text"]) == 1  # its owner only
    out = capsys.readouterr().out
    found = [line for line in out.splitlines() if "template.ignored-input" in line]
    assert [line.split(" step ")[0] for line in found] == [
        "golden_paths/demo/template.yaml:45:9: warning[template.ignored-input]",
        "golden_paths/demo/template.yaml:46:9: warning[template.ignored-input]",
    ]
    assert found[0].endswith(
        "step 'publish': publish:github does not apply the input 'repoVariables' here (the "
        "handbook's golden-paths page lists the inputs each action applies); remove it, or "
        "set the variables in the new repository's settings after the run"
    )
    assert "input 'secrets'" in found[1] and "${{" not in found[1]
    assert [
        line for line in out.splitlines() if "error[" in line and "ref.dangling" not in line
    ] == []


def test_the_handbook_lists_the_inputs_each_action_applies():
    from generator.scaffold.actions import ACTIONS

    page = (REPO / "site_templates/handbook/golden-paths.md").read_text()
    for name, action in ACTIONS.items():
        row = ", ".join(f"`{i}`" for i in action.inputs)
        assert f"| `{name}` | {row} |" in page, name


def test_portal_validate_checks_templates_before_anything_runs(tmp_path, capsys):
    bad = TEMPLATE.replace("action: debug:log", "action: acme:deploy").replace(
        "url: ./skeleton", "url: ./nowhere"
    )
    bad = bad.replace("message: made", "message: ${{ parameters.name | }} made")
    bad = bad.replace("pattern: '^[a-z0-9-]+$'", "pattern: 5")
    root = _repo(tmp_path, bad, {"skeleton/run.sh": "echo ok\necho ${#list[@]}\n"})
    assert main(["--root", str(root), "validate", "--format", "text"]) == 1
    out = capsys.readouterr().out
    assert (
        "golden_paths/demo/template.yaml:38:15: error[template.unknown-action] step 'log' " in out
    )
    assert "the action 'acme:deploy'" in out
    assert "template.yaml:32:14: error[template.skeleton-missing] step 'fetch': the folder" in out
    assert "template.yaml:40:18: error[template.expression] steps.1.input.message" in out
    assert (
        "template.yaml:16:20: error[template.parameters] 'properties.name.pattern' is not "
        "valid JSON Schema: 5 is not of type 'string'"
    ) in out


def test_skeleton_files_that_do_not_parse_are_found_with_their_line(tmp_path, capsys):
    root = _repo(tmp_path, files={"skeleton/run.sh": "echo ok\necho ${#list[@]}\n"})
    assert main(["--root", str(root), "validate"]) == 1
    out = capsys.readouterr().out
    assert "golden_paths/demo/skeleton/run.sh:2:1: error[template.expression]" in out
    assert "copyWithoutTemplating" in out


def test_a_remote_skeleton_is_never_fetched_but_one_in_this_repository_is_local(tmp_path):
    text = TEMPLATE.replace(
        "url: ./skeleton",
        "url: https://github.com/acme/portal/tree/main/golden_paths/demo/skeleton",
    )
    root = _repo(tmp_path, text)
    (root / "mkdocs.yml").write_text("site_name: x\nrepo_url: https://github.com/acme/portal\n")
    plan, findings = _run(root, {"name": "svc"})
    assert plan is not None and "README.md" in plan.workspace
    (root / "mkdocs.yml").write_text("site_name: x\nrepo_url: https://github.com/other/repo\n")
    plan, findings = _run(root, {"name": "svc"})
    assert plan is None and _codes(findings) == ["template.remote-url"]


def test_parameters_from_a_yaml_placeholder_url_into_this_repository(tmp_path):
    text = TEMPLATE.replace(
        "  parameters:\n    - title: Basics",
        "  parameters:\n"
        "    - $yaml: https://github.com/acme/portal/blob/main/shared/page.yaml\n"
        "    - title: Basics",
    )
    root = _repo(tmp_path, text)
    (root / "shared").mkdir()
    (root / "shared/page.yaml").write_text(
        "title: Team\nrequired: [team]\nproperties:\n  team: {type: string}\n"
    )
    (root / "mkdocs.yml").write_text("site_name: x\nrepo_url: https://github.com/acme/portal\n")
    plan, findings = _run(root, {"name": "svc"})
    assert plan is None
    assert [f.message for f in findings if f.code == "template.values"] == [
        "parameter 'team' is required but was not given (form page 'Team')"
    ]


# ------------------------------------------------------------------ safety


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("../../escaped", "template.path-escape"),
        ("a/../../..", "template.path-escape"),
        ("C:\\\\windows", "template.path-escape"),
        ("nul\u0000byte", "template.path-escape"),
    ],
)
def test_values_cannot_lead_files_out_of_the_output(tmp_path, name, code):
    template = TEMPLATE.replace("pattern: '^[a-z0-9-]+$'", "minLength: 1")
    root = _repo(tmp_path, template, {"skeleton/${{ values.name }}.txt": "x"})
    plan, findings = _run(root, {"name": name})
    assert plan is None and _codes(findings) == [code]


def test_an_absolute_rendered_path_is_skipped_as_backstage_does(tmp_path):
    template = TEMPLATE.replace("pattern: '^[a-z0-9-]+$'", "minLength: 1")
    root = _repo(tmp_path, template, {"skeleton/${{ values.name }}.txt": "x", "skeleton/a": "a"})
    plan, _ = _run(root, {"name": "/etc/passwd"})
    assert set(plan.workspace) == {"a", ".portal-answers.yaml"}


def test_a_link_out_of_the_skeleton_is_refused(tmp_path):
    root = _repo(tmp_path)
    secret = tmp_path / "outside.txt"
    secret.write_text("do not copy")
    os.symlink(secret, root / "golden_paths/demo/skeleton/leak.txt")
    plan, findings = _run(root, {"name": "svc"})
    assert plan is None and _codes(findings) == ["template.symlink"]
    assert all("do not copy" not in f.message for f in findings)


def test_a_link_inside_the_skeleton_is_copied_as_its_file(tmp_path):
    root = _repo(tmp_path)
    os.symlink("README.md", root / "golden_paths/demo/skeleton/INDEX.md")
    plan, _ = _run(root, {"name": "svc"})
    assert plan.workspace["INDEX.md"].data == b"# svc\n"


def test_values_are_data_never_evaluated_again(tmp_path):
    template = TEMPLATE.replace("pattern: '^[a-z0-9-]+$'", "minLength: 1")
    hostile = "${{ 7*7 }} {{ 7*7 }} {% raw %}x{% endraw %} {# c #} ${{ ''.__class__ }}"
    root = _repo(tmp_path, template, {"skeleton/README.md": "# ${{ values.name }}\n"})
    plan, findings = _run(root, {"name": "svc", "label": hostile})
    assert plan is not None, findings
    text = TEMPLATE.replace("${{ values.name }}", "${{ values.label }}")
    root2 = _repo(tmp_path / "2", template, {"skeleton/README.md": "# ${{ values.label }}\n"})
    plan, _ = _run(root2, {"name": "svc", "label": hostile})
    assert plan.workspace["README.md"].data.decode() == f"# {hostile}\n"
    assert text  # the template itself is unchanged


@pytest.mark.parametrize(
    ("skeleton", "limits", "message"),
    [
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            Limits(),
            "loop iterations",
        ),
        (
            "{% for i in range(5000) %}${{ values.name }}{% endfor %}",
            Limits(max_output_bytes=9000),
            "bytes",
        ),
        (
            "{% for i in range(99999) %}{% for j in range(99999) %}{% endfor %}{% endfor %}",
            Limits(max_iterations=10**12, timeout_seconds=0.3),
            "seconds",
        ),
        ("${{ 'x' * 100000000 }}", Limits(), "too large"),
        ("${{ 9 ** 9999999 }}", Limits(), "exponent"),
    ],
)
def test_rendering_has_limits(tmp_path, skeleton, limits, message):
    root = _repo(tmp_path, files={"skeleton/big.txt": skeleton})
    plan, findings = _run(root, {"name": "svc"}, limits=limits)
    assert plan is None
    assert message in " ".join(f.message for f in findings if f.severity.value == "error")


def test_secrets_never_reach_files_plans_logs_or_answers(tmp_path):
    root = _repo(tmp_path)
    plan, _ = _run(root, {"name": "svc", "token": "s3cr3t-value"})
    assert plan.log == ["log: made svc with ***"]
    blob = json.dumps(plan.as_json()) + plan.as_text()
    assert "s3cr3t-value" not in blob
    assert b"s3cr3t" not in plan.workspace[".portal-answers.yaml"].data
    leaking = _repo(tmp_path / "2", files={"skeleton/env": "TOKEN=${{ values.token }}\n"})
    leaking_template = TEMPLATE.replace(
        "label: ${{ parameters.label }}", "token: ${{ secrets.token }}"
    )
    (leaking / "golden_paths/demo/template.yaml").write_text(leaking_template)
    plan, findings = _run(leaking, {"name": "svc", "token": "s3cr3t-value"})
    assert plan is None and _codes(findings) == ["template.secret"]
    assert "s3cr3t" not in findings[-1].message


# ------------------------------------------------------------------ portal new


def test_portal_new_writes_the_project_and_a_failed_run_writes_nothing(tmp_path, capsys):
    root = _repo(tmp_path)
    out = tmp_path / "out"
    args = ["--root", str(root), "new", "demo", "--set", "name=svc", "--output", str(out)]
    assert main(args) == 0
    assert (out / "README.md").read_text() == "# svc\n"
    assert "2 files -> " in capsys.readouterr().out
    assert main(args) == 2  # the folder is not empty now
    assert "already exists and is not empty" in capsys.readouterr().err
    bad = tmp_path / "bad"
    assert (
        main(["--root", str(root), "new", "demo", "--set", "name=x y", "--output", str(bad)]) == 1
    )
    assert not bad.exists()
    assert "nothing written: 1 error" in capsys.readouterr().out


def test_portal_new_dry_run_prints_the_plan_as_json(tmp_path, capsys):
    root = _repo(tmp_path)
    values = tmp_path / "values.yaml"
    values.write_text("name: svc\nsize: '3'\n")
    os.chdir(tmp_path)
    assert (
        main(
            [
                "--root",
                str(root),
                "new",
                "demo",
                "--values",
                str(values),
                "--dry-run",
                "--format",
                "json",
            ]
        )
        == 1
    )
    assert "must be a whole number; found '3'" in capsys.readouterr().out
    assert (
        main(
            [
                "--root",
                str(root),
                "new",
                "demo",
                "--set",
                "name=svc",
                "--set",
                "size=3",
                "--dry-run",
                "--format",
                "json",
            ]
        )
        == 0
    )
    doc = json.loads(capsys.readouterr().out)
    assert doc["plan"]["values"] == {"name": "svc", "size": 3}
    assert sorted(doc["plan"]["files"]) == [".portal-answers.yaml", "README.md"]
    assert not (tmp_path / "svc").exists()


def test_portal_new_names_a_template_that_does_not_exist(tmp_path, capsys):
    root = _repo(tmp_path)
    assert main(["--root", str(root), "new", "nope", "--set", "name=x"]) == 2
    assert "golden paths: demo" in capsys.readouterr().err
