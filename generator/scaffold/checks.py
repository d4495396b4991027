"""What ``portal validate`` checks in a Template beyond its schema, before anything runs:
every action is implemented, every expression parses, ``parameters`` is valid JSON
Schema, every skeleton a fetch step names exists (and is local), and the version
annotation is a semver. Skeleton files are parsed too: a shell script's ``${#x}`` is
a Jinja comment that never ends, and better found here than half-way through a run.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.diagnostics import Finding, finding
from generator.placeholders import same_repo_path
from generator.scaffold import parameters
from generator.scaffold.actions import ACTIONS
from generator.scaffold.expressions import ExpressionError, Renderer, make_env
from generator.scaffold.template import VERSION_ANNOTATION, Template, is_semver
from generator.scaffold.workspace import glob_regex

_FETCH_DIRS = ("fetch:template", "fetch:plain", "fetch:cookiecutter")
_FETCH_FILES = ("fetch:template:file", "fetch:plain:file")


def check_template(template: Template, config: Config) -> list[Finding]:
    """Every finding about ``template`` itself (the answers are checked per run)."""
    out = list(template.findings)
    spec = template.spec
    out += _version(template)
    out += _expressions(template)
    for index, path, problem in parameters.check_schemas(spec):
        page = ("spec", "parameters", index) if isinstance(spec.get("parameters"), list) else ()
        line, col = template.locate((*(page or ("spec", "parameters")), *path))
        out.append(finding("template.parameters", template.file, line, col, problem))
    steps = spec.get("steps")
    for index, step in enumerate(steps if isinstance(steps, list) else []):
        if isinstance(step, dict):
            out += _step(template, config, index, step)
    return out


def _version(template: Template) -> list[Finding]:
    annotations = template.metadata.get("annotations")
    value = annotations.get(VERSION_ANNOTATION) if isinstance(annotations, dict) else None
    at = ("metadata", "annotations", VERSION_ANNOTATION)
    if value is None:
        line, col = template.locate(("metadata",))
        return [
            finding(
                "template.unversioned",
                template.file,
                line,
                col,
                f"no '{VERSION_ANNOTATION}' annotation: what this template creates records "
                "version 0.0.0; give it a semver such as 1.0.0",
            )
        ]
    if not isinstance(value, str) or not is_semver(value):
        line, col = template.locate(at)
        return [
            finding(
                "template.version",
                template.file,
                line,
                col,
                f"'{VERSION_ANNOTATION}' must be a semantic version such as 1.2.0; found {value!r}",
            )
        ]
    return []


def _strings(node: Any, path: tuple[str | int, ...]) -> Iterator[tuple[tuple[str | int, ...], str]]:
    if isinstance(node, str):
        yield path, node
    elif isinstance(node, Mapping):
        for key, value in node.items():
            yield from _strings(value, (*path, key))
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from _strings(value, (*path, i))


def _expressions(template: Template) -> list[Finding]:
    """Every string Backstage renders: steps, output and the pages' ``when``."""
    renderer = Renderer(make_env())
    spec = template.spec
    places = list(_strings(spec.get("steps"), ("spec", "steps")))
    places += list(_strings(spec.get("output"), ("spec", "output")))
    for index, page in enumerate(parameters.pages(spec)):
        if isinstance(page.get("when"), str):
            places.append((("spec", "parameters", index, "when"), page["when"]))
    out = []
    for path, text in places:
        if "${{" not in text and "{%" not in text and "{#" not in text:
            continue
        try:
            renderer.compile(text)
        except ExpressionError as exc:
            line, col = template.locate(path)
            shown = ".".join(str(p) for p in path[1:])
            out.append(finding("template.expression", template.file, line, col, f"{shown} {exc}"))
    return out


def _step(template: Template, config: Config, index: int, step: dict[str, Any]) -> list[Finding]:
    sid = step.get("id") or f"#{index + 1}"
    action = step.get("action")
    if not isinstance(action, str):
        return []  # the schema check reports it
    if action not in ACTIONS:
        line, col = template.locate(("spec", "steps", index, "action"))
        return [
            finding(
                "template.unknown-action",
                template.file,
                line,
                col,
                f"step '{sid}' uses the action '{action}', which the portal does not implement; "
                f"implemented: {', '.join(sorted(ACTIONS))}",
            )
        ]
    raw = step.get("input")
    inputs: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return _ignored(template, index, sid, action, inputs) + _fetch(
        template, config, index, sid, action, inputs
    )


def _ignored(
    template: Template, index: int, sid: str, action: str, inputs: Mapping[str, Any]
) -> list[Finding]:
    """Inputs Backstage's action has (or a typo) that the portal's does not apply: a run
    that silently drops ``repoVariables`` or ``secrets`` would surprise its author."""
    applied = ACTIONS[action].inputs
    out = []
    for key in sorted(str(k) for k in inputs if str(k) not in applied):
        line, col = template.locate(("spec", "steps", index, "input", key), key=True)
        later = _BY_HAND.get(key, "do that part by hand after the run")
        out.append(
            finding(
                "template.ignored-input",
                template.file,
                line,
                col,
                f"step '{sid}': {action} does not apply the input '{key}' here (the "
                f"handbook's golden-paths page lists the inputs each action applies); "
                f"remove it, or {later}",
            )
        )
    return out


_BY_HAND = {
    "repoVariables": "set the variables in the new repository's settings after the run",
    "secrets": "set the secrets in the new repository's settings after the run (secrets "
    "are never written into the plan)",
    "allowedHosts": "move it to the repoUrl parameter's ui:options, where RepoUrlPicker reads it",
}


def _fetch(
    template: Template,
    config: Config,
    index: int,
    sid: str,
    action: str,
    inputs: dict[str, Any],
) -> list[Finding]:
    """A fetch step's skeleton: local, inside the repository, present and parseable."""
    url = inputs.get("url")
    if action not in _FETCH_DIRS + _FETCH_FILES or not isinstance(url, str):
        return []
    line, col = template.locate(("spec", "steps", index, "input", "url"))

    def note(code: str, message: str) -> list[Finding]:
        return [finding(code, template.file, line, col, f"step '{sid}': {message}")]

    local = same_repo_path(url, config.site.repo_url, config.root)
    if local is None and "://" in url:
        return note(
            "template.remote-url",
            f"'{url}' is remote and is never fetched; check the skeleton into this repository "
            "and give its relative path (or its blob/tree URL in this repository)",
        )
    literal = url.split("${{", 1)[0]
    base = config.root / local if local is not None else template.folder / literal
    path = base.resolve()
    boundary = config.root if template.folder.is_relative_to(config.root) else template.folder
    if not path.is_relative_to(boundary):
        return note("template.path-escape", f"'{url}' leads outside the repository")
    templated = "${{" in url
    want_dir = action in _FETCH_DIRS or templated
    if not (path.is_dir() if want_dir else path.is_file()):
        what = "folder" if want_dir else "file"
        return note("template.skeleton-missing", f"the {what} '{url}' does not exist")
    if action in ("fetch:template", "fetch:cookiecutter") and not templated:
        return _skeleton_syntax(config, path, inputs, action)
    return []


def _skeleton_syntax(
    config: Config, folder: Path, inputs: Mapping[str, Any], action: str
) -> list[Finding]:
    """Parse every file of a skeleton that will be rendered, and every path."""
    cookie = action == "fetch:cookiecutter" or inputs.get("cookiecutterCompat") is True
    renderer = Renderer(make_env(cookiecutter=cookie))
    globs = [inputs.get(k) for k in ("copyWithoutTemplating", "copyWithoutRender")]
    plain = [glob_regex(g) for value in globs for g in _list(value)]
    extension = inputs.get("templateFileExtension")
    suffix = ".njk" if extension is True else str(extension) if extension else None
    root = config.root
    out = []
    for path in sorted(p for p in folder.rglob("*") if p.is_file() and not p.is_symlink()):
        rel = path.relative_to(folder).as_posix()
        display = path.relative_to(root).as_posix() if path.is_relative_to(root) else rel
        try:
            renderer.compile(rel)
            if any(r.fullmatch(rel) for r in plain) or (suffix and not rel.endswith(suffix)):
                continue
            data = path.read_bytes()
            if b"\x00" in data[:8000] or len(data) > config.catalog.max_file_bytes:
                continue
            renderer.compile(data.decode("utf-8"))
        except UnicodeDecodeError:
            continue
        except ExpressionError as exc:
            out.append(
                finding(
                    "template.expression",
                    display,
                    exc.line or 1,
                    1,
                    f"this skeleton file {exc}; if it is not a template, list it under "
                    "copyWithoutTemplating, or wrap the text in {% raw %}...{% endraw %}",
                )
            )
    return out


def _list(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    return [v for v in value if isinstance(v, str)] if isinstance(value, list) else []


def secret_names(spec: Mapping[str, Any]) -> set[str]:
    """Parameters whose values are secrets: ``ui:field: Secret`` and password
    widgets. They are left out of the answers file and the PR body."""
    out = set()
    for _, name, prop, _ in parameters.properties(spec):
        if prop.get("ui:field") == "Secret" or prop.get("ui:widget") == "password":
            out.add(name)
    return out


def check_catalog_templates(entities: list[Any], config: Config) -> list[Finding]:
    """:func:`check_template` for every Template entity of a loaded catalog."""
    out: list[Finding] = []
    for entity in entities:
        template = Template(entity.source.path, entity.file, entity.source.doc)
        out += check_template(template, config)
    return out
