"""``portal validate``: check the catalog and report findings."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from generator.catalog import Catalog, load_catalog
from generator.config import Config
from generator.diagnostics import Finding, apply_severities, fails
from generator.reporters import REPORTERS
from generator.scaffold.checks import check_catalog_templates
from generator.site import apiref, techdocs

if TYPE_CHECKING:
    from generator.metrics.analysis import Metrics

OK, FINDINGS = 0, 1


@dataclass
class Checked:
    """Everything ``portal validate`` checks, as ``portal build`` needs it too."""

    catalog: Catalog
    sites: list[techdocs.TechDocsSite]
    findings: list[Finding]
    """Catalog, TechDocs, template, API definition and metrics findings, configured
    severities applied."""
    metrics: Metrics | None = None
    """Events, DORA, scorecards and adoption; None when the catalog checked is not the
    repository's own (metrics/ describes the folders in catalog.roots)."""
    apis: dict[str, apiref.Parsed] = field(default_factory=dict)
    """API definitions read for their references, by entity key."""


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
    findings = [*catalog.findings, *doc_findings, *template_findings]
    metrics = None
    if _own_catalog(paths, config):
        # Events and scorecards are checked here too: a bad events line or an entity
        # that falls below its scorecard's minimum level fails the pull request.
        from generator.metrics.analysis import analyse

        metrics = analyse(catalog, sites, config)
        findings = sorted(set(findings + metrics.findings))
    return Checked(catalog, sites, findings, metrics)


def _own_catalog(paths: Sequence[Path] | None, config: Config) -> bool:
    """True when every path is inside a configured catalog root (or none is given)."""
    roots = [(config.root / r).resolve() for r in config.catalog.roots]
    return all(any(Path(p).resolve().is_relative_to(r) for r in roots) for p in paths or ())


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
