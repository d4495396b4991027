"""Entity pages put into the theme's shell, and maps drawn in forked workers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from generator import load_catalog, load_config
from generator.errors import BuildError
from generator.site import drawing, search, shell
from tests.conftest import REPO

SHELL_HTML = (
    f"<html><head><title>{shell.TITLE} - Portal</title>"
    f'<meta name="description" content="{shell.DESCRIPTION}"></head><body>'
    f'<span class="md-ellipsis">{shell.TITLE}</span>'
    '<article class="md-content__inner md-typeset"><h1>placeholder</h1></article>'
    "<footer>Built from commit abc</footer></body></html>"
)


def _site(tmp_path: Path, html: str = SHELL_HTML) -> Path:
    for folder in shell.SHELL_DIRS:
        page = tmp_path / folder / "index.html"
        page.parent.mkdir(parents=True)
        page.write_text(html)
    (tmp_path / "search").mkdir()
    (tmp_path / search.SEARCH_INDEX).write_text(
        json.dumps({"config": {}, "docs": [{"location": ""}]})
    )
    return tmp_path


def test_entity_pages_are_the_shell_with_title_description_and_body(tmp_path):
    site = _site(tmp_path)
    entry = search.SearchEntry("Component", "x", "component:x", "component:default/x", "A <x>")
    page = shell.ShellPage(
        "catalog/default/component/x/", 'A <b>"title"</b>', "Desc\n<script>", "<h1>Body</h1>", entry
    )
    shell.write_pages(site, [page])
    html = (site / "catalog/default/component/x/index.html").read_text()
    assert html == (
        "<html><head><title>A &lt;b&gt;&quot;title&quot;&lt;/b&gt; - Portal</title>"
        '<meta name="description" content="Desc &lt;script&gt;"></head><body>'
        '<span class="md-ellipsis">A &lt;b&gt;&quot;title&quot;&lt;/b&gt;</span>'
        '<article class="md-content__inner md-typeset"><h1 id="portal-title">Body</h1></article>'
        "<footer>Built from commit abc</footer></body></html>"
    )
    assert not (site / "catalog" / "_portal").exists()
    docs = json.loads((site / search.SEARCH_INDEX).read_text())["docs"]
    assert docs[-1] == {
        "location": "catalog/default/component/x/",
        "title": 'A &lt;b&gt;"title"&lt;/b&gt;',  # the theme inserts it as HTML
        "text": "A &lt;x&gt;",
        "p": {"k": "Component", "n": "x", "r": "component:x", "f": "component:default/x"},
    }


@pytest.mark.parametrize(
    ("theme", "page"),
    [
        (  # indentation and blank lines go, one newline stays (inline scripts need it)
            "<html>\n  <body>\n    \n    <nav>\n      <a>Home</a>\n    </nav>\n    "
            "<script>var a = 1\n      a++</script>\n",
            "<html>\n<body>\n<nav>\n<a>Home</a>\n</nav>\n<script>var a = 1\na++</script>\n",
        ),
        (  # a part with preformatted text is left alone
            "<html>\n  <body>\n    <pre>a\n   b</pre>\n",
            "<html>\n  <body>\n    <pre>a\n   b</pre>\n",
        ),
    ],
)
def test_the_shell_loses_its_indentation_but_not_preformatted_text(tmp_path, theme, page):
    site = _site(tmp_path, SHELL_HTML.replace("<html>", theme, 1))
    entry = shell.ShellPage("catalog/default/component/x/", "T", "", "<h1>B</h1>", None)
    shell.write_pages(site, [entry])
    written = (site / "catalog/default/component/x/index.html").read_text()
    assert written.startswith(page)


def test_a_theme_without_the_article_fails_the_build_with_a_reason(tmp_path):
    site = _site(tmp_path, f"<html><title>{shell.TITLE}</title><main></main></html>")
    with pytest.raises(BuildError, match=r"theme\.name: material"):
        shell.write_pages(site, [])


def test_maps_drawn_by_forked_workers_equal_maps_drawn_here(monkeypatch, tmp_path):
    catalog = load_catalog([REPO / "catalog"], load_config(REPO))
    monkeypatch.setattr(drawing, "POOL_MIN_MAPS", 10**9)
    serial = drawing.draw_all(catalog, tmp_path / "serial")
    monkeypatch.setattr(drawing, "POOL_MIN_MAPS", 2)
    forked = drawing.Drawing(catalog, tmp_path / "forked")
    assert forked._pool is not None  # the test really exercises the workers
    assert forked.result() == serial
    assert serial[0] == "maps/overview.svg"
    assert len(serial) == len(catalog) + 1
    for name in serial:  # each worker wrote its maps where they belong
        written = (tmp_path / "forked" / name).read_bytes()
        assert written.startswith(b"<?xml")
        assert written == (tmp_path / "serial" / name).read_bytes()


def test_mkdocs_output_joins_the_staged_site(tmp_path):
    """move_into merges folders both trees hold, renames the rest, refuses a clash."""
    from generator.writing import move_into

    def tree(root: Path, files: dict[str, str]) -> Path:
        for name, text in files.items():
            (root / name).parent.mkdir(parents=True, exist_ok=True)
            (root / name).write_text(text)
        return root

    staged = tree(tmp_path / "staged", {"catalog/d/c/x/map.svg": "map", "api/a.json": "{}"})
    rendered = tree(
        tmp_path / "rendered", {"catalog/d/c/x/docs/index.html": "doc", "index.html": "home"}
    )
    move_into(rendered, staged)
    assert not rendered.exists()
    assert sorted(str(p.relative_to(staged)) for p in staged.rglob("*") if p.is_file()) == [
        "api/a.json",
        "catalog/d/c/x/docs/index.html",
        "catalog/d/c/x/map.svg",
        "index.html",
    ]
    clash = tree(tmp_path / "clash", {"api/a.json": "other"})
    with pytest.raises(BuildError, match="same file"):
        move_into(clash, staged)


def test_kind_pages_take_the_shallow_shell_and_stay_out_of_search(tmp_path):
    site = _site(tmp_path)
    deep = SHELL_HTML.replace("<footer>", "<footer>deep ")
    (site / "catalog/_portal/shell/page/index.html").write_text(deep)
    kind = shell.ShellPage("kinds/component/", "Component catalog", "", "<h1>Component</h1>", None)
    found = search.SearchEntry("Component", "x", "component:x", "component:default/x", "")
    entity = shell.ShellPage("catalog/default/component/x/", "X", "", "<h1>X</h1>", found)
    shell.write_pages(site, [kind, entity])
    assert "deep" not in (site / "kinds/component/index.html").read_text()
    assert "deep" in (site / "catalog/default/component/x/index.html").read_text()
    assert not (site / "kinds" / "_portal").exists()
    docs = json.loads((site / search.SEARCH_INDEX).read_text())["docs"]
    assert [d["location"] for d in docs] == ["", "catalog/default/component/x/"]
    with pytest.raises(BuildError, match="no page shell"):
        shell.write_pages(_site(tmp_path / "again"), [shell.ShellPage("a/b/c/", "A", "", "", None)])
