"""Engine independence: the build folder the portal writes (generated Markdown, its page
shells, mkdocs.yml) builds with Zensical, Material's successor, into the same pages.

``portal build`` runs MkDocs; this test runs ``zensical build`` on the same build folder
and compares the page inventory, checks that Zensical's page shells are ones the portal
can fill, and pins down what Zensical does differently (README, "Engines"). Zensical
comes from PyPI (dev dependency); without it the test skips and says so.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from generator.site import shell

pytestmark = pytest.mark.integration
ZENSICAL = Path(sys.executable).with_name("zensical")
MKDOCS = Path(sys.executable).with_name("mkdocs")


def _engine(tool: Path, folder: Path, site: str) -> Path:
    """Run ``tool build --strict`` on a copy of the portal's mkdocs.yml writing to ``site``
    (Zensical wants the site folder inside the project)."""
    config = yaml.safe_load((folder / "mkdocs.yml").read_text())
    config["site_dir"] = str(folder / site)
    (folder / f"{site}.yml").write_text(yaml.safe_dump(config))
    done = subprocess.run(
        [str(tool), "build", "--strict", "-f", str(folder / f"{site}.yml")],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
        env={"PATH": "/usr/bin:/bin", "HOME": str(folder), "NO_MKDOCS_2_WARNING": "1"},
    )
    assert done.returncode == 0, done.stdout + done.stderr
    return folder / site


def _pages(site: Path) -> set[str]:
    return {str(p.relative_to(site)) for p in site.rglob("*.html")}


def test_zensical_builds_the_same_pages_from_the_portals_build_folder(example_site, tmp_path):
    if not ZENSICAL.is_file():
        pytest.skip(f"zensical is not installed ({ZENSICAL}); `make install` installs it")
    folder = tmp_path / "build"
    shutil.copytree(example_site.parent / "build", folder, ignore=shutil.ignore_patterns("map-*"))
    zensical = _engine(ZENSICAL, folder, "zsite")
    mkdocs = _engine(MKDOCS, folder, "msite")
    assert _pages(zensical) == _pages(mkdocs)
    assert len(_pages(mkdocs)) > 40
    # The page shells the portal puts entity pages into: the same article, the marker
    # title, and the portal's overrides (CSP, build stamp, search and a11y scripts).
    for folder_name in shell.SHELL_DIRS:
        page = shell.Shell.read(zensical, folder_name)
        assert "Content-Security-Policy" in page.head and "portal-built" in page.tail
        assert "assets/search.js" in page.tail and "assets/a11y.js" in page.tail
        # Zensical's skip link targets an anchor inside the article the portal fills.
        assert 'href="#__skip"' in page.head and 'id="__skip"' not in page.head + page.tail
    home = (zensical / "index.html").read_text()
    assert '<meta name="generator" content="zensical-' in home  # search.js stays out of its way
    # What Zensical does differently, as the README says: its own search index and
    # worker (the portal adds entities to Material's search/search_index.json), and no
    # gzipped sitemap.
    assert (zensical / "search.json").is_file()
    assert not (zensical / "search" / "search_index.json").exists()
    assert (mkdocs / "search" / "search_index.json").is_file()
    assert not (zensical / "sitemap.xml.gz").exists()


def test_the_generated_config_needs_no_plugin_beyond_the_themes_search(example_site):
    config = yaml.safe_load((example_site.parent / "build" / "mkdocs.yml").read_text())
    assert config["plugins"] == ["search"]
    assert config["theme"]["name"] == "material"
    assert "hooks" not in config
