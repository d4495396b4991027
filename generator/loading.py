"""Stage 1: find catalog files, read them safely, follow Locations, resolve placeholders.

The output is the list of documents that claim to be entities, each with its source
file and marks, plus the findings met on the way. Nothing here judges entity content;
that is :mod:`generator.validation`.
"""

from __future__ import annotations

import glob
import os
from collections import deque
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.config import Config
from generator.data_files import DataFiles, is_mkdocs
from generator.diagnostics import Finding, finding
from generator.errors import ConfigError, path_error_reason
from generator.model.entity import SourceDoc
from generator.model.relations import simple_cycles
from generator.placeholders import PlaceholderResolver
from generator.reading import FileRead, Precheck, read_file, read_files
from generator.trust import hidden_part
from generator.yaml12 import YamlDoc

YAML_SUFFIXES = (".yaml", ".yml")
# API description documents (referenced by $text or standing alone) are not entities.
_DEFINITION_KEYS = ("openapi", "asyncapi", "swagger")
_SKIPPED_DIRS = frozenset({"node_modules", "__pycache__"})


@dataclass(slots=True)
class _File:
    path: Path
    boundary: Path
    name: str
    """Display path, computed once: Path hashing and relpath are slow per call."""
    text: str = ""
    docs: list[YamlDoc] = field(default_factory=list)
    passed: list[bool] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)


@dataclass(slots=True)
class Loaded:
    """What stage 1 produced."""

    docs: list[SourceDoc]
    files: list[str]
    findings: list[Finding]
    checked: int = 0
    """Catalog files read and checked, those that hold no entity included."""


class _Loader:
    def __init__(self, config: Config, precheck: Precheck | None) -> None:
        self.config = config
        self.precheck = precheck
        self.root = config.root
        self.files: dict[Path, _File] = {}
        # Location file -> target file -> (line, column) of the target in the Location.
        self.includes: dict[Path, dict[Path, tuple[int, int]]] = {}
        self.findings: list[Finding] = []
        self.data = DataFiles()
        self._names: dict[str, str] = {}  # folder -> display prefix
        self.prefetched: dict[Path, FileRead] = {}

    def display(self, path: Path) -> str:
        """``path`` relative to the repository root, with POSIX separators (cached per
        folder: relpath on every one of 6,500 files costs 0.2 s; keyed by the folder's
        text, because building and hashing ``path.parent`` costs a quarter of that)."""
        folder_text, _, name = str(path).rpartition(os.sep)
        folder = self._names.get(folder_text)
        if folder is None:
            rel = os.path.relpath(folder_text or os.sep, self.root).replace(os.sep, "/")
            folder = self._names[folder_text] = "" if rel == "." else rel + "/"
        return folder + name

    def run(self, roots: Iterable[Path]) -> Loaded:
        queue: deque[_File] = deque()
        self.roots = list(roots)
        for root in self.roots:
            boundary = self._boundary(root)
            for path, is_link in self._discover(root):
                self._enqueue(path, boundary, queue, is_link=is_link)
        self.prefetched = read_files(
            [entry.path for entry in queue],
            self.config.limits,
            self.config.catalog.max_file_bytes,
            self.precheck,
        )
        while queue:
            self._read(queue.popleft(), queue)
        self._report_include_cycles()
        docs, checked = self._entity_docs()
        entity_files = sorted({d.file for d in docs})
        return Loaded(docs, entity_files, self.findings, checked)

    def _boundary(self, root: Path) -> Path:
        if root.is_relative_to(self.root):
            return self.root
        return root if root.is_dir() else root.parent

    def _discover(self, root: Path) -> Iterator[tuple[Path, bool]]:
        """Catalog files under ``root`` (already resolved) in a stable order, each with
        whether it is a link. scandir tells links apart without a system call per file."""
        if root.is_file():
            yield root, root.is_symlink()
            return
        if not root.is_dir():
            raise ConfigError(f"catalog path '{self.display(root)}' does not exist")
        folders = [str(root)]
        while folders:
            folder = folders.pop()
            with os.scandir(folder) as entries:
                found = sorted(entries, key=lambda e: e.name)
            subfolders = []
            for entry in found:
                if entry.is_dir(follow_symlinks=False):
                    if not entry.name.startswith(".") and entry.name not in _SKIPPED_DIRS:
                        subfolders.append(entry.path)
                elif entry.name.endswith(YAML_SUFFIXES) and (
                    entry.is_symlink() or entry.is_file(follow_symlinks=False)  # not a FIFO
                ):
                    yield Path(entry.path), entry.is_symlink()
            folders.extend(reversed(subfolders))

    def _enqueue(
        self, path: Path, boundary: Path, queue: deque[_File], *, is_link: bool = True
    ) -> None:
        # Roots are resolved, so only a link can lead elsewhere. Resolving every path
        # would cost 0.5 s on 6,500 files; we resolve links alone.
        if is_link and path.is_symlink():
            link = path
            try:
                path = path.resolve(strict=True)
            except (OSError, RuntimeError):  # RuntimeError: a loop of links (Python 3.11)
                self.findings.append(
                    finding(
                        "file.unreadable",
                        self.display(link),
                        1,
                        1,
                        "this file is a link that leads nowhere (its target is missing, or "
                        "links point at each other in a loop); fix or remove the link",
                    )
                )
                return
            if not path.is_relative_to(boundary):
                self.findings.append(
                    finding(
                        "location.outside-repo",
                        self.display(link),
                        1,
                        1,
                        "this file is a link to a file outside the repository, so it was not "
                        "read; replace the link with the file itself",
                    )
                )
                return
        if path not in self.files:
            entry = _File(path, boundary, self.display(path))
            self.files[path] = entry
            queue.append(entry)

    def _read(self, entry: _File, queue: deque[_File]) -> None:
        name = entry.name
        limit = self.config.catalog.max_file_bytes
        read = self.prefetched.pop(entry.path, None)
        if read is None:  # a Location target that walking did not find
            read = read_file(entry.path, self.config.limits, limit, self.precheck)
        if read.too_large is not None:
            entry.findings.append(
                finding(
                    "file.too-large",
                    name,
                    1,
                    1,
                    f"the file is {read.too_large:,} bytes, over the {limit:,}-byte limit; "
                    "split it into several files or raise catalog.max_file_bytes in portal.yaml",
                )
            )
            return
        if read.unreadable is not None:
            entry.findings.append(
                finding("file.unreadable", name, 1, 1, f"cannot read the file: {read.unreadable}")
            )
            return
        entry.text, entry.docs, entry.passed, docs = read.text, read.docs, read.passed, read.docs
        entry.findings.extend(
            finding(p.code, name, p.line, p.column, p.message) for p in read.problems
        )
        if is_mkdocs(entry.path):
            self.data.note_docs_dir(entry.path, docs)
        for doc in docs:
            data = doc.data
            if isinstance(data, dict) and data.get("kind") == "Location":
                self._follow(entry, doc, queue)
            elif isinstance(data, dict) and data.get("kind") == "Template":
                for step, skeleton in self.data.note_skeletons(entry.path, data, entry.boundary):
                    if not any(skeleton.is_relative_to(root) for root in self.roots):
                        continue  # no catalog file there to leave unvalidated: nothing to say
                    url_at = ("spec", "steps", step, "input", "url")
                    line, col = doc.locate(url_at)
                    entry.findings.append(
                        finding(
                            "template.shared-skeleton",
                            name,
                            line,
                            col,
                            f"'{data['spec']['steps'][step]['input']['url']}' is read as this "
                            "template's skeleton: the files there are not validated as entities",
                        )
                    )

    def _follow(self, entry: _File, doc: YamlDoc, queue: deque[_File]) -> None:
        spec = doc.data.get("spec")
        if not isinstance(spec, dict):
            return  # the schema check reports it
        targets: list[tuple[Any, tuple[str | int, ...]]] = []
        if "target" in spec:
            targets.append((spec["target"], ("spec", "target")))
        if isinstance(spec.get("targets"), list):
            targets += [(t, ("spec", "targets", i)) for i, t in enumerate(spec["targets"])]
        for target, path in targets:
            if isinstance(target, str) and target:
                line, col = doc.locate(path)
                for found in self._resolve_target(entry, spec, target, line, col):
                    self.includes.setdefault(entry.path, {})[found] = (line, col)
                    self._enqueue(found, entry.boundary, queue)

    def _resolve_target(
        self, entry: _File, spec: dict[str, Any], target: str, line: int, col: int
    ) -> list[Path]:
        name = entry.name
        kind = spec.get("type", "file")

        def note(code: str, message: str) -> list[Path]:
            entry.findings.append(finding(code, name, line, col, message))
            return []

        # A relative target of a 'url' Location is a file beside it, as Backstage reads
        # it (relative to the Location's own URL): common in repositories of catalogs.
        if kind not in ("file", "url") or "://" in target:
            return note(
                "location.remote",
                f"the {kind} target '{target}' is not read: the portal works offline; "
                "check the file into this repository and target it with a relative path",
            )
        if target.endswith(("/", os.sep)):
            return note(
                "location.invalid-target",
                f"the target '{target}' names a folder; expected a file or a glob such as "
                f"'{target}*.yaml'",
            )
        path = Path(os.path.normpath(entry.path.parent / target))
        if not path.is_relative_to(entry.boundary):
            return note(
                "location.outside-repo",
                f"the target '{target}' leads outside the repository; expected a path inside it",
            )
        try:
            if glob.has_magic(target):
                found = [Path(p) for p in sorted(glob.glob(str(path), recursive=True))]
                found = [p for p in found if p.is_file()]
            else:
                found = [path] if path.is_file() else []
            escaped = [p for p in found if not p.resolve().is_relative_to(entry.boundary)]
        except (OSError, ValueError, RuntimeError) as exc:  # NUL, name too long, link loop
            return note(
                "location.invalid-target",
                f"the target '{target}' cannot be used as a file path ({path_error_reason(exc)})",
            )
        if escaped:
            return note(
                "location.outside-repo",
                f"the target '{target}' resolves outside the repository (through a link)",
            )
        hidden = [h for p in found if (h := hidden_part(p.resolve(), entry.boundary))]
        if hidden:
            return note(
                "file.hidden",
                f"the target '{target}' leads into the hidden path part '{hidden[0]}'; hidden "
                "files (.git, .env, credentials) are never read: move it to a visible folder",
            )
        if not found and spec.get("presence", "required") == "required":
            return note(
                "location.target-missing",
                f"the target '{target}' does not exist; fix the path, or set "
                "'presence: optional' if it may be missing",
            )
        return found

    def _report_include_cycles(self) -> None:
        by_name = {self.display(p): p for p in self.files}
        edges = {self.display(s): [self.display(t) for t in ts] for s, ts in self.includes.items()}
        for cycle in simple_cycles(edges):
            closing = by_name[cycle[-1]]  # the Location whose target closes the loop
            line, col = self.includes[closing][by_name[cycle[0]]]
            names = " -> ".join([*cycle, cycle[0]])
            self.files[closing].findings.append(
                finding(
                    "location.cycle",
                    cycle[-1],
                    line,
                    col,
                    f"Locations include each other in a loop ({names}); remove one of the targets",
                )
            )

    def _entity_docs(self) -> tuple[list[SourceDoc], int]:
        per_file: list[tuple[_File, list[SourceDoc], list[Finding]]] = []
        for entry in sorted(self.files.values(), key=lambda e: e.name):
            path = entry.path
            if self.data.holds(path):
                continue
            notes: list[Finding] = []
            name = entry.name
            passed = entry.passed or [False] * len(entry.docs)
            docs = [
                source
                for index, doc in enumerate(entry.docs)
                if (
                    source := self._classify(
                        SourceDoc(path, name, index, doc, passed[index]), notes
                    )
                )
            ]
            per_file.append((entry, docs, notes))
        resolver = PlaceholderResolver(self.config, self.display)
        for entry, docs, _ in per_file:
            if "$" in entry.text:  # placeholders are rare: skip the walk when impossible
                for source in docs:
                    resolver.resolve(source, entry.boundary)
        out: list[SourceDoc] = []
        checked = 0
        for entry, docs, notes in per_file:
            # A file that an entity pulls in with $text/$yaml is data, even if it is YAML,
            # unless it holds entities: those are checked wherever else they are used
            # (otherwise '$text: ./team.yaml' would hide team.yaml from validation).
            if docs or entry.path not in resolver.used_files:
                self.findings += entry.findings + notes
                out += docs
                checked += 1
        self.findings += resolver.findings
        return out, checked

    def _classify(self, source: SourceDoc, notes: list[Finding]) -> SourceDoc | None:
        data = source.data
        if data is None:
            return None
        line, col = source.doc.line, source.doc.column
        if not isinstance(data, dict):
            notes.append(
                finding(
                    "yaml.not-mapping",
                    source.file,
                    line,
                    col,
                    f"expected an entity (a mapping with apiVersion, kind, metadata and spec) "
                    f"at the root of the document, found a {type(data).__name__}",
                )
            )
            return None
        if "apiVersion" in data or "kind" in data:
            return source
        if not any(k in data for k in _DEFINITION_KEYS):
            notes.append(
                finding(
                    "entity.not-an-entity",
                    source.file,
                    line,
                    col,
                    "this document has neither apiVersion nor kind, so it is not an entity "
                    "and was skipped; add them if it should be one",
                )
            )
        return None


def load_documents(
    roots: Iterable[Path], config: Config, precheck: Precheck | None = None
) -> Loaded:
    """Read every catalog file reachable from ``roots`` (folders, files, Location targets).

    ``precheck``, when given, runs on every document as it is read; its verdict is
    :attr:`SourceDoc.passed`.
    """
    return _Loader(config, precheck).run(roots)
