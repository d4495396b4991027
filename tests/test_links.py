# ruff: noqa: E501  (expected links are clearer one to a line)
"""Annotations and metadata.links as labelled links: built where a URL can be, left off
the page where none can, and TechDocs links kept inside the portal."""

from __future__ import annotations

import dataclasses

from generator.config import SiteConfig
from generator.site.badges import Badge, badges, links

SITE = SiteConfig(repo_url="https://github.com/meridian-mutual/developer-portal")


def test_annotations_with_a_url_become_labelled_links():
    found, rest = badges(
        {
            "github.com/project-slug": "meridian-mutual/fnol-service",
            "backstage.io/source-location": "url:https://github.com/meridian-mutual/fnol-service/tree/main/",
            "pagerduty.com/service-id": "PQ7X2LM",
            "sonarqube.org/project-key": "meridian-mutual_fnol-service",
            "github.com/team-slug": "claims-intake",
            "github.com/user-login": "priyaraman",
        },
        SITE,
    )
    assert rest == []
    assert found == [  # by annotation key
        Badge("Source", "github.com/meridian-mutual/fnol-service", "https://github.com/meridian-mutual/fnol-service/tree/main/", "code"),
        Badge("Repository", "meridian-mutual/fnol-service", "https://github.com/meridian-mutual/fnol-service", "github"),
        Badge("CI runs", "GitHub Actions", "https://github.com/meridian-mutual/fnol-service/actions", "ci"),
        Badge("GitHub team", "meridian-mutual/claims-intake", "https://github.com/orgs/meridian-mutual/teams/claims-intake", "group"),
        Badge("GitHub", "@priyaraman", "https://github.com/priyaraman", "github"),
        Badge("On-call", "PagerDuty", "https://app.pagerduty.com/service-directory/PQ7X2LM", "oncall"),
        Badge("Code quality", "SonarQube", "https://sonarcloud.io/dashboard?id=meridian-mutual_fnol-service", "quality"),
    ]  # fmt: skip


def test_selectors_without_a_configured_base_are_left_off_the_page():
    annotations = {
        "grafana/dashboard-selector": "tags @> 'claims'",
        "backstage.io/kubernetes-id": "fnol-service",
        "opsgenie.com/component-selector": "tag:claims",
        "sentry.io/project-slug": "fnol",
        "example.com/owner-note": "kept as data",
    }
    bare = dataclasses.replace(SITE, sonarqube_url=None)
    assert badges(annotations, bare) == ([], [("example.com/owner-note", "kept as data")])
    configured = dataclasses.replace(
        SITE,
        grafana_url="https://grafana.example/",
        kubernetes_url="https://headlamp.example/c/main/deployments?q={id}",
    )
    found, _ = badges(annotations, configured)
    assert found == [
        Badge("Kubernetes", "fnol-service", "https://headlamp.example/c/main/deployments?q=fnol-service", "kubernetes"),
        Badge("Dashboards", "Grafana", "https://grafana.example/dashboards?query=tags%20%40%3E%20%27claims%27", "dashboard"),
    ]  # fmt: skip


def test_hostile_annotation_values_make_no_link():
    found, _ = badges(
        {
            "github.com/project-slug": "x/y/../../evil",
            "backstage.io/source-location": "url:javascript:alert(1)",
            "backstage.io/kubernetes-id": "a b<script>",
            "github.com/team-slug": "a/b/c",
        },
        dataclasses.replace(SITE, kubernetes_url="https://k8s.example/?q={id}"),
    )
    assert found == []


def test_links_show_their_title_or_type_with_an_icon_and_local_docs_stay_local():
    page = "catalog/default/component/fnol-service/index.md"
    techdocs = {
        "component:default/fnol-service": "catalog/default/component/fnol-service/docs/index.md"
    }
    entries = [
        {
            "url": "https://portal.example/docs/default/component/fnol-service/runbook/",
            "title": "Runbook",
        },
        {"url": "https://portal.example/docs/default/component/other/", "title": "Elsewhere"},
        {"url": "https://portal.example/docs/default/component/fnol-service/../../x/"},
        {"url": "https://grafana.example/d/1", "title": "Latency", "icon": "dashboard"},
        {"url": "https://status.example/", "type": "status"},
        {"url": "https://chat.example/c/1", "icon": "chat"},
        {"url": "javascript:alert(1)", "title": "no"},
        "not a mapping",
    ]
    assert links(entries, SITE, techdocs, page) == [
        Badge("Docs", "Runbook", "docs/runbook/", "docs"),
        Badge("Link", "Elsewhere", "https://portal.example/docs/default/component/other/", "link"),
        Badge("Docs", "portal.example", "docs/", "docs"),
        Badge("Dashboard", "Latency", "https://grafana.example/d/1", "dashboard"),
        Badge("Status", "status", "https://status.example/", "link"),
        Badge("Chat", "chat.example", "https://chat.example/c/1", "chat"),
    ]
