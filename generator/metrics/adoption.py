"""Adoption and anti-metrics: how much of the organisation is on the platform.

Share of components created from golden paths (by template and version), drift from a
template's latest version, TechDocs coverage, catalog completeness per kind, open
exceptions, and services deploying off the paved road. :func:`snapshot` works on raw
entity data, so the same numbers come from any past commit of the catalog (history.py).
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from generator.metrics.checks import SOURCE_TEMPLATE, TEMPLATE_VERSION, paved

if TYPE_CHECKING:
    from generator.catalog import Catalog
    from generator.config import Config
    from generator.metrics.dora import Window
    from generator.metrics.events import Events
    from generator.metrics.scorecards import Results
    from generator.site.techdocs import TechDocsSite

TECHDOCS = "backstage.io/techdocs-ref"
COMPLETENESS: dict[str, tuple[tuple[str, ...], ...]] = {
    "Component": (
        ("metadata", "description"), ("spec", "owner"), ("spec", "lifecycle"),
        ("spec", "system"), ("metadata", "tags"), ("metadata", "links"),
        ("metadata", "annotations", "github.com/project-slug"),
        ("metadata", "annotations", TECHDOCS),
    ),
    "API": (("metadata", "description"), ("spec", "owner"), ("spec", "lifecycle"),
            ("spec", "system"), ("spec", "definition")),
    "Resource": (("metadata", "description"), ("spec", "owner"), ("spec", "system")),
    "System": (("metadata", "description"), ("spec", "owner"), ("spec", "domain")),
    "Domain": (("metadata", "description"), ("spec", "owner")),
    "Group": (("metadata", "description"), ("spec", "profile", "email")),
}  # fmt: skip
"""The fields whose share filled is a kind's completeness."""


def _get(data: Any, path: tuple[str, ...]) -> Any:
    for part in path:
        data = data.get(part) if isinstance(data, dict) else None
    return data


def _filled(value: Any) -> bool:
    return value not in (None, "", [], {}) and not (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class Snapshot:
    """The catalog-only adoption numbers at one point in time."""

    components: int
    from_golden_paths: int
    with_techdocs: int
    completeness: dict[str, float]
    """Kind -> share of its COMPLETENESS fields filled, over its entities."""


def snapshot(entities: Iterable[Mapping[str, Any]]) -> Snapshot:
    """Adoption numbers of raw entity data (documents as written)."""
    components = golden = docs = 0
    filled: Counter[str] = Counter()
    possible: Counter[str] = Counter()
    for data in entities:
        kind = data.get("kind")
        if kind == "Component":
            components += 1
            golden += _filled(_get(data, ("metadata", "annotations", SOURCE_TEMPLATE)))
            docs += _filled(_get(data, ("metadata", "annotations", TECHDOCS)))
        fields = COMPLETENESS.get(kind) if isinstance(kind, str) else None
        for path in fields or ():
            possible[kind] += 1  # type: ignore[index]
            filled[kind] += _filled(_get(data, path))  # type: ignore[index]
    share = {kind: filled[kind] / n for kind, n in sorted(possible.items()) if n}
    return Snapshot(components, golden, docs, share)


def version_key(version: str) -> tuple[int, ...]:
    """``1.4.0`` -> (1, 4, 0); anything unparsable sorts first."""
    parts = re.findall(r"\d+", version.split("+")[0].split("-")[0])
    return tuple(int(p) for p in parts[:3]) + (0,) * (3 - min(len(parts), 3))


def behind(have: str, latest: str) -> str:
    """How far ``have`` is behind ``latest``: ``2 major``, ``1 minor``, ``3 patch``."""
    a, b = version_key(have), version_key(latest)
    for name, x, y in zip(("major", "minor", "patch"), a, b, strict=False):
        if y != x:
            return f"{y - x} {name}" if y > x else "ahead"
    return "current"


@dataclass(frozen=True)
class Drifted:
    """A component made from an older version of its template."""

    entity: str
    template: str
    version: str
    latest: str
    behind: str


@dataclass
class Adoption:
    """Adoption and anti-metrics now."""

    now: Snapshot
    by_template: list[tuple[str, str, int]] = field(default_factory=list)
    """(template ref, version, components), by template then version."""
    latest: dict[str, str] = field(default_factory=dict)
    """Template ref -> its current version (templates in the catalog)."""
    drift: list[Drifted] = field(default_factory=list)
    published_docs: int = 0
    """Components whose TechDocs were published (not only declared)."""
    open_exceptions: int = 0
    off_paved_road: list[tuple[str, int, int, tuple[str, ...]]] = field(default_factory=list)
    """(entity, deployments in the window, of them off the paved road, their workflows)."""
    by_team: dict[str, tuple[int, int, int]] = field(default_factory=dict)
    """Team -> (components, from golden paths, with TechDocs)."""
    trend: list[tuple[str, Snapshot]] = field(default_factory=list)
    """(ISO date, snapshot) from the catalog's git history, oldest first (history.py)."""


def adopt(
    catalog: Catalog,
    sites: list[TechDocsSite],
    events: Events | None,
    window: Window | None,
    config: Config,
    results: Results | None,
) -> Adoption:
    """Adoption now, from the catalog, its TechDocs, the window's deployments and the
    scorecard exceptions."""
    out = Adoption(snapshot(e.data for e in catalog))
    for template in catalog.of_kind("Template"):
        version = _get(template.metadata, ("annotations", TEMPLATE_VERSION))
        if isinstance(version, str):
            out.latest[template.key] = version
    uses: Counter[tuple[str, str]] = Counter()
    documented = {site.key for site in sites}
    teams: dict[str, list[int]] = {}
    for entity in catalog.of_kind("Component"):
        annotations = entity.metadata.get("annotations") or {}
        source, version = annotations.get(SOURCE_TEMPLATE), annotations.get(TEMPLATE_VERSION)
        owner = (entity.related("ownedBy") or [""])[0]
        row = teams.setdefault(owner, [0, 0, 0])
        row[0] += 1
        row[2] += entity.key in documented
        out.published_docs += entity.key in documented
        if isinstance(source, str) and source:
            row[1] += 1
            ref = source.lower()
            version = version if isinstance(version, str) else "unknown"
            uses[(ref, version)] += 1
            latest = out.latest.get(ref)
            if latest is not None and version_key(version) < version_key(latest):
                out.drift.append(Drifted(entity.key, ref, version, latest, behind(version, latest)))
    out.by_template = [(t, v, n) for (t, v), n in sorted(uses.items())]
    out.by_team = {k: (a, b, c) for k, (a, b, c) in sorted(teams.items()) if k}
    out.drift.sort(key=lambda d: (version_key(d.version), d.entity))
    if results is not None and results.today is not None:
        out.open_exceptions = sum(1 for ex in results.exemptions if ex.active(results.today))
    out.off_paved_road = _off_road(events, window, config)
    return out


def _off_road(
    events: Events | None, window: Window | None, config: Config
) -> list[tuple[str, int, int, tuple[str, ...]]]:
    if events is None or window is None:
        return []
    env = config.metrics.environment.lower()
    road = tuple(config.metrics.paved_road_workflows)
    counts: dict[str, list[int]] = {}
    how: dict[str, set[str]] = {}
    for d in events.deployments.values():
        if not window.since <= d.time < window.until or d.environment.lower() != env:
            continue
        row = counts.setdefault(d.entity, [0, 0])
        row[0] += 1
        if not paved(d.workflow, road):
            row[1] += 1
            how.setdefault(d.entity, set()).add(d.workflow or "unknown")
    return [(k, n, off, tuple(sorted(how[k]))) for k, (n, off) in sorted(counts.items()) if off]
