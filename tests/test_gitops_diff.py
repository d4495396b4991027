"""``portal diff`` on a repository whose history adds, changes, moves, re-owns, breaks,
fixes and removes entities: every format compared with golden files, read from git
objects without touching the working tree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator.cli import main
from generator.commands.diff import compute, render
from generator.config import load_config
from generator.git import GitError
from generator.gitops.diff import as_json
from generator.gitops.report import Links, markdown
from tests.gitops_repo import Repo, build_history, component, git, golden


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return build_history(tmp_path_factory.mktemp("history"))


STEPS = ["add", "change", "move", "owner", "break", "fix", "merge", "remove"]


@pytest.mark.parametrize("step", STEPS)
def test_each_step_in_text(repo: Repo, step: str) -> None:
    head = repo.commits[step]
    d = compute(repo.root, f"{head}^", head)
    golden(f"diff-{step}.txt", render(d, "text", load_config(repo.root)))


@pytest.mark.parametrize("fmt", ["text", "json", "markdown"])
def test_whole_history_in_every_format(repo: Repo, fmt: str) -> None:
    """From the first commit to the last: the net effect, not the steps."""
    d = compute(repo.root, repo.commits["initial"], "main")
    golden(
        f"diff-all.{ {'text': 'txt', 'json': 'json', 'markdown': 'md'}[fmt] }",
        render(d, fmt, load_config(repo.root)),
    )


def test_json_shape(repo: Repo) -> None:
    d = compute(repo.root, repo.commits["add"], repo.commits["break"])
    doc = as_json(d)
    assert doc["base"] == repo.commits["add"]
    assert doc["head"] == repo.commits["break"]
    assert doc["changed"]["component:default/orders"]["fields"]["spec.lifecycle"] == {
        "old": "experimental",
        "new": "production",
    }
    assert doc["impacted"] == {
        "component:default/api-gw": {
            "via": ["component:default/orders"],
            "owner": "group:default/team-b",
        },
    }
    assert doc["owners_to_notify"] == sorted(doc["owners_to_notify"])
    assert [f["code"] for f in doc["findings"]["introduced"]] == ["ref.dangling"]
    assert json.loads(json.dumps(doc)) == doc


def test_the_working_tree_is_not_touched(repo: Repo) -> None:
    before = git(repo.root, "status", "--porcelain", "--ignored")
    compute(repo.root, repo.commits["initial"], repo.commits["remove"])
    assert git(repo.root, "status", "--porcelain", "--ignored") == before
    assert git(repo.root, "rev-parse", "HEAD").strip() == repo.commits["remove"]


def test_dates_pick_the_revisions(repo: Repo) -> None:
    """Commits are made at noon on 1, 2, 3... January: --since takes the state at the
    start of that day, --until at its end."""
    d = compute(repo.root, None, since="2026-01-03", until="2026-01-04")
    assert (d.base, d.head) == (repo.commits["add"], repo.commits["move"])
    before_all = compute(repo.root, None, since="2025-12-01", until="2026-01-01")
    assert before_all.base is None
    assert len(before_all.added) == 7


def test_bad_revisions_are_usage_errors(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--root", str(repo.root), "diff", "--", "--upload-pack=x"]) == 2
    assert "is not a revision" in capsys.readouterr().err
    assert main(["--root", str(repo.root), "diff", "nope"]) == 2
    assert "names no commit" in capsys.readouterr().err
    assert main(["--root", str(repo.root), "diff", "--since", "yesterday"]) == 2
    assert "is not a date" in capsys.readouterr().err
    assert main(["--root", str(repo.root), "diff"]) == 2
    with pytest.raises(GitError):
        compute(repo.root, None, since="2026-01-01", until="2025-01-01")


def test_cli_prints_json(repo: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(
        [
            "--root",
            str(repo.root),
            "diff",
            repo.commits["owner"] + "^",
            repo.commits["owner"],
            "--format",
            "json",
        ]
    )
    assert code == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["owners"] == {
        "component:default/payments": {"old": "group:default/team-a", "new": "group:default/team-b"}
    }


def test_a_subfolder_portal_reads_its_own_folder(tmp_path: Path) -> None:
    """The portal may live in a folder of a larger repository: each revision is read at
    the same place inside it."""
    git(tmp_path, "init", "-q", "-b", "main")
    (tmp_path / "portal/catalog").mkdir(parents=True)
    (tmp_path / "catalog").mkdir()  # another catalog folder, not the portal's
    (tmp_path / "catalog/other.yaml").write_text(component("other", "team-a"))
    (tmp_path / "portal/catalog/svc.yaml").write_text(component("svc", "team-a"))
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "one", env=_IDENTITY)
    (tmp_path / "portal/catalog/svc.yaml").unlink()
    git(tmp_path, "commit", "-qam", "two", env=_IDENTITY)
    assert compute(tmp_path / "portal", "HEAD~1", "HEAD").removed == ["component:default/svc"]


_IDENTITY = {
    "GIT_AUTHOR_NAME": "A",
    "GIT_AUTHOR_EMAIL": "a@x",
    "GIT_COMMITTER_NAME": "A",
    "GIT_COMMITTER_EMAIL": "a@x",
}


def test_markdown_links_a_removed_entity_at_the_base(repo: Repo) -> None:
    """Without a published site, links go to definitions: a removed one's is at the base."""
    head = repo.commits["remove"]
    d = compute(repo.root, f"{head}^", head)
    text = markdown(d, Links(None, "https://github.com/acme/portal"))
    base = repo.commits["merge"]
    assert f"/blob/{base}/catalog/payments.yaml#L1" in text
    assert f"/blob/{head}/catalog/payments.yaml" not in text
