"""The entity as the rest of the portal sees it: validated data plus where it came from."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from generator.model.refs import EntityRef
from generator.model.relations import Relation
from generator.yaml12 import YamlDoc


@dataclass(slots=True)
class SourceDoc:
    """One YAML document that claims to be an entity, and where it came from."""

    path: Path
    file: str
    """Display path: relative to the repository root, POSIX separators."""
    index: int
    doc: YamlDoc
    passed: bool = False
    """Found clean by the per-document checks when it was read, on this same data;
    cleared by anything that changes the data afterwards (placeholders)."""

    @property
    def data(self) -> Any:
        """The document's value."""
        return self.doc.data


@dataclass(slots=True, eq=False)
class Entity:
    """A catalog entity that passed the envelope check. Its relations are derived."""

    ref: EntityRef
    data: dict[str, Any]
    source: SourceDoc
    relations: list[Relation] = field(default_factory=list)

    @property
    def key(self) -> str:
        """Canonical lowercase ref, the entity's identity."""
        return self.ref.key

    @property
    def kind(self) -> str:
        """The kind as written (case preserved)."""
        return self.ref.kind

    @property
    def name(self) -> str:
        """``metadata.name``."""
        return self.ref.name

    @property
    def namespace(self) -> str:
        """``metadata.namespace`` or ``default``."""
        return self.ref.namespace

    @property
    def metadata(self) -> dict[str, Any]:
        """``metadata`` (always a mapping once the envelope check passed)."""
        meta: dict[str, Any] = self.data["metadata"]
        return meta

    @property
    def spec(self) -> dict[str, Any]:
        """``spec``, or an empty mapping when absent or malformed."""
        spec = self.data.get("spec")
        return spec if isinstance(spec, dict) else {}

    @property
    def title(self) -> str:
        """Display name, as Backstage shows one: ``metadata.title``, else a user's or
        group's ``spec.profile.displayName``, else the name."""
        title = self.metadata.get("title")
        if isinstance(title, str) and title:
            return title
        profile = self.spec.get("profile")
        name = profile.get("displayName") if isinstance(profile, dict) else None
        return name.strip() if isinstance(name, str) and name.strip() else self.name

    @property
    def description(self) -> str:
        """``metadata.description`` or empty."""
        desc = self.metadata.get("description")
        return desc if isinstance(desc, str) else ""

    @property
    def file(self) -> str:
        """Display path of the source file."""
        return self.source.file

    @property
    def line(self) -> int:
        """Line where the entity's document starts."""
        return self.source.doc.line

    def locate(self, path: tuple[str | int, ...], *, key: bool = False) -> tuple[int, int]:
        """Line and column of a field (or of its key)."""
        return self.source.doc.locate(path, key=key)

    def related(self, relation_type: str) -> list[str]:
        """Target refs of this entity's relations of one type, sorted."""
        return [r.target for r in self.relations if r.type == relation_type]
