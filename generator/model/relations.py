"""The relation pairs of the Backstage model. Every relation is emitted with its reverse."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import NamedTuple

OWNED_BY = "ownedBy"
OWNER_OF = "ownerOf"
PART_OF = "partOf"
HAS_PART = "hasPart"
DEPENDS_ON = "dependsOn"
DEPENDENCY_OF = "dependencyOf"
PROVIDES_API = "providesApi"
API_PROVIDED_BY = "apiProvidedBy"
CONSUMES_API = "consumesApi"
API_CONSUMED_BY = "apiConsumedBy"
CHILD_OF = "childOf"
PARENT_OF = "parentOf"
MEMBER_OF = "memberOf"
HAS_MEMBER = "hasMember"

_PAIRS = (
    (OWNED_BY, OWNER_OF),
    (PART_OF, HAS_PART),
    (DEPENDS_ON, DEPENDENCY_OF),
    (PROVIDES_API, API_PROVIDED_BY),
    (CONSUMES_API, API_CONSUMED_BY),
    (CHILD_OF, PARENT_OF),
    (MEMBER_OF, HAS_MEMBER),
)

REVERSE: dict[str, str] = dict(_PAIRS) | {b: a for a, b in _PAIRS}
"""Maps each relation type to its reverse (``ownedBy`` to ``ownerOf`` and back)."""

# Relation types that mean "the source needs the target to work": the graph follows
# them to answer "who depends on this".
DEPENDENCY_TYPES = frozenset({DEPENDS_ON, CONSUMES_API})


class Relation(NamedTuple):
    """A directed relation, attached to its source entity, as Backstage outputs it.

    Ordered by type, then target, as Backstage sorts them."""

    type: str
    target: str
    """Canonical lowercase ref of the target."""

    def as_json(self) -> dict[str, str]:
        """Backstage's output shape."""
        return {"type": self.type, "targetRef": self.target}


def system_of(key: str, part_of: Callable[[str], Iterable[str]]) -> tuple[str | None, str | None]:
    """``(system, through)``: the system ``key`` is part of, directly (``through`` is
    None) or as a subcomponent, through the nearest parent component that names one.
    ``part_of(k)`` gives the ``partOf`` targets of ``k``. Parent loops (reported by the
    validator) end the search."""
    seen, node, through = {key}, key, None
    while True:
        targets = sorted(part_of(node))
        systems = [t for t in targets if t.startswith("system:")]
        if systems:
            return systems[0], through
        parents = [t for t in targets if t.startswith("component:") and t not in seen]
        if not parents:
            return None, None
        node = through = parents[0]
        seen.add(node)


def has_cycle(edges: dict[str, list[str]]) -> bool:
    """True when the directed graph given as adjacency lists has a loop (Kahn's
    algorithm). A cheap test so that networkx is imported only to report a loop."""
    indegree: dict[str, int] = {}
    for source, targets in edges.items():
        indegree.setdefault(source, 0)
        for target in targets:
            indegree[target] = indegree.get(target, 0) + 1
    ready = [node for node, degree in indegree.items() if degree == 0]
    seen = 0
    while ready:
        node = ready.pop()
        seen += 1
        for target in edges.get(node, ()):
            indegree[target] -= 1
            if indegree[target] == 0:
                ready.append(target)
    return seen < len(indegree)


def simple_cycles(edges: dict[str, list[str]]) -> list[list[str]]:
    """Every elementary loop, each starting at its smallest node, sorted."""
    if not has_cycle(edges):
        return []
    import networkx as nx  # 0.2 s to import: only when there is a loop to report

    graph = nx.DiGraph([(s, t) for s, targets in edges.items() for t in targets])
    out = []
    for cycle in nx.simple_cycles(graph):
        start = cycle.index(min(cycle))
        out.append(cycle[start:] + cycle[:start])
    return sorted(out)
