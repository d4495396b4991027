"""The static catalog API: ``api/catalog.json`` (every entity in Backstage's JSON shape
with its relations), ``api/graph.json`` (nodes and edges) and one JSON file per entity.
Tools and AI assistants read the catalog from these with no server.

``catalog.json`` leaves out APIs' ``spec.definition`` (and says so in ``omitted``): in a
10,000-entity organisation with 1,500 OpenAPI definitions of 12 KB they were 18.6 of its
28.7 MB, a file every tool reading the catalog downloads whole; each API's own file has
its definition."""

from __future__ import annotations

import json
import math
from typing import Any

from generator.catalog import Catalog
from generator.model.entity import Entity
from generator.process import Revision
from generator.site import paths


def entity_json(entity: Entity) -> dict[str, Any]:
    """Backstage's output shape: the source data, the default namespace filled in,
    and the derived relations."""
    data = {k: v for k, v in entity.data.items() if k not in ("relations", "status")}
    data["metadata"] = {**entity.metadata, "namespace": entity.namespace}
    data["relations"] = [r.as_json() for r in entity.relations]
    return data


OMITTED = ("spec.definition",)
"""Fields ``catalog.json`` leaves out of its items (each entity's own file has them)."""


def _listed(doc: dict[str, Any]) -> dict[str, Any]:
    """``doc`` as ``catalog.json`` lists it: without its definition."""
    spec = doc.get("spec")
    if not isinstance(spec, dict) or "definition" not in spec:
        return doc
    return {**doc, "spec": {k: v for k, v in spec.items() if k != "definition"}}


def _dumps(data: Any, *, indent: int | None = None) -> str:
    try:
        return json.dumps(data, sort_keys=True, ensure_ascii=False, indent=indent, allow_nan=False)
    except ValueError:  # YAML allows .inf and .nan; JSON does not
        return json.dumps(_finite(data), sort_keys=True, ensure_ascii=False, indent=indent)


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return str(value)
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_finite(v) for v in value]
    return value


def render_api(catalog: Catalog, revision: Revision) -> dict[str, str]:
    """``{docs-relative path: JSON text}`` for the whole static API."""
    out: dict[str, str] = {}
    items = []
    for entity in catalog:
        doc = entity_json(entity)
        items.append(_listed(doc))
        out[paths.entity_json(entity.key)] = _dumps(doc, indent=2) + "\n"
    meta = {"commit": revision.commit, "entities": len(items)}
    listing = {**meta, "omitted": list(OMITTED), "items": items}
    out[paths.CATALOG_JSON] = _dumps(listing) + "\n"
    nodes = [
        {"id": key, "kind": e.kind, "title": e.title, "url": paths.entity_url(key)}
        for key, e in catalog.entities.items()
    ]
    edges = [
        {"source": key, "target": r.target, "type": r.type}
        for key, e in catalog.entities.items()
        for r in e.relations
    ]
    out[paths.GRAPH_JSON] = _dumps({**meta, "nodes": nodes, "edges": edges}) + "\n"
    return out
