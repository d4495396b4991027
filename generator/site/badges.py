"""Links people can use: well-known annotations become labelled links where a URL can
be built from them (and the portal's configuration), and are left off the page where
none can (a raw selector helps no one); ``metadata.links`` show their title, or their
type, with an icon. A link to TechDocs this portal publishes opens the local page.

All values are untrusted: URLs are built from checked parts and pass :func:`safe_url`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote, urlparse

from generator.config import SiteConfig
from generator.site import paths
from generator.site.icons import icon_for
from generator.site.render import safe_url
from generator.site.techdocs import ANNOTATION as TECHDOCS_REF

_SLUG = re.compile(r"[A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+")
_NAME = re.compile(r"[A-Za-z0-9_.-]+")
# Backstage's TechDocs URLs: .../docs/<namespace>/<kind>/<name>[/<page>]
_TECHDOCS_URL = re.compile(r"/docs/([^/]+)/([^/]+)/([^/]+)(/.*)?$")


@dataclass(frozen=True)
class Badge:
    """A labelled link: what it is (``label``), to what (``value``), and an icon."""

    label: str
    value: str
    url: str
    icon: str = "link"


def _github(slug: str, _: SiteConfig) -> list[Badge]:
    if not _SLUG.fullmatch(slug):
        return []
    base = f"https://github.com/{slug}"
    return [
        Badge("Repository", slug, base, "github"),
        Badge("CI runs", "GitHub Actions", f"{base}/actions", "ci"),
    ]


def _source(value: str, _: SiteConfig) -> list[Badge]:
    target = value.split(":", 1)[1] if value.startswith(("url:", "dir:")) else value
    url = safe_url(target)
    if url is None:
        return []
    parsed = urlparse(url)
    path = "/".join(parsed.path.strip("/").split("/")[:2])  # github.com/org/repo, not /tree/main/
    return [Badge("Source", f"{parsed.netloc}/{path}".rstrip("/"), url, "code")]


def _pagerduty(value: str, site: SiteConfig) -> list[Badge]:
    url = safe_url(f"{site.pagerduty_url.rstrip('/')}/service-directory/{quote(value, safe='')}")
    return [Badge("On-call", "PagerDuty", url, "oncall")] if url else []


def _grafana(value: str, site: SiteConfig) -> list[Badge]:
    if not site.grafana_url:
        return []
    url = safe_url(f"{site.grafana_url.rstrip('/')}/dashboards?query={quote(value, safe='')}")
    return [Badge("Dashboards", "Grafana", url, "dashboard")] if url else []


def _kubernetes(value: str, site: SiteConfig) -> list[Badge]:
    if not site.kubernetes_url or not _NAME.fullmatch(value):
        return []
    url = safe_url(site.kubernetes_url.replace("{id}", quote(value, safe="")))
    return [Badge("Kubernetes", value, url, "kubernetes")] if url else []


def _sonarqube(value: str, site: SiteConfig) -> list[Badge]:
    key = value.split("/", 1)[-1]  # Backstage allows "instance/key"
    if not site.sonarqube_url or not key:
        return []
    url = safe_url(f"{site.sonarqube_url.rstrip('/')}/dashboard?id={quote(key, safe='')}")
    return [Badge("Code quality", "SonarQube", url, "quality")] if url else []


def _github_team(value: str, site: SiteConfig) -> list[Badge]:
    from generator.gitops.codeowners import github_org

    org = github_org(site.repo_url) if "/" not in value else None
    slug = f"{org}/{value}" if org else value
    if not _SLUG.fullmatch(slug):
        return []
    team_org, team = slug.split("/")
    return [Badge("GitHub team", slug, f"https://github.com/orgs/{team_org}/teams/{team}", "group")]


def _github_user(value: str, _: SiteConfig) -> list[Badge]:
    if not _NAME.fullmatch(value):
        return []
    return [Badge("GitHub", f"@{value}", f"https://github.com/{value}", "github")]


def _website(value: str, _: SiteConfig) -> list[Badge]:
    url = safe_url(value)
    return [Badge("Website", urlparse(url).netloc, url, "web")] if url else []


WELL_KNOWN: dict[str, Callable[[str, SiteConfig], list[Badge]]] = {
    "github.com/project-slug": _github,
    "backstage.io/source-location": _source,
    "backstage.io/view-url": _source,
    "pagerduty.com/service-id": _pagerduty,
    "grafana/dashboard-selector": _grafana,
    "backstage.io/kubernetes-id": _kubernetes,
    "sonarqube.org/project-key": _sonarqube,
    "github.com/team-slug": _github_team,
    "github.com/user-login": _github_user,
    "lighthouse.com/website-url": _website,
}
"""Annotations a link is made of. Those without a maker here and no URL to build
(``opsgenie.com/component-selector``, ``sentry.io/project-slug``, ``jenkins.io/...``)
are not shown: the page says nothing it cannot link."""
HIDDEN = frozenset(
    {
        TECHDOCS_REF,
        "opsgenie.com/component-selector",
        "sentry.io/project-slug",
        "jenkins.io/job-full-name",
        "jenkins.io/github-folder",
        "backstage.io/kubernetes-label-selector",
        "backstage.io/kubernetes-namespace",
        "backstage.io/edit-url",
        "backstage.io/definition-at-location",
    }
)


def badges(annotations: Any, site: SiteConfig) -> tuple[list[Badge], list[tuple[str, str]]]:
    """(links from well-known annotations, every other annotation as key/value)."""
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
            out.extend(maker(value.strip(), site))
        elif key not in HIDDEN and not key.startswith("backstage.io/managed-by"):
            rest.append((key, value))
    return out, rest


def links(entries: Any, site: SiteConfig, techdocs: dict[str, str], page: str) -> list[Badge]:
    """``metadata.links`` as labelled links; one to TechDocs this portal publishes
    (Backstage's ``/docs/<namespace>/<kind>/<name>/...`` or this site's own URL) points
    at the local page instead."""
    out = []
    for entry in entries if isinstance(entries, list) else []:
        if not isinstance(entry, dict):
            continue
        url = safe_url(entry.get("url"))
        if url is None:
            continue
        title = _text(entry.get("title")) or _text(entry.get("type")) or urlparse(url).netloc
        icon = icon_for(_text(entry.get("icon")) or _text(entry.get("type")))
        local = _local_docs(url, site, techdocs, page)
        kind = _text(entry.get("type"))
        label = "Docs" if local else kind.capitalize() if kind else _LABELS.get(icon, "Link")
        out.append(Badge(label, title, local or url, "docs" if local else icon))
    return out


_LABELS = {"dashboard": "Dashboard", "chat": "Chat", "docs": "Docs", "web": "Website",
           "github": "GitHub", "code": "Code", "email": "Email", "help": "Help",
           "group": "Team", "user": "Person", "alert": "Alerts"}  # fmt: skip


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


def _local_docs(url: str, site: SiteConfig, techdocs: dict[str, str], page: str) -> str | None:
    """The local TechDocs page a link names, relative to ``page``, if this portal has it."""
    if site.site_url and url.startswith(site.site_url.rstrip("/") + "/"):
        rest = url[len(site.site_url.rstrip("/")) + 1 :]
        return paths.relative(page, rest) if rest.startswith("catalog/") else None
    match = _TECHDOCS_URL.search(
        urlparse(url).path + (f"?{urlparse(url).query}" if urlparse(url).query else "")
    )
    if match is None:
        return None
    namespace, kind, name, rest = match.groups()
    key = f"{kind}:{namespace}/{name}".lower()
    if key not in techdocs:
        return None
    folder = techdocs[key][: -len("index.md")]
    rest = rest or "/"
    if {".", ".."} & set(rest.split("/")):
        rest = "/"  # the docs' home rather than a walk elsewhere in the site
    target = folder + rest.lstrip("/")
    if target and not target.endswith("/"):
        target += "/"
    fragment = urlparse(url).fragment
    return paths.relative(page, target) + (f"#{fragment}" if fragment else "")
