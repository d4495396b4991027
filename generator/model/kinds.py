"""The kinds the portal understands, declared in one registry.

Each kind names the schema files that validate it and the spec fields that hold entity
refs, with the relation each one emits, its default target kind and the kinds a target
may have (Backstage's model path; ``None`` means any kind).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from generator.model import relations as rel

GROUP_OR_USER = frozenset({"group", "user"})
GROUP = frozenset({"group"})
USER = frozenset({"user"})


@dataclass(frozen=True, slots=True)
class RefField:
    """A spec field holding one ref or a list of refs."""

    field: str
    relation: str
    default_kind: str | None
    allowed_kinds: frozenset[str] | None = None
    many: bool = False


@dataclass(frozen=True, slots=True)
class KindSpec:
    """One kind: its apiVersions, schema id(s) and ref fields."""

    name: str
    api_versions: tuple[str, ...]
    schema: str
    ref_fields: tuple[RefField, ...] = ()
    # spec.type values that select a more specific schema (API mcp-server, AiResource).
    type_schemas: Mapping[str, str] | None = None
    type_ref_fields: Mapping[str, tuple[RefField, ...]] | None = None

    def schema_for(self, spec: Any) -> str:
        """The schema id for an entity of this kind with the given ``spec``."""
        spec_type = _spec_type(spec)
        if self.type_schemas and spec_type is not None:
            return self.type_schemas.get(spec_type, self.schema)
        return self.schema

    def refs_for(self, spec: Any) -> tuple[RefField, ...]:
        """The ref fields that apply to an entity of this kind with the given ``spec``."""
        extra: tuple[RefField, ...] = ()
        spec_type = _spec_type(spec)
        if self.type_ref_fields and spec_type is not None:
            extra = self.type_ref_fields.get(spec_type, ())
        return self.ref_fields + extra


def _spec_type(spec: Any) -> str | None:
    """``spec.type`` when it is a string. Any other value (a list, a mapping: unhashable)
    selects the kind's general schema, which then reports the wrong type."""
    spec_type = spec.get("type") if isinstance(spec, dict) else None
    return spec_type if isinstance(spec_type, str) else None


_BACKSTAGE = ("backstage.io/v1alpha1", "backstage.io/v1beta1")
_OWNER = RefField("owner", rel.OWNED_BY, "Group", GROUP_OR_USER)
_SYSTEM = RefField("system", rel.PART_OF, "System")
_DEPENDS = RefField("dependsOn", rel.DEPENDS_ON, None, many=True)
_DEPENDENCY_OF = RefField("dependencyOf", rel.DEPENDENCY_OF, None, many=True)

KINDS: dict[str, KindSpec] = {
    "Component": KindSpec(
        "Component",
        _BACKSTAGE,
        "ComponentV1alpha1",
        (
            _OWNER,
            _SYSTEM,
            RefField("subcomponentOf", rel.PART_OF, "Component"),
            RefField("providesApis", rel.PROVIDES_API, "API", many=True),
            RefField("consumesApis", rel.CONSUMES_API, "API", many=True),
            _DEPENDS,
            _DEPENDENCY_OF,
        ),
    ),
    "API": KindSpec(
        "API",
        _BACKSTAGE,
        "ApiV1alpha1",
        (_OWNER, _SYSTEM),
        type_schemas={"mcp-server": "ApiV1alpha1McpServer"},
    ),
    "Resource": KindSpec(
        "Resource", _BACKSTAGE, "ResourceV1alpha1", (_OWNER, _SYSTEM, _DEPENDS, _DEPENDENCY_OF)
    ),
    "System": KindSpec(
        "System", _BACKSTAGE, "SystemV1alpha1", (_OWNER, RefField("domain", rel.PART_OF, "Domain"))
    ),
    "Domain": KindSpec(
        "Domain",
        _BACKSTAGE,
        "DomainV1alpha1",
        (_OWNER, RefField("subdomainOf", rel.PART_OF, "Domain")),
    ),
    "Group": KindSpec(
        "Group",
        _BACKSTAGE,
        "GroupV1alpha1",
        (
            RefField("parent", rel.CHILD_OF, "Group", GROUP),
            RefField("children", rel.PARENT_OF, "Group", GROUP, many=True),
            RefField("members", rel.HAS_MEMBER, "User", USER, many=True),
        ),
    ),
    "User": KindSpec(
        "User",
        _BACKSTAGE,
        "UserV1alpha1",
        (RefField("memberOf", rel.MEMBER_OF, "Group", GROUP, many=True),),
    ),
    "Location": KindSpec("Location", _BACKSTAGE, "LocationV1alpha1"),
    "Template": KindSpec(
        "Template", ("scaffolder.backstage.io/v1beta3",), "TemplateV1beta3", (_OWNER,)
    ),
    "AiResource": KindSpec(
        "AiResource",
        ("backstage.io/v1alpha1",),
        "AiResourceV1alpha1",
        (_OWNER, RefField("system", rel.PART_OF, "System", frozenset({"system"}))),
        type_schemas={
            "skill": "AiResourceV1alpha1Skill",
            "rule": "AiResourceV1alpha1Rule",
            "plugin": "AiResourceV1alpha1Plugin",
            "marketplace": "AiResourceV1alpha1Marketplace",
        },
        type_ref_fields={
            "skill": (
                RefField(
                    "dependsOn", rel.DEPENDS_ON, "AiResource", frozenset({"airesource"}), True
                ),
            ),
            "plugin": (
                RefField("skills", rel.HAS_PART, "AiResource", frozenset({"airesource"}), True),
            ),
            "marketplace": (
                RefField("plugins", rel.HAS_PART, "AiResource", frozenset({"airesource"}), True),
            ),
        },
    ),
}

KINDS_BY_LOWER: dict[str, KindSpec] = {k.lower(): v for k, v in KINDS.items()}
