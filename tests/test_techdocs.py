"""TechDocs: reading sites offline, exact findings, safe publishing, a strict MkDocs build."""

from __future__ import annotations

import importlib
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator import load_catalog, load_config
from generator.diagnostics import CODES, Severity
from generator.site import markdown_safety
from generator.site.docs_pages import page_header, publish
from generator.site.markdown_safety import MARKDOWN_EXTENSIONS
from generator.site.techdocs import NOTICE, collect
from generator.writing import write_files
from tests.conftest import REPO

DATA = Path(__file__).parent / "data" / "techdocs"
GOOD = "catalog/default/component/good-service/docs"
HOSTILE = "catalog/default/component/hostile-docs/docs"


def _fixtures():
    return collect(load_catalog([DATA], load_config(DATA)))


def _site(sites, name):
    return next(s for s in sites if s.key == f"component:default/{name}")


def _tmp_repo(tmp_path: Path, pages: dict[str, str | bytes], mkdocs: str = "site_name: Tmp\n"):
    """A repository in ``tmp_path`` with one component in svc/, its ``pages`` in svc/docs/."""
    svc = tmp_path / "svc"
    svc.mkdir(parents=True, exist_ok=True)
    (svc / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: tmp\n"
        "  annotations:\n    backstage.io/techdocs-ref: dir:.\n"
        "spec:\n  type: service\n  lifecycle: production\n  owner: nobody\n"
    )
    (svc / "mkdocs.yml").write_text(mkdocs)
    for name, content in pages.items():
        path = svc / "docs" / name
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content)
    return collect(load_catalog([tmp_path], load_config(tmp_path)))


# --- the real catalog -----------------------------------------------------------------


def test_real_catalog_has_four_sites_and_no_findings():
    sites, findings = collect(load_catalog(None, load_config(REPO)))
    assert findings == []
    assert [s.key for s in sites] == [
        "component:default/claims-assessment-service",
        "component:default/fnol-service",
        "component:default/payments-service",
        "component:default/quote-engine",
    ]
    for site in sites:
        assert site.files == ["architecture.md", "index.md", "runbook.md"]
        assert site.nav == [
            ("Overview", "index.md"),
            ("Architecture", "architecture.md"),
            ("Runbook", "runbook.md"),
        ]
        for rel in site.files:  # nothing to clean: published as written
            assert site.pages[rel] == (site.docs_dir / rel).read_text(encoding="utf-8")


# --- findings -------------------------------------------------------------------------


def test_fixture_findings_are_exact():
    _, findings = _fixtures()
    got = [(f.code, f.file, f.line, f.column) for f in findings]
    assert got == [
        ("techdocs.broken-link", "broken/site/mkdocs.yaml", 5, 11),  # nav: gone.md
        ("techdocs.broken-link", "broken/site/mkdocs.yaml", 7, 19),  # nav: old/page.md
        ("techdocs.broken-link", "broken/site/mkdocs.yaml", 10, 13),  # nav: javascript:
        ("techdocs.broken-link", "broken/site/pages/index.md", 3, 24),  # [..](gone.md)
        ("techdocs.broken-link", "broken/site/pages/index.md", 4, 18),  # ![..](img/nope.png)
        ("techdocs.broken-link", "broken/site/pages/index.md", 6, 52),  # ../../ leaves docs
        ("techdocs.broken-link", "broken/site/pages/index.md", 10, 23),  # (setup.sh): skipped
        ("techdocs.skipped-file", "broken/site/pages/setup.sh", 1, 1),
        ("techdocs.ignored-setting", "good/mkdocs.yml", 4, 1),  # pymdownx.emoji
        ("techdocs.yaml-tag", "good/mkdocs.yml", 6, 24),  # !!python/name: never evaluated
        ("techdocs.unsafe", "hostile/docs/broken-fence.md", 1, 1),  # replaced by NOTICE
        ("techdocs.skipped-file", "hostile/docs/evil.html", 1, 1),
        ("techdocs.unsafe", "hostile/docs/index.md", 1, 1),  # first line with removed HTML
        ("techdocs.skipped-file", "hostile/docs/logo.svg", 1, 1),
        ("techdocs.missing", "refs/catalog-info.yaml", 6, 32),  # no mkdocs.yml
        ("techdocs.outside-repo", "refs/catalog-info.yaml", 17, 32),  # dir:../../..
        ("techdocs.remote", "refs/catalog-info.yaml", 28, 32),  # url:
        ("techdocs.invalid", "refs/catalog-info.yaml", 39, 32),  # neither dir: nor url:
        ("techdocs.missing", "refs/catalog-info.yaml", 50, 32),  # no docs/ folder
    ]
    severities = {f.code: f.severity for f in findings}
    assert severities["techdocs.remote"] is Severity.WARNING  # not a failure
    assert severities["techdocs.unsafe"] is Severity.WARNING
    assert severities["techdocs.skipped-file"] is Severity.INFO


def test_finding_messages_say_what_is_wrong():
    _, findings = _fixtures()
    messages = {(f.file, f.line): f.message for f in findings}
    assert messages[("broken/site/pages/index.md", 3)] == (
        "the link 'gone.md' points at 'gone.md', which is not in the docs folder"
    )
    assert "leaves the docs folder" in messages[("broken/site/pages/index.md", 6)]
    assert messages[("hostile/docs/broken-fence.md", 1)] == (
        "not published: once rendered, the page holds a <script> element, which the portal "
        "does not allow; rewrite that part in plain Markdown"
    )
    assert messages[("broken/site/pages/index.md", 10)] == (
        "the link 'setup.sh' points at 'setup.sh', a file the portal does not publish: "
        "'.sh' files are not (pages, images, PDF and data files are); link to it in the "
        "repository instead"
    )
    assert messages[("hostile/docs/logo.svg", 1)] == (
        "not published: SVG and HTML files can run scripts when opened on the portal's "
        "site; use PNG"
    )
    assert messages[("refs/catalog-info.yaml", 6)] == "'refs' has no mkdocs.yml; add one"
    assert "outside the repository" in messages[("refs/catalog-info.yaml", 17)]


def test_every_techdocs_code_is_registered():
    assert {c for c in CODES if c.startswith("techdocs.")} == {
        "techdocs.missing",
        "techdocs.invalid",
        "techdocs.remote",
        "techdocs.broken-link",
        "techdocs.outside-repo",
        "techdocs.unsafe",
        "techdocs.skipped-file",
        "techdocs.outside-docs",
        "techdocs.unsafe-file",
        "techdocs.too-large",
        "techdocs.ignored-setting",
        "techdocs.yaml-tag",
    }


def test_portal_yaml_severities_apply(tmp_path):
    (tmp_path / "portal.yaml").write_text("severity:\n  techdocs.broken-link: warning\n")
    _, findings = _tmp_repo(tmp_path, {"index.md": "[x](nowhere.md)\n"})
    assert [(f.code, f.severity) for f in findings] == [("techdocs.broken-link", Severity.WARNING)]


def test_invalid_mkdocs_yaml_is_located_in_mkdocs_yml(tmp_path):
    _, findings = _tmp_repo(tmp_path, {"index.md": "# Hi\n"}, mkdocs="site_name: [unclosed\n")
    assert [(f.code, f.file, f.line) for f in findings] == [
        ("techdocs.invalid", "svc/mkdocs.yml", 2)
    ]


def test_docs_dir_outside_the_repository_is_located_at_docs_dir(tmp_path):
    _, findings = _tmp_repo(tmp_path, {}, mkdocs="site_name: Tmp\ndocs_dir: ../../elsewhere\n")
    assert [(f.code, f.file, f.line, f.column) for f in findings] == [
        ("techdocs.outside-repo", "svc/mkdocs.yml", 2, 11)
    ]


def test_links_out_of_the_repository_are_not_published(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.txt").write_text("secret\n")
    repo = tmp_path / "repo"
    repo.mkdir()
    (repo / "svc" / "docs").mkdir(parents=True)
    (repo / "svc" / "docs" / "leak.txt").symlink_to(outside / "secret.txt")
    sites, findings = _tmp_repo(repo, {"index.md": "# Home\n"})
    assert [(f.code, f.file) for f in findings] == [("techdocs.outside-repo", "svc/docs/leak.txt")]
    assert sites[0].files == ["index.md"]


# --- files, nav and publishing --------------------------------------------------------


def test_good_site_files_and_generated_nav():
    sites, _ = _fixtures()
    good = _site(sites, "good-service")
    assert good.site_name == "Good Service"
    # hidden files and folders are skipped; files are sorted
    assert good.files == [
        "guide/index.md",
        "guide/setup.md",
        "img/diagram.png",
        "index.md",
        "notes_without-heading.md",
    ]
    # index.md first, then by path; titles from "# " headings or the file name
    assert good.nav == [
        ("Good Service", "index.md"),
        ("Guide", "guide/index.md"),
        ("Setting up", "guide/setup.md"),
        ("Notes without heading", "notes_without-heading.md"),
    ]


def test_nav_from_mkdocs_yml_keeps_sections_and_drops_missing_pages():
    sites, _ = _fixtures()
    broken = _site(sites, "broken-links")
    assert broken.nav == [
        ("Home", "index.md"),
        ("Section", [("Example", "https://example.com/")]),
        ("Broken links", "index.md"),  # an entry without a title takes the page's heading
    ]


def test_publish_good_site_copies_files_unchanged():
    sites, _ = _fixtures()
    good = _site(sites, "good-service")
    published = publish(good)
    assert list(published) == [f"{GOOD}/{rel}" for rel in good.files]
    for rel in good.files:
        source = (DATA / "good/docs" / rel).read_bytes()
        if rel.endswith(".md"):  # each page starts with the site's own navigation
            source = page_header(good, rel, "").encode() + source
            assert published[f"{GOOD}/{rel}"] == source
        else:  # copied by streaming from the checked file, not read into memory
            assert published[f"{GOOD}/{rel}"] == (DATA / "good/docs" / rel).resolve()


def test_publish_hostile_site_strips_html_attributes_and_script_links():
    sites, _ = _fixtures()
    hostile = _site(sites, "hostile-docs")
    assert hostile.site_name == "Hostile Docs"
    published = publish(hostile)
    assert list(published) == [f"{HOSTILE}/broken-fence.md", f"{HOSTILE}/index.md"]
    assert published[f"{HOSTILE}/index.md"].decode() == page_header(hostile, "index.md", "") + (
        "# Hostile docs\n\n\n\n\n\n"
        "A [link](#) and [another](#) and ![img](#).\n\n"
        "Clickable paragraph\n\n\n"
        "Split \n tag, \nand a link.\n\n"
        "Safe: `<script>` in code, <https://example.com>, [ok](https://example.com)"
        " and `List<String>`.\n\n"
        "[ref]: #\n\n"
        "```html\n<script>kept as code</script>\n```\n"
    )
    # "```!!!" is not a fence to MkDocs: the script would run, so the page is replaced
    header = page_header(hostile, "broken-fence.md", "")
    assert published[f"{HOSTILE}/broken-fence.md"].decode() == header + NOTICE  # not html, svg


@pytest.mark.parametrize(
    ("source", "published"),
    [
        ("<script>alert(1)</script>\n", "\n"),
        ("a <img src=x onerror=alert(1)> b\n", "a  b\n"),
        ("[x](javascript:alert(1))\n", "[x](#)\n"),
        ("[x]( JAVA&#x53;cript:alert(1) )\n", "[x]( # )\n"),
        ("![x](data:text/html;base64,PHNjcmlwdD4=)\n", "![x](#)\n"),
        ('Para\n{: onclick="x" }\n', "Para\n\n"),
        ('Para\n{ "x" onclick=alert(1) }\n', "Para\n\n"),
        ("## Head {#id .c onclick=x}\n", "## Head \n"),
        ("<!-- <script>x</script> -->ok\n", "ok\n"),
        ("<scr<script>x</script>ipt>alert(1)</script>\n", "alert(1)\n"),
        (
            "# Hi &lt;/title&gt;&lt;img src=x onerror=alert(1)&gt;\n",
            "# Hi /titleimg src=x onerror=alert(1)\n",
        ),
        ("---\ntitle: x\ndescription: '\"><script>'\n---\n# T\n", "\n\n\n\n# T\n"),
        ("Description: x\n", "\nDescription: x\n"),  # not MkDocs meta data
        (
            "`<b>` and <https://example.com> and {==mark==} and /users/{id}\n",
            "`<b>` and <https://example.com> and {==mark==} and /users/{id}\n",
        ),
    ],
)
def test_untrusted_markdown_is_cleaned(tmp_path, source, published):
    sites, _ = _tmp_repo(tmp_path, {"index.md": source})
    assert sites[0].pages["index.md"] == published


def test_unsafe_markdown_is_reported_once_per_page_at_its_first_line(tmp_path):
    _, findings = _tmp_repo(tmp_path, {"page.md": "# Ok\n\nfine\n\n<b>x</b>\n<i>y</i>\n"})
    assert [(f.code, f.file, f.line) for f in findings] == [
        ("techdocs.unsafe", "svc/docs/page.md", 5)
    ]
    assert "on 2 line(s)" in findings[0].message


@pytest.mark.parametrize(
    ("page", "reason"),
    [
        # Python-Markdown searches to the paragraph's end for each unclosed '[' or '('.
        ("# Hi\n\n" + "[" * 20_000 + "\n", "so many unclosed '[' or '('"),
        ("[a](" * 5_000 + "\n", "so many unclosed '[' or '('"),
        # ... and for closers of '~', '^', '`': 40,000 characters in one paragraph.
        ("~a" * 20_000 + "\n", "paragraphs too long to render"),
        # It recurses per nesting level, and fails near 300.
        ("- " * 100 + "deep\n", "lists or quotes nested 100 deep on line 1"),
        ("".join("    " * i + "- x\n" for i in range(70)), "lists or quotes nested 65 deep"),
    ],
)
def test_pages_too_costly_to_render_are_not_published(tmp_path, page, reason):
    sites, findings = _tmp_repo(tmp_path, {"index.md": page})
    assert [(f.code, f.file, f.line) for f in findings] == [
        ("techdocs.unsafe", "svc/docs/index.md", 1)
    ]
    assert findings[0].message.startswith(f"not published: {reason}")
    assert sites[0].pages["index.md"] == NOTICE


def test_long_pages_of_ordinary_markdown_are_published(tmp_path):
    """The limits leave room: escaped and closed brackets, long tables, long lists and
    code of any length are fine."""
    table = "| a | b |\n|---|---|\n" + "| [x](https://x.org) | `~a` ^b |\n" * 3_000
    items = "".join(
        f"- item {i} with a [link](https://x.org/{i}) and ~tilde\n" for i in range(3_000)
    )
    code = "```\n" + "[(~^`" * 50_000 + "\n```\n"
    escaped = "\\[" * 5_000 + "\n"
    page = "\n\n".join([table, items, code, escaped])
    sites, findings = _tmp_repo(tmp_path, {"index.md": page})
    assert findings == []
    assert sites[0].pages["index.md"] == page


def test_titles_are_plain_text(tmp_path):
    sites, _ = _tmp_repo(
        tmp_path,
        {"index.md": "# A &lt;b&gt; & <i>B</i>\n"},
        mkdocs="site_name: 'Tmp <img src=x onerror=y> & Co'\nnav:\n  - <b>Home</b>: index.md\n",
    )
    assert sites[0].site_name == "Tmp & Co"  # escaped once, where it is output
    assert sites[0].nav == [("Home", "index.md")]
    header = page_header(sites[0], "index.md", "")
    assert "Tmp &amp; Co" in header and "&amp;amp;" not in header


def test_nav_links_must_be_plain_http_urls(tmp_path):
    mkdocs = (
        "site_name: Tmp\nnav:\n  - Home: index.md\n"
        "  - Quote: 'https://example.com/\" onmouseover=\"alert(1)'\n"
        "  - Mail: mailto:docs@example.com\n"
        "  - Ok: https://example.com/a?b=c#d\n"
    )
    sites, findings = _tmp_repo(tmp_path, {"index.md": "# Home\n"}, mkdocs=mkdocs)
    assert sites[0].nav == [("Home", "index.md"), ("Ok", "https://example.com/a?b=c#d")]
    assert [(f.code, f.line) for f in findings] == [
        ("techdocs.broken-link", 4),
        ("techdocs.broken-link", 5),
    ]


def test_markdown_extensions_exist_and_exclude_unsafe_ones():
    names = [e if isinstance(e, str) else next(iter(e)) for e in MARKDOWN_EXTENSIONS]
    assert not {"attr_list", "md_in_html", "pymdownx.snippets", "pymdownx.extra"} & set(names)
    for name in names:
        module = name if "." in name else f"markdown.extensions.{name}"
        assert hasattr(importlib.import_module(module), "makeExtension"), name
    yaml.safe_dump(MARKDOWN_EXTENSIONS)  # plain data, no !!python tags needed


def test_sanitised_page_renders_without_scripts_or_handlers():
    sites, _ = _fixtures()
    page = _site(sites, "hostile-docs").pages["index.md"]
    rendered = markdown_safety.renderer().reset().convert(page)
    assert "<script>" not in rendered.replace("&lt;script&gt;", "")
    for needle in ("onerror", "onclick", "javascript:", "data:text"):
        assert needle not in rendered.lower()


# --- a strict MkDocs build ------------------------------------------------------------


@pytest.mark.integration
def test_real_and_fixture_sites_build_with_mkdocs_strict(tmp_path):
    docs = tmp_path / "docs"
    docs.mkdir()
    (docs / "index.md").write_text("# Portal\n")
    sites, _ = collect(load_catalog(None, load_config(REPO)))
    fixture_sites, _ = _fixtures()
    sites += [_site(fixture_sites, "good-service"), _site(fixture_sites, "hostile-docs")]
    # a page outside the nav takes its title from its H1 and front matter: MkDocs puts
    # both into <title> and <meta> unescaped
    orphan = "---\ndescription: '\"><script>alert(1)</script>'\n---\n"
    orphan += "# Hi &lt;/title&gt;&lt;img src=x onerror=alert(2)&gt;\n"
    tmp_sites, _ = _tmp_repo(
        tmp_path / "repo",
        {"index.md": "# Tmp\n", "orphan.md": orphan},
        mkdocs="site_name: Tmp\nnav:\n  - index.md\n",
    )
    sites += tmp_sites
    for site in sites:
        write_files(docs, publish(site))  # pages link to each other; MkDocs checks those
    config = {
        "site_name": "TechDocs check",
        "theme": {"name": "material"},
        "markdown_extensions": MARKDOWN_EXTENSIONS,
        "nav": [{"Home": "index.md"}],
    }
    (tmp_path / "mkdocs.yml").write_text(yaml.safe_dump(config, sort_keys=False))
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    result = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-f", "mkdocs.yml"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    site = tmp_path / "site"
    assert (site / "catalog/default/component/fnol-service/docs/runbook/index.html").is_file()
    assert (site / GOOD / "img/diagram.png").is_file()
    for page in (f"{HOSTILE}/index.html", "catalog/default/component/tmp/docs/orphan/index.html"):
        parser = _Markup()
        parser.feed((site / page).read_text())
        assert not [a for a in parser.attrs if a[0].startswith("on")], page
        assert not [a for a in parser.attrs if "javascript:" in a[1].lower()], page
        assert not [t for t in parser.scripts if "alert(" in t], page
        assert ("src", "x") not in parser.attrs, page  # the payloads' <img src=x>


class _Markup(HTMLParser):
    """Every tag, attribute and inline script of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[tuple[str, str]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.attrs += [(name, value or "") for name, value in attrs]
        self._in_script = tag == "script"

    def handle_endtag(self, tag):
        self._in_script = False

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)


def test_every_page_starts_with_its_sites_navigation():
    sites, _ = _fixtures()
    good = _site(sites, "good-service")
    # Back to the entity page (the folder above docs/), every page of the site in nav
    # order, the current one in bold; catalog text escaped for Markdown and HTML.
    assert page_header(good, "guide/setup.md", "Good <Service>") == (
        '---\ntitle: "Setting up · Good Service"\nhide:\n  - navigation\n---\n\n'
        "[Good &lt;Service&gt;](../../../) › [Good Service](../index.md) · "
        "[Guide](index.md) · **Setting up** · [Notes without heading](../notes_without-heading.md)"
        "\n\n"
    )
    assert page_header(good, "index.md", "E").startswith(
        '---\ntitle: "Good Service"\nhide:\n  - navigation\n---\n\n[E](../) › **Good Service** · '
    )


# --- found in real docs (backstage/demo, redhat-developer/rhdh, one-platform) -----------


def test_a_code_block_with_a_file_name_is_published(tmp_path):
    page = '# Svc\n\n```yaml title="app-config.yaml"\napp:\n  title: Svc\n```\n'
    sites, findings = _tmp_repo(tmp_path, {"index.md": page})
    assert [f for f in findings if f.code != "ref.dangling"] == []
    assert sites[0].pages["index.md"] == page


def test_front_matter_is_dropped_quietly_and_gives_the_title(tmp_path):
    page = "---\ntitle: Service overview\nsidebar_label: Overview\n---\n\n# Svc\n\nText.\n"
    sites, findings = _tmp_repo(tmp_path, {"index.md": page, "other.md": "# Other\n"})
    assert findings == []
    assert "sidebar_label" not in sites[0].pages["index.md"]
    assert sites[0].nav[0] == ("Service overview", "index.md")


def test_a_large_sites_header_lists_its_sections_and_neighbours(tmp_path):
    """Listing every page on every page grows with the square of the site's size; past
    HEADER_ALL_PAGES a page links the top level, then the previous and next page."""
    from generator.site.docs_pages import HEADER_ALL_PAGES
    from generator.site.techdocs import TechDocsSite

    guide = [(f"Step {i}", f"guide/step-{i}.md") for i in range(HEADER_ALL_PAGES)]
    site = TechDocsSite(
        key="component:default/big",
        site_name="Big",
        docs_dir=tmp_path,
        files=[],
        nav=[("Home", "index.md"), ("Guide", guide), ("Elsewhere", "https://x.org")],
    )
    assert page_header(site, "guide/step-3.md", "Big Service").endswith(
        "[Big Service](../../../) › [Home](../index.md) · [Guide](step-0.md)"
        " · [All 13 pages](../../docs-contents.md)"
        " | ← [Step 2](step-2.md) | [Step 4](step-4.md) →\n\n"
    )
    assert page_header(site, "index.md", "Big Service").endswith(
        "[Big Service](../) › **Home** · [Guide](guide/step-0.md)"
        " · [All 13 pages](../docs-contents.md) | [Step 0](guide/step-0.md) →\n\n"
    )
    last = f"guide/step-{HEADER_ALL_PAGES - 1}.md"
    assert page_header(site, last, "B").endswith(
        f" | ← [Step {HEADER_ALL_PAGES - 2}](step-{HEADER_ALL_PAGES - 2}.md)\n\n"
    )
