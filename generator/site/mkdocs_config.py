"""The mkdocs.yml the build runs: the repository's own mkdocs.yml (site name, repository,
theme choices) with the generated parts laid over it. Nothing MkDocs holds is repeated
in portal.yaml."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from generator.config import Config, read_mkdocs
from generator.process import Revision
from generator.site.markdown_safety import MARKDOWN_EXTENSIONS

# The theme of a repository without an mkdocs.yml (or without a theme in it): the one
# this repository's own mkdocs.yml uses.
DEFAULT_FEATURES = [
    "navigation.tabs",
    "navigation.top",
    "search.suggest",
    "search.highlight",
    "content.code.copy",
]
# Entity and kind pages have no sidebar (a navigation listing thousands of pages would
# make the site quadratic), so the tabs are their only way to the catalog, the maps and
# the docs: a theme that leaves them out still gets them.
REQUIRED_FEATURES = ["navigation.tabs"]


def build_config(
    config: Config,
    *,
    site_dir: Path,
    nav: list[Any],
    revision: Revision,
    built: str,
    templates: Path,
) -> str:
    """The generated mkdocs.yml text for the build folder."""
    cfg = read_mkdocs(config.root) or {}
    theme = _theme(cfg.get("theme"))
    theme["custom_dir"] = str(templates / "overrides")
    theme["font"] = False  # Material would load Google Fonts: no request leaves the site
    repo = config.site.repo_url
    commit_url = (
        f"{repo}/commit/{revision.commit}" if repo and revision.commit != "unknown" else None
    )
    cfg.update(
        site_name=config.site.site_name,
        docs_dir="docs",
        site_dir=str(site_dir),
        use_directory_urls=True,
        theme=theme,
        nav=nav,
        markdown_extensions=MARKDOWN_EXTENSIONS,  # the set TechDocs pages are checked with
        plugins=["search"],
        extra_css=[
            "assets/portal.css",
            "assets/portal-pages.css",
            "assets/portal-icons.css",
            "assets/portal-legend.css",
            "assets/a11y.css",
            "assets/search.css",
        ],
        extra_javascript=["assets/portal.js", "assets/catalog.js", "assets/a11y.js"],
        validation={"nav": {"omitted_files": "ignore", "not_found": "warn"}},
    )
    # Material's header fetches stars and releases from the GitHub API when repo_url is
    # set: a request leaving the site. Our pages link to the repository themselves.
    for key in ("edit_uri", "repo_url", "repo_name"):
        cfg.pop(key, None)
    extra = dict(cfg.get("extra") or {})
    extra["portal"] = {
        "commit": revision.commit,
        "short": revision.short,
        "built": built,
        "commit_url": commit_url,
    }
    extra["generator"] = False
    cfg["extra"] = extra
    text: str = yaml.safe_dump(cfg, sort_keys=True, allow_unicode=True)
    return text


def _theme(given: Any) -> dict[str, Any]:
    """The repository's theme settings, with the portal's defaults where it has none."""
    if not given:
        return {"name": "material", "features": list(DEFAULT_FEATURES)}
    theme = dict(given) if isinstance(given, dict) else {"name": str(given)}  # 'theme: x'
    palette = theme.get("palette")
    if isinstance(palette, list) and len(palette) == 1:
        # One palette as a list makes Material render a colour toggle with nothing to
        # toggle: an invisible Tab stop on every page. As a mapping it renders none.
        theme["palette"] = palette[0]
    features = [str(f) for f in theme.get("features") or []]
    theme["features"] = features + [f for f in REQUIRED_FEATURES if f not in features]
    return theme
