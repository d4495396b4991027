"""The portal's "Create" section: one page per golden path (what it creates, owner,
version, its parameters as a documented form, its steps, a ready ``gh workflow run``
line and a Request link to its issue form) and an index of them all by what they
create. Template text is untrusted like any catalog text: it goes through md_inline.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path
from typing import Any

import yaml

from generator.catalog import Catalog
from generator.model.entity import Entity
from generator.scaffold import parameters
from generator.scaffold.actions import ACTIONS
from generator.scaffold.template import (
    SOURCE_TEMPLATE_ANNOTATION,
    UNVERSIONED,
    VERSION_ANNOTATION,
    is_semver,
)
from generator.site import paths
from generator.site.render import md_inline

CREATE_DIR = "create"
CREATE_INDEX = f"{CREATE_DIR}/index.md"


def template_page(name: str) -> str:
    """A golden path's page, relative to the docs folder."""
    return f"{CREATE_DIR}/{name}/index.md"


def template_url(name: str) -> str:
    """A golden path's page URL, relative to the site root."""
    return f"{CREATE_DIR}/{name}/"


def source_template(entity: Entity, catalog: Catalog) -> dict[str, str] | None:
    """For an entity created from a golden path: the template's page, title and the
    version it was created with; None otherwise (or when the template is gone)."""
    annotations = entity.metadata.get("annotations")
    if not isinstance(annotations, dict):
        return None
    ref = annotations.get(SOURCE_TEMPLATE_ANNOTATION)
    template = catalog.get(ref) if isinstance(ref, str) else None
    if template is None or template.kind != "Template":
        return None
    version = annotations.get(VERSION_ANNOTATION)
    return {
        "url": template_url(template.name),
        "title": template.title,
        "version": version if isinstance(version, str) else "",
        "current": _version(template),
    }


def _version(template: Entity) -> str:
    annotations = template.metadata.get("annotations")
    value = annotations.get(VERSION_ANNOTATION) if isinstance(annotations, dict) else None
    return value if isinstance(value, str) and is_semver(value) else UNVERSIONED


def render_create(catalog: Catalog) -> dict[str, str]:
    """The Create section's Markdown pages, by docs path. The index is there even
    without templates (the handbook links to it); the nav lists it only with some."""
    templates = catalog.of_kind("Template")
    out = {CREATE_INDEX: _index(templates)}
    for template in templates:
        out[template_page(template.name)] = _page(template, catalog)
    return out


_FRONT = "---\nhide:\n  - navigation\n---\n\n"
"""The portal's sidebar would list this page alone: hidden, the parameters table gets
the width."""


def _index(templates: list[Entity]) -> str:
    lines = [
        _FRONT + "# Create",
        "",
        "Golden paths are the supported way to start something new: fill in a form and a "
        "pull request arrives with everything generated, reviewed like any change. "
        "See the [handbook](../handbook/golden-paths.md) for how they work.",
        "",
    ]
    if not templates:
        lines += ["No golden paths yet: add one under `golden_paths/`.", ""]
    by_type: dict[str, list[Entity]] = {}
    for t in templates:
        by_type.setdefault(str(t.spec.get("type") or "other"), []).append(t)
    for kind in sorted(by_type):
        lines += [f"## {md_inline(kind.capitalize())}", ""]
        for t in sorted(by_type[kind], key=lambda e: e.title.lower()):
            lines.append(
                f"- [{md_inline(t.title)}]({t.name}/index.md) (version {_version(t)}): "
                f"{md_inline(t.description)}"
            )
        lines.append("")
    return "\n".join(lines)


def _example(entity: Entity) -> dict[str, Any]:
    path = Path(entity.source.path).parent / "example-values.yaml"
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    return data if isinstance(data, dict) else {}


def _page(template: Entity, catalog: Catalog) -> str:
    spec = template.spec
    repo = catalog.config.site.repo_url
    lines = [
        _FRONT + f"# {md_inline(template.title)}",
        "",
        f"{md_inline(template.description)}",
        "",
        f"- **Creates:** {md_inline(spec.get('type') or '')}",
        f"- **Owner:** {_owner(template, catalog)}",
        f"- **Version:** {_version(template)}",
        f"- **Golden path:** {_code(template.name)} ({_code(template.file)})",
        "",
    ]
    if repo:
        form = f"{repo}/issues/new?template=golden-path-{template.name}.yml"
        lines += [
            f"**[Request it]({form})** with the issue form, or from the command line below.",
            "",
        ]
    lines += ["## Parameters", ""]
    lines += _parameters(spec)
    lines += ["## Steps", ""]
    for index, step in enumerate(spec.get("steps") or []):
        if isinstance(step, dict):
            action = str(step.get("action"))
            known = ACTIONS.get(action)
            what = known.summary if known else "not implemented by the portal"
            name = step.get("name") or step.get("id") or f"step {index + 1}"
            lines.append(f"{index + 1}. {md_inline(name)}: {_code(action)} ({what})")
    lines += ["", "## Request it from the command line", ""]
    example = _example(template)
    command = (
        f"gh workflow run provision.yml -f template={shlex.quote(template.name)} "
        f"-f values={shlex.quote(json.dumps(example, ensure_ascii=False))}"
    )
    lines += ["```sh", command, "```", ""]
    lines += ["Or render it locally, without publishing anything:", ""]
    lines += [
        "```sh",
        f"portal new {template.name} --values golden_paths/{template.name}/example-values.yaml",
        "```",
        "",
    ]
    return "\n".join(lines)


def _owner(template: Entity, catalog: Catalog) -> str:
    """The owner linked to its page, with its kind (a team and a system can share a
    title); a ref with no page as code."""
    ref = template.spec.get("owner")
    owner = catalog.get(ref if ":" in str(ref) else f"group:default/{ref}") if ref else None
    if owner is None:
        return _code(ref or "unknown")
    url = paths.relative(template_page(template.name), paths.entity_url(owner.key))
    return f"[{md_inline(owner.title)}]({url}) ({owner.kind})"


def _parameters(spec: dict[str, Any]) -> list[str]:
    rows = [
        "| Parameter | Type | Default | Allowed | Description |",
        "| --- | --- | --- | --- | --- |",
    ]
    for _, name, prop, required in parameters.properties(spec):
        allowed = prop.get("enum")
        shown = ", ".join(str(v) for v in allowed) if isinstance(allowed, list) else ""
        if not shown and "pattern" in prop:
            shown = f"pattern {prop['pattern']}"
        ui = [f"{k}: {v}" for k, v in prop.items() if isinstance(k, str) and k.startswith("ui:")]
        title = str(prop.get("title") or "")
        description = (f"{title}{' (required)' if required else ''}. " if title else "") + str(
            prop.get("description") or ""
        )
        if required and not title:
            description = "Required. " + description
        if ui:
            description += f" (form: {'; '.join(str(u) for u in ui)})"
        default = prop.get("default", "")
        rows.append(
            "| "
            + " | ".join(
                _cell(v)
                for v in (
                    f"`{name}`",
                    prop.get("type") or "",
                    "" if default in ("", None) else json.dumps(default),
                    shown,
                    description,
                )
            )
            + " |"
        )
    return [*rows, ""] if len(rows) > 2 else ["This golden path asks nothing.", ""]


def _code(value: Any) -> str:
    """Untrusted text as a code span (no escapes work inside one: backticks and line
    breaks are replaced instead)."""
    return "`" + " ".join(str(value).replace("`", "'").split()) + "`"


def _cell(value: Any) -> str:
    text = str(value)
    if text.startswith("`") and text.endswith("`"):
        return "`" + text.strip("`").replace("|", "\\|") + "`"
    return str(md_inline(text))
