"""Per-entity history from git: followed across renames and moves, field by field, with
PR numbers from merge and squash messages; on the site as a section of each entity's
page, pages for long histories and teams, and a change log."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from generator.commands.build import build
from generator.commands.history import run_history
from generator.config import load_config
from generator.git import Git, _parse_log
from generator.gitops.history import Commit, read_history
from generator.site import history as site_history
from tests.gitops_repo import Repo, build_history, component, git, golden


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return build_history(tmp_path_factory.mktemp("history"))


def _history(repo: Repo, fmt: str, *refs: str) -> str:
    out = io.StringIO()
    assert run_history(load_config(repo.root), list(refs), output_format=fmt, out=out) == 0
    return out.getvalue()


def test_history_text_and_json(repo: Repo) -> None:
    golden("history.txt", _history(repo, "text"))
    golden("history.json", _history(repo, "json"))


def test_renames_and_moves_are_followed(repo: Repo) -> None:
    doc = json.loads(_history(repo, "json", "orders"))
    changes = doc["entities"]["component:default/orders"]
    assert [c["action"] for c in changes] == ["moved", "changed", "added"]
    assert changes[0]["old_file"] == "catalog/orders/catalog-info.yaml"
    assert changes[0]["file"] == "catalog/services/orders/catalog-info.yaml"
    assert changes[1]["fields"]["spec.lifecycle"] == {"old": "experimental", "new": "production"}
    assert [c["pr"] for c in changes] == [4, 3, None]


def test_a_merge_is_one_change_with_its_pr(repo: Repo) -> None:
    (change,) = json.loads(_history(repo, "json", "api-gw"))["entities"][
        "component:default/api-gw"
    ][:1]
    assert change["commit"] == repo.commits["merge"]
    assert change["pr"] == 9
    assert change["subject"] == "Merge pull request #9 from acme/docs"


@pytest.mark.parametrize(
    ("subject", "pr"),
    [
        ("Add a thing (#12)", 12),
        ("Merge pull request #7 from acme/x", 7),
        ("Fixes #3 in passing", None),
        ("(#4) at the start", None),
    ],
)
def test_pr_numbers_from_messages(subject: str, pr: int | None) -> None:
    assert Commit("a" * 40, "A", "2026-01-01", subject).pr == pr


def test_log_parsing_keeps_odd_file_names_and_subjects() -> None:
    sha, blob = "1" * 40, "2" * 40
    raw = (
        f"\x01{sha}\0Eve\n::error::x\0 2026-01-01T00:00:00+00:00\0subj: with \x01 and :colon\0"
        f"\n:000000 100644 {'0' * 40} {blob} A\0catalog/we\nird.yaml\0"
    )
    (entry,) = _parse_log(raw)
    assert entry.author == "Eve\n::error::x"
    assert entry.changes[0].path == "catalog/we\nird.yaml"
    assert (entry.changes[0].old, entry.changes[0].new) == (None, blob)


def test_shallow_clone_is_said_to_be(repo: Repo, tmp_path: Path) -> None:
    clone = tmp_path / "clone"
    git(tmp_path, "clone", "-q", "--depth", "2", f"file://{repo.root}", str(clone))
    g = Git(clone)
    history = read_history(g, g.rev_parse("HEAD"), ["catalog"], load_config(clone).limits, 1 << 20)
    assert history.truncated
    assert "(a shallow clone" in _history(Repo(clone, {}), "text")


@pytest.mark.integration
def test_site_shows_history(repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.setattr(site_history, "INLINE", 2)  # orders and payments get a page
    site, work = tmp_path / "site", tmp_path / "build"
    assert build(load_config(repo.root), site_dir=site, build_dir=work) == 0
    orders = (site / "catalog/default/component/orders/index.html").read_text()
    section = orders[orders.index('<h2 id="history">') : orders.index('<h2 id="source">')]
    golden("history-section.html", section)
    assert 'href="https://github.com/acme/portal/pull/4"' in section
    assert (site / "catalog/default/component/orders/history/index.html").is_file()
    team = (site / "catalog/default/group/team-b/changes/index.html").read_text()
    assert "component:default/payments" in team  # removed since: named, not linked
    assert "Changes to what team-b owns" in team
    golden("changes.md", (work / "docs/changes/index.md").read_text())
    assert 'href="changes/"' in (site / "index.html").read_text()


@pytest.mark.integration
def test_hostile_commits_are_text_on_the_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    root = tmp_path / "repo"
    root.mkdir()
    git(root, "init", "-q", "-b", "main")
    (root / "catalog").mkdir()
    (root / "catalog/svc.yaml").write_text(component("svc", "team-a"))
    (root / "catalog/team.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n"
        "spec:\n  type: team\n  children: []\n"
    )
    git(root, "add", "-A")
    hostile = "<script>alert(1)</script> @octocat (#1)"
    # git drops '<' and '>' from names itself; quotes and '&' reach the page.
    env = {"GIT_AUTHOR_NAME": 'Eve" onmouseover="alert(1) & co', "GIT_AUTHOR_EMAIL": "e@x",
           "GIT_COMMITTER_NAME": "x", "GIT_COMMITTER_EMAIL": "e@x"}  # fmt: skip
    git(root, "commit", "-qm", hostile, env=env)
    (root / "catalog/svc.yaml").write_text(component("svc", "team-a", description="<b>bold</b>"))
    git(root, "commit", "-qam", hostile, env=env)
    assert build(load_config(root), site_dir=tmp_path / "site", build_dir=tmp_path / "b") == 0
    page = (tmp_path / "site/catalog/default/component/svc/index.html").read_text()
    history = page[page.index('<h2 id="history">') :]
    assert "<b>bold" not in history and 'onmouseover="' not in history
    assert "&lt;b&gt;bold&lt;/b&gt;" in history
    assert "Eve&#34; onmouseover=&#34;alert(1) &amp; co" in history
