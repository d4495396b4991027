"""DORA 2024 performance tiers and the survey's answer buckets (shared/docs/dora.md §6).

Tiers are descriptive cluster results, not targets, and each metric gets its own: there
is no overall tier. 2025 published team profiles instead of thresholds, so the table is
pinned to "DORA 2024" and named on every page. Where there is too little data the tier
is :data:`INSUFFICIENT`, never the best one (Four Keys' ``IFNULL(..., 0)`` made an empty
window read as elite).
"""

from __future__ import annotations

import math

TABLE = "DORA 2024"
INSUFFICIENT = "insufficient data"
MIN_DEPLOYMENTS = 5
"""Change failure and rework rates of fewer deployments are not tiered (0 of 2 is 0 %)."""
MIN_CHANGES = 5
"""Lead time of fewer measured changes is not tiered."""
RATE_EDGES = (0.075, 0.30)
"""Change failure and rework rate: the nearest 2024 cluster value (5, 10, 20, 40 %).
2024's high cluster (20 %) is worse than its medium one (10 %), so 7.5-30 % is named
"high/medium" rather than ordered."""

_DURATIONS = (
    (1.0, "less than one hour"),
    (24.0, "less than one day"),
    (168.0, "one day to one week"),
    (720.0, "one week to one month"),
    (4320.0, "one to six months"),
    (math.inf, "more than six months"),
)


def duration_bucket(hours: float | None) -> str:
    """The survey's answer for a lead or recovery time (half-open ``[lo, hi)`` hours)."""
    if hours is None:
        return INSUFFICIENT
    return next(label for edge, label in _DURATIONS if hours < edge)


def lead_time_tier(hours: float | None, measured: int) -> str:
    """Elite under a day, high under a week, medium under a month, else low."""
    if hours is None or measured < MIN_CHANGES:
        return INSUFFICIENT
    return "elite" if hours < 24 else "high" if hours < 168 else "medium" if hours < 720 else "low"


def recovery_tier(hours: float | None) -> str:
    """Elite under an hour; under a day is both 2024's high and medium; else low (2024
    has no cluster between a day and a week: we count it low)."""
    if hours is None:
        return INSUFFICIENT
    return "elite" if hours < 1 else "high/medium" if hours < 24 else "low"


def rate_tier(rate: float | None, deployments: int) -> str:
    """Change failure or rework rate: elite, high/medium or low (see RATE_EDGES)."""
    if rate is None or deployments < MIN_DEPLOYMENTS:
        return INSUFFICIENT
    low, high = RATE_EDGES
    return "elite" if rate < low else "high/medium" if rate < high else "low"


FREQUENCY_BUCKETS = {
    "elite": "on demand (multiple deploys per day)",
    "high": "between once per day and once per week",
    "medium": "between once per week and once per month",
    "low": "between once per month and once every six months",
    "fewer": "fewer than once per six months",
}


def frequency_tier(weekly_deploy_days: list[int], per_week: float) -> tuple[str, str]:
    """``(tier, bucket)`` from deploy days: elite when the median week has deployments
    on 3 days or more (Apache DevLake's rule), high when it has one, else from the mean
    rate: medium at least monthly, low at least every six months. No successful
    deployment is insufficient data: nothing collected looks the same as nothing shipped.
    """
    if not weekly_deploy_days or per_week <= 0:
        return INSUFFICIENT, INSUFFICIENT
    days = median(sorted(float(d) for d in weekly_deploy_days))
    assert days is not None
    if days >= 3:
        tier = "elite"
    elif days >= 1:
        tier = "high"
    elif per_week >= 7 / 30.4:
        tier = "medium"
    elif per_week >= 7 / 182.6:
        tier = "low"
    else:
        return "low", FREQUENCY_BUCKETS["fewer"]
    return tier, FREQUENCY_BUCKETS[tier]


def percentile(ordered: list[float], q: float) -> float | None:
    """Linearly interpolated percentile of sorted values (BigQuery's PERCENTILE_CONT):
    an even count's median is the mean of the middle two."""
    if not ordered:
        return None
    pos = (len(ordered) - 1) * q
    low = math.floor(pos)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (pos - low)


def median(ordered: list[float]) -> float | None:
    """The interpolated median of sorted values, None when empty."""
    return percentile(ordered, 0.5)
