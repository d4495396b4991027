"""Well-known annotations become links and badges, as Backstage's plugins show them.
Everything else is listed as data. All values are untrusted: URLs are built from
validated parts and passed through :func:`safe_url`."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

from generator.config import SiteConfig
from generator.site.render import safe_url
from generator.site.techdocs import ANNOTATION as TECHDOCS_REF

_SLUG = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")


@dataclass(frozen=True)
class Badge:
    """A labelled fact from an annotation, with a link when one can be made."""

    label: str
    value: str
    url: str | None = None


def _github(slug: str, _: SiteConfig) -> list[Badge]:
    if not _SLUG.fullmatch(slug):
        return [Badge("GitHub", slug)]
    base = f"https://github.com/{slug}"
    return [Badge("Repository", slug, base), Badge("CI runs", "GitHub Actions", f"{base}/actions")]


def _source(value: str, _: SiteConfig) -> list[Badge]:
    target = value.split(":", 1)[1] if value.startswith("url:") else value
    return [Badge("Source", target, safe_url(target))]


def _pagerduty(value: str, site: SiteConfig) -> list[Badge]:
    url = f"{site.pagerduty_url.rstrip('/')}/service-directory/{quote(value, safe='')}"
    return [Badge("On-call", f"PagerDuty {value}", safe_url(url))]


def _opsgenie(value: str, _: SiteConfig) -> list[Badge]:
    return [Badge("On-call", f"Opsgenie {value}")]


def _grafana(value: str, site: SiteConfig) -> list[Badge]:
    url = None
    if site.grafana_url:
        url = safe_url(f"{site.grafana_url.rstrip('/')}/dashboards?query={quote(value, safe='')}")
    return [Badge("Dashboards", value, url)]


def _plain(label: str) -> Any:
    return lambda value, _site: [Badge(label, value)]


WELL_KNOWN = {
    "github.com/project-slug": _github,
    "backstage.io/source-location": _source,
    "backstage.io/view-url": _source,
    "pagerduty.com/service-id": _pagerduty,
    "opsgenie.com/component-selector": _opsgenie,
    "grafana/dashboard-selector": _grafana,
    "backstage.io/kubernetes-id": _plain("Kubernetes"),
    "sonarqube.org/project-key": _plain("SonarQube"),
    "sentry.io/project-slug": _plain("Sentry"),
    "jenkins.io/job-full-name": _plain("Jenkins"),
    "github.com/team-slug": _plain("GitHub team"),
    "github.com/user-login": _plain("GitHub user"),
}


# Shown by the page itself (the Docs badge), not repeated as data.
SHOWN_ELSEWHERE = frozenset({TECHDOCS_REF})  # the Docs badge


def badges(annotations: Any, site: SiteConfig) -> tuple[list[Badge], list[tuple[str, str]]]:
    """(badges from well-known annotations, every other annotation as key/value)."""
    out: list[Badge] = []
    rest: list[tuple[str, str]] = []
    if not isinstance(annotations, dict):
        return out, rest
    for key in sorted(annotations):
        value = annotations[key]
        if not isinstance(value, str):
            continue
        maker = WELL_KNOWN.get(key)
        if maker is not None:
            out.extend(maker(value, site))
        elif key not in SHOWN_ELSEWHERE and not key.startswith("backstage.io/managed-by"):
            rest.append((key, value))
    return out, rest
