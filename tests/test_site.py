"""The built site: strict builds, determinism, and no injected markup from catalog text."""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
import yaml

from generator.commands.build import build
from generator.config import load_config
from generator.diagnostics import Severity
from generator.process import FakeRunner, Result
from tests.conftest import REPO

pytestmark = pytest.mark.integration
DATA = Path(__file__).parent / "data"
SHA = "0123456789abcdef0123456789abcdef01234567"


def _runner() -> FakeRunner:
    return FakeRunner({("git", "rev-parse", "HEAD"): Result(0, SHA + "\n")})


def _build(tmp_path: Path, catalog: Path, name: str = "site", config=None) -> Path:
    site = tmp_path / name
    rc = build(
        config or load_config(REPO),
        catalogs=[catalog],
        site_dir=site,
        runner=_runner(),
        build_dir=tmp_path / f"{name}-build",
    )
    assert rc == 0
    return site


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.attrs: list[tuple[str, str, str]] = []
        self.scripts: list[str] = []
        self.tags: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        self.tags.append(tag)
        self._in_script = tag == "script"
        self.attrs += [(tag, k, v or "") for k, v in attrs]

    def handle_data(self, data):
        if self._in_script:
            self.scripts.append(data)

    def handle_endtag(self, tag):
        self._in_script = False


def test_hostile_text_is_inert_on_every_page(tmp_path):
    site = _build(tmp_path, DATA / "hostile")
    pages = sorted(site.rglob("*.html")) + sorted(site.rglob("*.svg"))
    assert len(pages) > 5
    for page in pages:
        parser = _Tags()
        parser.feed(page.read_text(encoding="utf-8"))
        where = page.relative_to(site)
        assert "iframe" not in parser.tags, where
        for tag, name, value in parser.attrs:
            assert not name.startswith("on"), (where, tag, name, value)
            assert not value.strip().lower().startswith(("javascript:", "data:text")), (
                where,
                tag,
                name,
                value,
            )
        assert not any("alert(" in s for s in parser.scripts), where


def test_hostile_text_is_shown_as_text(tmp_path):
    site = _build(tmp_path, DATA / "hostile")
    page = (site / "catalog/default/component/hostile-service/index.html").read_text()
    # The payloads are there for a reader to see, as text.
    assert "&lt;script&gt;alert('description')&lt;/script&gt;" in page
    assert '&lt;iframe src="javascript:alert(4)"&gt;' in page
    # The title is text in the heading, and neutralised where the theme prints it raw.
    assert "&lt;script&gt;alert(&#39;title&#39;)&lt;/script&gt;" in page
    assert '<meta name="description" content="&lt;script&gt;alert(&#x27;description&#x27;)' in page
    assert "<title>&lt;script&gt;alert(&#x27;title&#x27;)&lt;/script&gt;" in page


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


_BUILD_SCRIPT = """
import sys
from pathlib import Path
from generator.commands.build import build
from generator.config import load_config
from generator.process import FakeRunner, Result
repo, catalog, site, build_dir, sha = sys.argv[1:]
runner = FakeRunner({("git", "rev-parse", "HEAD"): Result(0, sha + "\\n")})
sys.exit(build(load_config(Path(repo)), catalogs=[Path(catalog)], site_dir=Path(site),
               runner=runner, build_dir=Path(build_dir)))
"""


def _build_elsewhere(tmp_path: Path, name: str, hash_seed: str) -> Path:
    """A build in its own interpreter: set and dict-of-set iteration order depends on
    the hash seed, which two builds in one process share."""
    site = tmp_path / name
    env = {**os.environ, "PYTHONHASHSEED": hash_seed, "SOURCE_DATE_EPOCH": "1700000000"}
    args = [str(REPO), str(REPO / "catalog"), str(site), str(tmp_path / f"{name}-build"), SHA]
    done = subprocess.run(
        [sys.executable, "-c", _BUILD_SCRIPT, *args],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return site


def test_same_commit_builds_byte_identical_sites(tmp_path):
    first = _build_elsewhere(tmp_path, "one", hash_seed="1")
    second = _build_elsewhere(tmp_path, "two", hash_seed="2")
    assert len(_digest(first)) > 200
    assert _digest(first) == _digest(second)


def test_maps_drawn_while_mkdocs_runs_all_reach_the_site(tmp_path, monkeypatch):
    """Forked workers draw maps while MkDocs builds; MkDocs starts by emptying its
    output folder, so the maps must not be written there. Same site either way."""
    from generator.site import drawing

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    monkeypatch.setattr(drawing, "POOL_MIN_MAPS", 10**9)
    here = _build(tmp_path, REPO / "catalog", "here")
    monkeypatch.setattr(drawing, "POOL_MIN_MAPS", 2)
    monkeypatch.setattr(drawing, "can_fork", lambda: True)  # workers even on one core
    pooled: list[bool] = []
    result = drawing.Drawing.result

    def noting(self):
        pooled.append(self._pool is not None)
        return result(self)

    monkeypatch.setattr(drawing.Drawing, "result", noting)
    forked = _build(tmp_path, REPO / "catalog", "forked")
    assert pooled == [True]  # the workers really drew
    pages = [p.parent for p in (forked / "catalog").glob("*/*/*/index.html")]
    assert len(pages) > 100
    maps = [forked / "maps" / p.relative_to(forked / "catalog").with_suffix(".svg") for p in pages]
    assert [m for m in maps if not m.is_file()] == []
    assert _digest(forked) == _digest(here)


def test_every_page_states_its_commit(tmp_path):
    site = _build(tmp_path, DATA / "hostile")
    for page in site.rglob("*.html"):
        assert f"Built from commit <code>{SHA[:12]}</code>" in page.read_text(), page


def test_static_api_has_every_entity_with_relations(tmp_path):
    import json

    site = _build(tmp_path, DATA / "hostile")
    catalog = json.loads((site / "api/catalog.json").read_text())
    assert catalog["commit"] == SHA
    refs = sorted(f"{e['kind']}:{e['metadata']['name']}" for e in catalog["items"])
    assert refs == ["API:hostile-api", "Component:hostile-service", "Group:hostile-team"]
    one = json.loads((site / "api/entities/default/component/hostile-service.json").read_text())
    assert {"type": "providesApi", "targetRef": "api:default/hostile-api"} in one["relations"]
    # The listing leaves definitions to each API's own file, and says so.
    assert catalog["omitted"] == ["spec.definition"]
    listed = next(e for e in catalog["items"] if e["kind"] == "API")
    api = json.loads((site / "api/entities/default/api/hostile-api.json").read_text())
    assert "definition" not in listed["spec"] and api["spec"]["definition"]
    assert {**listed, "spec": {**listed["spec"], "definition": api["spec"]["definition"]}} == api
    graph = json.loads((site / "api/graph.json").read_text())
    assert {
        "source": "api:default/hostile-api",
        "target": "group:default/hostile-team",
        "type": "ownedBy",
    } in graph["edges"]


def test_invalid_catalog_writes_nothing(tmp_path, capsys):
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "x.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: x\nspec: {}\n"
    )
    site = tmp_path / "site"
    site.mkdir()
    (site / "keep.html").write_text("previous site")
    rc = build(
        load_config(REPO),
        catalogs=[bad],
        site_dir=site,
        runner=_runner(),
        build_dir=tmp_path / "build",
    )
    assert rc == 1
    assert "schema.required" in capsys.readouterr().out
    assert [p.name for p in site.iterdir()] == ["keep.html"]


def test_backstage_examples_build(tmp_path, conformance):
    # The examples hold four refs that really dangle; a portal would list them as warnings.
    config = dataclasses.replace(load_config(REPO), severity={"ref.dangling": Severity.WARNING})
    site = _build(tmp_path, conformance / "backstage" / "examples", config=config)
    assert (site / "catalog/default/component/petstore/index.html").is_file()


def test_validate_and_build_agree_on_a_broken_docs_link(tmp_path, capsys):
    from generator.commands.validate import validate

    service = tmp_path / "catalog" / "svc"
    (service / "docs").mkdir(parents=True)
    (service / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n"
        "  annotations:\n    backstage.io/techdocs-ref: dir:.\n"
        "spec:\n  type: service\n  lifecycle: production\n  owner: user:someone\n"
    )
    (service / "mkdocs.yml").write_text("site_name: Svc\n")
    (service / "docs" / "index.md").write_text("# Svc\n\nSee [the runbook](runbook.md).\n")
    config = dataclasses.replace(load_config(REPO), severity={"ref.dangling": Severity.OFF})
    assert validate([tmp_path / "catalog"], config) == 1
    assert "error[techdocs.broken-link]" in capsys.readouterr().out
    site = tmp_path / "site"
    rc = build(
        config,
        catalogs=[tmp_path / "catalog"],
        site_dir=site,
        runner=_runner(),
        build_dir=tmp_path / "build",
    )
    assert rc == 1
    assert "techdocs.broken-link" in capsys.readouterr().out
    assert not site.exists()


def test_broken_docs_links_made_warnings_still_build(tmp_path):
    """portal.yaml may lower techdocs.broken-link; MkDocs builds strictly, so the
    published page must not keep the dead links (found on backstage/demo's docs)."""
    service = tmp_path / "catalog" / "svc"
    (service / "docs" / "files").mkdir(parents=True)
    (service / "catalog-info.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata:\n  name: svc\n"
        "  annotations:\n    backstage.io/techdocs-ref: dir:.\n"
        "spec:\n  type: service\n  lifecycle: production\n  owner: user:someone\n"
    )
    (service / "mkdocs.yml").write_text("site_name: Svc\n")
    (service / "docs" / "files" / "setup.py").write_text("print('hi')\n")
    (service / "docs" / "index.md").write_text(
        "# Svc\n\nSee [the runbook](runbook.md) and [the script](files/setup.py).\n\n"
        "`[in code](gone.md)` stays as written.\n"
    )
    severity = {"ref.dangling": Severity.OFF, "techdocs.broken-link": Severity.WARNING}
    config = dataclasses.replace(load_config(REPO), severity=severity)
    site = _build(tmp_path, tmp_path / "catalog", config=config)
    page = (site / "catalog/default/component/svc/docs/index.html").read_text()
    assert 'href="#"' in page and "runbook.md" not in page and "setup.py" not in page
    assert "[in code](gone.md)" in page


@pytest.mark.parametrize(
    ("target", "code"),
    [
        ("./missing.yaml", "placeholder.missing"),
        ("../../../../etc/passwd", "location.outside-repo"),
    ],
)
def test_api_definition_not_read_still_builds_when_made_a_warning(tmp_path, target, code):
    """Found by running the portal on catalogs from the wild: with the placeholder's
    finding lowered to a warning, the page said nothing of its definition but crashed."""
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "api.yaml").write_text(
        "apiVersion: backstage.io/v1alpha1\nkind: API\nmetadata:\n  name: demo-api\n"
        "spec:\n  type: openapi\n  lifecycle: production\n  owner: user:someone\n"
        f"  definition:\n    $text: {target}\n"
    )
    severity = {"ref.dangling": Severity.OFF, code: Severity.WARNING}
    config = dataclasses.replace(load_config(REPO), severity=severity)
    site = _build(tmp_path, catalog, config=config)
    page = (site / "catalog/default/api/demo-api/index.html").read_text()
    assert f"<code>{target}</code>, which could not be read" in page


def test_a_rebuild_lays_out_no_unchanged_map(tmp_path, monkeypatch):
    """Maps are cached in the build folder by what they draw: a second build of the
    same catalog lays out none and gives the same site; what it did not use leaves."""
    from generator.site import layout

    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1700000000")
    first = _digest(_build(tmp_path, REPO / "catalog", "site"))
    cache = tmp_path / "site-build" / "map-cache"
    maps = [name for name in first if name.startswith("maps/") and name.endswith(".svg")]
    assert len(list(cache.glob("*/*.svg"))) == len(maps) > 100
    stale = cache / "00" / ("0" * 64 + ".svg")
    stale.parent.mkdir(exist_ok=True)
    stale.write_bytes(b"<svg/>")

    def no_layout(dot: str) -> bytes:
        raise AssertionError("a map was laid out again")

    monkeypatch.setattr(layout, "render_svg", no_layout)
    assert _digest(_build(tmp_path, REPO / "catalog", "site")) == first
    assert not stale.exists()
    assert len(list(cache.glob("*/*.svg"))) == len(maps)


def test_home_lists_entities_changed_in_the_catalogs_history(tmp_path):
    """The history asked of git is the catalog folders': in a repository that also
    holds code, the last commits may not touch the catalog (the home page of a fresh
    clone of this repository once listed nothing)."""
    log = (
        "git",
        "log",
        "-n",
        "40",
        "--name-only",
        "--format=@%cI",
        SHA,
        "--",
        "catalog",
        "golden_paths",
    )
    runner = FakeRunner(
        {
            ("git", "rev-parse", "HEAD"): Result(0, SHA + "\n"),
            log: Result(
                0, "@2026-11-20T09:00:00+00:00\ncatalog/claims/fnol-service/catalog-info.yaml\n"
            ),
        }
    )
    site = tmp_path / "site"
    rc = build(load_config(REPO), site_dir=site, runner=runner, build_dir=tmp_path / "build")
    assert rc == 0 and log in runner.calls
    home = (site / "index.html").read_text()
    assert "Recently changed" in home and "2026-11-20" in home and "FNOL Service" in home


def _generated_mkdocs_yml(tmp_path: Path, mkdocs_yml: str | None) -> str:
    """The mkdocs.yml the build would run for a repository with this mkdocs.yml (None:
    without one)."""
    from generator.process import Revision
    from generator.site import mkdocs_config

    root = tmp_path / "repo"
    root.mkdir()
    if mkdocs_yml is not None:
        (root / "mkdocs.yml").write_text(mkdocs_yml)
    return mkdocs_config.build_config(
        load_config(root),
        site_dir=tmp_path / "site",
        nav=[],
        revision=Revision("unknown", "unknown"),
        built="2026-11-22 00:00 UTC",
        templates=REPO / "site_templates",
    )


def test_mkdocs_yml_may_name_its_theme_as_a_string(tmp_path):
    """MkDocs accepts 'theme: material'; the generated config used to fail on it."""
    text = _generated_mkdocs_yml(tmp_path, "site_name: Short form\ntheme: material\n")
    assert "name: material" in text and "font: false" in text


@pytest.mark.parametrize(
    ("mkdocs_yml", "features"),
    [
        # No mkdocs.yml: the portal's own theme choices.
        (None, None),
        ("site_name: Bare\n", None),
        # The repository's choices are kept; the tabs, the only way off an entity page,
        # are added.
        (
            "site_name: Own\ntheme:\n  name: material\n  features: [navigation.top]\n",
            ["navigation.top", "navigation.tabs"],
        ),
        (
            "site_name: Own\ntheme:\n  name: material\n  features: [navigation.tabs]\n",
            ["navigation.tabs"],
        ),
    ],
)
def test_theme_always_has_navigation_tabs(tmp_path, mkdocs_yml, features):
    from generator.site import mkdocs_config

    theme = yaml.safe_load(_generated_mkdocs_yml(tmp_path, mkdocs_yml))["theme"]
    assert theme["name"] == "material"
    assert theme["features"] == (features or mkdocs_config.DEFAULT_FEATURES)


def test_default_theme_is_this_repositorys_theme():
    from generator.site import mkdocs_config

    ours = yaml.safe_load((REPO / "mkdocs.yml").read_text())["theme"]["features"]
    assert ours == mkdocs_config.DEFAULT_FEATURES


def test_search_finds_entities_by_their_descriptions_as_text(tmp_path):
    site = _build(tmp_path, DATA / "site_catalog")
    page = (site / "catalog/default/system/countdown/index.html").read_text()
    assert '<meta name="description" content="Counts down to lift-off; see the launch' in page
    index = json.loads((site / "search" / "search_index.json").read_text())
    entry = next(d for d in index["docs"] if d["location"] == "catalog/default/system/countdown/")
    assert entry["title"] == "Countdown"
    # The Markdown is rendered to text: no '**', no link syntax, raw HTML escaped (the
    # theme's text field is HTML).
    assert entry["text"] == (
        "Counts down to lift-off; see the launch manual. countdown clock "
        '[never](javascript:alert(1)) &lt;b onclick="alert(2)"&gt;bold?&lt;/b&gt;'
    )
    # What the portal's worker ranks and shows by: kind, name, ref, owner, type.
    assert entry["p"] == {
        "k": "System",
        "n": "countdown",
        "r": "system:countdown",
        "f": "system:default/countdown",
        "o": "Team Rocket",
        "ok": "Group",
    }


def test_the_home_pages_title_is_the_site_name_once(tmp_path):
    site = _build(tmp_path, DATA / "site_catalog")
    assert "<title>Meridian Mutual Developer Portal</title>" in (site / "index.html").read_text()
