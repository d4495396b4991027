"""A seeded generator of realistic delivery events, for the example organisation's demo
portal and for the benchmark (``portal metrics sample``). Same catalog, seed and end
date: the same bytes.

Each team gets a profile (how often it deploys, how big and how old its changes are,
how often a deployment fails or causes an incident, how fast it recovers, whether it
deploys through the paved road). Shaped like Four Keys' data generator (dora.md §5):
a deployment ships the commits made since the previous one, and an incident names the
deployment that caused it; unlike it, lead times are never 0 by construction.
"""

from __future__ import annotations

import json
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime

DAY = 86_400


@dataclass(frozen=True)
class Profile:
    """How one team delivers."""

    per_week: float
    commits: tuple[int, int]
    lead_hours: float
    """Mean hours from a commit to its deployment (exponential)."""
    failure: float
    incident: float
    recovery_hours: float
    rework: float
    paved_road: bool
    active_days: int | None = None
    """Only the last N days have events (a team that started recently)."""
    unresolved: float = 0.0


PROFILES: dict[str, Profile] = {
    "elite": Profile(9.0, (1, 2), 3.0, 0.02, 0.01, 0.6, 0.02, True),
    "steady": Profile(2.5, (1, 4), 40.0, 0.08, 0.04, 8.0, 0.06, True),
    "struggling": Profile(0.2, (4, 12), 420.0, 0.30, 0.25, 70.0, 0.25, False, unresolved=0.3),
    "new": Profile(1.0, (1, 3), 30.0, 0.1, 0.05, 10.0, 0.05, True, active_days=12),
}

EXAMPLE_TEAMS = {
    "group:default/claims-intake-team": "elite",
    "group:default/policy-admin-team": "struggling",
    "group:default/sre-team": "new",
}
"""The example organisation's teams that differ from ``steady``."""


_SPREAD = ("elite", "steady", "steady", "steady", "struggling", "steady", "new", "steady")


def profile_of(team: str, profiles: Mapping[str, str], *, mixed: bool) -> Profile:
    """A team's profile: named; else, when ``mixed``, picked from the team's name
    (stable across runs and Python versions); else steady."""
    if team in profiles:
        return PROFILES[profiles[team]]
    return PROFILES[_SPREAD[sum(map(ord, team)) % len(_SPREAD)] if mixed else "steady"]


def _sha(rng: random.Random) -> str:
    return f"{rng.getrandbits(160):040x}"


def _iso(t: float) -> str:
    return datetime.fromtimestamp(round(t), UTC).isoformat().replace("+00:00", "Z")


def _component(
    rng: random.Random, entity: str, p: Profile, end: float, days: int, scale: float
) -> list[tuple[float, str]]:
    """One component's events: (time, JSON line)."""
    start = end - (p.active_days or days) * DAY
    out: list[tuple[float, str]] = []
    rate = p.per_week * scale / (7 * DAY)
    t = start + rng.expovariate(rate)
    n = 0
    while t < end:
        n += 1
        shas = []
        for _ in range(rng.randint(*p.commits)):
            sha = _sha(rng)
            when = t - rng.expovariate(1 / (p.lead_hours * 3600)) - 60
            shas.append(sha)
            out.append((when, json.dumps({"kind": "change", "entity": entity, "sha": sha,
                                          "time": _iso(when)})))  # fmt: skip
        failed = rng.random() < p.failure
        dep_id = f"{entity.rsplit('/', 1)[1]}-{n}"
        workflow = ".github/workflows/deploy.yml" if p.paved_road else "Jenkinsfile"
        out.append((t, json.dumps({
            "kind": "deployment", "id": dep_id, "entity": entity, "environment": "production",
            "time": _iso(t), "status": "failure" if failed else "success", "sha": shas[-1],
            "changes": shas, "rework": rng.random() < p.rework, "workflow": workflow,
        })))  # fmt: skip
        if not failed and rng.random() < p.incident:
            opened = t + rng.uniform(600, 6 * 3600)
            resolved = opened + rng.expovariate(1 / (p.recovery_hours * 3600)) + 300
            open_still = rng.random() < p.unresolved or resolved > end
            out.append((opened, json.dumps({
                "kind": "incident", "id": f"{dep_id}-incident", "entity": entity,
                "opened": _iso(opened), "resolved": None if open_still else _iso(resolved),
                "cause": dep_id,
            })))  # fmt: skip
        t += rng.expovariate(rate)
    return [(when, line) for when, line in out if when < end]


def generate(
    components: Iterable[tuple[str, str]],
    *,
    end: datetime,
    days: int = 180,
    seed: int = 18,
    scale: float = 1.0,
    profiles: Mapping[str, str] = EXAMPLE_TEAMS,
    mixed: bool = False,
) -> dict[str, list[str]]:
    """Events for (component key, team key) pairs over the ``days`` before ``end``, as
    ``{"YYYY-MM.jsonl": lines}`` sorted by time. ``scale`` multiplies deployment rates."""
    rng = random.Random(seed)
    stop = end.timestamp()
    every: list[tuple[float, str]] = []
    for entity, team in sorted(components):
        every += _component(rng, entity, profile_of(team, profiles, mixed=mixed), stop, days, scale)
    every.sort()
    files: dict[str, list[str]] = {}
    for when, line in every:
        month = datetime.fromtimestamp(when, UTC).strftime("%Y-%m")
        files.setdefault(f"{month}.jsonl", []).append(line)
    return files
