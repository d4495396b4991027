"""The one reader of ``portal.yaml`` (optional, every key optional) and of the keys of
``mkdocs.yml`` the portal reuses (site name, repository URL), which are never repeated.

Unknown keys are warnings naming the closest known key; wrong types are a ConfigError.
"""

from __future__ import annotations

import dataclasses
import difflib
import os
import types
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Union, get_args, get_origin, get_type_hints

from generator.diagnostics import CODES, Finding, Severity, finding
from generator.errors import ConfigError
from generator.yaml12 import Limits, read_yaml

CONFIG_FILE = "portal.yaml"


@dataclass(frozen=True)
class CatalogConfig:
    """``catalog:`` section."""

    roots: tuple[str, ...] = ("catalog", "golden_paths")
    """Folders (or files) read for entities, relative to the repository root. Golden
    paths are Templates, so they are catalog entities too. When left at this default, a
    folder that does not exist is skipped; a configured one must exist."""
    max_file_bytes: int = 1 << 20
    """Files larger than this are refused (``file.too-large``)."""
    max_depth: int = 64
    """Deepest nesting a YAML document may have (``yaml.depth-limit``)."""
    max_alias_nodes: int = 10_000
    """How many nodes aliases may expand to per document (``yaml.alias-limit``)."""
    external_refs: tuple[str, ...] = ()
    """Glob patterns of canonical refs defined outside the catalog, for example by an
    org provider: ``user:*`` (every user), ``*:ldap/*`` (a namespace). Refs matching them
    are not reported as dangling."""


@dataclass(frozen=True)
class SiteConfig:
    """``site:`` section."""

    site_dir: str = "site"
    """Where ``portal build`` writes the site."""
    edit_branch: str = "main"
    """Branch used for "edit this entity" links."""
    repo_url: str | None = None
    """Repository URL; defaults to mkdocs.yml ``repo_url``, then ``$GITHUB_REPOSITORY``."""
    site_url: str | None = None
    """Where the portal is published (pull-request comments link to entity pages there);
    defaults to mkdocs.yml ``site_url``."""
    site_name: str = "Developer Portal"
    """Shown in the header; defaults to mkdocs.yml ``site_name``."""
    pagerduty_url: str = "https://app.pagerduty.com"
    """Base of on-call links made from ``pagerduty.com/service-id``."""
    grafana_url: str | None = None
    """Base of dashboard links made from ``grafana/dashboard-selector``; none if unset."""
    kubernetes_url: str | None = None
    """Link made from ``backstage.io/kubernetes-id``, ``{id}`` standing for the id (for
    example ``https://headlamp.example/c/main/deployments?q={id}``); none if unset."""
    sonarqube_url: str | None = "https://sonarcloud.io"
    """SonarQube (or SonarCloud) base of code-quality links from
    ``sonarqube.org/project-key``."""


@dataclass(frozen=True)
class TechDocsConfig:
    """``techdocs:`` section: budgets for published docs (see site/docs_boundary.py)."""

    max_file_bytes: int = 25 << 20
    """Largest docs file published (``techdocs.too-large``); GitHub itself warns at 50 MB."""
    max_site_bytes: int = 200 << 20
    """Most bytes one entity's docs may publish in all."""
    max_total_bytes: int = 400_000_000
    """Most bytes all docs together may publish: 40 % of GitHub Pages' 1 GB site limit.
    The catalog's pages, maps and data take up to half of it for 10,000 entities with
    history, metrics and API references (``make bench``), so the two stay under 900 MB."""
    max_image_pixels: int = 89_478_485
    """Largest image (width × height) published: Pillow's decompression-bomb limit."""


@dataclass(frozen=True)
class CodeownersConfig:
    """``codeowners:`` section: how ``portal codeowners`` names GitHub teams."""

    file: str = ".github/CODEOWNERS"
    """The file written, relative to the top of the git repository."""
    teams: Mapping[str, str] = field(default_factory=dict)
    """Owner ref to GitHub team (``org/team``) or user (``@login``), for owners without a
    ``github.com/team-slug`` (group) or ``github.com/user-login`` (user) annotation; a
    mapping here wins over the annotation. ``team-a`` means ``group:default/team-a``."""
    default: tuple[str, ...] = ()
    """Owners of every file no entity owns (a first ``*`` rule); none when empty."""


@dataclass(frozen=True)
class MetricsConfig:
    """``metrics:`` section (DORA, scorecards, adoption; see generator/metrics)."""

    events_dir: str = "metrics/events"
    """Folder of the ``YYYY-MM.jsonl`` event files, relative to the repository root."""
    scorecards_dir: str = "metrics/scorecards"
    """Folder of the scorecard rule files (``*.yaml``)."""
    exceptions_file: str = "metrics/exceptions.yaml"
    """Scorecard exceptions: entity, check, reason, expiry."""
    levels_dir: str = "metrics/levels"
    """Weekly records of scorecard levels (``portal metrics snapshot``), for trends."""
    state_file: str = "metrics/collect-state.json"
    """Where ``portal metrics collect`` remembers how far it got."""
    environment: str = "production"
    """The deployment environment DORA counts."""
    incident_label: str = "incident"
    """The GitHub issue label that makes an issue an incident (any case)."""
    window_days: int = 90
    """Default window: this many days up to the newest event."""
    paved_road_workflows: tuple[str, ...] = ("deploy.yml",)
    """File names of the paved-road deploy workflows (as golden paths install them from
    workflows/); a deployment made by another workflow is off the paved road."""


@dataclass(frozen=True)
class Config:
    """Everything the commands need to know about the repository."""

    root: Path = field(default_factory=Path.cwd)
    catalog: CatalogConfig = field(default_factory=CatalogConfig)
    site: SiteConfig = field(default_factory=SiteConfig)
    techdocs: TechDocsConfig = field(default_factory=TechDocsConfig)
    severity: Mapping[str, Severity] = field(default_factory=dict)
    """Per finding code: ``error``, ``warning``, ``info`` or ``off``."""
    findings: tuple[Finding, ...] = ()
    """Warnings about the configuration itself (unknown keys)."""
    codeowners: CodeownersConfig = field(default_factory=CodeownersConfig)
    metrics: MetricsConfig = field(default_factory=MetricsConfig)

    @property
    def limits(self) -> Limits:
        """YAML reading limits for catalog files."""
        return Limits(self.catalog.max_depth, self.catalog.max_alias_nodes)


def load_config(root: Path) -> Config:
    """Read ``portal.yaml`` and ``mkdocs.yml`` under ``root``; both are optional."""
    root = root.resolve()
    data, file = _read_mapping(root / CONFIG_FILE)
    notes: list[Finding] = []
    known = {"catalog", "site", "techdocs", "severity", "codeowners", "metrics"}
    _warn_unknown(data, known, "", file, notes)
    catalog = _section(CatalogConfig, data.get("catalog"), "catalog", file, notes)
    site = _section(SiteConfig, data.get("site"), "site", file, notes)
    site = _with_mkdocs(site, root)
    techdocs = _section(TechDocsConfig, data.get("techdocs"), "techdocs", file, notes)
    severity = _severities(data.get("severity"), file)
    owners = _section(CodeownersConfig, data.get("codeowners"), "codeowners", file, notes)
    metrics = _section(MetricsConfig, data.get("metrics"), "metrics", file, notes)
    return Config(root, catalog, site, techdocs, severity, tuple(notes), owners, metrics)


def _read_mapping(path: Path, *, trusted: bool = False) -> tuple[dict[str, Any], str]:
    if not path.is_file():
        return {}, path.name
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path.name}: cannot be read ({exc})") from exc
    docs, problems = read_yaml(text, Limits(allow_custom_tags=trusted))
    if problems and problems[0].code != "yaml.merge-key":
        p = problems[0]
        raise ConfigError(f"{path.name}:{p.line}:{p.column}: {p.message}")
    data = docs[0].data if docs else None
    if data is None:
        return {}, path.name
    if not isinstance(data, dict):
        raise ConfigError(f"{path.name}: expected a mapping of settings at the top level")
    return data, path.name


def _warn_unknown(
    data: Mapping[str, Any], known: set[str], prefix: str, file: str, notes: list[Finding]
) -> None:
    for key in sorted(set(data) - known):
        close = difflib.get_close_matches(key, sorted(known), n=1)
        hint = (
            f"; did you mean '{prefix}{close[0]}'?" if close else f"; known keys: {sorted(known)}"
        )
        notes.append(
            finding("config.unknown-key", file, 1, 1, f"unknown setting '{prefix}{key}'{hint}")
        )


def _section(cls: type[Any], data: Any, name: str, file: str, notes: list[Finding]) -> Any:
    if data is None:
        return cls()
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: '{name}' must be a mapping of settings")
    hints = get_type_hints(cls)
    fields = {f.name for f in dataclasses.fields(cls)}
    _warn_unknown(data, fields, f"{name}.", file, notes)
    values = {k: _coerce(v, hints[k], f"{name}.{k}", file) for k, v in data.items() if k in fields}
    return cls(**values)


def _coerce(value: Any, hint: Any, key: str, file: str) -> Any:
    origin = get_origin(hint)
    if origin in (Union, types.UnionType):
        if value is None:
            return None
        hint = next(a for a in get_args(hint) if a is not type(None))
        origin = get_origin(hint)
    if origin in (dict, Mapping):
        if not isinstance(value, dict) or not all(
            isinstance(k, str) and isinstance(v, str) for k, v in value.items()
        ):
            raise ConfigError(f"{file}: '{key}' must map strings to strings, found {value!r}")
        return dict(value)
    if origin is tuple:
        if isinstance(value, str):
            value = [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise ConfigError(f"{file}: '{key}' must be a list of strings, found {value!r}")
        return tuple(value)
    if hint is int and (not isinstance(value, int) or isinstance(value, bool) or value < 1):
        raise ConfigError(f"{file}: '{key}' must be a positive whole number, found {value!r}")
    if hint is str and not isinstance(value, str):
        raise ConfigError(f"{file}: '{key}' must be a string, found {value!r}")
    return value


def _severities(data: Any, file: str) -> dict[str, Severity]:
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{file}: 'severity' must map finding codes to error|warning|info|off")
    out = {}
    levels = {s.value: s for s in Severity}
    for code, level in data.items():
        if code not in CODES:
            close = difflib.get_close_matches(code, list(CODES), n=1)
            hint = f"; did you mean '{close[0]}'?" if close else ""
            raise ConfigError(f"{file}: 'severity.{code}' is not a finding code{hint}")
        if level not in levels:
            raise ConfigError(
                f"{file}: 'severity.{code}' must be one of error, warning, info, off; "
                f"found {level!r}"
            )
        out[code] = levels[level]
    return out


def read_mkdocs(root: Path) -> dict[str, Any]:
    """The repository's mkdocs.yml ({} when absent). Trusted: it is this repository's
    own file, so tags such as ``!!python/name`` are read as plain values."""
    data, _ = _read_mapping(root / "mkdocs.yml", trusted=True)
    return data


def _with_mkdocs(site: SiteConfig, root: Path) -> SiteConfig:
    """Fill the site name and repository URL from mkdocs.yml, then the environment."""
    mk = read_mkdocs(root)
    changes: dict[str, Any] = {}
    if site.site_name == SiteConfig.site_name and isinstance(mk.get("site_name"), str):
        changes["site_name"] = mk["site_name"]
    if site.site_url is None and isinstance(mk.get("site_url"), str):
        changes["site_url"] = mk["site_url"].rstrip("/")
    if site.repo_url is None:
        repo = mk.get("repo_url")
        env_repo = os.environ.get("GITHUB_REPOSITORY")
        if isinstance(repo, str):
            changes["repo_url"] = repo.rstrip("/")
        elif env_repo:
            server = os.environ.get("GITHUB_SERVER_URL", "https://github.com")
            changes["repo_url"] = f"{server}/{env_repo}"
    return dataclasses.replace(site, **changes)
