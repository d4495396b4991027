"""The README documents every setting and every finding code, so they cannot drift."""

from __future__ import annotations

import dataclasses

import pytest

from generator.config import (
    CatalogConfig,
    CodeownersConfig,
    MetricsConfig,
    SiteConfig,
    TechDocsConfig,
)
from generator.diagnostics import CODES
from tests.conftest import REPO

README = (REPO / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize(
    "key",
    [f"catalog.{f.name}" for f in dataclasses.fields(CatalogConfig)]
    + [f"site.{f.name}" for f in dataclasses.fields(SiteConfig)]
    + [f"techdocs.{f.name}" for f in dataclasses.fields(TechDocsConfig)]
    + [f"codeowners.{f.name}" for f in dataclasses.fields(CodeownersConfig)]
    + [f"metrics.{f.name}" for f in dataclasses.fields(MetricsConfig)],
)
def test_every_setting_is_documented(key):
    assert f"`{key}`" in README


@pytest.mark.parametrize("code", sorted(CODES))
def test_every_finding_code_is_documented(code):
    assert f"`{code}`" in README
