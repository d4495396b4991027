"""Golden files for the generated Markdown of a small catalog.

Regenerate after an intended change with ``UPDATE_GOLDEN=1 make test`` and review the
diff like code.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from generator import load_catalog, load_config
from generator.commands.build import TEMPLATES
from generator.process import Revision
from generator.site import pages
from generator.site.render import environment
from tests.conftest import REPO

GOLDEN = Path(__file__).parent / "golden" / "site"
CATALOG = Path(__file__).parent / "data" / "site_catalog"


def _render() -> dict[str, str]:
    """Markdown pages by docs path, and the bodies of kind and entity pages by site
    path (``.html``)."""
    catalog = load_catalog([CATALOG], load_config(REPO))
    assert catalog.findings == []
    revision = Revision(
        "f" * 40,
        "f" * 12,
        (("2026-11-01T10:00:00+00:00", "tests/data/site_catalog/services.yaml"),),
    )
    maps = frozenset(e.key for e in catalog)
    context = pages.SiteContext(catalog, revision, maps, {})
    env = environment(TEMPLATES / "pages")
    out = pages.render_pages(env, context)
    entities, extra = pages.render_entities(env, context)
    assert sorted(extra) == ["catalog/default/api/ignition-api/definition.txt"]
    shelled = pages.render_kinds(env, context) + entities
    out.update({f"{page.url}index.html": page.body for page in shelled})
    return out


def test_generated_markdown_matches_golden_files():
    rendered = _render()
    if os.environ.get("UPDATE_GOLDEN"):
        for name, text in rendered.items():
            (GOLDEN / name).parent.mkdir(parents=True, exist_ok=True)
            (GOLDEN / name).write_text(text, encoding="utf-8")
    expected = {
        p.relative_to(GOLDEN).as_posix(): p.read_text(encoding="utf-8")
        for p in sorted(GOLDEN.rglob("*"))
        if p.is_file()
    }
    assert sorted(rendered) == sorted(expected)
    for name, text in expected.items():
        assert rendered[name] == text, name


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("a_b*c", r"a\_b\*c"),
        ("<b>x</b>", "&lt;b&gt;x&lt;/b&gt;"),
        ("[x](javascript:y)", r"\[x\]\(javascript:y\)"),
        ("{: onclick=x }", r"\{: onclick=x \}"),
        ("two\nlines", "two lines"),
    ],
)
def test_catalog_text_in_markdown_is_escaped(title, expected):
    from generator.site.render import md_inline

    assert str(md_inline(title)) == expected


@pytest.mark.parametrize(
    ("text", "html"),
    [
        ("One sentence & more.", "<p>One sentence &amp; more.</p>"),
        ("*so* `a<b`", "<p><em>so</em> <code>a&lt;b</code></p>"),
        ("# Title\n\ntext", "<h3>Title</h3>\n<p>text</p>"),
        ("<script>alert(1)</script>", "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>"),
        (
            '<div onclick="x">\n\nhi\n\n</div>',
            '<p>&lt;div onclick="x"&gt;</p>\n<p>hi</p>\n<p>&lt;/div&gt;</p>',
        ),
        # Links to other schemes are not links (CommonMark's reference behaviour).
        ("[x](javascript:alert(1))", "<p>[x](javascript:alert(1))</p>"),
        ("[x]( JaVaScRiPt:alert(1))", "<p>[x]( JaVaScRiPt:alert(1))</p>"),
        ("[x](data:text/html,hi)", "<p>[x](data:text/html,hi)</p>"),
        ("[x](vbscript:msgbox)", "<p>[x](vbscript:msgbox)</p>"),
        ("~~gone~~", "<p><s>gone</s></p>"),
        (
            "| a |\n|---|\n| b |",
            "<table>\n<thead>\n<tr>\n<th>a</th>\n</tr>\n</thead>\n"
            "<tbody>\n<tr>\n<td>b</td>\n</tr>\n</tbody>\n</table>",
        ),
        ("# T\n\n## U\n\n###### V", "<h3>T</h3>\n<h4>U</h4>\n<h6>V</h6>"),
        (
            "![chart](https://x.org/c.png)",
            '<p><a href="https://x.org/c.png" rel="noopener noreferrer">chart</a></p>',
        ),
        (
            "<https://x.org>",
            '<p><a href="https://x.org" rel="noopener noreferrer">https://x.org</a></p>',
        ),
    ],
)
def test_descriptions_are_markdown_without_html(text, html):
    from generator.site.render import prose

    assert str(prose(text)) == html


def test_a_description_too_long_for_markdown_is_plain_text():
    """Past PROSE_LIMIT a description is escaped text in paragraphs, whatever it holds."""
    from generator.site.render import PROSE_LIMIT, prose

    text = "[" * PROSE_LIMIT + "<b>x</b>\n\n**two**"
    assert str(prose(text)) == f"<p>{'[' * PROSE_LIMIT}&lt;b&gt;x&lt;/b&gt;</p>\n<p>**two**</p>"


def test_relpath_agrees_with_posixpath():
    """paths.relpath is a faster posixpath.relpath; every shape of path it is given
    (and some it is not) gives the same answer."""
    import itertools
    import posixpath

    from generator.site import paths

    shapes = ["", ".", "a", "a/", "a/b", "a/b/", "a/c", "b", "a/b/c/d", "x/../a", "./a", "/a"]
    for path, start in itertools.product(shapes, repeat=2):
        if not path or path.startswith("/") != start.startswith("/"):
            continue  # posixpath refuses an empty path, or mixing absolute and relative
        assert paths.relpath(path, start) == posixpath.relpath(path, start or "."), (path, start)


def test_home_says_when_it_lists_only_the_largest_owners():
    catalog = load_catalog(None, load_config(REPO))
    context = pages.SiteContext(catalog, Revision("f" * 40, "f" * 12), frozenset(), {})
    home = pages.render_pages(environment(TEMPLATES / "pages"), context)["index.md"]
    owners = {o for e in catalog for o in e.related("ownedBy")}
    assert len(owners) == 13  # the example organisation: one more than the home page shows
    assert "<p>The 12 owners of the most entities, of 13; every team's page" in home


def test_refs_name_their_kind_where_titles_are_shared():
    """A team and a system both titled "Claims Intake": the facts say which is which."""
    catalog = load_catalog(None, load_config(REPO))
    context = pages.SiteContext(catalog, Revision("f" * 40, "f" * 12, ()), frozenset(), {})
    env = environment(TEMPLATES / "pages")
    entities, _ = pages.render_entities(env, context)
    body = next(p.body for p in entities if p.url.endswith("/component/fnol-service/"))
    assert (
        '<tr><th>Owner</th><td><a href="../../group/claims-intake-team/">Claims Intake</a> '
        '<span class="portal-of-kind">(Group)</span></td></tr>'
    ) in body
    assert (
        '<tr><th>System</th><td><a href="../../system/claims-intake/">Claims Intake</a> '
        '<span class="portal-of-kind">(System)</span></td></tr>'
    ) in body


def _example_bodies() -> dict[str, str]:
    catalog = load_catalog(None, load_config(REPO))
    context = pages.SiteContext(catalog, Revision("f" * 40, "f" * 12, ()), frozenset(), {})
    entities, _ = pages.render_entities(environment(TEMPLATES / "pages"), context)
    return {p.url: p.body for p in entities}


def test_teams_list_members_first_and_their_sub_teams_software_on_request():
    bodies = _example_bodies()
    team = bodies["catalog/default/group/claims-intake-team/"]
    assert team.index('<p class="portal-members"><strong>Members (2):</strong>') < team.index(
        '<h2 id="owns">'
    )
    assert "<th>Members</th>" not in team  # not again under Relations
    department = bodies["catalog/default/group/digital-claims/"]
    assert (
        '<input type="checkbox" id="portal-with-subteams" class="portal-subteams-toggle"> '
        '<label for="portal-with-subteams">Include its sub-teams (Claims Assessment, Claims '
        "Intake, Fraud Analytics): 25 more</label>"
    ) in department
    assert department.count('<tr class="portal-sub-row">') == 25
    assert '<p class="portal-counts portal-counts-own">1 Domain</p>' in department


def test_people_see_what_their_teams_own():
    body = _example_bodies()["catalog/default/user/priya-raman/"]
    assert "(11 through Claims Intake)" in body
    assert '<th class="portal-col-team">Through</th>' in body


def test_sub_teams_walk_ends_on_loops():
    from generator.site.contents import sub_teams

    class Fake:
        def __init__(self, children):
            self.children = children

        def related(self, _):
            return self.children

    catalog = {"a": Fake(["b"]), "b": Fake(["c", "a"]), "c": Fake(["b"])}

    class Cat:
        def get(self, key):
            return catalog.get(key)

    assert sub_teams(Cat(), "a") == ["b", "c"]


def test_sub_team_rows_are_bounded_and_the_rest_counted(monkeypatch):
    from generator.site import contents

    monkeypatch.setattr(contents, "MAX_OTHERS", 10)
    body = _example_bodies()["catalog/default/group/digital-claims/"]
    assert body.count('<tr class="portal-sub-row">') == 10
    assert "And 15 more owned by its sub-teams: each team's page lists them." in body
