"""A generated catalog whose names share prefixes, for the search relevance tests.

Ten stems that are prefixes of one another (``order``, ``orders``, ``order-history``,
``pay``, ``payment``, ``payments`` ...), each a system with a team, eight components
(``orders-app``, ``orders-sync-app``, ``orders-app-v2`` ...), an API and two resources;
and ``service-1`` to ``service-120`` (``service-1`` is a prefix of twenty-one others).
"""

from __future__ import annotations

from pathlib import Path

STEMS = [
    "order",
    "orders",
    "order-history",
    "pay",
    "payment",
    "payments",
    "claim",
    "claims",
    "quote",
    "quotes",
]
COMPONENTS = ["-app", "-sync-app", "-app-v2", "-service", "-worker", "-ui", "-sync", "-app-admin"]
NUMBERED = 120


def title(name: str) -> str:
    return " ".join(word.capitalize() for word in name.split("-"))


def _doc(kind: str, name: str, spec: str, *, tags: list[str] | None = None) -> str:
    lines = [
        "apiVersion: backstage.io/v1alpha1",
        f"kind: {kind}",
        "metadata:",
        f"  name: {name}",
        f"  title: {title(name)}",
        f"  description: The {title(name)} {kind.lower()}, one of many with similar names.",
    ]
    if tags:
        lines.append(f"  tags: [{', '.join(tags)}]")
    return "\n".join(lines) + "\nspec:\n" + spec


def write(folder: Path) -> dict[str, str]:
    """Write the catalog into ``folder``; returns each entity's name -> kind."""
    folder.mkdir(parents=True, exist_ok=True)
    kinds: dict[str, str] = {}
    for stem in STEMS:
        team = f"{stem}-team"
        docs = [
            _doc("Group", team, "  type: team\n  children: []\n"),
            _doc("System", stem, f"  owner: {team}\n"),
            _doc(
                "API",
                f"{stem}-api",
                f"  type: openapi\n  lifecycle: production\n  owner: {team}\n  system: {stem}\n"
                "  definition: |\n    openapi: 3.0.0\n",
            ),
        ]
        kinds |= {team: "Group", stem: "System", f"{stem}-api": "API"}
        for suffix in ("-db", "-app-db"):
            spec = f"  type: database\n  owner: {team}\n  system: {stem}\n"
            docs.append(_doc("Resource", stem + suffix, spec))
            kinds[stem + suffix] = "Resource"
        for suffix in COMPONENTS:
            spec = f"  type: service\n  lifecycle: production\n  owner: {team}\n  system: {stem}\n"
            docs.append(_doc("Component", stem + suffix, spec, tags=[f"team-{stem}"]))
            kinds[stem + suffix] = "Component"
        (folder / f"{stem}.yaml").write_text("---\n".join(docs))
    numbered = [_doc("Group", "numbered-team", "  type: team\n  children: []\n")]
    kinds["numbered-team"] = "Group"
    for n in range(1, NUMBERED + 1):
        spec = "  type: service\n  lifecycle: production\n  owner: numbered-team\n"
        numbered.append(_doc("Component", f"service-{n}", spec, tags=[f"tier-{n % 3}"]))
        kinds[f"service-{n}"] = "Component"
    (folder / "numbered.yaml").write_text("---\n".join(numbered))
    return kinds
