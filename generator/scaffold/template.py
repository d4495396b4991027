"""Finding and reading a Template: a golden path's name, a folder or a ``template.yaml``.

The file is read like any catalog file (safe YAML 1.2 with limits), then its ``$yaml``,
``$json`` and ``$text`` placeholders are resolved, including URLs into this repository.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.diagnostics import Finding, finding
from generator.errors import ConfigError
from generator.model.entity import SourceDoc
from generator.placeholders import PlaceholderResolver
from generator.yaml12 import YamlDoc, read_yaml

GOLDEN_PATHS = "golden_paths"
"""Where the repository's golden paths live, one folder each."""
TEMPLATE_FILE = "template.yaml"
VERSION_ANNOTATION = "gitops-portal.io/template-version"
"""A template's own version (semver), bumped in the pull request that changes it."""
SOURCE_TEMPLATE_ANNOTATION = "backstage.io/source-template"
"""On every entity a run creates: the ref of the template that created it."""
UNVERSIONED = "0.0.0"
_SEMVER = re.compile(
    r"(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)"
    r"(?:-[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?(?:\+[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*)?"
)
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")


@dataclass
class Template:
    """A loaded template and where each part of it came from."""

    path: Path
    file: str
    """Display path, relative to the repository root."""
    doc: YamlDoc
    findings: list[Finding] = field(default_factory=list)

    @property
    def data(self) -> dict[str, Any]:
        """The whole entity, placeholders resolved."""
        data: dict[str, Any] = self.doc.data
        return data

    @property
    def folder(self) -> Path:
        """The template's folder: relative skeleton URLs start here."""
        return self.path.parent

    @property
    def metadata(self) -> dict[str, Any]:
        """``metadata`` (a mapping, or empty)."""
        meta = self.data.get("metadata")
        return meta if isinstance(meta, dict) else {}

    @property
    def spec(self) -> dict[str, Any]:
        """``spec`` (a mapping, or empty)."""
        spec = self.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def name(self) -> str:
        """``metadata.name``."""
        return str(self.metadata.get("name", ""))

    @property
    def title(self) -> str:
        """``metadata.title``, else the name."""
        title = self.metadata.get("title")
        return title if isinstance(title, str) and title else self.name

    @property
    def ref(self) -> str:
        """``template:<namespace>/<name>``, as the source-template annotation holds it."""
        namespace = self.metadata.get("namespace") or "default"
        return f"template:{namespace}/{self.name}"

    @property
    def version(self) -> str:
        """The template's semver, or 0.0.0 when it has none."""
        annotations = self.metadata.get("annotations")
        value = annotations.get(VERSION_ANNOTATION) if isinstance(annotations, dict) else None
        return value if isinstance(value, str) and is_semver(value) else UNVERSIONED

    def locate(self, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """Line and column of a field's value (or of its key, with ``key``)."""
        return self.doc.locate(path, key=key)


def is_semver(text: str) -> bool:
    """Whether ``text`` is a semantic version such as 1.4.0 or 2.0.0-rc.1."""
    return bool(_SEMVER.fullmatch(text))


def find_template(arg: str, config: Config) -> Path:
    """The ``template.yaml`` that ``arg`` names: a golden path (folder name or
    ``metadata.name``), a folder holding a template.yaml, or the file itself."""
    root = config.root
    as_path = Path(arg)
    if not as_path.is_absolute():
        as_path = Path.cwd() / as_path
    if as_path.is_file():
        return as_path.resolve()
    if (as_path / TEMPLATE_FILE).is_file():
        return (as_path / TEMPLATE_FILE).resolve()
    if _NAME.fullmatch(arg):
        named = golden_paths(config)
        if arg in named:
            return named[arg]
    known = ", ".join(sorted(golden_paths(config))) or "none"
    raise ConfigError(
        f"'{arg}' is neither a golden path in {root.name}/{GOLDEN_PATHS}/ nor a folder "
        f"with a {TEMPLATE_FILE}; golden paths: {known}"
    )


def golden_path_name(arg: str, config: Config) -> Path:
    """Like :func:`find_template`, but only a golden path's name: what ``portal
    provision`` accepts, since its template argument may come from a request."""
    if not _NAME.fullmatch(arg) or arg not in golden_paths(config):
        known = ", ".join(sorted(golden_paths(config))) or "none"
        raise ConfigError(f"'{arg[:80]}' is not a golden path; golden paths: {known}")
    return golden_paths(config)[arg]


def golden_paths(config: Config) -> dict[str, Path]:
    """Golden path name (folder name and metadata.name) to its template file."""
    out: dict[str, Path] = {}
    folder = config.root / GOLDEN_PATHS
    if not folder.is_dir():
        return out
    for path in sorted(folder.glob(f"*/{TEMPLATE_FILE}")):
        out[path.parent.name] = path
        text = path.read_text(encoding="utf-8-sig", errors="replace")
        match = re.search(r"^  name:\s*['\"]?([a-z0-9][a-z0-9._-]*)", text, re.MULTILINE)
        if match:
            out.setdefault(match.group(1), path)
    return out


def load_template(path: Path, config: Config) -> Template:
    """Read ``path`` as a Template; ConfigError when it cannot be one at all."""
    display = _display(path, config.root)
    size = path.stat().st_size
    if size > config.catalog.max_file_bytes:
        raise ConfigError(f"{display}: {size:,} bytes, over catalog.max_file_bytes")
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{display}: cannot be read ({exc})") from exc
    docs, problems = read_yaml(text, config.limits)
    findings = [finding(p.code, display, p.line, p.column, p.message) for p in problems]
    entity = next(
        (d for d in docs if isinstance(d.data, dict) and d.data.get("kind") == "Template"), None
    )
    if entity is None:
        if findings:
            return Template(path, display, YamlDoc({}, 1, 1), findings)
        raise ConfigError(f"{display}: holds no Template entity (kind: Template)")
    resolver = PlaceholderResolver(config, lambda p: _display(p, config.root))
    resolver.resolve(SourceDoc(path, display, entity.index, entity), config.root)
    return Template(path, display, entity, findings + resolver.findings)


def _display(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root).as_posix()
    except ValueError:
        return path.as_posix()
