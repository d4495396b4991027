"""TechDocs: each entity's MkDocs docs, read and checked offline for publishing.

An entity opts in with ``backstage.io/techdocs-ref: dir:<folder>`` (relative to its file): the
folder holds ``mkdocs.yml`` and its ``docs_dir``. Of ``mkdocs.yml`` the portal applies
``site_name``, ``docs_dir`` and ``nav``; settings that would change the build (plugins,
hooks, theme, extensions) are not applied and are reported, and YAML tags (``!ENV``,
``!!python/name``) are never evaluated. Which files may be read at all is decided by
:mod:`generator.site.docs_boundary` (the trust boundary), in one place. Markdown is
untrusted (security.md, Part C): raw HTML, ``{: }`` attributes and script links are
removed, the page is rendered with the site's extensions, and its HTML is checked
(:mod:`generator.site.markdown_safety`); a page that fails is replaced by :data:`NOTICE`.
Links are checked in that same rendering, so a link MkDocs would refuse is a finding
here, in ``portal validate``, at its line.
"""

from __future__ import annotations

import functools
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import unquote, urlsplit

from generator.diagnostics import Finding, apply_severities, finding
from generator.site import docs_boundary as boundary
from generator.site import markdown_safety as safety
from generator.site.docs_pages import pages_in_order
from generator.yaml12 import Limits, YamlDoc, read_yaml

if TYPE_CHECKING:
    from generator.catalog import Catalog
    from generator.config import Config
    from generator.model.entity import Entity

ANNOTATION = "backstage.io/techdocs-ref"
NOTICE = "# Page not published\n\nThis page held markup the portal could not make safe.\n"
NavItem: TypeAlias = "tuple[str, str | list[NavItem]]"
"""``(title, path relative to docs_dir, or an http URL)`` or ``(title, [children])``."""

_MD = re.compile(r".*\.md", re.I | re.S)
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)
_META = re.compile(r"-{3}[ \t]*\n| {0,3}[A-Za-z0-9_-]+:")
_AMP_SUBSTITUTE = "\x02amp\x03"  # Python-Markdown's stand-in for '&' in obfuscated emails
_SETTINGS_APPLIED = frozenset({"site_name", "docs_dir", "nav"})
_SETTINGS_HARMLESS = frozenset(
    {"site_description", "site_author", "site_url", "repo_url", "repo_name", "edit_uri"}
    | {"edit_uri_template", "copyright"}
)
_PLUGINS_PROVIDED = frozenset({"techdocs-core", "search"})
"""Plugins whose work the portal does itself: techdocs-core's extensions, search."""
Where = tuple[str, int, int]


@dataclass
class TechDocsSite:
    """One entity's docs, read and checked, ready for :func:`docs_pages.publish`."""

    key: str
    site_name: str
    docs_dir: Path
    files: list[str]
    """Files to publish: POSIX paths relative to ``docs_dir``, sorted."""
    nav: list[NavItem]
    pages: dict[str, str] = field(default_factory=dict, repr=False)
    """The cleaned text of each Markdown file, as it is published."""
    real_paths: dict[str, Path] = field(default_factory=dict, repr=False)
    """Where each other file is read from: its real path, checked by the boundary."""

    @functools.cached_property
    def in_order(self) -> list[tuple[str, str]]:
        """The nav's pages, depth first: (title, docs-folder-relative path)."""
        return pages_in_order(self.nav)

    @functools.cached_property
    def page_titles(self) -> dict[str, str]:
        """The nav's title of each page, by docs-folder-relative path."""
        return {path: title for title, path in self.in_order}

    @functools.cached_property
    def position(self) -> dict[str, int]:
        """Each page's first place in :attr:`in_order`."""
        out: dict[str, int] = {}
        for at, (_, path) in enumerate(self.in_order):
            out.setdefault(path, at)
        return out

    @functools.cached_property
    def top_level(self) -> list[tuple[str, str]]:
        """The nav's first level: a page, or a section as its first page."""
        out = []
        for title, value in self.nav:
            first = pages_in_order(value)[:1] if isinstance(value, list) else [(title, value)]
            out += [(title, path) for _, path in first if "://" not in path]
        return out


class _Stop(Exception):
    """A finding that ends reading the site (or a nav entry): ``(code, message[, where])``."""


@dataclass
class _Spent:
    """Bytes published so far by all sites, against ``techdocs.max_total_bytes``."""

    total: int = 0


def collect(catalog: Catalog) -> tuple[list[TechDocsSite], list[Finding]]:
    """Read the TechDocs site of every entity with a ``backstage.io/techdocs-ref``."""
    findings: list[Finding] = []
    sites, spent = [], _Spent()
    for entity in catalog:
        annotations = entity.metadata.get("annotations")
        if isinstance(annotations, dict) and ANNOTATION in annotations:
            reader = _Reader(entity, catalog.config, findings, spent)
            try:
                sites.append(reader.read(annotations[ANNOTATION]))
            except _Stop as stop:
                reader.report(stop)
    return sites, apply_severities(findings, catalog.config.severity)


def budgets(config: Config) -> boundary.Budgets:
    """The ``techdocs:`` budgets of ``portal.yaml``."""
    t = config.techdocs
    return boundary.Budgets(
        t.max_file_bytes, t.max_site_bytes, t.max_total_bytes, t.max_image_pixels
    )


class _Reader:
    """Reads one entity's TechDocs site, adding findings as it goes."""

    def __init__(
        self, entity: Entity, config: Config, findings: list[Finding], spent: _Spent
    ) -> None:
        self.entity, self.findings, self.spent = entity, findings, spent
        self.root = config.root.resolve()
        self.limit, self.budgets = config.catalog.max_file_bytes, budgets(config)
        home = entity.source.path.parent  # outside the repository: its catalog folder bounds it
        self.boundary = self.root if home.is_relative_to(self.root) else home
        self.tagged: set[tuple[int, int]] = set()

    def report(self, stop: _Stop) -> None:
        """Add ``stop`` as a finding; without a place, at the annotation."""
        code, message, *where = stop.args
        line, col = self.entity.locate(("metadata", "annotations", ANNOTATION))
        place: Where = where[0] if where and where[0] else (self.entity.file, line, col)
        self.findings.append(finding(code, *place, message))

    def at(
        self,
        path: Path,
        doc: YamlDoc | None = None,
        key: tuple[Any, ...] = (),
        *,
        name: bool = False,
    ) -> Where:
        """Where the value at ``key`` (its name, with ``name``) is in ``doc`` (else line 1)
        of ``path``, relative to the repository."""
        line, col = doc.locate(key, key=name) if doc is not None else (1, 1)
        return Path(os.path.relpath(path, self.root)).as_posix(), line, col

    def read(self, ref: Any) -> TechDocsSite:
        """The site ``ref`` names; raises :class:`_Stop` when there is none to read."""
        mkdocs, doc = self._config(self._folder(ref))
        docs = self._docs_dir(mkdocs, doc)
        self.refused: dict[str, str] = {}  # files not published, with why
        self.meta_titles: dict[str, str | None] = {}  # front matter titles, by page
        self.real: dict[str, Path] = {}
        self.files = set(files := self._files(docs))
        pages = {rel: self._page(rel) for rel in filter(_MD.fullmatch, files)}
        self.titles = {
            rel: self.meta_titles.get(rel) or _title(rel, text) for rel, text in pages.items()
        }
        by_path = sorted(self.titles, key=lambda p: (p != "index.md", p.lower()))
        nav: list[NavItem] = [(self.titles[p], p) for p in by_path]  # index.md first
        if self._setting(doc, "nav") is not None:
            nav = self._nav(doc.data["nav"], (mkdocs, doc), ("nav",))
        name = safety.plain(str(self._setting(doc, "site_name") or "")) or safety.plain(
            self.entity.title
        )
        real = {rel: path for rel, path in self.real.items() if rel not in pages}
        return TechDocsSite(self.entity.key, name, docs, files, nav, pages, real)

    def _folder(self, ref: Any) -> Path:
        kind, _, target = ref.strip().partition(":") if isinstance(ref, str) else ("", "", "")
        if kind == "url":
            raise _Stop("techdocs.remote", f"'{target}' is not read: docs must be in this repo")
        if kind != "dir":
            raise _Stop("techdocs.invalid", f"expected 'dir:<folder>' or 'url:…', not {ref!r}")
        folder = (self.entity.source.path.parent / target.strip()).resolve()
        refusal = boundary.folder_refusal(folder, self.boundary, self.boundary, f"'{ref}'")
        if refusal:
            raise _Stop(*refusal)
        return folder

    def _config(self, folder: Path) -> tuple[Path, YamlDoc]:
        found = [folder / n for n in ("mkdocs.yml", "mkdocs.yaml") if (folder / n).exists()]
        if not found:
            raise _Stop("techdocs.missing", f"'{self.at(folder)[0]}' has no mkdocs.yml; add one")
        path = found[0]
        if refusal := boundary.config_refusal(path, folder, self.boundary):
            raise _Stop(*refusal, self.at(path))
        limits = Limits(allow_custom_tags=True, note_custom_tags=True)
        docs, problems = read_yaml(self._text(path), limits)
        for p in problems:
            where = (self.at(path)[0], p.line, p.column)
            if p.code == "yaml.tag":  # never evaluated: the tagged value is not used
                self.tagged.add((p.line, p.column))
                self.report(_Stop("techdocs.yaml-tag", p.message, where))
            elif p.code != "yaml.merge-key":
                raise _Stop("techdocs.invalid", p.message, where)
        if not docs or not isinstance(docs[0].data, dict):
            raise _Stop("techdocs.invalid", "expected a mapping of settings", self.at(path))
        self._check_settings(path, docs[0])
        return path, docs[0]

    def _setting(self, doc: YamlDoc, key: str) -> Any:
        """A setting's value, or None when absent or written with a tag."""
        if key not in doc.data or doc.locate((key,)) in self.tagged:
            return None
        return doc.data[key]

    def _check_settings(self, path: Path, doc: YamlDoc) -> None:
        """Report the settings the portal does not apply, naming each."""
        for key in sorted(map(str, doc.data)):
            value, where = doc.data[key], self.at(path, doc, (key,), name=True)
            if key in _SETTINGS_APPLIED or key in _SETTINGS_HARMLESS:
                continue
            if key == "plugins":
                extra = [n for n in _names(value) if n not in _PLUGINS_PROVIDED]
                if not extra:
                    continue
                message = f"the plugins {extra} are not run: the portal builds docs with none"
            elif key == "markdown_extensions":
                extra = [n for n in _names(value) if n not in safety.EXTENSION_NAMES]
                if not extra:
                    continue
                message = (
                    f"the Markdown extensions {extra} are not applied: pages are rendered "
                    "with the portal's own set (see the handbook's TechDocs page)"
                )
            else:
                message = (
                    f"'{key}' is not applied: the portal builds every docs site with its own "
                    "theme and settings, and reads only site_name, docs_dir and nav"
                )
            self.report(_Stop("techdocs.ignored-setting", message, where))

    def _docs_dir(self, mkdocs: Path, doc: YamlDoc) -> Path:
        value = self._setting(doc, "docs_dir") if "docs_dir" in doc.data else "docs"
        where = self.at(mkdocs, doc, ("docs_dir",)) if "docs_dir" in doc.data else None
        if not isinstance(value, str) or not value:
            raise _Stop("techdocs.invalid", "'docs_dir' must be a folder name", where)
        docs = (mkdocs.parent / value).resolve()
        what = f"'docs_dir: {value}'"
        if refusal := boundary.folder_refusal(docs, mkdocs.parent, self.boundary, what, below=True):
            raise _Stop(*refusal, where)
        if not docs.is_dir():
            raise _Stop("techdocs.missing", f"there is no folder '{self.at(docs)[0]}'", where)
        return docs

    def _files(self, docs: Path) -> list[str]:
        """Files to publish: every file the boundary allows, within the site's budgets."""
        out, site_bytes = [], 0
        files, folder_links = boundary.walk(docs)
        for link in folder_links:
            self.report(
                _Stop(*boundary.folder_link_refusal(link, docs, self.boundary), self.at(link))
            )
        for path in files:
            rel = path.relative_to(docs).as_posix()
            refusal = boundary.file_refusal(path, docs, self.boundary, self.budgets)
            if refusal is None:
                size = path.stat().st_size
                refusal = self._over_budget(site_bytes + size, self.spent.total + size)
                if refusal is None:
                    site_bytes, self.spent.total = site_bytes + size, self.spent.total + size
            if refusal is not None:
                self.report(_Stop(*refusal, self.at(path)))
                self.refused[rel] = refusal.message
                continue
            out.append(rel)
            self.real[rel] = path.resolve()
        return sorted(out)

    def _over_budget(self, site: int, total: int) -> boundary.Refusal | None:
        limits = self.budgets
        if site > limits.max_site_bytes:
            what, limit = "these docs", f"techdocs.max_site_bytes ({limits.max_site_bytes:,})"
        elif total > limits.max_total_bytes:
            what, limit = "all docs", f"techdocs.max_total_bytes ({limits.max_total_bytes:,})"
        else:
            return None
        return boundary.Refusal(
            "techdocs.too-large",
            f"not published: it would bring {what} to {max(site, total):,} bytes, over {limit}; "
            "move large files to a file store and link to them, or raise the budget",
        )

    def _text(self, path: Path) -> str:
        try:
            if path.stat().st_size > self.limit:
                raise _Stop("techdocs.invalid", f"larger than {self.limit} bytes", self.at(path))
            return path.resolve().read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise _Stop("techdocs.invalid", f"cannot be read ({exc})", self.at(path)) from exc

    def _page(self, rel: str) -> str:
        """The cleaned text of one page; reports its broken links and removed markup."""
        path = self.real[rel]
        file = self.at(path)[0]
        try:
            text = self._text(path)
        except _Stop as stop:
            self.report(stop)
            return NOTICE
        if (costly := safety.too_costly(text)) is not None:  # not published: nothing else matters
            self.report(_Stop("techdocs.unsafe", f"not published: {costly}", (file, 1, 1)))
            return NOTICE
        clean = safety.clean(text)
        meta_lines, self.meta_titles[rel] = safety.front_matter(text)  # dropped, not HTML
        audit = safety.Audit.of(clean)
        if audit.found is not None:
            message = (
                f"not published: once rendered, the page holds {audit.found}, which the "
                "portal does not allow; rewrite that part in plain Markdown"
            )
            self.report(_Stop("techdocs.unsafe", message, (file, 1, 1)))
            return NOTICE
        pairs = zip(text.split("\n"), clean.split("\n"), strict=True)
        changed = [n for n, (old, new) in enumerate(pairs, 1) if old != new and n > meta_lines]
        if changed:
            message = f"raw HTML, attributes or script links on {len(changed)} line(s): removed"
            self.report(_Stop("techdocs.unsafe", message, (file, changed[0], 1)))
        broken = self._broken_links(audit.links, rel, text)
        if broken:  # reported; the page is published without them if their severity allows
            clean = safety.relink(clean, {url for url, *_ in broken})
            stuck = {url for url, *_ in self._broken_links(safety.Audit.of(clean).links, rel, "")}
            for url, problem, line, col in broken:
                if url in stuck:
                    problem += "; the page is not published until it is fixed"
                self.report(_Stop("techdocs.broken-link", problem, (file, line, col)))
            if stuck:
                return NOTICE
        return "\n" + clean if _META.match(clean) else clean  # no meta data for MkDocs

    def _broken_links(
        self, links: list[str], page: str, text: str
    ) -> list[tuple[str, str, int, int]]:
        """``(url, problem, line, column)`` of each link (as rendered) reaching no
        published file, placed where ``text`` spells it."""
        out, seen = [], dict[str, int]()
        for url in links:
            if (problem := _broken(url, page, self.files, self.refused)) is not None:
                seen[url] = seen.get(url, 0) + 1
                out.append((url, problem, *safety.locate(text, url, seen[url])))
        return out

    def _nav(self, raw: Any, src: tuple[Path, YamlDoc], at: tuple[Any, ...]) -> list[NavItem]:
        """The site's ``nav:``; entries pointing at missing files are reported and dropped."""
        if not isinstance(raw, list):
            raise _Stop("techdocs.invalid", "'nav' must be a list", self.at(*src, at))
        out: list[NavItem] = []
        for i, item in enumerate(raw):
            title, value, here = None, item, (*at, i)
            if isinstance(item, dict) and len(item) == 1:
                title, value = next(iter(item.items()))
                here = (*here, title)
            marks = {src[1].locate(here), src[1].locate(here, key=True)}
            if marks & self.tagged:
                continue  # reported as a tag; never shown
            try:
                out.append(self._nav_item(title, value, src, here))
            except _Stop as stop:
                self.report(_Stop(*stop.args[:2], self.at(*src, here)))
        return out

    def _nav_item(self, title: Any, value: Any, src: Any, here: tuple[Any, ...]) -> NavItem:
        if isinstance(value, list) and title is not None:
            return safety.plain(title), self._nav(value, src, here)
        if not isinstance(value, str):
            raise _Stop("techdocs.invalid", "expected 'page.md', 'Title: page.md' or a section")
        if re.fullmatch(r"https?://[^\s\"'<>`\\]+", value):  # MkDocs puts it in href unescaped
            return safety.plain(title or value), value
        rel = posixpath.normpath(value)
        if rel not in self.files:
            raise _Stop("techdocs.broken-link", f"the nav entry '{value}' is not in the docs")
        return (safety.plain(title) if title else self.titles.get(rel) or _title(rel, "")), rel


def _names(value: Any) -> list[str]:
    """The names a ``plugins`` or ``markdown_extensions`` setting lists, in any of the
    forms MkDocs accepts: a list of names or one-key mappings, or a mapping."""
    items = value if isinstance(value, list) else [value] if value else []
    if isinstance(value, dict):
        items = list(value)
    return [str(next(iter(i)) if isinstance(i, dict) and i else i) for i in items]


def _title(rel: str, text: str) -> str:
    """The first ``# `` heading outside code, else a title made from the file name."""
    prose = "".join(chunk for chunk, code in safety.segments(text) if not code)
    heading = next((t for h in _HEADING.findall(prose) if (t := safety.plain(h))), "")
    stem = re.sub(r"[-_]", " ", posixpath.splitext(posixpath.basename(rel))[0])
    return heading or (
        "Home" if stem.lower() in ("index", "readme") else safety.plain(stem).capitalize()
    )


def _broken(url: str, page: str, files: set[str], refused: dict[str, str]) -> str | None:
    """Why a link (as Python-Markdown rendered it) from ``page`` reaches no published
    file, or None. Which links count follows MkDocs' own check (its
    ``_RelativePathTreeprocessor``): relative paths, percent-decoded, from the page's
    folder; external, absolute and anchor-only links are not files."""
    scheme, netloc, path, _, _ = urlsplit(url)
    if scheme or netloc or url.startswith(("/", "\\")) or _AMP_SUBSTITUTE in url or not path:
        return None  # unsafe schemes were removed and reported by the cleaner
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), unquote(path)))
    resolved = resolved.lstrip("/")
    if {resolved, posixpath.normpath(f"{resolved}/index.md")} & files:
        return None
    if resolved == ".." or resolved.startswith("../"):
        return f"the link '{url}' leaves the docs folder; link to pages inside it"
    if resolved in refused:
        what = f"the link '{url}' points at '{resolved}', a file the portal does not publish"
        return f"{what}: {refused[resolved].removeprefix('not published: ')}"
    found = f"the link '{url}' points at '{resolved}', which is not in the docs folder"
    if " " in path.strip():  # '(a.png (title))' or an unquoted title: Markdown took it all
        found += "; Markdown read all of it as the address: write a title in double quotes"
    return found
