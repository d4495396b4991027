"""``portal codeowners``: CODEOWNERS from catalog ownership, checked for drift."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from generator.cli import main
from generator.commands.codeowners import run_codeowners
from generator.config import load_config
from tests.gitops_repo import Repo, build_history, component, golden


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return build_history(tmp_path / "repo")


def _run(root: Path, **kwargs: bool) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = run_codeowners(load_config(root), out=out, err=err, **kwargs)
    return code, out.getvalue(), err.getvalue()


def test_written_from_ownership(repo: Repo) -> None:
    code, _, err = _run(repo.root)
    assert code == 0  # an owner without a team is a warning
    text = (repo.root / ".github/CODEOWNERS").read_text()
    golden("CODEOWNERS", text)
    # orders and orders-db share a file and have different owners: both own it.
    assert "/catalog/services/orders/catalog-info.yaml @acme/team-a @acme/team-b\n" in text
    # The TechDocs folder comes before the file in it: GitHub's last match wins.
    assert text.index("/catalog/services/orders/ ") < text.index("/catalog/services/orders/cat")
    golden("codeowners-findings.txt", err)
    assert "component:default/web is owned by group:default/team-c, which has no GitHub team" in err
    assert _run(repo.root, strict=True)[0] == 1


def test_check_fails_with_a_diff_when_the_file_drifts(repo: Repo) -> None:
    assert _run(repo.root)[0] == 0
    assert _run(repo.root, check=True)[0] == 0
    (repo.root / "catalog/web.yaml").write_text(component("web", "team-a"))
    code, out, err = _run(repo.root, check=True)
    assert code == 1
    assert "+/catalog/web.yaml @acme/team-a\n" in out
    assert "does not match the catalog: run `portal codeowners` and commit it" in err


def test_portal_yaml_maps_owners_to_teams(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    (repo.root / "portal.yaml").write_text(
        "codeowners:\n  default: ['@acme/platform']\n  teams:\n    team-c: acme/web-team\n"
        "    group:default/team-a: '@acme/renamed'\n"
    )
    assert main(["--root", str(repo.root), "codeowners"]) == 0
    text = (repo.root / ".github/CODEOWNERS").read_text()
    assert text.splitlines()[4] == "* @acme/platform"
    assert "/catalog/web.yaml @acme/web-team\n" in text
    assert "/catalog/services/orders/ @acme/renamed\n" in text
    assert "no GitHub team" not in capsys.readouterr().err


def test_paths_a_pattern_cannot_hold_are_left_out(repo: Repo) -> None:
    (repo.root / "catalog/we\nird [x].yaml").write_text(component("odd", "team-a"))
    code, _, err = _run(repo.root)
    assert code == 0
    text = (repo.root / ".github/CODEOWNERS").read_text()
    assert "ird" not in text
    assert "warning[codeowners.unsafe-path]" in err


def test_bad_mapping_is_a_config_error(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    (repo.root / "portal.yaml").write_text("codeowners:\n  teams: [a, b]\n")
    assert main(["--root", str(repo.root), "codeowners"]) == 2
    assert "'codeowners.teams' must map strings to strings" in capsys.readouterr().err
