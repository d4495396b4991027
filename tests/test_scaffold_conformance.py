"""The 11 Backstage templates of ../shared/conformance/backstage-templates, each with
every answer variant of its sample-parameters.yaml: the files a Backstage scaffolder
would leave in its workspace, their key contents, and the rendered output.

Actions a headless runner cannot run (fetch:rails, publish:gitlab:merge-request, a
remote fetch:plain) are stubbed as Backstage's dry run does, by lowering their finding
codes to warnings in the configuration, which is how a user would allow it too.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from generator.config import load_config
from generator.diagnostics import Severity
from generator.scaffold.plan import Plan
from generator.scaffold.runner import RunOptions, run
from generator.scaffold.template import load_template
from tests.conftest import CONFORMANCE, REPO

CORPUS = CONFORMANCE / "backstage-templates"
ANSWERS = ".portal-answers.yaml"


def _samples() -> list[tuple[str, str]]:
    path = CORPUS / "sample-parameters.yaml"
    if not path.is_file():
        return [("(corpus absent)", "-")]
    data = yaml.safe_load(path.read_text())
    return [(key, variant) for key, variants in data.items() for variant in variants]


def _run(conformance: Path, key: str, variant: str) -> tuple[Plan | None, list[Any]]:
    samples = yaml.safe_load(
        (conformance / "backstage-templates/sample-parameters.yaml").read_text()
    )
    config = load_config(REPO)
    stub = {"template.unknown-action": Severity.WARNING, "template.remote-url": Severity.WARNING}
    config = dataclasses.replace(config, severity={**config.severity, **stub})
    template = load_template(conformance / "backstage-templates" / key / "template.yaml", config)
    return run(template, config, RunOptions(dict(samples[key][variant]), this_repo="acme/portal"))


def _text(plan: Plan, path: str) -> str:
    return plan.workspace[path].data.decode()


def _entity(plan: Plan, path: str = "catalog-info.yaml") -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(_text(plan, path))
    return data


def _skeleton(key: str, folder: str = "skeleton") -> set[str]:
    base = CORPUS / key / folder
    return {p.relative_to(base).as_posix() for p in base.rglob("*") if p.is_file()}


@pytest.mark.parametrize(("key", "variant"), _samples())
def test_every_template_renders_every_variant(conformance, key, variant):
    plan, findings = _run(conformance, key, variant)
    if (key, variant) == ("scaffolder-templates/docs-template-cookiecutter", "minimal"):
        # SOURCE.md: real fetch:cookiecutter uses StrictUndefined, so no owner fails.
        assert plan is None
        assert [f.code for f in findings if f.severity is Severity.ERROR] == ["template.render"]
        assert "owner" in findings[-1].message
        assert findings[-1].file.endswith("docs-template-cookiecutter/skeleton/catalog-info.yaml")
        return
    assert plan is not None, [str(f) for f in findings]
    assert ANSWERS in plan.workspace
    answers = yaml.safe_load(_text(plan, ANSWERS))
    assert answers["template"] == plan.template and answers["version"] == "0.0.0"
    for ref, path in plan.entities:
        annotations = yaml.safe_load(_any_file(plan, path))["metadata"]["annotations"]
        assert annotations["backstage.io/source-template"] == plan.template
        assert annotations["gitops-portal.io/template-version"] == "0.0.0"
        assert ref.startswith("component:default/")


def _any_file(plan: Plan, path: str) -> str:
    """A file of the workspace, or of a target (catalog:register puts the entity file
    into the pull request to this repository)."""
    files = dict(plan.workspace)
    for target in plan.targets:
        files.update(target.files)
    return files[path].data.decode()


def _files(plan: Plan) -> set[str]:
    return set(plan.workspace) - {ANSWERS}


def test_skeleton_templates_produce_every_skeleton_file(conformance):
    for key in (
        "create-react-app",
        "react-ssr-template",
        "docs-template",
        "clean-architecture-app",
    ):
        for variant in ("full", "minimal"):
            plan, _ = _run(conformance, f"scaffolder-templates/{key}", variant)
            assert plan is not None
            assert _files(plan) == _skeleton(f"scaffolder-templates/{key}"), (key, variant)


def test_empty_and_one_byte_files_come_through_unchanged(conformance):
    plan, _ = _run(conformance, "scaffolder-templates/react-ssr-template", "full")
    assert plan is not None
    skeleton = CORPUS / "scaffolder-templates/react-ssr-template/skeleton"
    for name in ("public/static/fonts.css", ".eslintignore"):
        assert plan.workspace[name].data == (skeleton / name).read_bytes()


def test_templated_paths_keep_dots_and_the_executable_bit(conformance):
    full, _ = _run(conformance, "scaffolder-templates/springboot-grpc-template", "full")
    minimal, _ = _run(conformance, "scaffolder-templates/springboot-grpc-template", "minimal")
    assert full is not None and minimal is not None
    assert "src/main/java/com/example/demogrpc/Application.java" in full.workspace
    assert "src/main/java/com/example/io.acme.demo/GreeterService.java" in minimal.workspace
    assert full.workspace["demo-grpc.sh"].mode == 0o755
    assert full.workspace["README.md"].mode == 0o644
    assert _text(full, "demo-grpc.sh").splitlines()[1:] == ["demo-grpc", "demo-grpc"]
    assert len(_files(full)) == len(_skeleton("scaffolder-templates/springboot-grpc-template"))


def test_catalog_entries_render_as_backstage_renders_them(conformance):
    plan, _ = _run(conformance, "scaffolder-templates/create-react-app", "full")
    assert plan is not None
    entity = _entity(plan)
    assert entity["metadata"]["name"] == "demo-web"
    assert entity["metadata"]["description"] == "Demo website for the conformance suite"
    assert entity["metadata"]["annotations"]["github.com/project-slug"] == "acme/demo-web"
    assert entity["spec"]["owner"] == "group:default/web-team"
    # values.name is never passed: undefined renders empty (Nunjucks).
    assert _text(plan, "docs/index.md").startswith("## \n")
    minimal, _ = _run(conformance, "scaffolder-templates/create-react-app", "minimal")
    assert minimal is not None
    assert "description" not in _entity(minimal)["metadata"]  # {%- if %} left it out
    assert _text(minimal, "mkdocs.yml").startswith('site_name: "demo-web"\nsite_description: \n')


def test_undefined_chains_booleans_and_js_concatenation(conformance):
    plan, _ = _run(conformance, "scaffolder-templates/clean-architecture-app", "full")
    assert plan is not None
    workflow = _text(plan, ".github/workflows/gradle.yml")
    assert "          ref: \n" in workflow  # ${{ github.head_ref }}: undefined chain
    assert workflow.endswith("GITHUB_TOKEN: ")  # backstage/software-templates#53, as upstream
    assert "--lombok=true --metrics=false" in workflow
    # values.destination is never passed: JavaScript's undefined + "/" + undefined.
    slug = _entity(plan)["metadata"]["annotations"]["github.com/project-slug"]
    assert slug == "undefined/undefined"


def test_docs_template_owner_is_empty_when_not_given(conformance):
    plan, _ = _run(conformance, "scaffolder-templates/docs-template", "minimal")
    assert plan is not None
    assert _entity(plan)["spec"]["owner"] is None
    full, _ = _run(conformance, "scaffolder-templates/docs-template-cookiecutter", "full")
    assert full is not None
    assert _entity(full)["spec"]["owner"] == "group:default/docs-team"
    assert _text(full, "docs/index.md").startswith("## demo-docs-cc\n")


def test_target_path_and_its_fallback(conformance):
    full, findings = _run(conformance, "scaffolder-templates/gitlab-merge-request", "full")
    assert full is not None
    assert _files(full) == {"services/demo-mr/catalog-info.yaml"}
    assert {f.code for f in findings} == {"template.unknown-action", "template.unversioned"}
    minimal, _ = _run(conformance, "scaffolder-templates/gitlab-merge-request", "minimal")
    assert minimal is not None and _files(minimal) == {"catalog-info.yaml"}
    assert minimal.stubbed == [
        "publish (publish:gitlab:merge-request): the portal does not implement this action"
    ]


def test_pull_request_template_plans_one_pull_request(conformance):
    plan, _ = _run(conformance, "scaffolder-templates/pull-request", "minimal")
    assert plan is not None
    assert _files(plan) == {"catalog-info.yaml"}
    assert any("not fetched" in s for s in plan.stubbed)
    [target] = plan.targets
    assert (target.kind, target.repo, target.branch) == (
        "pull-request",
        "acme/monorepo",
        "create-demo-pr",
    )
    assert set(target.files) == {"demo-pr/catalog-info.yaml", "demo-pr/.portal-answers.yaml"}
    assert target.title == "Create new project: demo-pr"
    full, _ = _run(conformance, "scaffolder-templates/pull-request", "full")
    assert full is not None
    assert "services/demo-pr/catalog-info.yaml" in full.targets[0].files


def test_step_if_with_js_operators_and_catalog_write(conformance):
    dry, _ = _run(conformance, "scaffolder-templates/rails-demo", "full")
    wet, _ = _run(conformance, "scaffolder-templates/rails-demo", "minimal")
    assert dry is not None and wet is not None
    assert dry.targets == [] and dry.log == ["step-5: catalog-info.yaml"]
    assert [t.kind for t in wet.targets] == ["repository", "pull-request"]
    assert wet.log == []
    entity = _entity(wet)
    assert entity["metadata"]["annotations"]["github.com/project-slug"] == "acme/demo-rails"
    assert entity["metadata"]["annotations"]["backstage.io/source-template"] == (
        "template:default/rails-demo"
    )
    assert wet.targets[0].repo == "acme/demo-rails" and wet.targets[0].settings is not None
    assert wet.targets[0].settings.visibility == "private"
    assert wet.entities[-1] == (
        "component:default/demo-rails",
        "catalog/demo-rails/catalog-info.yaml",
    )


def test_conditional_output_links_and_text(conformance):
    full, _ = _run(conformance, "backstage-sample-templates/conditional-output-demo", "full")
    off, _ = _run(conformance, "backstage-sample-templates/conditional-output-demo", "ci-off")
    assert full is not None and off is not None
    assert [link["title"] for link in full.links] == [
        "Backstage Homepage",
        "CI Dashboard",
        "CI Docs",
    ]
    assert full.links[1]["url"] == "https://ci.example.com/demo"
    assert [t["title"] for t in full.text] == ["Summary", "CI Details", "CI Setup Instructions"]
    assert [link["title"] for link in off.links] == ["Backstage Homepage"]
    assert [t["title"] for t in off.text] == ["Summary"]
    assert full.log == ["log: Creating demo"]


def test_conditional_pages_are_validated_only_when_their_when_holds(conformance):
    aws, _ = _run(conformance, "backstage-sample-templates/conditional-parameters-demo", "full")
    gcp, _ = _run(conformance, "backstage-sample-templates/conditional-parameters-demo", "minimal")
    assert aws is not None and gcp is not None
    assert [t["title"] for t in aws.text] == ["Summary", "AWS Details"]
    assert "**Account ID:** 123456789012" in aws.text[1]["content"]
    assert [t["title"] for t in gcp.text] == ["Summary", "GCP Details"]
    assert "**Region:** us-central1" in gcp.text[1]["content"]
    assert gcp.log == ["log: Creating demo on GCP.\nMonitoring enabled: false\n"]
    assert "alertThreshold" not in gcp.values  # its page's when was false
