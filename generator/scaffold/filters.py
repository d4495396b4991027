"""Backstage's template filters (``createDefaultFilters``): ``parseRepoUrl``,
``projectSlug``, ``parseEntityRef`` and ``pick``. Pure functions over JSON data."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import parse_qs, urlsplit

import jinja2

from generator.model.refs import DEFAULT_NAMESPACE, RefError, parse_ref


class FilterError(ValueError):
    """A filter was given a value it cannot use; the message says what was expected."""


# Hosts with an SCM integration, as Backstage has them by default, and what each
# provider type requires of a repository URL.
PROVIDERS: dict[str, str] = {
    "github.com": "github",
    "gitlab.com": "gitlab",
    "bitbucket.org": "bitbucket",
    "dev.azure.com": "azure",
}
_REQUIRED = {
    "github": (("owner", "repo"),),
    "gitlab": (("owner", "repo"), ("project",)),
    "bitbucket": (("project", "repo"),),
    "azure": (("project", "repo"),),
}
_QUERY_KEYS = ("owner", "repo", "organization", "workspace", "project", "id")


def parse_repo_url(value: Any, extra_hosts: Mapping[str, str] | None = None) -> dict[str, str]:
    """``github.com?owner=o&repo=r`` to ``{host, owner, repo}`` (RepoUrlPicker's form)."""
    if not isinstance(value, str) or not value:
        raise FilterError(f"parseRepoUrl expects 'host?owner=...&repo=...', found {value!r}")
    try:
        parts = urlsplit(f"https://{value}")
        host = parts.hostname or ""
    except ValueError as exc:
        raise FilterError(f"parseRepoUrl: '{value}' is not a repository URL ({exc})") from None
    query = parse_qs(parts.query)
    out = {"host": host}
    for key in _QUERY_KEYS:
        if query.get(key):
            out[key] = query[key][0].strip("/")
    kind = {**PROVIDERS, **(extra_hosts or {})}.get(host)
    if kind is None:
        raise FilterError(
            f"parseRepoUrl: no integration for host '{host}' in '{value}'; "
            f"known hosts: {', '.join(sorted({**PROVIDERS, **(extra_hosts or {})}))}"
        )
    if kind == "bitbucket" and host == "bitbucket.org" and "workspace" not in out:
        raise FilterError(f"parseRepoUrl: '{value}' needs workspace= for bitbucket.org")
    if not any(all(k in out for k in keys) for keys in _REQUIRED[kind]):
        need = " or ".join("+".join(keys) for keys in _REQUIRED[kind])
        raise FilterError(f"parseRepoUrl: '{value}' needs {need} for a {kind} host")
    return out


def project_slug(value: Any) -> str:
    """``github.com?owner=o&repo=r`` to ``o/r`` (the project for GitLab's form)."""
    parsed = parse_repo_url(value)
    if "owner" in parsed and "repo" in parsed:
        return f"{parsed['owner']}/{parsed['repo']}"
    return parsed.get("project", "")


def parse_entity_ref(value: Any, context: Any = None) -> dict[str, str]:
    """``group:techdocs`` to ``{kind, namespace, name}``; ``context`` may give
    ``defaultKind`` and ``defaultNamespace``."""
    ctx = context if isinstance(context, Mapping) else {}
    if not isinstance(value, str):
        raise FilterError(f"parseEntityRef expects an entity ref string, found {value!r}")
    try:
        ref = parse_ref(
            value,
            default_kind=ctx.get("defaultKind"),
            default_namespace=ctx.get("defaultNamespace") or DEFAULT_NAMESPACE,
        )
    except RefError as exc:
        raise FilterError(f"parseEntityRef: {exc}") from None
    return {"kind": ref.kind, "namespace": ref.namespace, "name": ref.name}


_PATH_PART = re.compile(r"[^.\[\]]+")


def pick(value: Any, path: Any) -> Any:
    """lodash ``get``: the value at a dotted path (``a.b[0].c``), or undefined."""
    if not isinstance(path, str):
        return jinja2.Undefined()
    node = value
    for part in _PATH_PART.findall(path):
        if isinstance(node, Mapping) and part in node:
            node = node[part]
        elif isinstance(node, list) and part.isdigit() and int(part) < len(node):
            node = node[int(part)]
        else:
            return jinja2.Undefined()
    return node


FILTERS: dict[str, Callable[..., Any]] = {
    "parseRepoUrl": parse_repo_url,
    "projectSlug": project_slug,
    "parseEntityRef": parse_entity_ref,
    "pick": pick,
}
