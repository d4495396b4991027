"""The rules a scorecard check can use: one function each, registered in :data:`RULES`.

A rule looks at one entity and answers ``(passed, why)``; ``why`` says what was found
when it fails, in words the owner can act on. Rules on catalog data and TechDocs are
fit for the pull-request gate; rules on events (``uses_events``) change as deployments
happen, so a minimum level should not depend on them.
"""

from __future__ import annotations

import functools
import posixpath
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.model import relations as rel
from generator.model.entity import Entity

if TYPE_CHECKING:
    from generator.catalog import Catalog
    from generator.metrics.dora import Summary
    from generator.metrics.events import Deployment
    from generator.site.techdocs import TechDocsSite

SOURCE_TEMPLATE = "backstage.io/source-template"
TEMPLATE_VERSION = "gitops-portal.io/template-version"
"""Provenance golden paths write on what they create; a Template's own version."""


@dataclass
class Context:
    """What rules may look at besides the entity."""

    catalog: Catalog
    docs: Mapping[str, TechDocsSite] = field(default_factory=dict)
    deployments: Mapping[str, list[Deployment]] = field(default_factory=dict)
    """Each entity's deployments in the window, to the DORA environment."""
    dora: Mapping[str, Summary] = field(default_factory=dict)
    paved_road: tuple[str, ...] = ("deploy.yml",)

    def template_version(self, ref: str) -> str | None:
        """The current version of a Template entity, None when unknown."""
        template = self.catalog.get(ref)
        if template is None:
            return None
        value = _annotations(template).get(TEMPLATE_VERSION)
        return value if isinstance(value, str) else None


Outcome = tuple[bool, str]


@dataclass(frozen=True)
class Rule:
    """A check function, the parameters it needs, and whether it reads events."""

    run: Callable[[Entity, Context, dict[str, Any]], Outcome]
    required: frozenset[str] = frozenset()
    uses_events: bool = False


def _annotations(entity: Entity) -> dict[str, Any]:
    found = entity.metadata.get("annotations")
    return found if isinstance(found, dict) else {}


def _owner(entity: Entity, ctx: Context, _: dict[str, Any]) -> Outcome:
    owners = entity.related(rel.OWNED_BY)
    if not owners:
        return False, "no spec.owner"
    if ctx.catalog.get(owners[0]) is None:
        return False, f"its owner {owners[0]} is not in the catalog"
    return True, f"owned by {owners[0]}"


def _field(entity: Entity, _: Context, params: dict[str, Any]) -> Outcome:
    path = str(params["path"])
    value: Any = entity.data
    for part in path.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value in (None, "", [], {}) or (isinstance(value, str) and not value.strip()):
        return False, f"{path} is not set"
    return True, f"{path} is set"


def _annotation(entity: Entity, _: Context, params: dict[str, Any]) -> Outcome:
    key = str(params["key"])
    value = _annotations(entity).get(key)
    if not isinstance(value, str) or not value.strip():
        return False, f"no {key} annotation"
    return True, f"{key}: {value}"


def _techdocs(entity: Entity, ctx: Context, params: dict[str, Any]) -> Outcome:
    site = ctx.docs.get(entity.key)
    if site is None:
        return False, "no TechDocs published (backstage.io/techdocs-ref)"
    page = params.get("page")
    if page is None:
        return True, "TechDocs published"
    names = {posixpath.basename(f).lower() for f in site.files}
    if str(page).lower() in names:
        return True, f"TechDocs has {page}"
    return False, f"TechDocs has no {page}"


def _golden_path(entity: Entity, _: Context, __: dict[str, Any]) -> Outcome:
    template = _annotations(entity).get(SOURCE_TEMPLATE)
    if not isinstance(template, str) or not template:
        return False, f"not created from a golden path (no {SOURCE_TEMPLATE})"
    return True, f"created from {template}"


def _template_current(entity: Entity, ctx: Context, _: dict[str, Any]) -> Outcome:
    annotations = _annotations(entity)
    template = annotations.get(SOURCE_TEMPLATE)
    if not isinstance(template, str) or not template:
        return False, "not created from a golden path"
    have = annotations.get(TEMPLATE_VERSION)
    latest = ctx.template_version(template.lower())
    if latest is None:
        return False, f"{template} is not in the catalog or has no {TEMPLATE_VERSION}"
    if have != latest:
        return False, f"made from {template} {have or 'of unknown version'}; latest is {latest}"
    return True, f"on the latest version of {template} ({latest})"


@functools.lru_cache(maxsize=1024)  # asked once per deployment; there are few workflows
def paved(workflow: str, paved_road: tuple[str, ...]) -> bool:
    """True when a deployment's workflow is one of the paved-road ones (by file name)."""
    return posixpath.basename(workflow) in paved_road


def _paved_road(entity: Entity, ctx: Context, _: dict[str, Any]) -> Outcome:
    deps = ctx.deployments.get(entity.key, [])
    if not deps:
        return False, "no deployments recorded in the window"
    off = sorted({d.workflow or "an unknown workflow" for d in deps
                  if not paved(d.workflow, ctx.paved_road)})  # fmt: skip
    if off:
        return False, f"deploys through {', '.join(off)}, not the paved road"
    return True, f"all {len(deps)} deployments through the paved road"


def _lead_time(entity: Entity, ctx: Context, params: dict[str, Any]) -> Outcome:
    hours = float(params["hours"])
    summary = ctx.dora.get(entity.key)
    if summary is None or summary.tier["lead_time"] == "insufficient data":
        return False, "too few changes measured in the window"
    median = summary.lead_time_median_hours
    assert median is not None
    if median >= hours:
        return False, f"median lead time {median:.1f} h, not under {hours:g} h"
    return True, f"median lead time {median:.1f} h"


RULES: dict[str, Rule] = {
    "owner": Rule(_owner),
    "field": Rule(_field, frozenset({"path"})),
    "annotation": Rule(_annotation, frozenset({"key"})),
    "techdocs": Rule(_techdocs),
    "golden-path": Rule(_golden_path),
    "template-current": Rule(_template_current),
    "paved-road": Rule(_paved_road, uses_events=True),
    "lead-time": Rule(_lead_time, frozenset({"hours"}), uses_events=True),
}
"""Every rule a scorecard may name."""
