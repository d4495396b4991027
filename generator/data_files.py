"""Which YAML files in a catalog tree are not entities: TechDocs site configurations,
golden-path skeletons (templates of entities) and the examples in TechDocs folders.

Each rule counts only folders strictly below the file that names them, so a pull
request cannot hide entities beside or above a Template or a docs site this way.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from generator.yaml12 import YamlDoc

_MKDOCS_NAMES = frozenset({"mkdocs.yml", "mkdocs.yaml"})
_SKELETON_ACTIONS = frozenset(
    {
        "fetch:template",
        "fetch:plain",
        "fetch:template:file",
        "fetch:plain:file",
        "fetch:cookiecutter",
    }
)


def is_mkdocs(path: Path) -> bool:
    """A TechDocs site's configuration: it lives beside entities but is not one."""
    return path.name in _MKDOCS_NAMES


class DataFiles:
    """The folders found so far whose files are data, not entities."""

    def __init__(self) -> None:
        self.folders: set[Path] = set()

    def holds(self, path: Path) -> bool:
        """Whether ``path`` is a data file. Parents are looked up, not every folder: a
        catalog can hold hundreds of docs sites and skeletons."""
        return is_mkdocs(path) or any(parent in self.folders for parent in path.parents)

    def note_skeletons(self, path: Path, data: dict[str, Any]) -> None:
        """Files inside a golden path's skeleton are templates of entities, not entities.

        Only a folder strictly below the Template's own folder counts: otherwise a
        Template with ``url: ..`` would make every file beside or above it (itself
        included) a skeleton. The skeleton is that folder's top: steps often fetch part
        of it (``./skeleton/ci``) or a part a parameter picks
        (``./skeleton/${{ parameters.stack }}``), and the rest is skeleton all the same.
        Steps that are not mappings are left to the schema check.
        """
        steps = data.get("spec", {}).get("steps") if isinstance(data.get("spec"), dict) else None
        for step in steps if isinstance(steps, list) else []:
            if not isinstance(step, dict):
                continue
            inputs = step.get("input")
            url = inputs.get("url") if isinstance(inputs, dict) else None
            action = step.get("action")
            if isinstance(action, str) and action in _SKELETON_ACTIONS and isinstance(url, str):
                if not url or "://" in url:
                    continue
                skeleton = Path(os.path.normpath(path.parent / url))
                if skeleton != path.parent and skeleton.is_relative_to(path.parent):
                    self.folders.add(path.parent / skeleton.relative_to(path.parent).parts[0])

    def note_docs_dir(self, path: Path, docs: list[YamlDoc]) -> None:
        """A TechDocs site's docs folder holds documentation, and YAML files there are
        examples (rhdh keeps Kubernetes ConfigMaps there), not entities. As with
        skeletons, only a folder strictly below the site's own counts."""
        data = docs[0].data if docs else None
        name = data.get("docs_dir", "docs") if isinstance(data, dict) else "docs"
        if not isinstance(name, str) or not name:
            return
        folder = Path(os.path.normpath(path.parent / name))
        if folder != path.parent and folder.is_relative_to(path.parent):
            self.folders.add(folder)
