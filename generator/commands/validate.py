"""``portal validate``: check the catalog and report findings."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from generator.catalog import Catalog, load_catalog
from generator.config import Config
from generator.diagnostics import Finding, apply_severities, fails
from generator.reporters import REPORTERS
from generator.scaffold.checks import check_catalog_templates
from generator.site import techdocs

OK, FINDINGS = 0, 1


@dataclass
class Checked:
    """Everything ``portal validate`` checks, as ``portal build`` needs it too."""

    catalog: Catalog
    sites: list[techdocs.TechDocsSite]
    findings: list[Finding]
    """Catalog and TechDocs findings, configured severities applied."""


def check(paths: Sequence[Path] | None, config: Config) -> Checked:
    """Load the catalog and read its TechDocs: the one place every check runs, so
    validate and build can never disagree on what is valid."""
    catalog = load_catalog(paths or None, config)
    # TechDocs are read here too, so a PR that breaks a docs link fails before merge.
    sites, doc_findings = techdocs.collect(catalog)  # both apply configured severities
    # Templates are run-checked too (actions, expressions, parameters, skeletons), so a
    # broken golden path fails its pull request, not the first request made with it.
    templates = check_catalog_templates(catalog.of_kind("Template"), config)
    template_findings = apply_severities(templates, config.severity)
    return Checked(catalog, sites, [*catalog.findings, *doc_findings, *template_findings])


def validate(
    paths: Sequence[Path],
    config: Config,
    *,
    output_format: str = "text",
    strict: bool = False,
    out: TextIO | None = None,
) -> int:
    """Validate ``paths`` (default: the configured roots); 0 when valid, 1 when not."""
    checked = check(paths, config)
    catalog, findings = checked.catalog, checked.findings
    REPORTERS[output_format](findings, len(catalog), catalog.files_checked, out or sys.stdout)
    return FINDINGS if fails(findings, strict=strict) else OK
