"""TechDocs: each entity's MkDocs docs, checked offline and published into the portal.

An entity opts in with ``backstage.io/techdocs-ref: dir:<folder>`` (relative to its file): the
folder holds ``mkdocs.yml`` and its ``docs_dir``; the site's own extensions, plugins and theme
are ignored. Its Markdown is untrusted (security.md, Part C): raw HTML, ``{: }`` attributes and
script links are removed, then the page is rendered with the extensions the site uses and its
HTML checked (:mod:`generator.site.markdown_safety`); a page that fails is replaced by
:data:`NOTICE`."""

from __future__ import annotations

import functools
import os
import posixpath
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeAlias
from urllib.parse import unquote

from generator.diagnostics import Finding, apply_severities, finding
from generator.site import markdown_safety as safety
from generator.site import paths
from generator.site.render import md_inline, yaml_string
from generator.yaml12 import Limits, YamlDoc, read_yaml

if TYPE_CHECKING:
    from generator.catalog import Catalog
    from generator.model.entity import Entity

ANNOTATION = "backstage.io/techdocs-ref"
NOTICE = "# Page not published\n\nThis page held markup the portal could not make safe.\n"
NavItem: TypeAlias = "tuple[str, str | list[NavItem]]"
"""``(title, path relative to docs_dir, or an http URL)`` or ``(title, [children])``."""

# SVG and HTML are not published: opened directly, they run scripts on the portal's origin.
_PUBLISHED = re.compile(r"\.(md|png|jpe?g|gif|webp|avif|ico|pdf|txt|csv|json|ya?ml)", re.I)
_MD = re.compile(r".*\.md", re.I | re.S)
_HEADING = re.compile(r"^#[ \t]+(.+?)[ \t#]*$", re.M)
_META = re.compile(r"-{3}[ \t]*\n| {0,3}[A-Za-z0-9_-]+:")
Where = tuple[str, int, int]


@dataclass
class TechDocsSite:
    """One entity's docs, read and checked, ready for :func:`publish`."""

    key: str
    site_name: str
    docs_dir: Path
    files: list[str]
    """Files to publish: POSIX paths relative to ``docs_dir``, sorted."""
    nav: list[NavItem]
    pages: dict[str, str] = field(default_factory=dict, repr=False)
    """The cleaned text of each Markdown file, as :func:`publish` writes it."""

    @functools.cached_property
    def in_order(self) -> list[tuple[str, str]]:
        """The nav's pages, depth first: (title, docs-folder-relative path)."""
        return pages_in_order(self.nav)

    @functools.cached_property
    def page_titles(self) -> dict[str, str]:
        """The nav's title of each page, by docs-folder-relative path."""
        return {path: title for title, path in self.in_order}


class _Stop(Exception):
    """A finding that ends reading the site (or a nav entry): ``(code, message[, where])``."""


def collect(catalog: Catalog) -> tuple[list[TechDocsSite], list[Finding]]:
    """Read the TechDocs site of every entity with a ``backstage.io/techdocs-ref``."""
    root, findings, sites = catalog.config.root.resolve(), list[Finding](), []
    for entity in catalog:
        annotations = entity.metadata.get("annotations")
        if isinstance(annotations, dict) and ANNOTATION in annotations:
            reader = _Reader(entity, root, catalog.config.catalog.max_file_bytes, findings)
            try:
                sites.append(reader.read(annotations[ANNOTATION]))
            except _Stop as stop:
                reader.report(stop)
    return sites, apply_severities(findings, catalog.config.severity)


def publish(site: TechDocsSite, entity_title: str = "") -> dict[str, bytes]:
    """The site's files for the build folder, by docs-relative path, in ``files`` order.

    Each page starts with the site's own navigation (the portal's global nav lists the
    docs index only: listing every docs page on every page would grow with the number
    of sites, quadratically)."""
    base = paths.techdocs_dir(site.key)
    out = {}
    for rel in site.files:
        if _MD.fullmatch(rel):
            out[f"{base}/{rel}"] = (page_header(site, rel, entity_title) + site.pages[rel]).encode()
        else:
            out[f"{base}/{rel}"] = (site.docs_dir / rel).read_bytes()
    return out


def pages_in_order(nav: list[NavItem]) -> list[tuple[str, str]]:
    """The nav's pages, depth first: (title, docs-folder-relative path)."""
    out: list[tuple[str, str]] = []
    for title, value in nav:
        if isinstance(value, list):
            out += pages_in_order(value)
        elif "://" not in value:
            out.append((title, value))
    return out


HEADER_ALL_PAGES = 12
"""A site with at most this many pages lists them all at the top of each page; a larger
one lists its top-level entries and the previous and next page, so a header stays one
line however many pages the site has."""


def _front_matter(site: TechDocsSite, rel: str) -> str:
    """The page's title names its service ('Runbook · FNOL Service' in the browser and
    in search, where every site has a 'Runbook'); the portal's sidebar, which would
    list the Docs landing page alone, is hidden so the page takes its width."""
    page = site.page_titles.get(rel)
    title = f"{page} · {site.site_name}" if page and page != site.site_name else site.site_name
    return f"---\ntitle: {yaml_string(title)}\nhide:\n  - navigation\n---\n\n"


def page_header(site: TechDocsSite, rel: str, entity_title: str) -> str:
    """The top of each page: front matter hiding the portal's sidebar, then a Markdown
    line linking back to the entity and across the site's pages."""
    here = posixpath.dirname(rel) or "."
    # The entity page is not a MkDocs page (see shell.py): link to its URL.
    entity_page = paths.relative(
        f"{paths.techdocs_dir(site.key)}/{rel}", paths.entity_url(site.key)
    )

    def link(title: str, path: str) -> str:
        if path == rel:
            return f"**{md_inline(title)}**"
        return f"[{md_inline(title)}]({posixpath.relpath(path, here)})"

    pages = site.in_order
    if len(pages) <= HEADER_ALL_PAGES:
        links = " · ".join(link(title, path) for title, path in pages)
    else:
        links = " · ".join(link(title, path) for title, path in _top_level(site.nav))
        at = next((i for i, (_, path) in enumerate(pages) if path == rel), None)
        if at is not None and at > 0:
            links += f" | ← {link(*pages[at - 1])}"
        if at is not None and at + 1 < len(pages):
            links += f" | {link(*pages[at + 1])} →"
    back = f"[{md_inline(entity_title or site.site_name)}]({entity_page})"
    return f"{_front_matter(site, rel)}{back} › {links}\n\n"


def _top_level(nav: list[NavItem]) -> list[tuple[str, str]]:
    """The nav's first level: a page, or a section as its first page."""
    out = []
    for title, value in nav:
        first = pages_in_order(value)[:1] if isinstance(value, list) else [(title, value)]
        out += [(title, path) for _, path in first if "://" not in path]
    return out


class _Reader:
    """Reads one entity's TechDocs site, adding findings as it goes."""

    def __init__(self, entity: Entity, root: Path, limit: int, findings: list[Finding]):
        self.entity, self.root, self.limit, self.findings = entity, root, limit, findings
        home = entity.source.path.parent  # outside the repository: its catalog folder bounds it
        self.boundary = root if home.is_relative_to(root) else home

    def report(self, stop: _Stop) -> None:
        """Add ``stop`` as a finding; without a place, at the annotation."""
        code, message, *where = stop.args
        line, col = self.entity.locate(("metadata", "annotations", ANNOTATION))
        place: Where = where[0] if where and where[0] else (self.entity.file, line, col)
        self.findings.append(finding(code, *place, message))

    def at(self, path: Path, doc: YamlDoc | None = None, key: tuple[Any, ...] = ()) -> Where:
        """Where ``key`` is in ``doc`` (else line 1) of ``path``, relative to the repository."""
        line, col = doc.locate(key) if doc is not None else (1, 1)
        return Path(os.path.relpath(path, self.root)).as_posix(), line, col

    def read(self, ref: Any) -> TechDocsSite:
        """The site ``ref`` names; raises :class:`_Stop` when there is none to read."""
        mkdocs, doc = self._config(self._folder(ref))
        docs = self._docs_dir(mkdocs, doc)
        self.skipped: set[str] = set()
        self.meta_titles: dict[str, str | None] = {}  # front matter titles, by page
        self.files = set(files := self._files(docs))
        pages = {rel: self._page(docs, rel) for rel in filter(_MD.fullmatch, files)}
        self.titles = {
            rel: self.meta_titles.get(rel) or _title(rel, text) for rel, text in pages.items()
        }
        by_path = sorted(self.titles, key=lambda p: (p != "index.md", p.lower()))
        nav: list[NavItem] = [(self.titles[p], p) for p in by_path]  # index.md first
        if "nav" in doc.data:
            nav = self._nav(doc.data["nav"], (mkdocs, doc), ("nav",))
        name = safety.plain(str(doc.data.get("site_name") or "")) or safety.plain(self.entity.title)
        return TechDocsSite(self.entity.key, name, docs, files, nav, pages)

    def _folder(self, ref: Any) -> Path:
        kind, _, target = ref.strip().partition(":") if isinstance(ref, str) else ("", "", "")
        if kind == "url":
            raise _Stop("techdocs.remote", f"'{target}' is not read: docs must be in this repo")
        if kind != "dir":
            raise _Stop("techdocs.invalid", f"expected 'dir:<folder>' or 'url:…', not {ref!r}")
        folder = (self.entity.source.path.parent / target.strip()).resolve()
        if not folder.is_relative_to(self.boundary):
            raise _Stop("techdocs.outside-repo", f"'{ref}' leads outside the repository")
        return folder

    def _config(self, folder: Path) -> tuple[Path, YamlDoc]:
        found = [folder / n for n in ("mkdocs.yml", "mkdocs.yaml") if (folder / n).is_file()]
        found = [p for p in found if p.resolve().is_relative_to(self.boundary)]  # no links out
        if not found:
            raise _Stop("techdocs.missing", f"'{self.at(folder)[0]}' has no mkdocs.yml; add one")
        path = found[0]
        docs, problems = read_yaml(self._text(path), Limits(allow_custom_tags=True))
        for p in problems:
            if p.code != "yaml.merge-key":
                raise _Stop("techdocs.invalid", p.message, (self.at(path)[0], p.line, p.column))
        if not docs or not isinstance(docs[0].data, dict):
            raise _Stop("techdocs.invalid", "expected a mapping of settings", self.at(path))
        return path, docs[0]

    def _docs_dir(self, mkdocs: Path, doc: YamlDoc) -> Path:
        value = doc.data.get("docs_dir", "docs")
        where = self.at(mkdocs, doc, ("docs_dir",)) if "docs_dir" in doc.data else None
        if not isinstance(value, str) or not value:
            raise _Stop("techdocs.invalid", "'docs_dir' must be a folder name", where)
        docs = (mkdocs.parent / value).resolve()
        if not docs.is_relative_to(self.boundary):
            raise _Stop("techdocs.outside-repo", f"'{value}' is outside the repository", where)
        if not docs.is_dir():
            raise _Stop("techdocs.missing", f"there is no folder '{self.at(docs)[0]}'", where)
        return docs

    def _files(self, docs: Path) -> list[str]:
        """Files to publish: not hidden, in the repo, of a safe type; folder links not followed."""
        out = []
        for dirpath, dirnames, filenames in os.walk(docs):
            dirnames[:] = [d for d in dirnames if not d.startswith(".")]
            for path in (Path(dirpath, n) for n in filenames if not n.startswith(".")):
                if not path.resolve().is_relative_to(self.boundary):
                    self.report(_Stop("techdocs.outside-repo", "links out", self.at(path)))
                elif not _PUBLISHED.fullmatch(path.suffix):
                    message = f"not published: {_unpublished(path.suffix)}"
                    self.report(_Stop("techdocs.skipped-file", message, self.at(path)))
                    self.skipped.add(path.relative_to(docs).as_posix())
                elif path.is_file():
                    out.append(path.relative_to(docs).as_posix())
        return sorted(out)

    def _text(self, path: Path) -> str:
        try:
            if path.stat().st_size > self.limit:
                raise _Stop("techdocs.invalid", f"larger than {self.limit} bytes", self.at(path))
            return path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as exc:
            raise _Stop("techdocs.invalid", f"cannot be read ({exc})", self.at(path)) from exc

    def _page(self, docs: Path, rel: str) -> str:
        """The cleaned text of one page; reports its broken links and removed markup."""
        try:
            text = self._text(docs / rel)
        except _Stop as stop:
            self.report(stop)
            return NOTICE
        file, broken = self.at(docs / rel)[0], set()
        if (costly := safety.too_costly(text)) is not None:  # not published: nothing else matters
            self.report(_Stop("techdocs.unsafe", f"not published: {costly}", (file, 1, 1)))
            return NOTICE
        for line, col, target in safety.links(text):
            if problem := _broken(target, rel, self.files, self.skipped):
                self.report(_Stop("techdocs.broken-link", problem, (file, line, col)))
                broken.add(target)
        clean = safety.clean(text)
        pairs = zip(text.split("\n"), clean.split("\n"), strict=True)
        meta_lines, self.meta_titles[rel] = safety.front_matter(text)  # dropped, not HTML
        changed = [n for n, (old, new) in enumerate(pairs, 1) if old != new and n > meta_lines]
        if (unsafe := safety.Audit.problem(clean)) is not None:
            message = (
                f"not published: once rendered, the page holds {unsafe}, which the portal "
                "does not allow; rewrite that part in plain Markdown"
            )
            self.report(_Stop("techdocs.unsafe", message, (file, 1, 1)))
            return NOTICE
        if changed:
            message = f"raw HTML, attributes or script links on {len(changed)} line(s): removed"
            self.report(_Stop("techdocs.unsafe", message, (file, changed[0], 1)))
        clean = safety.relink(clean, broken)  # reported; the page is published without them
        return "\n" + clean if _META.match(clean) else clean  # no meta data for MkDocs

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


def _title(rel: str, text: str) -> str:
    """The first ``# `` heading outside code, else a title made from the file name."""
    prose = "".join(chunk for chunk, code in safety.segments(text) if not code)
    heading = next((t for h in _HEADING.findall(prose) if (t := safety.plain(h))), "")
    stem = re.sub(r"[-_]", " ", posixpath.splitext(posixpath.basename(rel))[0])
    return heading or (
        "Home" if stem.lower() in ("index", "readme") else safety.plain(stem).capitalize()
    )


def _unpublished(suffix: str) -> str:
    """Why files with this suffix are not published, and what to do instead."""
    if suffix.lower() in (".svg", ".html", ".htm", ".xhtml"):
        return "SVG and HTML files can run scripts when opened on the portal's site; use PNG"
    if not suffix:
        return "files without an extension are not; link to it in the repository instead"
    return (
        f"'{suffix}' files are not (pages, images, PDF and data files are); "
        "link to it in the repository instead"
    )


def _broken(target: str, page: str, files: set[str], skipped: set[str]) -> str | None:
    """Why a relative link from ``page`` reaches no published file, or None."""
    path = unquote(re.split(r"[#?]", target, maxsplit=1)[0])
    if (
        not path
        or target.startswith("/")
        or safety.SCHEME.match(target)
        or safety.unsafe_url(target)
    ):
        return None  # not a relative link; unsafe ones are removed and reported as such
    resolved = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
    if {resolved, posixpath.normpath(f"{resolved}/index.md")} & files:
        return None
    if resolved == ".." or resolved.startswith("../"):
        return f"the link '{target}' leaves the docs folder; link to pages inside it"
    if resolved in skipped:
        reason = _unpublished(posixpath.splitext(resolved)[1])
        what = f"the link '{target}' points at '{resolved}', a file the portal does not publish"
        return f"{what}: {reason}"
    return f"the link '{target}' points at '{resolved}', which is not in the docs folder"
