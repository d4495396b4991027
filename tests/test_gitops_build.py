"""``portal build --at REV``: the portal of a past commit, read from git objects, is byte
for byte the portal built from a checkout of that commit; and the tree it is read from
is written as a checkout writes it (links as links, never followed)."""

from __future__ import annotations

import filecmp
import os
from pathlib import Path

import pytest

from generator.cli import main
from generator.commands.build import build
from generator.config import load_config
from generator.errors import ConfigError
from generator.git import Git, GitError, TreeEntry
from generator.gitops import tree
from tests.gitops_repo import Repo, build_history, git


@pytest.fixture(scope="module")
def repo(tmp_path_factory: pytest.TempPathFactory) -> Repo:
    return build_history(tmp_path_factory.mktemp("history"))


def _files(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


@pytest.mark.integration
def test_build_at_matches_a_checkout_build(
    repo: Repo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")
    monkeypatch.delenv("GITHUB_SHA", raising=False)
    commit = repo.commits["owner"]
    checkout = tmp_path / "checkout"
    git(repo.root, "worktree", "add", "-q", "--detach", str(checkout), commit)
    try:
        assert build(load_config(checkout), site_dir=tmp_path / "a", build_dir=tmp_path / "ba") == 0
    finally:
        git(repo.root, "worktree", "remove", "--force", str(checkout))
    at = build(
        load_config(repo.root), at=commit, site_dir=tmp_path / "b", build_dir=tmp_path / "bb"
    )
    assert at == 0
    built, rebuilt = _files(tmp_path / "a"), _files(tmp_path / "b")
    assert built.keys() == rebuilt.keys()
    different = [name for name in built if built[name] != rebuilt[name]]
    assert different == []
    assert commit.encode() in built["index.html"]  # the page names the commit, not HEAD
    # The payments service of that day is there; it was removed later.
    assert "catalog/default/component/payments/index.html" in built
    assert filecmp.cmp(tmp_path / "a/index.html", tmp_path / "b/index.html", shallow=False)


def test_build_at_refuses_a_catalog_folder(repo: Repo) -> None:
    with pytest.raises(ConfigError, match="leave out --catalog"):
        build(load_config(repo.root), at="HEAD", catalogs=[repo.root / "catalog"])


def test_tree_writes_links_as_links(repo: Repo, tmp_path: Path) -> None:
    count = tree.materialise(Git(repo.root), repo.commits["initial"], tmp_path)
    link = tmp_path / "README.md"
    assert link.is_symlink()
    assert os.readlink(link) == "catalog/orders/docs/index.md"
    assert (tmp_path / "catalog/orders/catalog-info.yaml").read_bytes() == git(
        repo.root, "show", f"{repo.commits['initial']}:catalog/orders/catalog-info.yaml"
    ).encode()
    assert count == len(
        git(repo.root, "ls-tree", "-r", "--name-only", repo.commits["initial"]).split()
    )


def test_a_link_is_never_written_through(tmp_path: Path) -> None:
    """A link pointing out of the tree stays a link, and nothing is written where it points."""
    root, outside = tmp_path / "repo", tmp_path / "outside"
    outside.mkdir()
    git(root.parent, "init", "-q", str(root))
    (root / "docs").symlink_to(outside)
    (root / "run.sh").write_text("#!/bin/sh\n")
    (root / "run.sh").chmod(0o755)
    git(root, "add", "-A")
    git(
        root,
        "commit",
        "-qm",
        "x",
        env={
            "GIT_AUTHOR_NAME": "a",
            "GIT_AUTHOR_EMAIL": "a@x",
            "GIT_COMMITTER_NAME": "a",
            "GIT_COMMITTER_EMAIL": "a@x",
        },
    )
    dest = tmp_path / "dest"
    dest.mkdir()
    tree.materialise(Git(root), Git(root).rev_parse("HEAD"), dest)
    assert os.readlink(dest / "docs") == str(outside)
    assert os.access(dest / "run.sh", os.X_OK)
    assert list(outside.iterdir()) == []


@pytest.mark.parametrize("path", ["../escape", "a/../../b", "/abs", ".git/config", "a/.GIT/hooks"])
def test_paths_git_would_not_check_out_are_refused(path: str) -> None:
    with pytest.raises(GitError, match="would not check out"):
        tree._check_path(path)
    assert TreeEntry("100644", "0" * 40, path).path == path


def test_cli_at_a_revision_that_does_not_exist(
    repo: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["--root", str(repo.root), "build", "--at", "no-such-tag"]) == 2
    assert "'no-such-tag' names no commit" in capsys.readouterr().err
    argv = ["--root", str(repo.root), "build", "--at", "HEAD", "--catalog", "catalog"]
    assert main(argv) == 2
    assert "leave out --catalog" in capsys.readouterr().err
