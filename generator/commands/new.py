"""``portal new``: render a golden path into a local folder (for template authors and
tests). Publishing steps are planned and shown, never executed. A failed run writes
nothing: files are written to a temporary folder that is renamed into place last.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from generator.config import Config
from generator.diagnostics import Finding, Severity
from generator.errors import ConfigError
from generator.scaffold import parameters
from generator.scaffold.plan import Plan
from generator.scaffold.runner import RunOptions, run, this_repository
from generator.scaffold.template import Template, find_template, load_template
from generator.yaml12 import read_yaml

OK, FINDINGS = 0, 1


def read_values(path: Path, config: Config) -> dict[str, Any]:
    """A values file (YAML or JSON, read safely); ConfigError when it is not a mapping."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: cannot be read ({exc})") from exc
    if len(text.encode()) > config.catalog.max_file_bytes:
        raise ConfigError(f"{path}: larger than catalog.max_file_bytes")
    docs, problems = read_yaml(text, config.limits)
    if problems:
        p = problems[0]
        raise ConfigError(f"{path}:{p.line}:{p.column}: {p.message}")
    data = docs[0].data if docs else {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{path}: expected a mapping of parameter names to values")
    return data


def apply_sets(template: Template, values: dict[str, Any], sets: Sequence[str]) -> dict[str, Any]:
    """``--set KEY=VALUE`` pairs over ``values``, each converted to its parameter's type."""
    out = dict(values)
    for item in sets:
        key, sep, text = item.partition("=")
        if not sep or not key.strip():
            raise ConfigError(f"--set expects KEY=VALUE, found '{item}'")
        out[key.strip()] = parameters.coerce(template.spec, key.strip(), text)
    return out


def new(
    config: Config,
    template_arg: str,
    *,
    values_file: Path | None = None,
    sets: Sequence[str] = (),
    output: Path | None = None,
    dry_run: bool = False,
    output_format: str = "text",
    out: TextIO | None = None,
) -> int:
    """Render ``template_arg`` with the given values; 0 when written (or planned)."""
    out = out or sys.stdout
    template = load_template(find_template(template_arg, config), config)
    values = read_values(values_file, config) if values_file else {}
    values = apply_sets(template, values, sets)
    shown = str(values_file) if values_file else "--set"
    options = RunOptions(values, shown, this_repo=this_repository(config))
    plan, findings = run(template, config, options)
    if plan is None:
        _report(findings, output_format, out)
        return FINDINGS
    written = None
    if not dry_run:
        written = output or Path.cwd() / _default_folder(template, plan)
        write_tree(plan, written)
    _show(plan, findings, output_format, out, written)
    return OK


def _default_folder(template: Template, plan: Plan) -> str:
    for key in ("name", "component_id", "componentId"):
        value = plan.values.get(key)
        if isinstance(value, str) and value and "/" not in value and not value.startswith("."):
            return value
    return template.name


def write_tree(plan: Plan, target: Path) -> None:
    """Write the plan's workspace to ``target``, which must not exist or be empty."""
    target = target.resolve()
    if target.exists() and (not target.is_dir() or any(target.iterdir())):
        raise ConfigError(f"{target} already exists and is not empty; choose another --output")
    target.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".portal-new-", dir=target.parent))
    try:
        for rel, file in plan.workspace.items():
            path = staging / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(file.data)
            path.chmod(file.mode)
        if target.exists():
            target.rmdir()
        staging.rename(target)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise


def _report(findings: list[Finding], output_format: str, out: TextIO) -> None:
    if output_format == "json":
        doc = {"ok": False, "findings": [f.as_json() for f in findings]}
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return
    shown = [f for f in findings if f.severity is not Severity.OFF]
    _findings(shown, out)
    errors = sum(f.severity is Severity.ERROR for f in shown)
    out.write(f"nothing written: {errors} error{'s' if errors != 1 else ''}\n")


def _findings(findings: list[Finding], out: TextIO) -> None:
    for f in findings:
        where = f"{f.file}:{f.line}:{f.column}"
        out.write(f"{where}: {f.severity.value}[{f.code}] {_one_line(f.message)}\n")


def _one_line(text: str) -> str:
    return text.replace("\n", "\\n").replace("\r", "\\r")


def _show(
    plan: Plan, findings: list[Finding], output_format: str, out: TextIO, written: Path | None
) -> None:
    if output_format == "json":
        doc = {
            "ok": True,
            "written": str(written) if written else None,
            "findings": [f.as_json() for f in findings],
            "plan": plan.as_json(),
        }
        out.write(json.dumps(doc, indent=2, ensure_ascii=False) + "\n")
        return
    _findings(findings, out)
    out.write(_one_line_per(plan.as_text()) + "\n")
    where = written if written is not None else "(dry run: nothing written)"
    out.write(f"{len(plan.workspace)} files -> {where}\n")
    if plan.targets:
        out.write("publishing steps are planned only: `portal provision` carries them out\n")


def _one_line_per(text: str) -> str:
    return "\n".join(_one_line(line) for line in text.split("\n"))
