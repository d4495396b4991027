"""The TechDocs trust boundary (issue 15): no file outside a component's docs folder is
published, and no docs input makes the build slow, huge or crash.

Each class of attack gets hostile fixtures built in a temporary repository at test time
(links are made here, never committed), and the exact finding code, file and line."""

from __future__ import annotations

import hashlib
import os
import zlib
from pathlib import Path

import pytest

from generator import load_catalog, load_config
from generator.commands.build import build
from generator.commands.validate import check
from generator.diagnostics import Severity
from generator.process import FakeRunner, Result
from generator.site import docs_pages, dot, file_checks
from generator.site.techdocs import NOTICE, collect
from generator.writing import _name_sources, write_tree

CATALOG = 'catalog:\n  roots: [svc, other]\n  external_refs: ["user:*"]\n'
SECRET = "AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI-not-a-real-key"
ENTITY = """apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: {name}
  annotations:
    backstage.io/techdocs-ref: dir:.
spec:
  type: service
  lifecycle: production
  owner: user:someone
"""


def _repo(tmp_path: Path, mkdocs: str = "site_name: Svc\n", portal: str = "") -> Path:
    """A checkout as CI sees it: svc/ with docs, another team's folder, .git and an
    untracked credentials file at the top."""
    root = tmp_path / "repo"
    for name in ("svc", "other"):
        (root / name / "docs").mkdir(parents=True)
        (root / name / "catalog-info.yaml").write_text(ENTITY.format(name=name))
        (root / name / "mkdocs.yml").write_text(f"site_name: {name}\n")
        (root / name / "docs" / "index.md").write_text(f"# {name}\n")
    (root / "svc" / "mkdocs.yml").write_text(mkdocs)
    (root / ".git").mkdir()
    (root / ".git" / "config").write_text(f"[credential]\n  helper = {SECRET}\n")
    (root / ".env").write_text(SECRET + "\n")
    (root / "other" / "docs" / "private.md").write_text(f"# Other team\n\n{SECRET}\n")
    (root / "portal.yaml").write_text(CATALOG + portal)
    return root


def _findings(root: Path) -> list[tuple[str, str, int, int]]:
    checked = check(None, load_config(root))
    return [(f.code, f.file, f.line, f.column) for f in checked.findings]


def _sites(root: Path):
    return collect(load_catalog([root], load_config(root)))


def _svc(root: Path):
    sites, _ = _sites(root)
    return next(s for s in sites if s.key == "component:default/svc")


def _link(link: Path, target: str | Path) -> None:
    link.parent.mkdir(parents=True, exist_ok=True)
    link.symlink_to(target)


# --- 1. links to other files of the repository ------------------------------------------


@pytest.mark.parametrize(
    ("name", "target", "message"),
    [
        ("secret.md", "../../.env", "links to '.env', outside this docs folder"),
        ("config.txt", "../../.git/config", "links to '.git/config', outside this docs folder"),
        ("team.md", "../../other/docs/private.md", "links to 'other/docs/private.md'"),
        ("dotted.md", "./../docs/../../.env", "links to '.env'"),
        ("hidden.md", ".cache/page.md", "leads into the hidden path part '.cache'"),
    ],
)
def test_links_out_of_the_docs_folder_are_refused(tmp_path, name, target, message):
    root = _repo(tmp_path)
    (root / "svc" / "docs" / ".cache").mkdir()
    (root / "svc" / "docs" / ".cache" / "page.md").write_text(SECRET)
    _link(root / "svc" / "docs" / name, target)
    assert _findings(root) == [("techdocs.outside-docs", f"svc/docs/{name}", 1, 1)]
    _, findings = _sites(root)
    assert message in findings[0].message
    assert findings[0].severity is Severity.ERROR
    assert name not in _svc(root).files


def test_absolute_links_and_chains_of_links_are_followed_to_their_end(tmp_path):
    root = _repo(tmp_path)
    docs = root / "svc" / "docs"
    _link(docs / "abs.md", (root / ".env").resolve())  # absolute, into the repository
    _link(docs / "first.md", "second.md")  # a chain: inside, then out
    _link(docs / "second.md", "../../.git/config")
    _link(docs / "fine.md", "index.md")  # a link within the folder is fine
    assert _findings(root) == [
        ("techdocs.outside-docs", "svc/docs/abs.md", 1, 1),
        ("techdocs.outside-docs", "svc/docs/first.md", 1, 1),
        ("techdocs.outside-docs", "svc/docs/second.md", 1, 1),
    ]
    assert _svc(root).files == ["fine.md", "index.md"]


def test_links_to_folders_are_not_followed(tmp_path):
    root = _repo(tmp_path)
    _link(root / "svc" / "docs" / "team", "../../other/docs")
    _link(root / "svc" / "docs" / "same", "../docs")
    found = check(None, load_config(root)).findings
    assert [(f.code, f.file) for f in found] == [
        ("techdocs.skipped-file", "svc/docs/same"),  # inside: only not followed
        ("techdocs.outside-docs", "svc/docs/team"),
    ]
    assert _svc(root).files == ["index.md"]


def test_a_hard_link_is_refused_wherever_it_points(tmp_path):
    root = _repo(tmp_path)
    os.link(root / ".env", root / "svc" / "docs" / "notes.txt")
    found = check(None, load_config(root)).findings
    assert [(f.code, f.file, f.line) for f in found] == [
        ("techdocs.outside-docs", "svc/docs/notes.txt", 1)
    ]
    assert "hard link" in found[0].message


def test_hidden_files_and_folders_are_never_published(tmp_path):
    root = _repo(tmp_path)
    docs = root / "svc" / "docs"
    (docs / ".env").write_text(SECRET)
    (docs / ".ENV.md").write_text(SECRET)
    (docs / ".git").mkdir()
    (docs / ".git" / "config.md").write_text(SECRET)
    assert _findings(root) == []  # skipped quietly, as MkDocs does
    assert _svc(root).files == ["index.md"]


# --- 2. docs_dir and mkdocs.yml -----------------------------------------------------------


@pytest.mark.parametrize(
    ("docs_dir", "code"),
    [
        ("..", "techdocs.outside-docs"),
        ("../other", "techdocs.outside-docs"),
        ("../.git", "techdocs.outside-docs"),
        (".", "techdocs.outside-docs"),  # the folder itself: mkdocs.yml and all
        ("docs/../../other/docs", "techdocs.outside-docs"),
        (".hidden", "techdocs.outside-docs"),
        ("/etc", "techdocs.outside-repo"),
        ("../..", "techdocs.outside-repo"),
    ],
)
def test_docs_dir_must_stay_below_mkdocs_yml(tmp_path, docs_dir, code):
    root = _repo(tmp_path, mkdocs=f"site_name: Svc\ndocs_dir: '{docs_dir}'\n")
    (root / "svc" / ".hidden").mkdir()
    assert _findings(root) == [(code, "svc/mkdocs.yml", 2, 11)]
    assert "component:default/svc" not in [s.key for s in _sites(root)[0]]


def test_a_docs_folder_that_is_a_link_is_refused_at_the_annotation(tmp_path):
    root = _repo(tmp_path)
    docs = root / "svc" / "docs"
    for file in docs.iterdir():
        file.unlink()
    docs.rmdir()
    _link(docs, "../other/docs")
    assert _findings(root) == [("techdocs.outside-docs", "svc/catalog-info.yaml", 6, 32)]


def test_an_mkdocs_yml_linking_elsewhere_is_not_read(tmp_path):
    root = _repo(tmp_path)
    (root / "svc" / "mkdocs.yml").unlink()
    _link(root / "svc" / "mkdocs.yml", "../other/mkdocs.yml")
    assert _findings(root) == [("techdocs.outside-docs", "svc/mkdocs.yml", 1, 1)]


def test_nav_cannot_reach_outside_the_docs_folder(tmp_path):
    root = _repo(tmp_path, mkdocs="site_name: Svc\nnav:\n  - Env: ../../.env\n  - index.md\n")
    assert _findings(root) == [("techdocs.broken-link", "svc/mkdocs.yml", 3, 10)]
    assert _svc(root).nav == [("svc", "index.md")]


# --- everything together: nothing leaks into the site, a failed build changes nothing ----


def _build(root: Path, site: Path) -> int:
    runner = FakeRunner({("git", "rev-parse", "HEAD"): Result(0, "0" * 40 + "\n")})
    return build(load_config(root), site_dir=site, runner=runner, build_dir=root / ".build")


def _tree(site: Path) -> dict[str, str]:
    return {
        p.relative_to(site).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(site.rglob("*"))
        if p.is_file()
    }


def _hostile(root: Path) -> None:
    docs = root / "svc" / "docs"
    _link(docs / "secret.md", "../../.env")
    _link(docs / "config.txt", "../../.git/config")
    _link(docs / "team.md", "../../other/docs/private.md")
    _link(docs / "folder", "../../other/docs")
    os.link(root / ".env", docs / "hard.txt")
    (docs / "index.md").write_text("# Svc\n\n[secret](secret.md) [cfg](config.txt)\n")


@pytest.mark.integration
def test_a_failed_build_leaves_the_site_as_it_was(tmp_path, capsys):
    root = _repo(tmp_path)
    site = tmp_path / "site"
    assert _build(root, site) == 0
    before = _tree(site)
    _hostile(root)
    assert _build(root, site) == 1
    assert "techdocs.outside-docs" in capsys.readouterr().out
    assert _tree(site) == before


@pytest.mark.integration
def test_with_the_findings_lowered_nothing_outside_the_docs_is_published(tmp_path):
    lowered = "severity:\n  techdocs.outside-docs: warning\n  techdocs.broken-link: warning\n"
    root = _repo(tmp_path, portal=lowered)
    (root / "other" / "catalog-info.yaml").unlink()  # the other team's docs are not a site
    _hostile(root)
    site = tmp_path / "site"
    assert _build(root, site) == 0
    leaked = [p for p in site.rglob("*") if p.is_file() and SECRET.encode() in p.read_bytes()]
    assert leaked == []
    index = (site / "search" / "search_index.json").read_text()
    assert "wJalrXUtnFEMI" not in index and "Other team" not in index
    docs = site / "catalog/default/component/svc/docs"
    assert sorted(p.name for p in docs.iterdir()) == ["index.html"]


# --- 3. long titles ----------------------------------------------------------------------


def test_a_long_title_is_a_located_warning_and_maps_stay_bounded(tmp_path):
    from generator.site import layout, maps

    root = _repo(tmp_path)
    text = (root / "svc" / "catalog-info.yaml").read_text()
    title = "&" * 5000
    dangling = "component:" + "x" * 20000
    text = text.replace("  name: svc\n", f'  name: svc\n  title: "{title}"\n')
    text += f"  dependsOn: [{dangling}]\n"
    (root / "svc" / "catalog-info.yaml").write_text(text)
    (root / "portal.yaml").write_text(
        CATALOG.replace('"user:*"', '"user:*", "component:default/x*"')
    )
    found = check(None, load_config(root)).findings
    assert [(f.code, f.file, f.line, f.column, f.severity) for f in found] == [
        ("format.title", "svc/catalog-info.yaml", 5, 10, Severity.WARNING)
    ]
    catalog = load_catalog(None, load_config(root))
    source = maps.neighbourhood_dot(catalog, "component:default/svc")
    longest = max(len(part) for part in source.split('"')[1::2])
    assert longest <= dot.MAX_DOT_TEXT * 6
    assert layout.render_svg(source).startswith(b"<?xml")  # Graphviz accepts it


def test_a_long_dangling_system_name_does_not_break_a_system_map(tmp_path):
    """An outside part's system is drawn as a cluster, linked only when it has a page:
    a link built from a 20,000-character ref overflowed Graphviz's quoted strings."""
    from generator.site import layout, maps

    root = tmp_path / "repo"
    root.mkdir()
    huge = "system:" + "s" * 20000
    entities = [
        "kind: System\nmetadata:\n  name: mine\nspec:\n  owner: user:a\n",
        "kind: Component\nmetadata:\n  name: a\nspec:\n  type: service\n  lifecycle: x\n"
        "  owner: user:a\n  system: mine\n  dependsOn: [component:b]\n",
        "kind: Component\nmetadata:\n  name: b\nspec:\n  type: service\n  lifecycle: x\n"
        f"  owner: user:a\n  system: {huge}\n",
    ]
    text = "---\n".join(f"apiVersion: backstage.io/v1alpha1\n{e}" for e in entities)
    (root / "all.yaml").write_text(text)
    (root / "portal.yaml").write_text('catalog:\n  external_refs: ["user:*", "system:*"]\n')
    catalog = load_catalog([root], load_config(root))
    dot = maps.system_dot(catalog, "system:default/mine")
    assert layout.render_svg(dot).startswith(b"<?xml")


# --- 4. validate and build agree --------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "column"),
    [
        ("![b](pic.png (paren \\) title))", 6),  # Markdown reads the title into the address
        ("[x](missing%20file.md)", 5),
        ("[x][ref]\n\n[ref]: gone.md 'title'", None),
    ],
)
def test_links_are_checked_as_mkdocs_reads_them(tmp_path, line, column):
    root = _repo(tmp_path)
    (root / "svc" / "docs" / "pic.png").write_bytes(_png(1, 1))
    (root / "svc" / "docs" / "index.md").write_text(f"# Svc\n\n{line}\n")
    found = _findings(root)
    assert [code for code, *_ in found] == ["techdocs.broken-link"]
    assert found[0][1:3] == ("svc/docs/index.md", 5 if column is None else 3)
    if column is not None:
        assert found[0][3] == column


@pytest.mark.integration
def test_build_refuses_exactly_what_validate_reports(tmp_path, capsys):
    root = _repo(tmp_path)
    (root / "svc" / "docs" / "pic.png").write_bytes(_png(1, 1))
    (root / "svc" / "docs" / "index.md").write_text("# Svc\n\n![b](pic.png (a \\) b))\n")
    capsys.readouterr()
    assert _build(root, tmp_path / "site") == 1
    out = capsys.readouterr().out
    assert "svc/docs/index.md:3:6: error[techdocs.broken-link]" in out
    # With the finding lowered, the page is not published rather than breaking MkDocs.
    (root / "portal.yaml").write_text(CATALOG + "severity:\n  techdocs.broken-link: warning\n")
    assert _build(root, tmp_path / "site") == 0
    page = tmp_path / "site/catalog/default/component/svc/docs/index.html"
    assert "Page not published" in page.read_text()


def test_mkdocs_messages_name_the_repository_file():
    sources = {"catalog/default/component/svc/docs/index.md": "svc/docs/index.md"}
    message = (
        "Doc file 'catalog/default/component/svc/docs/index.md' contains a link 'x.png', "
        "but the target is not found among documentation files."
    )
    assert _name_sources(message, sources) == (
        "svc/docs/index.md: Doc file 'svc/docs/index.md' contains a link 'x.png', "
        "but the target is not found among documentation files."
    )
    generated = "Doc file 'kinds/index.md' contains a link 'x'"
    assert _name_sources(generated, sources).endswith("please report this as a bug)")


# --- 5. large docs sites: headers stay bounded ------------------------------------------


def test_headers_stay_bounded_on_a_flat_site_of_many_pages(tmp_path):
    root = _repo(tmp_path)
    for i in range(300):
        (root / "svc" / "docs" / f"page-{i:03}.md").write_text(f"# Page {i}\n")
    svc = _svc(root)
    published = docs_pages.publish(svc, "Svc")
    headers = [
        data.split(b"\n\n", 2)[1]
        for path, data in published.items()
        if isinstance(data, bytes) and "/docs/" in path
    ]
    assert len(headers) == 301
    assert max(h.count(b"](") for h in headers) <= docs_pages.HEADER_ALL_PAGES + 4
    contents = published[docs_pages.contents_page(svc.key)].decode()
    assert contents.count("](docs/page-") == 300  # every page, from the contents page
    assert (
        b"[All 301 pages](../docs-contents.md)"
        in published["catalog/default/component/svc/docs/index.md"]
    )


# --- 6. a dense system's map ------------------------------------------------------------


def test_a_dense_systems_map_is_capped(tmp_path):
    from generator.site import maps

    root = tmp_path / "dense"
    root.mkdir()
    docs = [
        "apiVersion: backstage.io/v1alpha1\nkind: System\nmetadata:\n  name: big\n"
        "spec:\n  owner: user:a\n"
    ]
    for i in range(600):  # a core of 40 that all use each other, and 560 using 8 of it
        core = [k for k in range(40) if k != i] if i < 40 else [(i * 7 + k) % 40 for k in range(8)]
        deps = ", ".join(f"component:c{k}" for k in core)
        docs.append(
            f"apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: c{i}\n"
            "spec:\n  type: service\n  lifecycle: production\n  owner: user:a\n"
            f"  system: big\n  dependsOn: [{deps}]\n"
        )
    (root / "all.yaml").write_text("---\n".join(docs))
    (root / "portal.yaml").write_text('catalog:\n  external_refs: ["user:*"]\n')
    catalog = load_catalog([root], load_config(root))
    dot = maps.system_dot(catalog, "system:default/big")
    nodes = [line for line in dot.splitlines() if line.startswith('"component:')]
    parts = [n for n in nodes if " -> " not in n]
    edges = [n for n in nodes if " -> " in n]
    assert len(parts) == 39 and len(edges) == 120
    assert '"more_parts" [' in dot and "+561 more" in dot
    assert 'label="120 of ' in dot


# --- 7. big files and budgets ----------------------------------------------------------


def test_file_site_and_total_budgets_are_located_findings(tmp_path):
    budgets = "techdocs:\n  max_file_bytes: 3000\n  max_site_bytes: 5000\n  max_total_bytes: 7000\n"
    root = _repo(tmp_path, portal=budgets)
    (root / "other" / "docs" / "d.txt").write_bytes(b"d" * 2900)  # read first: ~2,970 in all
    (root / "svc" / "docs" / "a.pdf").write_bytes(b"%PDF-1.4\n" + b"0" * 3500)  # over a file
    (root / "svc" / "docs" / "b.txt").write_bytes(b"b" * 2500)
    (root / "svc" / "docs" / "c.txt").write_bytes(b"c" * 2600)  # the site would pass 5,000
    (root / "svc" / "docs" / "e.txt").write_bytes(b"e" * 1600)  # all would pass 7,000
    found = check(None, load_config(root)).findings
    assert [(f.code, f.file, f.line) for f in found] == [
        ("techdocs.too-large", "svc/docs/a.pdf", 1),
        ("techdocs.too-large", "svc/docs/c.txt", 1),
        ("techdocs.too-large", "svc/docs/e.txt", 1),
    ]
    messages = {f.file: f.message for f in found}
    assert "techdocs.max_file_bytes (3,000)" in messages["svc/docs/a.pdf"]
    assert "techdocs.max_site_bytes (5,000)" in messages["svc/docs/c.txt"]
    assert "techdocs.max_total_bytes (7,000)" in messages["svc/docs/e.txt"]
    assert _svc(root).files == ["b.txt", "index.md"]


def test_binary_files_are_copied_by_streaming(tmp_path):
    root = _repo(tmp_path)
    # Stream data is compressed images and fonts: any bytes, '/JS' and '/AA' included,
    # across the scanner's block boundaries; only dictionaries are searched.
    noise = os.urandom(3 * file_checks.CHUNK) + b" /JS /OpenAction /AA " + os.urandom(99)
    data = _pdf(f"<< /Length {len(noise)} >>\nstream\n".encode() + noise + b"\nendstream")
    (root / "svc" / "docs" / "big.pdf").write_bytes(data)
    published = docs_pages.publish(_svc(root))
    source = published["catalog/default/component/svc/docs/big.pdf"]
    assert isinstance(source, Path)  # not read into memory
    out = tmp_path / "out"
    write_tree(out, published)
    assert (out / "catalog/default/component/svc/docs/big.pdf").read_bytes() == data


# --- 8. footnotes -----------------------------------------------------------------------


def test_footnotes_are_not_links(tmp_path):
    root = _repo(tmp_path)
    (root / "svc" / "docs" / "index.md").write_text("# Svc\n\nA claim[^1].\n\n[^1]: the note.\n")
    assert _findings(root) == []
    assert "[^1]: the note." in _svc(root).pages["index.md"]


# --- content that is not what its name says --------------------------------------------


def _png(width: int, height: int) -> bytes:
    ihdr = b"IHDR" + width.to_bytes(4, "big") + height.to_bytes(4, "big") + b"\x08\x06\0\0\0"
    chunk = len(ihdr[4:]).to_bytes(4, "big") + ihdr + zlib.crc32(ihdr).to_bytes(4, "big")
    return b"\x89PNG\r\n\x1a\n" + chunk


def _pdf(body: bytes) -> bytes:
    return b"%PDF-1.7\n1 0 obj\n" + body + b"\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def _object_stream(content: bytes) -> bytes:
    packed = zlib.compress(content)
    head = f"<< /Type /ObjStm /N 1 /First 4 /Filter /FlateDecode /Length {len(packed)} >>"
    return head.encode() + b"\nstream\n" + packed + b"\nendstream"


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("logo.png", b"<html><script>alert(1)</script>", "not a PNG file"),
        ("photo.jpg", b"GIF89a....", "not a JPG file"),
        ("data.json", b"  <!DOCTYPE html><script>x</script>", "HTML or SVG markup"),
        ("notes.txt", b"<svg onload=alert(1)>", "HTML or SVG markup"),
        ("manual.pdf", _pdf(b"<< /OpenAction << /S /JavaScript /JS (app.alert(1)) >> >>"), "/"),
        ("hex.pdf", _pdf(b"<< /AA << /O << /S /J#61vaScript >> >> >>"), "/AA"),
        ("packed.pdf", _pdf(_object_stream(b"<< /OpenAction 2 0 R >>")), "/OpenAction"),
        ("bomb.png", _png(100_000, 100_000), "10,000,000,000 pixels"),
        ("huge.gif", b"GIF89a\xff\xff\xff\xff" + b"\0" * 20, "4,294,836,225 pixels"),
    ],
)
def test_content_must_match_the_extension(tmp_path, name, content, reason):
    root = _repo(tmp_path)
    (root / "svc" / "docs" / name).write_bytes(content)
    found = check(None, load_config(root)).findings
    assert [(f.code, f.file, f.line) for f in found] == [
        ("techdocs.unsafe-file", f"svc/docs/{name}", 1)
    ]
    assert reason in found[0].message
    assert name not in _svc(root).files


def test_ordinary_files_pass_the_content_checks(tmp_path):
    root = _repo(tmp_path)
    docs = root / "svc" / "docs"
    (docs / "diagram.png").write_bytes(_png(1200, 800))
    (docs / "manual.pdf").write_bytes(_pdf(b"<< /Type /Catalog /Pages 2 0 R >>"))
    (docs / "data.json").write_text('{"a": "<b>not markup at the start</b>"}')
    assert _findings(root) == []
    assert _svc(root).files == ["data.json", "diagram.png", "index.md", "manual.pdf"]


# --- mkdocs.yml settings the portal does not apply --------------------------------------


def test_settings_that_are_not_applied_are_named(tmp_path):
    mkdocs = (
        "site_name: Svc\n"
        "site_description: kept quietly\n"
        "plugins:\n  - techdocs-core\n  - macros\n"
        "hooks:\n  - hooks.py\n"
        "theme:\n  name: readthedocs\n"
        "extra_javascript: [evil.js]\n"
        "markdown_extensions:\n  - admonition\n  - pymdownx.snippets\n"
    )
    root = _repo(tmp_path, mkdocs=mkdocs)
    found = check(None, load_config(root)).findings
    assert [(f.code, f.line, f.column) for f in found] == [
        ("techdocs.ignored-setting", 3, 1),  # plugins: macros
        ("techdocs.ignored-setting", 6, 1),  # hooks
        ("techdocs.ignored-setting", 8, 1),  # theme
        ("techdocs.ignored-setting", 10, 1),  # extra_javascript
        ("techdocs.ignored-setting", 11, 1),  # markdown_extensions: pymdownx.snippets
    ]
    assert all(f.severity is Severity.WARNING for f in found)
    messages = " ".join(f.message for f in found)
    assert "['macros']" in messages and "['pymdownx.snippets']" in messages


def test_yaml_tags_are_never_evaluated_nor_shown(tmp_path):
    mkdocs = "site_name: !ENV [PORTAL_SECRET, 'x']\nnav:\n  - !ENV TITLE: index.md\n"
    root = _repo(tmp_path, mkdocs=mkdocs)
    assert _findings(root) == [
        ("techdocs.yaml-tag", "svc/mkdocs.yml", 1, 12),
        ("techdocs.yaml-tag", "svc/mkdocs.yml", 3, 5),
    ]
    svc = _svc(root)
    assert svc.site_name == "svc"  # the entity's, not the tagged value
    assert svc.nav == []
    assert "PORTAL_SECRET" not in repr(svc.nav)


def test_an_unrenderable_page_is_replaced_not_dropped(tmp_path):
    root = _repo(tmp_path)
    (root / "svc" / "docs" / "index.md").write_text("[" * 5000 + "x" * 5000 + "\n")
    assert _svc(root).pages["index.md"] == NOTICE


def test_pipes_and_link_loops_are_never_read(tmp_path):
    """Git cannot hold them, but a build machine's folder can: reading a FIFO would
    wait forever, a loop of links has no end."""
    root = _repo(tmp_path)
    os.mkfifo(root / "svc" / "docs" / "pipe.txt")
    os.mkfifo(root / "svc" / "pipe.yaml")
    _link(root / "svc" / "docs" / "a.md", "b.md")
    _link(root / "svc" / "docs" / "b.md", "a.md")
    found = check(None, load_config(root)).findings
    assert [(f.code, f.file) for f in found] == [
        ("techdocs.invalid", "svc/docs/a.md"),
        ("techdocs.invalid", "svc/docs/b.md"),
        ("techdocs.skipped-file", "svc/docs/pipe.txt"),
    ]
    assert "loop" in found[0].message


def test_long_values_are_shortened_in_messages_keeping_what_to_do(tmp_path):
    from generator.diagnostics import MAX_MESSAGE

    root = _repo(tmp_path)
    (root / "svc" / "docs" / "index.md").write_text(f"# Svc\n\n[x]({'a' * 20000}.md)\n")
    found = check(None, load_config(root)).findings
    assert [f.code for f in found] == ["techdocs.broken-link"]
    assert len(found[0].message) <= MAX_MESSAGE
    assert found[0].message.endswith("which is not in the docs folder")
