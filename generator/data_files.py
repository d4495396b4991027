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


def _fetched(step: Any) -> str | None:
    """The local folder a fetch step copies, or None."""
    action = step.get("action") if isinstance(step, dict) else None
    if not isinstance(action, str) or action not in _SKELETON_ACTIONS:
        return None
    inputs = step.get("input")
    url = inputs.get("url") if isinstance(inputs, dict) else None
    return url if isinstance(url, str) and url and "://" not in url else None


EXAMPLE_VALUES = "example-values.yaml"
ANSWERS = ".portal-answers.yaml"
"""What a golden path recorded in the project it generated: data, never an entity."""


def is_example_values(path: Path) -> bool:
    """A golden path's example answers, beside its template.yaml: data, not an entity."""
    return path.name == EXAMPLE_VALUES and (path.parent / "template.yaml").is_file()


def is_mkdocs(path: Path) -> bool:
    """A TechDocs site's configuration: it lives beside entities but is not one."""
    return path.name in _MKDOCS_NAMES


class DataFiles:
    """The folders found so far whose files are data, not entities."""

    def __init__(self) -> None:
        self.folders: set[Path] = set()
        self._prefixes: tuple[str, ...] = ()

    def holds(self, path: Path) -> bool:
        """Whether ``path`` is a data file: one prefix test over the folders' text, as
        a catalog can hold thousands of files and hundreds of docs sites and skeletons."""
        if is_mkdocs(path) or is_example_values(path) or path.name == ANSWERS:
            return True
        if len(self._prefixes) != len(self.folders):
            self._prefixes = tuple(str(folder) + os.sep for folder in sorted(self.folders))
        return bool(self._prefixes) and str(path).startswith(self._prefixes)

    def note_skeletons(
        self, path: Path, data: dict[str, Any], boundary: Path
    ) -> list[tuple[int, Path]]:
        """Files inside a golden path's skeleton are templates of entities, not entities.

        The skeleton is the top folder a step fetches from below the Template's folder:
        steps often fetch part of it (``./skeleton/ci``) or a part a parameter picks
        (``./skeleton/${{ parameters.stack }}``), and the rest is skeleton all the
        same. A skeleton shared by several templates (``../../skeletons/app``, as
        Red Hat's templates do) is the folder named, and only if it is in the
        repository and does not hold the Template itself: ``url: ..`` must not turn
        the Template and its neighbours into data. Returns the indexes of the steps
        that name such a shared skeleton, with the folder, so that the loader can say so.
        Steps that are not mappings are left to the schema check.
        """
        shared = []
        steps = data.get("spec", {}).get("steps") if isinstance(data.get("spec"), dict) else None
        for index, step in enumerate(steps if isinstance(steps, list) else []):
            url = _fetched(step)
            if url is None:
                continue
            folder = path.parent
            skeleton = Path(os.path.normpath(folder / url))
            if skeleton != folder and skeleton.is_relative_to(folder):
                self.folders.add(folder / skeleton.relative_to(folder).parts[0])
            elif skeleton.is_relative_to(boundary) and not folder.is_relative_to(skeleton):
                self.folders.add(skeleton)
                shared.append((index, skeleton))
        return shared

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
