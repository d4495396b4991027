"""Where each thing lives in the generated docs folder and on the site. One module, so
pages, maps, the static API and TechDocs agree on every link.

Entity pages follow Backstage's lowercased ``<namespace>/<kind>/<name>`` triplet.
Paths are POSIX, relative to the docs folder (``.md`` files) or the site root (URLs).
"""

from __future__ import annotations

import posixpath
from functools import lru_cache

from generator.model.refs import ref_from_key


@lru_cache(maxsize=1 << 16)  # every link to an entity asks again; bounded for `serve`
def _triplet(key: str) -> str:
    ref = ref_from_key(key)
    return f"{ref.namespace}/{ref.kind}/{ref.name}".lower()


def entity_dir(key: str) -> str:
    """Folder of an entity's page and assets: ``catalog/default/component/name``."""
    return f"catalog/{_triplet(key)}"


def entity_page(key: str) -> str:
    """The entity page's Markdown file, relative to the docs folder."""
    return f"{entity_dir(key)}/index.md"


def entity_url(key: str) -> str:
    """The entity page's URL relative to the site root (directory URLs)."""
    return f"{entity_dir(key)}/"


def entity_map(key: str) -> str:
    """The entity's map (SVG), relative to the docs folder: ``maps/<triplet>.svg``.

    Not beside the entity's page: a file made in a folder of its own costs the
    filesystem far more than one among many (measured on ext4: 0.5 ms against
    0.07 ms), and a site has a map per entity."""
    return f"maps/{_triplet(key)}.svg"


def entity_json(key: str) -> str:
    """The entity's static API document, relative to the docs folder."""
    return f"api/entities/{_triplet(key)}.json"


def techdocs_dir(key: str) -> str:
    """Folder of an entity's published TechDocs, relative to the docs folder."""
    return f"{entity_dir(key)}/docs"


def kind_index(kind: str) -> str:
    """The index page of one kind as if it were a docs page (links from it are made
    relative to this), though it is put into a page shell, not rendered by MkDocs."""
    return f"kinds/{kind.lower()}.md"


def kind_url(kind: str) -> str:
    """The index page of one kind, relative to the site root."""
    return f"kinds/{kind.lower()}/"


LISTING = {"group": "owns", "user": "owns", "system": "parts", "domain": "parts"}
"""Entity pages of these kinds list what they own, or their parts, in a section of its
own (anchor as given; see contents.CONTENTS); other pages list related entities under
Relations."""


def listing_anchor(kind: str) -> str:
    """Where on an entity page of this kind most of its related entities are listed."""
    return "#" + LISTING.get(kind.lower(), "relations")


CATALOG_INDEX = "kinds/index.md"
DOCS_INDEX = "techdocs/index.md"
ORG_MAP = "maps/index.md"
ORG_MAP_SVG = "maps/overview.svg"
CATALOG_JSON = "api/catalog.json"
GRAPH_JSON = "api/graph.json"


def relative(from_page: str, to_url: str) -> str:
    """A link from a Markdown page (docs-relative path) to a site-root-relative URL.

    With directory URLs, ``a/b.md`` is served at ``a/b/`` and ``a/index.md`` at ``a/``,
    so links are relative to that served folder.
    """
    base = posixpath.dirname(from_page)
    if not from_page.endswith("index.md"):
        base = posixpath.join(base, posixpath.basename(from_page)[: -len(".md")])
    rel = relpath(to_url, base)
    return rel + "/" if to_url.endswith("/") and not rel.endswith("/") else rel


def relpath(path: str, start: str) -> str:
    """``posixpath.relpath`` for the relative paths this module makes, without its two
    ``abspath`` calls (each asks the OS for the working folder): pages and maps make
    hundreds of thousands of links on a large catalog. Paths with ``.`` or ``..``
    segments take ``posixpath.relpath``."""
    parts = [p for p in path.split("/") if p]
    base = [p for p in start.split("/") if p]
    if path.startswith("/") or start.startswith("/") or {".", ".."} & {*parts, *base}:
        return posixpath.relpath(path, start or ".")
    common = 0
    for mine, theirs in zip(parts, base, strict=False):
        if mine != theirs:
            break
        common += 1
    return "/".join([".."] * (len(base) - common) + parts[common:]) or "."
