"""Running a template: answers validated, steps rendered and run in order, output
rendered, provenance recorded, all into a :class:`Plan`. Nothing is written or sent.

Order, as Backstage's workflow runner: for each step, ``each`` is rendered, then per
iteration ``if``, then ``input``; the action runs and its outputs become
``steps.<id>.output``. ``secrets`` are visible only to step inputs (and a per-iteration
``if``), never to ``output``; their values never reach the plan, the log or a file.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.diagnostics import Finding, Severity, apply_severities, finding
from generator.placeholders import same_repo_path
from generator.scaffold import parameters
from generator.scaffold.actions import ACTIONS, StepContext
from generator.scaffold.answers import ANSWERS_FILE, annotate, answers_yaml
from generator.scaffold.checks import check_template, secret_names
from generator.scaffold.expressions import (
    MISSING,
    ExpressionError,
    Limits,
    Renderer,
    deadline,
    make_env,
    truthy,
)
from generator.scaffold.plan import THIS_REPOSITORY, Plan, Target
from generator.scaffold.template import Template
from generator.scaffold.workspace import File, RunError, Workspace

REDACTED = "***"


@dataclass
class RunOptions:
    """What a run is given besides the template."""

    values: dict[str, Any]
    values_file: str = "(values)"
    """Display name of where the values came from, for findings."""
    secrets: dict[str, str] = field(default_factory=dict)
    user: dict[str, Any] = field(default_factory=dict)
    """``user.ref`` and ``user.entity`` as Backstage gives them."""
    request_id: str | None = None
    this_repo: str | None = None
    """``owner/name`` of the portal's repository, if known."""
    limits: Limits = field(default_factory=Limits)


class Run:
    """The state one run's actions share."""

    def __init__(self, template: Template, config: Config, options: RunOptions) -> None:
        self.template = template
        self.config = config
        self.options = options
        self.renderer = Renderer(make_env(options.limits))
        self.strict = Renderer(make_env(options.limits, cookiecutter=True))
        self.strict.env.budget = self.renderer.env.budget  # one budget per run
        self.workspace = Workspace(options.limits.max_files)
        self.targets: list[Target] = []
        self.entities: list[tuple[str, str]] = []
        self.log: list[str] = []
        self.stubbed: list[str] = []
        self.published: dict[str, str] = {}
        """repoContentsUrl of a publish:github step -> the workspace folder it took."""
        self.request_id = options.request_id or request_id(template.ref, options.values)
        self.severity = config.severity

    @property
    def boundary(self) -> Path:
        """Skeletons must stay inside this folder: the repository, or the template's
        own folder for a template outside it."""
        root = self.config.root
        return root if self.template.folder.is_relative_to(root) else self.template.folder

    def allowed(self, code: str) -> bool:
        """Whether a problem with this code may be stubbed rather than stop the run
        (its configured severity is below error)."""
        from generator.diagnostics import CODES

        return self.severity.get(code, CODES[code][0]) is not Severity.ERROR

    def source(self, url: str, *, folder: bool) -> Path | None:
        """The local file or folder a fetch step's ``url`` names; None when it is a
        remote URL that is allowed to be skipped."""
        local = same_repo_path(url, self.config.site.repo_url, self.config.root)
        if local is not None:
            path = (self.config.root / local).resolve()
        elif "://" in url:
            if self.allowed("template.remote-url"):
                return None
            raise RunError("template.remote-url", f"'{url}' is remote and is never fetched")
        else:
            path = (self.template.folder / url).resolve()
        if not path.is_relative_to(self.boundary):
            raise RunError("template.path-escape", f"'{url}' leads outside the repository")
        if not (path.is_dir() if folder else path.is_file()):
            kind = "folder" if folder else "file"
            raise RunError("template.skeleton-missing", f"the {kind} '{url}' does not exist")
        return path

    def write(self, path: str, file: File, *, replace: bool = False) -> None:
        """Write into the workspace; an entity file gets the provenance annotations."""
        if path.endswith((".yaml", ".yml")):
            try:
                text = file.data.decode("utf-8")
            except UnicodeDecodeError:
                text = None
            if text is not None and "apiVersion" in text:
                text, found = annotate(text, self.template.ref, self.template.version)
                file = File(text.encode(), file.mode)
                if self.workspace.write(path, file, replace=replace):
                    self.entities = [e for e in self.entities if e[1] != path]
                    self.entities += [(_ref(e), path) for e in found]
                return
        self.workspace.write(path, file, replace=replace)

    def this_repo_target(self) -> Target:
        """The one pull request to this repository (every step adds to it)."""
        for target in self.targets:
            if target.kind == "pull-request" and target.repo == THIS_REPOSITORY:
                return target
        name = re.sub(r"[^a-z0-9-]+", "-", self.template.name.lower()).strip("-")
        branch = f"golden-paths/{name}/{self.request_id}"
        target = Target("pull-request", THIS_REPOSITORY, [], branch, None)
        self.targets.append(target)
        return target

    def is_this_repo(self, full_name: str) -> bool:
        """Whether ``owner/name`` is the portal's own repository."""
        return (
            bool(self.options.this_repo)
            and full_name.lower() == str(self.options.this_repo).lower()
        )


def _ref(entity: dict[str, Any]) -> str:
    meta = entity["metadata"]
    return f"{entity['kind'].lower()}:{meta.get('namespace') or 'default'}/{meta.get('name')}"


def request_id(template: str, values: dict[str, Any]) -> str:
    """A request's id when none is given: the same template and answers give the same
    id, so running the same request again updates its pull request."""
    blob = json.dumps([template, values], sort_keys=True, default=str).encode()
    return "r" + hashlib.sha256(blob).hexdigest()[:10]


def run(
    template: Template, config: Config, options: RunOptions
) -> tuple[Plan | None, list[Finding]]:
    """Run ``template``; the plan (None when it failed) and the findings."""
    static = apply_severities(check_template(template, config), config.severity)
    if any(f.severity is Severity.ERROR for f in static):
        return None, static
    state = Run(template, config, options)
    secret_props = secret_names(template.spec)
    values, problems = _answers(state, options)
    if problems:
        return None, static + problems
    secrets = {**options.secrets, **{k: str(values[k]) for k in secret_props if k in values}}
    public = {k: v for k, v in values.items() if k not in secret_props}
    try:
        with deadline(options.limits.timeout_seconds):
            outputs = _steps(state, values, secrets)
            links, text = _output(state, values, outputs)
        _finish(state, public)
    except RunError as exc:
        return None, [*static, _finding(state, exc)]
    except ExpressionError as exc:
        return None, [*static, finding("template.limit", template.file, 1, 1, str(exc))]
    plan = Plan(
        template.ref,
        template.title,
        template.version,
        state.request_id,
        public,
        dict(sorted(state.workspace.files.items())),
        state.targets,
        sorted(state.entities),
        links,
        text,
        state.log,
        state.stubbed,
    )
    leak = _leaked(plan, secrets)
    if leak:
        return None, [*static, finding("template.secret", template.file, 1, 1, leak)]
    _redact(plan, secrets)
    return plan, static


def _answers(state: Run, options: RunOptions) -> tuple[dict[str, Any], list[Finding]]:
    def when(expr: str, answers: dict[str, Any]) -> bool:
        value = state.renderer.value(expr, _context(state, answers))
        return truthy(value)

    try:
        values, problems = parameters.validate(state.template.spec, options.values, when)
    except ExpressionError as exc:
        return {}, [
            finding("template.expression", state.template.file, 1, 1, f"a page's when {exc}")
        ]
    pages = parameters.pages(state.template.spec)
    found = []
    for p in problems:
        title = pages[p.page].get("title") or f"page {p.page + 1}"
        found.append(
            finding(
                "template.values",
                options.values_file,
                1,
                1,
                f"parameter '{p.parameter}' {p.message} (form page '{title}')",
            )
        )
    return values, found


def _context(state: Run, values: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {
        "parameters": values,
        "user": state.options.user,
        "context": {"task": {"id": state.request_id}},
        **extra,
    }


def _steps(state: Run, values: dict[str, Any], secrets: dict[str, str]) -> dict[str, Any]:
    outputs: dict[str, Any] = {}
    steps = state.template.spec.get("steps") or []
    for index, step in enumerate(steps):
        sid = str(step.get("id") or f"step-{index + 1}")
        base = _context(state, values, steps=outputs)
        at = ("spec", "steps", index)
        each = step.get("each")
        iterations: list[dict[str, Any] | None] = [None]
        if each is not None:
            items = _render(state, each, base, (*at, "each"), sid)
            pairs = enumerate(items) if isinstance(items, list) else (items or {}).items()
            iterations = [{"key": str(k), "value": v} for k, v in pairs]
        results: list[dict[str, Any]] = []
        for item in iterations:
            state.renderer.budget.tick()
            ctx = dict(base, each=item) if item is not None else base
            cond_ctx = dict(ctx, secrets=secrets) if item is not None else ctx
            if "if" in step and not truthy(_render(state, step["if"], cond_ctx, (*at, "if"), sid)):
                continue
            inputs = _render(state, step.get("input") or {}, dict(ctx, secrets=secrets), at, sid)
            results.append(_act(state, step, sid, inputs if isinstance(inputs, dict) else {}))
        if not results:
            continue
        if each is None:
            outputs[sid] = {"output": results[0]}
        else:
            keys = sorted({k for r in results for k in r})
            outputs[sid] = {"output": {k: [r.get(k) for r in results] for k in keys}}
    return outputs


def _render(state: Run, value: Any, ctx: dict[str, Any], at: tuple[Any, ...], sid: str) -> Any:
    try:
        return state.renderer.value(value, ctx)
    except ExpressionError as exc:
        line, _ = state.template.locate(at)
        raise RunError(
            "template.render", f"step '{sid}': an expression {exc}", None, line
        ) from None


def _act(state: Run, step: dict[str, Any], sid: str, inputs: dict[str, Any]) -> dict[str, Any]:
    name = str(step.get("action"))
    action = ACTIONS.get(name)
    if action is None:  # allowed by the checks: its finding is below error
        state.stubbed.append(f"{sid} ({name}): the portal does not implement this action")
        return {}
    context = StepContext(state, sid, str(step.get("name") or sid), inputs)
    try:
        return action.run(context)
    except RunError as exc:
        if exc.file is None:
            raise RunError(exc.code, f"step '{sid}' ({name}): {exc}", None, exc.line) from None
        raise


def _output(
    state: Run, values: dict[str, Any], outputs: dict[str, Any]
) -> tuple[list[dict[str, str]], list[dict[str, str]]]:
    out = state.template.spec.get("output") or {}
    ctx = _context(state, values, steps=outputs)
    rendered: dict[str, list[dict[str, str]]] = {"links": [], "text": []}
    for key in ("links", "text"):
        for item in out.get(key) or [] if isinstance(out, dict) else []:
            if not isinstance(item, dict):
                continue
            if "if" in item and not truthy(
                _render(state, item["if"], ctx, ("spec", "output"), key)
            ):
                continue
            value = _render(state, {k: v for k, v in item.items() if k != "if"}, ctx, (), key)
            rendered[key].append({k: str(v) for k, v in value.items() if v is not MISSING})
    return rendered["links"], rendered["text"]


def _finish(state: Run, public: dict[str, Any]) -> None:
    """Answers files at each generated project's root (the workspace's, and each
    target's), written last so they hold the final values."""
    answers = File(
        answers_yaml(state.template.ref, state.template.version, state.request_id, public)
    )
    state.workspace.files[ANSWERS_FILE] = answers
    for target in state.targets:
        for root in target.roots:
            target.files[f"{root}/{ANSWERS_FILE}" if root else ANSWERS_FILE] = answers


def _finding(state: Run, exc: RunError) -> Finding:
    file = exc.file or state.template.file
    return finding(exc.code, file, exc.line, 1, str(exc))


def _leaked(plan: Plan, secrets: dict[str, str]) -> str | None:
    """A secret that a generated file would hold: the run is refused."""
    for name, value in sorted(secrets.items()):
        if len(value) < 4:
            continue
        for path, file in [
            *plan.workspace.items(),
            *((p, f) for t in plan.targets for p, f in t.files.items()),
        ]:
            if value.encode() in file.data:
                return (
                    f"the secret '{name}' would be written into '{path}'; secrets are never "
                    "written into files: pass it to the service at run time instead"
                )
    return None


def _redact(plan: Plan, secrets: dict[str, str]) -> None:
    values = [v for v in secrets.values() if len(v) >= 4]
    if not values:
        return

    def clean(text: str) -> str:
        for v in values:
            text = text.replace(v, REDACTED)
        return text

    plan.log = [clean(line) for line in plan.log]
    plan.stubbed = [clean(line) for line in plan.stubbed]
    plan.links = [{k: clean(v) for k, v in item.items()} for item in plan.links]
    plan.text = [{k: clean(v) for k, v in item.items()} for item in plan.text]
    for target in plan.targets:
        target.title, target.description = clean(target.title), clean(target.description)


def this_repository(config: Config) -> str | None:
    """``owner/name`` of the portal's repository: ``$GITHUB_REPOSITORY``, else the
    last two parts of ``site.repo_url``."""
    env = os.environ.get("GITHUB_REPOSITORY")
    if env:
        return env
    url = config.site.repo_url
    if not url:
        return None
    parts = url.rstrip("/").removesuffix(".git").split("/")
    return "/".join(parts[-2:]) if len(parts) >= 2 else None
