"""``portal forms``: one GitHub issue form per golden path in .github/ISSUE_TEMPLATE/,
so engineers request a golden path from GitHub's own UI. ``--check`` fails with a diff
when a committed form is out of date (run it in CI)."""

from __future__ import annotations

import difflib
import sys
from pathlib import Path
from typing import TextIO

from generator.config import Config
from generator.scaffold.forms import form_yaml
from generator.scaffold.template import golden_paths, load_template

FORMS_DIR = Path(".github") / "ISSUE_TEMPLATE"
PREFIX = "golden-path-"


def forms(config: Config, *, check: bool = False, out: TextIO | None = None) -> int:
    """Write (or, with ``check``, compare) the forms; 1 when a check finds a difference."""
    out = out or sys.stdout
    folder = config.root / FORMS_DIR
    wanted: dict[Path, str] = {}
    for path in sorted(set(golden_paths(config).values())):
        template = load_template(path, config)
        wanted[folder / f"{PREFIX}{path.parent.name}.yml"] = form_yaml(template)
    stale = sorted(set(folder.glob(f"{PREFIX}*.yml")) - set(wanted)) if folder.is_dir() else []
    if check:
        return _check(config, wanted, stale, out)
    folder.mkdir(parents=True, exist_ok=True)
    for path, text in wanted.items():
        if not path.is_file() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")
            out.write(f"wrote {path.relative_to(config.root)}\n")
    for path in stale:
        path.unlink()
        out.write(f"removed {path.relative_to(config.root)} (no such golden path)\n")
    out.write(f"{len(wanted)} issue forms up to date\n")
    return 0


def _check(config: Config, wanted: dict[Path, str], stale: list[Path], out: TextIO) -> int:
    differs = 0
    for path, text in wanted.items():
        old = path.read_text(encoding="utf-8") if path.is_file() else ""
        if old != text:
            differs += 1
            name = str(path.relative_to(config.root))
            out.writelines(
                difflib.unified_diff(old.splitlines(True), text.splitlines(True), name, name)
            )
    for path in stale:
        differs += 1
        out.write(f"{path.relative_to(config.root)}: no golden path has this form any more\n")
    if differs:
        out.write(f"{differs} issue form(s) out of date: run `portal forms` and commit\n")
        return 1
    out.write(f"{len(wanted)} issue forms up to date\n")
    return 0
