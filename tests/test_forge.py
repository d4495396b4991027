"""The GitHub seam's fake behaves as GitHub does where the portal relies on it, and the
git seam refuses revisions that could be read as options."""

from __future__ import annotations

import subprocess
from datetime import UTC, datetime
from pathlib import Path

import pytest

from generator.forge import Deployment, ForgeError, RateLimited, Repo
from generator.forge.fake import FakeForge
from generator.git import Git, GitError


def test_commit_files_is_idempotent_and_keeps_base_files():
    forge = FakeForge()
    forge.add_repo("org/portal", {"README.md": b"hi"})
    first = forge.commit_files(
        "org/portal", branch="req-1", base="main", files={"a.yaml": b"x"}, message="add"
    )
    again = forge.commit_files(
        "org/portal", branch="req-1", base="main", files={"a.yaml": b"x"}, message="add"
    )
    assert first == again
    assert forge.repos["org/portal"].tree("req-1") == {"README.md": b"hi", "a.yaml": b"x"}
    changed = forge.commit_files(
        "org/portal", branch="req-1", base="main", files={"a.yaml": b"y"}, message="edit"
    )
    assert changed != first
    assert forge.repos["org/portal"].tree("main") == {"README.md": b"hi"}


def test_one_open_pull_per_branch_and_no_repo_twice():
    forge = FakeForge()
    forge.add_repo("org/portal")
    forge.commit_files("org/portal", branch="b", base="main", files={"f": b"1"}, message="m")
    pull = forge.open_pull("org/portal", head="b", base="main", title="t", body="b")
    assert forge.find_pull("org/portal", "b") == pull
    with pytest.raises(ForgeError, match="already exists"):
        forge.open_pull("org/portal", head="b", base="main", title="t", body="b")
    forge.create_repo(Repo("org/new"))
    with pytest.raises(ForgeError, match="already exists"):
        forge.create_repo(Repo("org/new"))


def test_comments_are_edited_in_place():
    forge = FakeForge()
    forge.add_repo("org/portal")
    made = forge.comment("org/portal", 7, "first")
    forge.edit_comment("org/portal", made.id, "second")
    assert [c.body for c in forge.comments("org/portal", 7)] == ["second"]
    with pytest.raises(ForgeError, match="not found"):
        forge.edit_comment("org/portal", 99, "x")


def test_budget_runs_out_as_a_rate_limit():
    forge = FakeForge(budget=1)
    forge.add_repo("org/svc").deployments.append(
        Deployment(1, "abc", "production", datetime(2026, 1, 1, tzinfo=UTC))
    )
    assert [d.id for d in forge.deployments("org/svc")] == [1]
    with pytest.raises(RateLimited):
        forge.repo("org/svc")


def test_git_refuses_option_like_revisions(tmp_path: Path):
    subprocess.run(["git", "init", "-q", str(tmp_path)], check=True)
    git = Git(tmp_path)
    for bad in ("--output=/tmp/x", "-p", "a b", "HEAD;ls"):
        with pytest.raises(GitError, match="is not a revision"):
            git.rev_parse(bad)
    with pytest.raises(GitError, match="names no commit"):
        git.rev_parse("main")
