"""The site's weight against GitHub Pages' 1 GB limit."""

from __future__ import annotations

from generator.commands.build import build
from generator.config import load_config
from generator.site import weight
from tests.conftest import REPO


def test_a_site_near_the_limit_is_warned_about_with_its_heaviest_parts():
    assert weight.warning({"catalog": 500_000_000, "maps": 200_000_000}) is None
    near = weight.warning({"catalog": 600_000_000, "maps": 150_000_000, "api": 60_000_000})
    assert near == (
        "the site is 810 MB and is near GitHub Pages' limit of 1 GB for a published site "
        "(heaviest: catalog/ 600 MB, maps/ 150 MB, api/ 60 MB); move large TechDocs files "
        "to a file store, or lower techdocs.max_total_bytes"
    )
    over = weight.warning({"catalog": 1_200_000_000})
    assert over is not None and "is over GitHub Pages' limit" in over


def test_folder_bytes_counts_every_file_by_top_level_entry(tmp_path):
    (tmp_path / "a" / "b").mkdir(parents=True)
    (tmp_path / "a" / "b" / "x.html").write_bytes(b"x" * 10)
    (tmp_path / "a" / "y.svg").write_bytes(b"y" * 5)
    (tmp_path / "index.html").write_bytes(b"z" * 3)
    (tmp_path / "link").symlink_to(tmp_path / "a")  # not followed
    assert weight.folder_bytes(tmp_path) == {"a": 15, "index.html": 3, "link": 0}


def test_portal_build_warns_when_the_site_nears_the_limit(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(weight, "PAGES_LIMIT", 1_000_000)  # the example site weighs more
    catalog = REPO / "tests" / "data" / "site_catalog"
    site = tmp_path / "site"
    assert (
        build(load_config(REPO), catalogs=[catalog], site_dir=site, build_dir=tmp_path / "b") == 0
    )
    err = capsys.readouterr().err
    assert "portal: warning: the site is " in err and "GitHub Pages' limit of 0.001 GB" in err
