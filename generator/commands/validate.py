"""``portal validate``: check the catalog and report findings."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from generator.catalog import load_catalog
from generator.config import Config
from generator.reporters import REPORTERS

OK, FINDINGS = 0, 1


def validate(
    paths: Sequence[Path],
    config: Config,
    *,
    output_format: str = "text",
    strict: bool = False,
    out: TextIO | None = None,
) -> int:
    """Validate ``paths`` (default: the configured roots); 0 when valid, 1 when not."""
    catalog = load_catalog(paths or None, config)
    REPORTERS[output_format](catalog.findings, len(catalog), len(catalog.files), out or sys.stdout)
    return FINDINGS if catalog.failed(strict=strict) else OK
