"""Page contexts and rendering: home, one index per kind, one page per entity.

Contexts are plain data built from the catalog and the graph; templates in
``site_templates/pages`` turn them into Markdown for MkDocs (:func:`render_pages`,
``{docs-relative path: text}``) or into HTML put into the theme's page shells
(:func:`render_kinds`, :func:`render_entities`; see shell.py). Nothing here writes.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from functools import partial
from typing import Any

import jinja2
from markupsafe import Markup

from generator.catalog import Catalog
from generator.metrics.adoption_pages import entity_scores
from generator.metrics.pages import entity_delivery
from generator.model import relations as rel
from generator.model.entity import Entity
from generator.process import Revision
from generator.site import badges, catalog_table, map_styles, map_text, maps, paths, search
from generator.site import contents as listing
from generator.site.apiref import section as apiref
from generator.site.render import prose_text, safe_url
from generator.site.shell import ShellPage

KIND_ABOUT = {
    "Domain": "A business area, grouping systems.",
    "System": "A set of components, APIs and resources that work together.",
    "Component": "A piece of software: a service, website, library or job.",
    "API": "An interface a component provides to others.",
    "Resource": "Infrastructure a component needs: a database, queue or bucket.",
    "Group": "A team or organisational unit.",
    "User": "A person.",
    "Template": "A golden path: a template for a new service.",
    "Location": "A pointer to more catalog files.",
    "AiResource": "A resource for AI assistants: a prompt, rule set or agent.",
}
"""What each kind is, in the order kinds are shown (other kinds follow, sorted)."""
_KIND_RANK = {kind.lower(): i for i, kind in enumerate(KIND_ABOUT)}
_KIND_NAMES = {kind.lower(): kind for kind in KIND_ABOUT}

RELATION_LABELS = {
    rel.OWNED_BY: "Owned by",
    rel.OWNER_OF: "Owns",
    rel.PART_OF: "Part of",
    rel.HAS_PART: "Has parts",
    rel.DEPENDS_ON: "Depends on",
    rel.DEPENDENCY_OF: "Depended on by",
    rel.PROVIDES_API: "Provides API",
    rel.API_PROVIDED_BY: "Provided by",
    rel.CONSUMES_API: "Consumes API",
    rel.API_CONSUMED_BY: "Consumed by",
    rel.CHILD_OF: "Parent group",
    rel.PARENT_OF: "Sub-groups",
    rel.MEMBER_OF: "Member of",
    rel.HAS_MEMBER: "Members",
}


_OWNERS_SHOWN = 12  # on the home page


@dataclass(frozen=True)
class Link:
    """A link to an entity (url None when the target is not in the catalog)."""

    key: str
    title: str
    kind: str
    url: str | None


@dataclass
class SiteContext:
    """What every page may show: catalog, revision, repository and extra files."""

    catalog: Catalog
    revision: Revision
    maps: frozenset[str]
    """Keys of entities that have a map."""
    techdocs: dict[str, str]
    """Entity key -> docs-relative path of its TechDocs index page."""
    history: Any = None
    """The catalog's history (a :class:`generator.site.history.HistoryView`), if read."""
    metrics: Any = None
    """:class:`generator.metrics.analysis.Metrics`, for scorecard levels on entity pages."""
    map_index: Any = None
    """The catalog as maps read it (:class:`generator.site.maps.Index`), if built."""
    apis: dict[str, Any] = field(default_factory=dict)
    """API definitions read by validation (:func:`generator.site.apiref.check`), by
    entity key; others are read when their page is rendered."""


def kinds_present(catalog: Catalog) -> list[str]:
    """Kinds in the catalog, in display order."""
    present = {e.kind for e in catalog}
    return [k for k in KIND_ABOUT if k in present] + sorted(present - set(KIND_ABOUT))


def _link(site: SiteContext, key: str, from_page: str) -> Link:
    entity = site.catalog.get(key)
    if entity is None:  # dangling: the kind its ref names, spelled as the kind is
        kind = key.split(":", 1)[0]
        return Link(key, key, _KIND_NAMES.get(kind, kind), None)
    return Link(key, entity.title, entity.kind, paths.relative(from_page, paths.entity_url(key)))


def _first(entity: Entity, relation: str) -> str | None:
    found = entity.related(relation)
    return found[0] if found else None


def _part_of(site: SiteContext, key: str) -> list[str]:
    entity = site.catalog.get(key)
    return entity.related(rel.PART_OF) if entity else []


def _system_and_domain(
    site: SiteContext, entity: Entity
) -> tuple[str | None, str | None, str | None]:
    """``(system, domain, through)``: a subcomponent's system is its parent's, found
    ``through`` that parent (the maps draw it there too)."""
    system, through = rel.system_of(entity.key, lambda key: _part_of(site, key))
    owner_of_domain = site.catalog.get(system) if system else entity
    domain = None
    if owner_of_domain is not None:
        domains = [t for t in owner_of_domain.related(rel.PART_OF) if t.startswith("domain:")]
        domain = domains[0] if domains else None
    return system, domain, through


def _relations(
    site: SiteContext, entity: Entity, page: str, skip: set[str]
) -> list[tuple[str, list[Link]]]:
    grouped: dict[str, list[Link]] = {}
    for relation in entity.relations:
        if relation.type in skip:
            continue
        grouped.setdefault(relation.type, []).append(_link(site, relation.target, page))
    order = list(RELATION_LABELS)
    return [
        (RELATION_LABELS.get(t, t), links)
        for t, links in sorted(
            grouped.items(), key=lambda kv: (order.index(kv[0]) if kv[0] in order else 99, kv[0])
        )
    ]


def _source(site: SiteContext, entity: Entity) -> dict[str, Any]:
    repo = site.catalog.config.site.repo_url
    branch = site.catalog.config.site.edit_branch
    inside = not entity.file.startswith("../")
    return {
        "file": entity.file,
        "line": entity.line,
        "edit_url": safe_url(f"{repo}/edit/{branch}/{entity.file}") if repo and inside else None,
        "view_url": safe_url(f"{repo}/blob/{site.revision.commit}/{entity.file}#L{entity.line}")
        if repo and inside and site.revision.commit != "unknown"
        else None,
    }


def entity_context(site: SiteContext, entity: Entity) -> dict[str, Any]:
    """Everything the entity template shows."""
    page = paths.entity_page(entity.key)
    system, domain, through = _system_and_domain(site, entity)
    owner = _first(entity, rel.OWNED_BY)
    found_badges, other_annotations = badges.badges(
        entity.metadata.get("annotations"), site.catalog.config.site
    )
    links = entity.metadata.get("links")
    techdocs = site.techdocs.get(entity.key)
    contents = listing.contents(site.catalog, entity, lambda k: _link(site, k, page), _KIND_RANK)
    # A team's members are listed near the top (who to ask), not again under Relations.
    members = [_link(site, k, page) for k in entity.related(rel.HAS_MEMBER)]
    shown = {contents["relation"]} if contents else set()
    shown |= {rel.HAS_MEMBER} if members else set()
    return {
        "e": entity,
        "json": paths.relative(page, paths.entity_json(entity.key)),
        "kind": entity.kind,
        "spec_type": _str(entity.spec.get("type")),
        "lifecycle": _str(entity.spec.get("lifecycle")),
        "owner": _link(site, owner, page) if owner else None,
        "system": _link(site, system, page) if system else None,
        "system_through": _link(site, through, page) if through else None,
        "domain": _link(site, domain, page) if domain else None,
        "tags": [t for t in entity.metadata.get("tags") or [] if isinstance(t, str)],
        "tag_links": _tags(entity, page),
        "links": badges.links(links, site.catalog.config.site, site.techdocs, page),
        "badges": found_badges,
        "annotations": other_annotations,
        "labels": sorted(
            (k, v) for k, v in (entity.metadata.get("labels") or {}).items() if isinstance(v, str)
        ),
        "contents": contents,
        "relations": _relations(site, entity, page, shown),
        "members": members,
        "map": paths.relative(page, paths.entity_map(entity.key))
        if entity.key in site.maps
        else None,
        "definition": None,  # filled in by render_entities (it may add pages)
        "techdocs": paths.relative(page, techdocs[: -len("index.md")]) if techdocs else None,
        "source": _source(site, entity),
        "profile": _profile(entity),
        "history": site.history.entity_section(entity.key, page) if site.history else None,
        "template": _template(site, entity, page),
        **_metrics(site, entity.key, page),
    }


def _metrics(site: SiteContext, key: str, page: str) -> dict[str, Any]:
    """The entity's scorecard levels and its delivery numbers (DORA's keys)."""
    scores = entity_scores(site.metrics, key, page) if site.metrics else []
    delivery = entity_delivery(site.metrics, site.catalog, key, page)
    return {"scorecards": scores, "delivery": delivery}


def _template(site: SiteContext, entity: Entity, page: str) -> dict[str, str] | None:
    """The golden path an entity was created from, linked (see site/golden_paths.py)."""
    from generator.site.golden_paths import source_template

    found = source_template(entity, site.catalog)
    if found is not None:
        found["url"] = paths.relative(page, found["url"])
    return found


def _profile(entity: Entity) -> dict[str, str]:
    profile = entity.spec.get("profile")
    if not isinstance(profile, dict):
        return {}
    out = {k: v for k, v in profile.items() if k in ("displayName", "email") and isinstance(v, str)}
    if "email" in out and not safe_url(f"mailto:{out['email']}"):
        del out["email"]
    return out


def _tags(entity: Entity, page: str) -> list[tuple[str, str]]:
    """Tags with a link to the catalog table filtered to each."""
    tags = [t for t in entity.metadata.get("tags") or [] if isinstance(t, str)]
    return [(t, catalog_table.tag_url(page, t)) for t in tags]


def _str(value: Any) -> str:
    return value if isinstance(value, str) else ""


def _row(site: SiteContext, entity: Entity, page: str) -> dict[str, Any]:
    system, _, _ = _system_and_domain(site, entity)
    owner = _first(entity, rel.OWNED_BY)
    return {
        "name": entity.ref.display.split(":", 1)[1],
        "title": entity.title,
        "description": entity.description,
        "url": paths.relative(page, paths.entity_url(entity.key)),
        "type": _str(entity.spec.get("type")),
        "lifecycle": _str(entity.spec.get("lifecycle")),
        "owner": _link(site, owner, page) if owner else None,
        "system": _link(site, system, page) if system else None,
        "tag_links": _tags(entity, page),
    }


def home_context(site: SiteContext) -> dict[str, Any]:
    """Counts by kind, lifecycle and owner; recently changed entities."""
    catalog = site.catalog
    page = "index.md"
    owners = Counter(o for e in catalog for o in e.related(rel.OWNED_BY))
    by_file: dict[str, list[Entity]] = {}
    for entity in catalog:
        by_file.setdefault(entity.file, []).append(entity)
    recent = [
        (date[:10], _link(site, e.key, page))
        for date, file in site.revision.recent
        for e in by_file.get(file, [])
    ][:15]
    return {
        "kinds": [
            (k, len(catalog.of_kind(k)), paths.relative(page, paths.kind_url(k)))
            for k in kinds_present(catalog)
        ],
        "lifecycles": sorted(
            Counter(
                _str(e.spec.get("lifecycle")) for e in catalog if e.spec.get("lifecycle")
            ).items()
        ),
        "owners": [
            (_link(site, key, page), n)
            for key, n in sorted(owners.items(), key=lambda kv: (-kv[1], kv[0]))[:_OWNERS_SHOWN]
        ],
        "owners_total": len(owners),
        "recent": recent,
        "entities": len(catalog),
        "changelog": "changes/" if site.history and site.history.history.changes else None,
    }


def catalog_context(site: SiteContext) -> dict[str, Any]:
    """The catalog landing page: kinds with counts."""
    page = paths.CATALOG_INDEX
    return {
        "kinds": [
            (
                k,
                len(site.catalog.of_kind(k)),
                paths.relative(page, paths.kind_url(k)),
                KIND_ABOUT.get(k, ""),
            )
            for k in kinds_present(site.catalog)
        ]
    }


def docs_context(
    site: SiteContext, titles: dict[str, str], pages_count: dict[str, int]
) -> dict[str, Any]:
    """The docs landing page: one row per TechDocs site."""
    page = paths.DOCS_INDEX
    rows = []
    for key, index in sorted(site.techdocs.items()):
        entity = site.catalog.get(key)
        if entity is None:
            continue
        owner = _first(entity, rel.OWNED_BY)
        rows.append(
            {
                "name": titles.get(key, entity.title),
                "url": paths.relative(page, index[: -len("index.md")]),
                "entity": entity.title,
                "kind": entity.kind,
                "entity_url": paths.relative(page, paths.entity_url(key)),
                "owner": _link(site, owner, page) if owner else None,
                "pages": pages_count.get(key, 0),
            }
        )
    return {"sites": rows}


def render_pages(env: jinja2.Environment, site: SiteContext) -> dict[str, str]:
    """The Markdown pages MkDocs renders (home, catalog), by docs path."""
    out: dict[str, str] = {}
    common = {"site_name": site.catalog.config.site.site_name}
    out["index.md"] = env.get_template("home.md.j2").render(**common, **home_context(site))
    out[paths.CATALOG_INDEX] = env.get_template("catalog.md.j2").render(**catalog_context(site))
    return out


def render_catalog_table(env: jinja2.Environment, site: SiteContext) -> str:
    """Every entity in one filterable table, for the catalog's landing page."""
    kinds = kinds_present(site.catalog)
    return catalog_table.render(env, site, lambda key, page: _link(site, key, page), kinds)


def render_kinds(env: jinja2.Environment, site: SiteContext) -> list[ShellPage]:
    """One index per kind: a table of its entities, filterable in the browser. Left
    out of search: every entity has its own entry, and a row matching each query
    would push them down."""
    template = env.get_template("kind.html.j2")
    out = []
    for kind in kinds_present(site.catalog):
        page = paths.kind_index(kind)
        rows = [_row(site, e, page) for e in site.catalog.of_kind(kind)]
        body = template.render(kind=kind, rows=rows)
        out.append(
            ShellPage(paths.kind_url(kind), f"{kind} catalog", KIND_ABOUT.get(kind, ""), body, None)
        )
    return out


class Legends:
    """The legend beside each map, listing what that map draws; rendered once per
    combination (a catalog has few)."""

    def __init__(self, env: jinja2.Environment, site: SiteContext) -> None:
        self.template = env.get_template("_legend.html.j2")
        self.index = site.map_index or maps.Index(site.catalog)
        self.done: dict[Any, Markup] = {}

    def of(self, key: str) -> Markup:
        """The legend of ``key``'s map (``""``: the organisation's)."""
        look = maps.legend_of(self.index, key)
        if look not in self.done:
            self.done[look] = Markup(self.template.render(legend=map_styles.legend(*look)))
        return self.done[look]


def render_org_map(env: jinja2.Environment, site: SiteContext) -> str:
    """The organisation map's page: the drawing, its legend, and the map as a table."""
    legends = Legends(env, site)
    rows = map_text.overview(legends.index, partial(_link, site, from_page=paths.ORG_MAP))
    return env.get_template("maps.md.j2").render(legend_html=legends.of(""), **rows)


def render_entities(
    env: jinja2.Environment, site: SiteContext
) -> tuple[list[ShellPage], dict[str, str]]:
    """Every entity page (put into the theme's shell after MkDocs, see shell.py), and
    the files they link to (long API definitions), by site path."""
    template = env.get_template("entity.html.j2")
    legends = Legends(env, site)
    out: list[ShellPage] = []
    extra: dict[str, str] = {}
    for entity in site.catalog:
        ctx = entity_context(site, entity)
        ctx["legend_html"] = legends.of(entity.key) if ctx["map"] else None
        ctx["definition"], parts = apiref.build(env, entity, site.apis.get(entity.key), extra)
        out += parts
        link = partial(_link, site, from_page=paths.entity_page(entity.key))
        ctx["through"], ctx["through_count"] = (
            map_text.through(legends.index, entity.key, link) if ctx["map"] else ([], 0)
        )
        out.append(
            ShellPage(
                paths.entity_url(entity.key),
                entity.title,
                prose_text(entity.description),  # the meta description: text, not Markdown
                template.render(**ctx),
                search.entity_entry(ctx),
            )
        )
    return out, extra
