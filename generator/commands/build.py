"""``portal build``: validate, render every page, map and data file, run MkDocs strictly,
then swap the new site into place. Reads top to bottom as the pipeline does."""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from generator import clock
from generator.catalog import Catalog
from generator.commands.validate import check
from generator.config import Config
from generator.diagnostics import fails
from generator.errors import ConfigError
from generator.git import Git, GitError
from generator.gitops.history import History, read_history
from generator.gitops.revisions import checkout_at
from generator.process import Revision, Runner, SubprocessRunner, current_revision
from generator.reporters import report_text
from generator.site import (
    api,
    catalog_table,
    docs_pages,
    drawing,
    golden_paths,
    handbook,
    icons,
    mkdocs_config,
    not_found,
    pages,
    paths,
    search,
    shell,
    techdocs,
    weight,
)
from generator.site.history import CHANGELOG, HistoryView
from generator.site.render import environment, safe_url
from generator.writing import (
    move_into,
    run_mkdocs,
    staging_dir,
    swap_into_place,
    write_files,
    write_tree,
)

if TYPE_CHECKING:
    from generator.metrics.analysis import Metrics

OK, FINDINGS = 0, 1
TEMPLATES = Path(__file__).resolve().parents[2] / "site_templates"


MAP_CACHE = "map-cache"
"""Maps drawn by earlier builds, in the build folder (see site/map_cache.py)."""
PREVIEW = "preview"
"""Where ``portal serve`` builds, in the build folder: a build beside it leaves it be."""
STAGES = 7  # validate, history, render, write sources, MkDocs, maps, entity pages


class Stages:
    """Reports progress by stage: a progress bar on a terminal, log lines in CI.

    The bar is refreshed by this thread only (rich's auto-refresh would start a
    thread, and a second thread turns off the forked workers: see parallel.py)."""

    def __init__(self, *, interactive: bool) -> None:
        self.started = time.perf_counter()
        self.bar: Any = None
        if interactive:
            from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

            columns = (TextColumn("{task.description}"), BarColumn(), TimeElapsedColumn())
            self.bar = Progress(*columns, auto_refresh=False, transient=True)
            self.task = self.bar.add_task("portal build", total=STAGES)
            self.bar.start()

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        """One stage of the build, timed."""
        if self.bar is not None:
            self.bar.update(self.task, description=f"portal: {name}")
            self.bar.refresh()
        else:
            print(f"portal: {name}...", file=sys.stderr, flush=True)
        began = time.perf_counter()
        yield
        if self.bar is not None:
            self.bar.advance(self.task)
            self.bar.refresh()
            self.bar.console.print(f"portal: {name}: {time.perf_counter() - began:.1f} s")
        else:
            print(f"portal: {name}: {time.perf_counter() - began:.1f} s", file=sys.stderr)

    def close(self) -> None:
        """Remove the bar from the terminal."""
        if self.bar is not None:
            self.bar.stop()


def build(
    config: Config,
    *,
    catalogs: Sequence[Path] | None = None,
    site_dir: Path | None = None,
    strict: bool = False,
    runner: Runner | None = None,
    templates: Path = TEMPLATES,
    build_dir: Path | None = None,
    at: str | None = None,
) -> int:
    """Build the site into ``site_dir``; 0 on success, 1 when validation fails.

    ``build_dir`` (default ``.portal-build``) receives the generated Markdown, data and
    mkdocs.yml; it is kept, so the generated sources can be inspected. ``at`` (a commit,
    branch or tag) builds the portal as it was at that commit, read from git objects.
    """
    stages = Stages(interactive=sys.stderr.isatty() and not os.environ.get("CI"))
    if at is not None and catalogs:
        raise ConfigError("--at builds the catalog of that commit: leave out --catalog")
    try:
        if at is not None:
            return _build_at(config, at, site_dir, strict, runner, templates, build_dir, stages)
        return _build(config, catalogs, site_dir, strict, runner, templates, build_dir, stages)
    finally:
        stages.close()


@dataclass(frozen=True)
class Source:
    """Where the build's commit and history are read: the repository folder (for a past
    commit, the real one, not the temporary folder its files are in) and the commit
    (None: the checked-out one)."""

    root: Path
    commit: str | None


def _build_at(
    config: Config,
    at: str,
    site_dir: Path | None,
    strict: bool,
    runner: Runner | None,
    templates: Path,
    build_dir: Path | None,
    stages: Stages,
) -> int:
    """The portal of a past commit: its files (catalog, portal.yaml, mkdocs.yml, docs)
    come from git objects; the output goes where this checkout's configuration says."""
    git = Git(config.root, runner or SubprocessRunner())
    commit = git.rev_parse(at)
    site_dir = (site_dir or config.root / config.site.site_dir).resolve()
    build_dir = (build_dir or config.root / ".portal-build").resolve()
    with checkout_at(git, commit) as past:
        source = Source(config.root, commit)
        return _build(past, None, site_dir, strict, runner, templates, build_dir, stages, source)


def _build(
    config: Config,
    catalogs: Sequence[Path] | None,
    site_dir: Path | None,
    strict: bool,
    runner: Runner | None,
    templates: Path,
    build_dir: Path | None,
    stages: Stages,
    source: Source | None = None,
) -> int:
    site_dir = (site_dir or config.root / config.site.site_dir).resolve()
    source = source or Source(config.root, os.environ.get("GITHUB_SHA"))
    with stages.stage("validating the catalog"):
        checked = check(catalogs, config)
        catalog, sites, findings = checked.catalog, checked.sites, checked.findings
        apis = checked.apis
    if fails(findings, strict=strict):
        report_text(findings, len(catalog), catalog.files_checked, sys.stdout)
        print("portal: nothing was built; fix the findings above", file=sys.stderr)
        return FINDINGS
    if findings:
        report_text(findings, len(catalog), catalog.files_checked, sys.stderr)
    # Two staging folders: maps are written into one while MkDocs builds into the
    # other (MkDocs starts by emptying its output folder); MkDocs' output joins the
    # first once it is done, and the result replaces the site in one rename.
    staged, rendered = staging_dir(site_dir), staging_dir(site_dir)
    build_dir = build_dir or config.root / ".portal-build"
    out: _Rendered | None = None
    try:
        folders = (staged, rendered, build_dir / MAP_CACHE, templates)
        out = _render(
            catalog,
            sites,
            apis,
            stages,
            runner or SubprocessRunner(),
            source,
            *folders,
            checked.metrics,
        )
        sources = _add_techdocs(out, sites, catalog)
        with stages.stage(f"writing {len(out.docs)} sources for MkDocs"):
            write_tree(build_dir, out.docs, keep=[MAP_CACHE, PREVIEW])
        with stages.stage("running MkDocs"):
            run_mkdocs(build_dir / "mkdocs.yml", sources)
            move_into(rendered, staged)
        with stages.stage(f"writing {len(out.pages)} entity and index pages and their files"):
            shell.write_pages(staged, out.pages)
            catalog_table.inject(staged, out.catalog_table)
            not_found.finish(staged, catalog.config.site.site_url)
            write_files(staged, out.site_files)
        if out.maps is not None:  # last: the workers draw on while pages are written
            with stages.stage(f"finishing maps for {len(catalog)} entities"):
                out.maps.result()
        swap_into_place(staged, site_dir)
    finally:
        if out is not None and out.maps is not None:
            out.maps.cancel()
        shutil.rmtree(staged, ignore_errors=True)
        shutil.rmtree(rendered, ignore_errors=True)
    assert out is not None
    shells = {f"docs/{folder}/index.md" for folder in shell.SHELL_DIRS}
    count = len(out.pages) + sum(1 for n in out.docs if n.endswith(".md") and n not in shells)
    elapsed = time.perf_counter() - stages.started
    print(f"portal: built {count} pages for {len(catalog)} entities in {elapsed:.1f} s")
    print(f"portal: the site is in {site_dir}")
    heavy = weight.warning(weight.folder_bytes(site_dir))
    if heavy is not None:
        print(f"portal: warning: {heavy}", file=sys.stderr)
    return OK


def _add_techdocs(
    out: _Rendered, sites: list[techdocs.TechDocsSite], catalog: Catalog
) -> dict[str, str]:
    """Add each site's files to MkDocs' sources (one writer for all of them); the
    repository file each page comes from, by docs path, so an error MkDocs reports
    names the file to fix."""
    sources = {}
    root = catalog.config.root.resolve()
    for site in sites:
        entity = catalog.get(site.key)
        title = entity.title if entity else ""
        published = docs_pages.publish(
            site, title, edit_url=_edit_url(catalog, site.docs_dir), entities=catalog.entities
        )
        out.docs.update({f"docs/{path}": data for path, data in published.items()})
        base = paths.techdocs_dir(site.key)
        for rel in site.files:
            real = site.docs_dir / rel
            sources[f"{base}/{rel}"] = os.path.relpath(real, root)
    return sources


def _edit_url(catalog: Catalog, docs_dir: Path) -> str | None:
    """Where a docs folder is edited in the repository (None outside it, or without a
    repository URL)."""
    repo, branch = catalog.config.site.repo_url, catalog.config.site.edit_branch
    root = catalog.config.root.resolve()
    folder = docs_dir.resolve()
    if not repo or not folder.is_relative_to(root):
        return None
    return safe_url(f"{repo}/edit/{quote(branch)}/{quote(folder.relative_to(root).as_posix())}")


@dataclass
class _Rendered:
    """What the render stage produced, by where it goes."""

    docs: dict[str, str | bytes | Path] = field(default_factory=dict)
    """MkDocs' sources: build-folder paths (``docs/...`` and ``mkdocs.yml``); a Path is
    a file to copy (TechDocs binaries, streamed)."""
    site_files: dict[str, str | bytes] = field(default_factory=dict)
    """Files MkDocs has no part in (maps, JSON, definitions), by site path."""
    pages: list[shell.ShellPage] = field(default_factory=list)
    """Entity pages and kind indexes, put into the theme's page shells after MkDocs."""
    maps: drawing.Drawing | None = None
    catalog_table: str = ""
    """The table of every entity, put into the catalog page MkDocs renders."""


def _render(
    catalog: Catalog,
    sites: list[techdocs.TechDocsSite],
    apis: dict[str, Any],
    stages: Stages,
    runner: Runner,
    source: Source,
    site_dir: Path,
    mkdocs_dir: Path,
    map_cache: Path,
    templates: Path,
    metrics: Metrics | None = None,
) -> _Rendered:
    # The top folders holding entity files (outside the repository: none to ask git).
    folders = sorted({name.split("/")[0] for name in catalog.files if "/" in name} - {".."})
    revision = current_revision(runner, source.root, source.commit, folders)
    history = _read_history(Git(source.root, runner), revision.commit, folders, catalog, stages)
    out = _Rendered()
    # Maps draw in forked workers while this process renders pages and runs MkDocs.
    out.maps = drawing.Drawing(catalog, site_dir, map_cache)
    mapped = frozenset(key for _, key in out.maps.todo if key)
    doc_index = {site.key: f"{paths.techdocs_dir(site.key)}/index.md" for site in sites}
    docs: dict[str, str | bytes] = {}
    with stages.stage("rendering pages"):
        env = environment(templates / "pages")
        titles = {entity.key: entity.title for entity in catalog}
        repo_url = catalog.config.site.repo_url
        view = HistoryView(history, catalog, repo_url, titles) if history else None
        context = pages.SiteContext(
            catalog,
            revision,
            mapped,
            doc_index,
            view,
            metrics,
            map_index=out.maps.index,
            apis=apis,
        )
        docs.update(pages.render_pages(env, context))
        out.catalog_table = pages.render_catalog_table(env, context)
        entities, extra = pages.render_entities(env, context)
        out.pages = pages.render_kinds(env, context) + entities
        out.pages.append(not_found.page(env, docs=bool(sites)))
        if view is not None:
            out.pages += view.pages(env)
            if view.history.changes:
                docs[CHANGELOG] = view.changelog(env)
        out.site_files.update(extra)
        out.site_files.update(api.render_api(catalog, revision))
        for folder in shell.SHELL_DIRS:
            docs[folder + "/index.md"] = shell.shell_markdown()
        docs[paths.ORG_MAP] = pages.render_org_map(env, context)
        if sites:
            titles = {site.key: site.site_name for site in sites}
            counts = {site.key: len(site.in_order) for site in sites}
            docs_page = env.get_template("docs.md.j2")
            docs[paths.DOCS_INDEX] = docs_page.render(**pages.docs_context(context, titles, counts))
        docs.update(_static(templates))
        docs["assets/portal-icons.css"] = icons.stylesheet()
        docs.update(golden_paths.render_create(catalog))
    if metrics is not None:
        with stages.stage("rendering metrics"):
            git = Git(source.root, runner)
            docs.update(_metrics_pages(env, metrics, catalog, revision, git, folders))
    built = clock.now().strftime("%Y-%m-%d %H:%M UTC")
    docs["../mkdocs.yml"] = mkdocs_config.build_config(
        catalog.config,
        site_dir=mkdocs_dir,
        nav=_nav(sites, docs),
        revision=revision,
        built=built,
        templates=templates,
    )
    out.docs = {_docs(name): search.cells_apart(name, content) for name, content in docs.items()}
    return out


def _metrics_pages(
    env: Any, metrics: Metrics, catalog: Catalog, revision: Revision, git: Git, folders: list[str]
) -> dict[str, str]:
    """The metrics section, when there are events to show; says so when there are not.
    Adoption's trend is read from the catalog's git history here (validate reads none)."""
    from generator.metrics import pages as metrics_pages
    from generator.metrics.history import adoption_trend

    config = catalog.config
    known = revision.commit != "unknown" and bool(folders)
    if metrics.adoption is not None and metrics.report is not None and known:
        metrics.adoption.trend = adoption_trend(
            git, revision.commit, folders, config.limits, config.catalog.max_file_bytes
        )

    found = metrics_pages.render(env, metrics, catalog, revision)
    if not found:
        print("portal: no events in metrics/events/, so the site has no metrics section "
              "(portal metrics collect fills it)", file=sys.stderr)  # fmt: skip
    return found


def _read_history(
    git: Git, commit: str, folders: list[str], catalog: Catalog, stages: Stages
) -> History | None:
    """The history of the catalog's folders up to ``commit``; None outside git (or when
    git cannot tell), which a site without history pages says nothing about."""
    if commit == "unknown" or not folders:
        return None
    config = catalog.config
    with stages.stage("reading the catalog's history"):
        try:
            return read_history(git, commit, folders, config.limits, config.catalog.max_file_bytes)
        except GitError as exc:
            print(f"portal: the site has no history: {exc}", file=sys.stderr)
            return None


def _docs(name: str) -> str:
    """Paths are docs-relative; the build folder holds ``docs/`` and ``mkdocs.yml``."""
    return name[3:] if name.startswith("../") else f"docs/{name}"


def _static(templates: Path) -> dict[str, str]:
    folder = templates / "assets"
    out = {
        f"assets/{file.name}": file.read_text(encoding="utf-8")
        for file in (sorted(folder.glob("*")) if folder.is_dir() else [])
        if file.is_file()
    }
    return out | handbook.pages(templates / "handbook")


def _nav(sites: list[techdocs.TechDocsSite], files: dict[str, Any]) -> list[Any]:
    """Five entries. Material lists the whole nav on every page, so each entry costs
    bytes and time on every page: kinds, docs sites and handbook pages are reached
    from their landing pages instead (measured: 5 KB and 1 ms less per page)."""
    nav: list[Any] = [
        {"Home": "index.md"},
        {"Catalog": paths.CATALOG_INDEX},
        {"Map": paths.ORG_MAP},
    ]
    if sites:
        nav.append({"Docs": paths.DOCS_INDEX})
    if any(
        name.startswith(golden_paths.CREATE_DIR + "/") and name != golden_paths.CREATE_INDEX
        for name in files
    ):
        nav.append({"Create": golden_paths.CREATE_INDEX})
    if "metrics/index.md" in files:
        nav.append({"Metrics": "metrics/index.md"})
    if "handbook/index.md" in files:
        nav.append({"Handbook": "handbook/index.md"})
    return nav
