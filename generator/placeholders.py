"""``$text``, ``$json`` and ``$yaml`` placeholders, resolved from local files, and
``$openapi`` and ``$asyncapi`` (Backstage's OpenAPI module) read as ``$text``: the
definition's own ``$ref`` to other files are not bundled into it.

A placeholder is a mapping with exactly one key, that key being one of these.
Paths are relative to the entity's file and must stay in the repository. A ``blob/`` or
``tree/`` URL under ``site.repo_url`` (any branch) is the local file at that path: real
organisations split big templates into files referenced by their GitHub URLs. Other URLs
are left unresolved with a warning, because the portal never uses the network.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from generator.config import Config
from generator.diagnostics import Finding, finding
from generator.errors import path_error_reason
from generator.trust import hidden_part
from generator.yaml12 import read_yaml

if TYPE_CHECKING:
    from generator.model.entity import SourceDoc

KEYS = ("$text", "$json", "$yaml", "$openapi", "$asyncapi")
_TEXT = ("$text", "$openapi", "$asyncapi")


class Unresolved(str):
    """A remote placeholder left as its URL; renderers link to it instead of showing it."""

    __slots__ = ()

    @property
    def url(self) -> str:
        """The placeholder's target."""
        return str(self)


class FileText(str):
    """A ``$text`` file's contents, knowing which file (its display path) they came from,
    so a problem found inside them (an API definition) can be located there."""

    source: str


class PlaceholderResolver:
    """Resolves placeholders in place and remembers which files it read."""

    def __init__(self, config: Config, display: Callable[[Path], str]) -> None:
        self.config = config
        self.display = display
        self.findings: list[Finding] = []
        self.used_files: set[Path] = set()
        self._cache: dict[tuple[str, Path], Any] = {}

    def resolve(self, source: SourceDoc, boundary: Path) -> None:
        """Replace every placeholder in ``source.data``."""
        stack: list[tuple[Any, tuple[str | int, ...]]] = [(source.data, ())]
        while stack:
            node, path = stack.pop()
            items = node.items() if isinstance(node, dict) else enumerate(node)
            for key, value in list(items):
                if isinstance(value, dict) and len(value) == 1 and next(iter(value)) in KEYS:
                    node[key] = self._value(source, boundary, (*path, key), value)
                    source.passed = False  # checked before its placeholders were filled
                elif isinstance(value, (dict, list)):
                    stack.append((value, (*path, key)))

    def _value(
        self, source: SourceDoc, boundary: Path, path: tuple[str | int, ...], ph: dict[str, Any]
    ) -> Any:
        kind, target = next(iter(ph.items()))
        line, col = source.doc.locate(path)

        def fail(code: str, message: str) -> Any:
            self.findings.append(finding(code, source.file, line, col, message))
            return Unresolved(target) if isinstance(target, str) else ph

        if not isinstance(target, str) or not target:
            return fail("placeholder.invalid", f"{kind} expects a file path or URL string")
        local = same_repo_path(target, self.config.site.repo_url, self.config.root)
        if local is not None:
            target = os.path.relpath(self.config.root / local, source.path.parent)
        elif "://" in target:
            return fail(
                "placeholder.remote",
                f"{kind} '{target}' is remote and was not read (the portal works offline); "
                "check the file into the repository and use a relative path",
            )
        try:
            file = (source.path.parent / target).resolve()
            if not file.is_relative_to(boundary):
                return fail(
                    "location.outside-repo",
                    f"{kind} '{target}' leads outside the repository; expected a path inside it",
                )
            if hidden := hidden_part(file, boundary):
                return fail(
                    "file.hidden",
                    f"{kind} '{target}' leads into the hidden path part '{hidden}'; hidden files "
                    "(.git, .env, credentials) are never read: move the file to a visible folder",
                )
            if not file.is_file():
                return fail("placeholder.missing", f"{kind} '{target}' does not exist")
        except (OSError, ValueError, RuntimeError) as exc:  # NUL, name too long, link loop
            why = path_error_reason(exc)
            return fail(
                "placeholder.invalid", f"{kind} '{target}' cannot be used as a path ({why})"
            )
        self.used_files.add(file)
        key = (kind, file)
        if key not in self._cache:
            self._cache[key] = self._read(kind, file)
        value = self._cache[key]
        if isinstance(value, Exception):
            return fail("placeholder.invalid", f"{kind} '{target}': {value}")
        if kind in _TEXT and isinstance(value, str) and not isinstance(value, FileText):
            value = self._cache[key] = FileText(value)
            value.source = self.display(file)
        return value

    def _read(self, kind: str, file: Path) -> Any:
        size = file.stat().st_size
        limit = self.config.catalog.max_file_bytes
        if size > limit:
            return ValueError(f"the file is {size:,} bytes, over the {limit:,}-byte limit")
        try:
            text = file.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            return ValueError(f"cannot be read as UTF-8 text ({exc})")
        if kind in _TEXT:
            return text
        if kind == "$json":
            try:
                return json.loads(text)
            except ValueError as exc:
                return ValueError(f"is not valid JSON ({exc})")
        docs, problems = read_yaml(text, self.config.limits)
        if problems:
            p = problems[0]
            return ValueError(f"line {p.line}: {p.message}")
        if len(docs) != 1:
            return ValueError(f"expected exactly one YAML document, found {len(docs)}")
        return docs[0].data


def same_repo_path(url: str, repo_url: str | None, root: Path) -> str | None:
    """The repository-relative path a ``<repo_url>/blob|tree/<branch>/<path>`` URL names,
    or None when ``url`` is not such a URL. A branch may hold slashes, so the first
    split whose path exists under ``root`` wins."""
    if not repo_url or "://" not in url:
        return None
    base = repo_url.rstrip("/") + "/"
    if not url.lower().startswith(base.lower()):
        return None
    rest = url[len(base) :].split("?", 1)[0].split("#", 1)[0]
    kind, _, tail = rest.partition("/")
    if kind not in ("blob", "tree") or not tail:
        return None
    parts = tail.strip("/").split("/")
    candidates = ["/".join(parts[i:]) for i in range(1, len(parts))] or [""]
    for path in candidates:
        if path and (root / path).exists():
            return path
    return candidates[0] or "."
