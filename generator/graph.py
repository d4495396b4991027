"""Stage 3: the relation graph. Nodes are canonical refs; every relation is an edge
keyed by its type, so both directions of a pair are present.

The questions later stages ask ("who depends on this", "what does this system hold")
are answered here, not by walking entity data again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import networkx as nx

from generator.model import relations as rel

if TYPE_CHECKING:
    from generator.catalog import Catalog


def build_graph(catalog: Catalog) -> nx.MultiDiGraph:
    """Every entity is a node (with ``kind``); dangling targets are nodes with kind None."""
    graph: nx.MultiDiGraph = nx.MultiDiGraph()
    for key, entity in catalog.entities.items():
        graph.add_node(key, kind=entity.ref.kind.lower(), title=entity.title)
    for key, entity in catalog.entities.items():
        for relation in entity.relations:
            if relation.target not in graph:
                graph.add_node(relation.target, kind=None, title=relation.target)
            graph.add_edge(key, relation.target, key=relation.type)
    return graph


def dependents(graph: nx.MultiDiGraph, key: str, *, transitive: bool = True) -> list[str]:
    """Entities that depend on ``key`` (dependsOn or consumesApi), nearest first."""
    found: dict[str, None] = {}
    frontier = [key]
    while frontier:
        nxt = []
        for node in frontier:
            for source, _, kind in sorted(graph.in_edges(node, keys=True)):
                if kind in rel.DEPENDENCY_TYPES and source not in found and source != key:
                    found[source] = None
                    nxt.append(source)
        frontier = nxt if transitive else []
    return list(found)


def neighbours(graph: nx.MultiDiGraph, key: str) -> dict[str, list[str]]:
    """Direct relations of ``key`` grouped by relation type, targets sorted."""
    out: dict[str, list[str]] = {}
    if key in graph:
        for _, target, kind in graph.out_edges(key, keys=True):
            out.setdefault(kind, []).append(target)
    return {k: sorted(v) for k, v in sorted(out.items())}
