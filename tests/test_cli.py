"""``portal validate`` through ``generator.cli.main``: exit codes, and the exact output of
the text, JSON and GitHub reporters."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

import generator.commands.validate
from generator.cli import main

GROUP = """\
apiVersion: backstage.io/v1alpha1
kind: Group
metadata:
  name: team-a
spec:
  type: team
  children: []
"""

COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
spec:
  type: service
  lifecycle: production
  owner: {owner}
"""

REMOTE_LOCATION = """\
apiVersion: backstage.io/v1alpha1
kind: Location
metadata:
  name: upstream
spec:
  type: url
  target: https://example.com/catalog-info.yaml
"""

DANGLING = (
    "'spec.owner' refers to group:default/nobody, which no catalog file defines; fix the "
    "name, add the entity, or declare it in catalog.external_refs in portal.yaml"
)
REMOTE = (
    "the url target 'https://example.com/catalog-info.yaml' is not read: the portal works "
    "offline; check the file into this repository and target it with a relative path"
)


@pytest.fixture(autouse=True)
def _not_in_actions(monkeypatch):
    """Tests set the GitHub environment themselves; CI's own must not leak in."""
    for name in ("GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY", "GITHUB_REPOSITORY"):
        monkeypatch.delenv(name, raising=False)


def _repo(tmp_path: Path, **files: str) -> Path:
    """A repository at tmp_path with catalog/<name>.yaml for each keyword."""
    catalog = tmp_path / "catalog"
    catalog.mkdir(exist_ok=True)
    for name, text in files.items():
        (catalog / f"{name}.yaml").write_text(text, encoding="utf-8")
    return tmp_path


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _valid(tmp_path: Path) -> Path:
    return _repo(tmp_path, org=GROUP, svc=COMPONENT.format(name="svc", owner="team-a"))


def _broken(tmp_path: Path) -> Path:
    return _repo(
        tmp_path,
        org=GROUP,
        svc=COMPONENT.format(name="svc", owner="nobody"),
        upstream=REMOTE_LOCATION,
    )


# ---------------------------------------------------------------- exit codes and text


def test_valid_catalog_exits_0_with_a_summary_only(tmp_path, capsys):
    code, out, err = _run(capsys, "--root", str(_valid(tmp_path)), "validate")
    assert (code, out, err) == (0, "2 entities in 2 files: 0 errors, 0 warnings\n", "")


def test_findings_exit_1_with_one_exact_line_each_and_a_summary(tmp_path, capsys):
    code, out, err = _run(capsys, "--root", str(_broken(tmp_path)), "validate")
    assert code == 1
    assert err == ""
    assert out.splitlines() == [
        f"catalog/svc.yaml:8:10: error[ref.dangling] {DANGLING}",
        f"catalog/upstream.yaml:7:11: warning[location.remote] {REMOTE}",
        "3 entities in 3 files: 1 error, 1 warning",
    ]


def test_explicit_paths_limit_what_is_validated(tmp_path, capsys):
    root = _broken(tmp_path)
    code, out, _ = _run(capsys, "--root", str(root), "validate", str(root / "catalog/org.yaml"))
    assert (code, out) == (0, "1 entity in 1 file: 0 errors, 0 warnings\n")


def test_the_summary_counts_files_that_held_no_entity(tmp_path, capsys):
    """A file refused as a whole still counts as checked: "1 entity in 2 files"."""
    root = _repo(tmp_path, org=GROUP, broken="kind: [unclosed\n")
    code, out, _ = _run(capsys, "--root", str(root), "validate")
    assert code == 1
    assert out.splitlines()[-1] == "1 entity in 2 files: 1 error, 0 warnings"


def test_warnings_fail_only_under_strict(tmp_path, capsys):
    root = _repo(tmp_path, upstream=REMOTE_LOCATION)
    code, out, _ = _run(capsys, "--root", str(root), "validate")
    assert code == 0
    assert out.splitlines()[-1] == "1 entity in 1 file: 0 errors, 1 warning"
    code, out_strict, _ = _run(capsys, "--root", str(root), "validate", "--strict")
    assert code == 1
    assert out_strict == out


def test_missing_path_exits_2_with_a_message_and_no_traceback(tmp_path, capsys):
    root = _valid(tmp_path)
    code, out, err = _run(capsys, "--root", str(root), "validate", str(root / "nope"))
    assert code == 2
    assert out == ""
    assert err == "portal: catalog path 'nope' does not exist\n"


def test_unknown_option_exits_2_with_usage(tmp_path, capsys):
    code, out, err = _run(capsys, "--root", str(_valid(tmp_path)), "validate", "--bogus")
    assert code == 2
    assert out == ""
    assert err.startswith("usage: portal")
    assert err.endswith("portal: error: unrecognized arguments: --bogus\n")
    assert "Traceback" not in err


def test_unknown_format_and_missing_command_exit_2(tmp_path, capsys):
    assert _run(capsys, "validate", "--format", "xml")[0] == 2
    code, _, err = _run(capsys)
    assert code == 2
    assert "required: command" in err


@pytest.mark.parametrize(
    ("portal_yaml", "message"),
    [
        ("catalog:\n  max_file_bytes: lots\n", "'catalog.max_file_bytes' must be a positive"),
        ("catalog: [catalog]\n", "'catalog' must be a mapping of settings"),
        ("severity:\n  ref.dangling: fatal\n", "'severity.ref.dangling' must be one of error"),
        ("catalog: {roots: [a, b]\n", "portal.yaml:2:1: invalid YAML"),
        ("- catalog\n", "expected a mapping of settings at the top level"),
    ],
)
def test_bad_portal_yaml_exits_2_with_a_message(tmp_path, capsys, portal_yaml, message):
    root = _valid(tmp_path)
    (root / "portal.yaml").write_text(portal_yaml)
    code, out, err = _run(capsys, "--root", str(root), "validate")
    assert code == 2
    assert out == ""
    assert err.startswith("portal: portal.yaml")
    assert message in err
    assert "Traceback" not in err


def test_internal_error_exits_3_with_a_traceback(tmp_path, capsys, monkeypatch):
    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(generator.commands.validate, "load_catalog", boom)
    code, out, err = _run(capsys, "--root", str(_valid(tmp_path)), "validate")
    assert code == 3
    assert out == ""
    assert err.startswith("Traceback (most recent call last):")
    assert "RuntimeError: boom" in err
    assert err.endswith(
        "portal: internal error (a bug); please report it with the traceback above\n"
    )


def test_interrupt_exits_130_without_a_traceback(tmp_path, capsys, monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(generator.commands.validate, "load_catalog", interrupted)
    code, out, err = _run(capsys, "--root", str(_valid(tmp_path)), "validate")
    assert (code, out, err) == (130, "", "portal: interrupted\n")


def test_a_value_with_a_line_break_stays_on_one_text_line(tmp_path, capsys):
    forged = COMPONENT.format(name='"svc\\n::error::x"', owner="team-a")
    root = _repo(tmp_path, org=GROUP, svc=forged)
    code, out, _ = _run(capsys, "--root", str(root), "validate")
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 2
    assert lines[0].startswith("catalog/svc.yaml:4:9: error[format.name] ")
    assert lines[0].endswith("found 'svc\\n::error::x'")
    assert not any(line.startswith("::") for line in lines)


# ---------------------------------------------------------------- JSON


def test_json_output_shape(tmp_path, capsys):
    code, out, err = _run(capsys, "--root", str(_broken(tmp_path)), "validate", "--format", "json")
    assert (code, err) == (1, "")
    doc = json.loads(out)
    assert doc == {
        "entities": 3,
        "files": 3,
        "findings": [
            {
                "code": "ref.dangling",
                "severity": "error",
                "file": "catalog/svc.yaml",
                "line": 8,
                "column": 10,
                "message": DANGLING,
            },
            {
                "code": "location.remote",
                "severity": "warning",
                "file": "catalog/upstream.yaml",
                "line": 7,
                "column": 11,
                "message": REMOTE,
            },
        ],
    }


def test_json_output_of_a_valid_catalog(tmp_path, capsys):
    code, out, _ = _run(capsys, "--root", str(_valid(tmp_path)), "validate", "--format", "json")
    assert code == 0
    assert json.loads(out) == {"entities": 2, "files": 2, "findings": []}


# ---------------------------------------------------------------- GitHub

_COMMAND = re.compile(r"::(?P<cmd>[a-z-]+)(?: (?P<props>[^:]*))?::(?P<msg>.*)")


def _annotations(out: str) -> list[tuple[str, dict[str, str], str]]:
    found = []
    for line in out.splitlines():
        if line.startswith("::"):
            match = _COMMAND.fullmatch(line)
            assert match, line
            props = dict(p.split("=", 1) for p in (match["props"] or "").split(",") if p)
            found.append((match["cmd"], props, match["msg"]))
    return found


def test_github_format_writes_one_annotation_per_finding(tmp_path, capsys):
    code, out, _ = _run(capsys, "--root", str(_broken(tmp_path)), "validate", "--format", "github")
    assert code == 1
    assert _annotations(out) == [
        (
            "error",
            {"file": "catalog/svc.yaml", "line": "8", "col": "10", "title": "ref.dangling"},
            DANGLING,
        ),
        (
            "warning",
            {"file": "catalog/upstream.yaml", "line": "7", "col": "11", "title": "location.remote"},
            REMOTE.replace("%", "%25"),
        ),
    ]
    assert out.splitlines()[-1] == "3 entities in 3 files: 1 error, 1 warning"
    assert len(out.splitlines()) == 3


def test_github_annotation_cannot_be_forged_by_a_message(tmp_path, capsys):
    forged = COMPONENT.format(name='"svc\\n::error::x"', owner="team-a")
    root = _repo(tmp_path, org=GROUP, svc=forged)
    code, out, _ = _run(capsys, "--root", str(root), "validate", "--format", "github")
    assert code == 1
    annotations = _annotations(out)
    assert len(annotations) == 1
    assert len([line for line in out.splitlines() if line.startswith("::")]) == 1
    cmd, props, message = annotations[0]
    assert (cmd, props["title"], props["line"], props["col"]) == ("error", "format.name", "4", "9")
    assert message.endswith("found 'svc%0A::error::x'")


def test_github_job_summary_is_written_with_escaped_cells(tmp_path, capsys, monkeypatch):
    summary = tmp_path / "summary.md"
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(summary))
    root = _repo(tmp_path, org=GROUP, svc=COMPONENT.format(name="a|b", owner="team-a"))
    code, _, _ = _run(capsys, "--root", str(root), "validate", "--format", "github")
    assert code == 1
    lines = summary.read_text().rstrip("\n").splitlines()
    assert lines[:6] == [
        "## Catalog validation",
        "",
        "2 entities in 2 files: 1 error, 0 warnings",
        "",
        "| Severity | Code | Location | Message |",
        "| --- | --- | --- | --- |",
    ]
    assert len(lines) == 7
    row = lines[6]
    assert row.startswith("| error | format.name | catalog/svc.yaml:4:9 | ")
    assert row.endswith("found 'a\\|b' |")
    # Unescaped pipes are exactly the five column borders.
    assert len(re.findall(r"(?<!\\)\|", row)) == 5


def test_no_job_summary_without_the_variable(tmp_path, capsys, monkeypatch):
    import github_action_toolkit

    written: list[str] = []
    monkeypatch.setattr(github_action_toolkit, "append_job_summary", written.append)
    monkeypatch.delenv("GITHUB_STEP_SUMMARY", raising=False)
    _run(capsys, "--root", str(_broken(tmp_path)), "validate", "--format", "github")
    assert written == []
    monkeypatch.setenv("GITHUB_STEP_SUMMARY", str(tmp_path / "summary.md"))
    _run(capsys, "--root", str(_broken(tmp_path)), "validate", "--format", "github")
    assert len(written) == 1 and written[0].startswith("## Catalog validation")


def test_github_actions_makes_github_the_default_format(tmp_path, capsys, monkeypatch):
    monkeypatch.setenv("GITHUB_ACTIONS", "true")
    code, out, _ = _run(capsys, "--root", str(_broken(tmp_path)), "validate")
    assert code == 1
    assert out.startswith("::error ")
    assert [a[0] for a in _annotations(out)] == ["error", "warning"]
    # An explicit --format still wins.
    _, out_text, _ = _run(capsys, "--root", str(_broken(tmp_path)), "validate", "--format", "text")
    assert out_text.startswith("catalog/svc.yaml:8:10: error[ref.dangling] ")
