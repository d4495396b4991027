"""``fetch:template``, ``fetch:template:file``, ``fetch:plain``, ``fetch:plain:file`` and
``fetch:cookiecutter``: copy a skeleton into the workspace, rendering it as Backstage's
``templateActionHandler`` does (shared/docs/templates-techdocs.md §1.7).

Only ``values`` is visible in skeleton files. Paths are rendered too, and an entry whose
path renders empty, absolute or with ``//`` is skipped. Binary files are copied as they
are. A symlink is copied as the file it points to, and only if that file is inside the
skeleton; anything else is refused.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from generator.scaffold.actions import Action, StepContext
from generator.scaffold.expressions import ExpressionError, Renderer
from generator.scaffold.workspace import File, RunError, glob_regex, safe_join


def _display(ctx: StepContext, path: Path) -> str:
    root = ctx.run.config.root
    return path.relative_to(root).as_posix() if path.is_relative_to(root) else path.as_posix()


def skeleton_files(ctx: StepContext, folder: Path) -> Iterator[tuple[str, Path]]:
    """(skeleton-relative POSIX path, file to read) for every file, dotfiles included,
    in a stable order."""
    real_root = folder.resolve()
    for here, dirs, names in os.walk(folder, followlinks=False):
        dirs.sort()
        for name in [*sorted(names), *sorted(d for d in dirs if Path(here, d).is_symlink())]:
            path = Path(here, name)
            rel = path.relative_to(folder).as_posix()
            if path.is_symlink():
                target = path.resolve()
                if not target.is_relative_to(real_root) or not target.is_file():
                    raise RunError(
                        "template.symlink",
                        f"'{_display(ctx, path)}' is a link to "
                        f"{'a folder' if target.is_dir() else 'something'} "
                        f"{'outside the skeleton' if not target.is_relative_to(real_root) else ''}"
                        "; a skeleton may hold links only to files inside it",
                    )
                yield rel, target
            elif path.is_file():
                yield rel, path


def _is_binary(data: bytes) -> bool:
    if b"\x00" in data[:8000]:
        return True
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return True
    return False


def _read(ctx: StepContext, path: Path) -> File:
    size = path.stat().st_size
    ctx.run.renderer.budget.spend(size)
    mode = 0o755 if path.stat().st_mode & 0o111 else 0o644
    return File(path.read_bytes(), mode)


def _render_file(
    ctx: StepContext, renderer: Renderer, source: Path, data: bytes, context: dict[str, Any]
) -> bytes:
    try:
        return renderer.text(data.decode("utf-8"), context).encode()
    except ExpressionError as exc:
        raise RunError("template.render", f"{exc}", _display(ctx, source), exc.line or 1) from None


def _render_path(renderer: Renderer, rel: str, context: dict[str, Any]) -> str:
    try:
        return renderer.text(rel, context)
    except ExpressionError as exc:
        raise RunError("template.render", f"the file name '{rel}' {exc}") from None


def _skipped(path: str) -> bool:
    """Backstage skips an entry whose rendered path is empty, absolute or has '//'."""
    return not path or path.startswith("/") or "//" in path


def _target(ctx: StepContext, key: str = "targetPath", default: str = "./") -> str:
    return safe_join("", ctx.text(key, default), "targetPath")


def fetch_template(ctx: StepContext, *, cookiecutter: bool = False) -> dict[str, Any]:
    """Render a skeleton folder into the workspace."""
    folder = ctx.run.source(ctx.text("url"), folder=True)
    if folder is None:
        ctx.run.stubbed.append(f"{ctx.step_id}: remote url '{ctx.input['url']}' not fetched")
        return {}
    values = ctx.input.get("values") or {}
    compat = cookiecutter or ctx.flag("cookiecutterCompat")
    if compat and cookiecutter and (folder / "cookiecutter.json").is_file():
        values = {**_cookiecutter_defaults(folder), **values}
    renderer = ctx.run.strict if cookiecutter else ctx.run.renderer
    if compat and not cookiecutter:
        renderer = Renderer(_compat_env(ctx))
    context = {"cookiecutter": values} if compat else {"values": values}
    extension = _extension(ctx.input.get("templateFileExtension"))
    plain = [
        glob_regex(g) for g in ctx.texts("copyWithoutTemplating") + ctx.texts("copyWithoutRender")
    ]
    raw_paths = [glob_regex(g) for g in ctx.texts("copyWithoutRender")]
    target = _target(ctx)
    replace = ctx.flag("replace")
    for rel, source in skeleton_files(ctx, folder):
        if cookiecutter and rel == "cookiecutter.json":
            continue
        path = (
            rel
            if any(r.fullmatch(rel) for r in raw_paths)
            else _render_path(renderer, rel, context)
        )
        file = _read(ctx, source)
        if extension is not None:
            render = path.endswith(extension)
            path = path[: -len(extension)] if render else path
        else:
            render = not any(r.fullmatch(rel) for r in plain)
        if _skipped(path):
            continue
        if render and not _is_binary(file.data):
            file = File(_render_file(ctx, renderer, source, file.data, context), file.mode)
        ctx.run.write(safe_join(target, path, "file path"), file, replace=replace)
    return {}


def _compat_env(ctx: StepContext) -> Any:
    """cookiecutterCompat: ``{{ }}`` and ``cookiecutter``, but undefined renders empty
    as in fetch:template (unlike the real cookiecutter)."""
    from generator.scaffold.expressions import JsUndefined, make_env

    env = make_env(ctx.run.options.limits, cookiecutter=True)
    env.undefined = JsUndefined
    env.budget = ctx.run.renderer.budget
    return env


def _cookiecutter_defaults(folder: Path) -> dict[str, Any]:
    try:
        data = json.loads((folder / "cookiecutter.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise RunError("template.render", f"cookiecutter.json cannot be read ({exc})") from None
    return (
        {k: v for k, v in data.items() if not k.startswith("_")} if isinstance(data, dict) else {}
    )


def _extension(value: Any) -> str | None:
    if value is True:
        return ".njk"
    if isinstance(value, str) and value:
        return value if value.startswith(".") else f".{value}"
    return None


def fetch_template_file(ctx: StepContext) -> dict[str, Any]:
    """Render one file to ``targetPath`` (a file path)."""
    source = ctx.run.source(ctx.text("url"), folder=False)
    if source is None:
        ctx.run.stubbed.append(f"{ctx.step_id}: remote url '{ctx.input['url']}' not fetched")
        return {}
    compat = ctx.flag("cookiecutterCompat")
    renderer = Renderer(_compat_env(ctx)) if compat else ctx.run.renderer
    context = {"cookiecutter" if compat else "values": ctx.input.get("values") or {}}
    file = _read(ctx, source)
    if not _is_binary(file.data):
        file = File(_render_file(ctx, renderer, source, file.data, context))
    ctx.run.write(
        safe_join("", ctx.text("targetPath"), "targetPath"), file, replace=ctx.flag("replace")
    )
    return {}


def fetch_plain(ctx: StepContext) -> dict[str, Any]:
    """Copy a folder as it is."""
    folder = ctx.run.source(ctx.text("url"), folder=True)
    if folder is None:
        ctx.run.stubbed.append(f"{ctx.step_id}: remote url '{ctx.input['url']}' not fetched")
        return {}
    target = _target(ctx)
    for rel, source in skeleton_files(ctx, folder):
        ctx.run.write(safe_join(target, rel, "file path"), _read(ctx, source))
    return {}


def fetch_plain_file(ctx: StepContext) -> dict[str, Any]:
    """Copy one file as it is to ``targetPath``."""
    source = ctx.run.source(ctx.text("url"), folder=False)
    if source is None:
        ctx.run.stubbed.append(f"{ctx.step_id}: remote url '{ctx.input['url']}' not fetched")
        return {}
    ctx.run.write(safe_join("", ctx.text("targetPath"), "targetPath"), _read(ctx, source))
    return {}


_TEMPLATE_INPUTS = (
    "url",
    "targetPath",
    "values",
    "copyWithoutTemplating",
    "copyWithoutRender",
    "cookiecutterCompat",
    "templateFileExtension",
    "replace",
)

ACTIONS = {
    "fetch:template": Action(
        fetch_template, "Render a skeleton folder with `values`", _TEMPLATE_INPUTS
    ),
    "fetch:template:file": Action(
        fetch_template_file,
        "Render one file",
        ("url", "targetPath", "values", "cookiecutterCompat", "replace"),
    ),
    "fetch:plain": Action(fetch_plain, "Copy a folder as it is", ("url", "targetPath")),
    "fetch:plain:file": Action(fetch_plain_file, "Copy one file as it is", ("url", "targetPath")),
    "fetch:cookiecutter": Action(
        lambda ctx: fetch_template(ctx, cookiecutter=True),
        "Render a cookiecutter skeleton (missing values are errors, as in cookiecutter)",
        ("url", "targetPath", "values", "copyWithoutRender"),
    ),
}
