"""The one place that reads the clock. Honours ``SOURCE_DATE_EPOCH`` so that a build of
the same commit is byte-identical (reproducible-builds.org)."""

from __future__ import annotations

import os
from datetime import UTC, datetime


def now() -> datetime:
    """The build time: ``SOURCE_DATE_EPOCH`` if set, else the current UTC time."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if epoch and epoch.strip().isdigit():
        return datetime.fromtimestamp(int(epoch), tz=UTC)
    return datetime.now(tz=UTC)
