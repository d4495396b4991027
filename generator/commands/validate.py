"""``portal validate``: check the catalog and report findings."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from generator.catalog import load_catalog
from generator.config import Config
from generator.diagnostics import apply_severities, fails
from generator.reporters import REPORTERS
from generator.site import techdocs

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
    # TechDocs are read here too, so a PR that breaks a docs link fails before merge.
    _, doc_findings = techdocs.collect(catalog)
    findings = apply_severities([*catalog.findings, *doc_findings], config.severity)
    REPORTERS[output_format](findings, len(catalog), len(catalog.files), out or sys.stdout)
    return FINDINGS if fails(findings, strict=strict) else OK
