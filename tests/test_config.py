"""portal.yaml and the keys reused from mkdocs.yml: defaults, warnings for unknown keys,
errors for wrong types, and the settings' effect on validation."""

from __future__ import annotations

from pathlib import Path

import pytest

from generator import load_catalog, load_config
from generator.cli import main
from generator.config import CatalogConfig, SiteConfig
from generator.diagnostics import Severity
from generator.errors import ConfigError

POSITIVE = "must be a positive whole number"
COMPONENT = """\
apiVersion: backstage.io/v1alpha1
kind: Component
metadata:
  name: svc
spec:
  type: service
  lifecycle: production
  owner: {owner}
"""


@pytest.fixture(autouse=True)
def _no_github_env(monkeypatch):
    for name in ("GITHUB_ACTIONS", "GITHUB_REPOSITORY", "GITHUB_SERVER_URL", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)


def _repo(tmp_path: Path, portal: str | None = None, **catalog: str) -> Path:
    if portal is not None:
        (tmp_path / "portal.yaml").write_text(portal)
    (tmp_path / "catalog").mkdir()
    for name, text in catalog.items():
        (tmp_path / "catalog" / f"{name}.yaml").write_text(text)
    return tmp_path


def _codes(root: Path) -> list[tuple[str, str]]:
    catalog = load_catalog(None, load_config(root))
    return [(f.code, f.severity.value) for f in catalog.findings]


def test_absent_portal_yaml_means_defaults(tmp_path):
    config = load_config(tmp_path)
    assert config.root == tmp_path.resolve()
    assert config.catalog == CatalogConfig()
    assert config.catalog.roots == ("catalog", "golden_paths")
    assert config.catalog.max_file_bytes == 1 << 20
    assert config.site == SiteConfig()
    assert config.site.site_name == "Developer Portal"
    assert config.severity == {}
    assert config.findings == ()


def test_empty_portal_yaml_means_defaults(tmp_path):
    (tmp_path / "portal.yaml").write_text("# nothing configured yet\n")
    config = load_config(tmp_path)
    assert (config.catalog, config.site, config.findings) == (CatalogConfig(), SiteConfig(), ())


def test_settings_are_read(tmp_path):
    (tmp_path / "portal.yaml").write_text(
        "catalog:\n"
        "  roots: [services, org]\n"
        "  max_depth: 16\n"
        "  external_refs: user:*\n"
        "site:\n"
        "  site_name: Acme portal\n"
        "  edit_branch: trunk\n"
    )
    config = load_config(tmp_path)
    assert config.catalog.roots == ("services", "org")
    assert config.catalog.max_depth == 16
    assert config.limits.max_depth == 16
    assert config.catalog.external_refs == ("user:*",)  # a single string is a list of one
    assert (config.site.site_name, config.site.edit_branch) == ("Acme portal", "trunk")


@pytest.mark.parametrize(
    ("portal", "message"),
    [
        ("catalg:\n  roots: [catalog]\n", "unknown setting 'catalg'; did you mean 'catalog'?"),
        (
            "catalog:\n  max_file_byte: 10\n",
            "unknown setting 'catalog.max_file_byte'; did you mean 'catalog.max_file_bytes'?",
        ),
        (
            "site:\n  sitename: X\n",
            "unknown setting 'site.sitename'; did you mean 'site.site_name'?",
        ),
    ],
)
def test_unknown_key_is_a_warning_naming_the_closest_key(tmp_path, portal, message):
    (tmp_path / "portal.yaml").write_text(portal)
    config = load_config(tmp_path)
    assert [(f.code, f.severity, f.file, f.message) for f in config.findings] == [
        ("config.unknown-key", Severity.WARNING, "portal.yaml", message)
    ]


def test_unknown_key_reaches_the_report_and_fails_only_under_strict(tmp_path, capsys):
    root = _repo(tmp_path, "catalg: {}\n")
    assert main(["--root", str(root), "validate"]) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[0] == (
        "portal.yaml:1:1: warning[config.unknown-key] unknown setting 'catalg'; "
        "did you mean 'catalog'?"
    )
    assert main(["--root", str(root), "validate", "--strict"]) == 1


def test_unknown_key_with_no_close_match_lists_the_known_keys(tmp_path):
    (tmp_path / "portal.yaml").write_text("zzz: 1\n")
    (finding,) = load_config(tmp_path).findings
    assert finding.message == (
        "unknown setting 'zzz'; known keys: "
        "['catalog', 'codeowners', 'metrics', 'severity', 'site', 'techdocs']"
    )


@pytest.mark.parametrize(
    ("portal", "message"),
    [
        ("catalog:\n  max_file_bytes: 1MB\n", f"'catalog.max_file_bytes' {POSITIVE}"),
        ("catalog:\n  max_file_bytes: 0\n", f"'catalog.max_file_bytes' {POSITIVE}"),
        ("catalog:\n  max_depth: true\n", f"'catalog.max_depth' {POSITIVE}"),
        ("catalog:\n  roots: 5\n", "'catalog.roots' must be a list of strings"),
        ("catalog:\n  external_refs: [user:*, 3]\n", "'catalog.external_refs' must be a list"),
        ("site:\n  site_name: 5\n", "'site.site_name' must be a string"),
        ("site: yes\n", "'site' must be a mapping of settings"),
        ("severity: [ref.dangling]\n", "'severity' must map finding codes"),
        ("severity:\n  ref.dangling: fatal\n", "must be one of error, warning, info, off"),
        (
            "severity:\n  ref.danglin: off\n",
            "'severity.ref.danglin' is not a finding code; did you mean 'ref.dangling'?",
        ),
        ("catalog: 1\n", "'catalog' must be a mapping of settings"),
        ("just text\n", "expected a mapping of settings at the top level"),
        ("catalog:\n  roots: [a]\n  roots: [b]\n", "portal.yaml:3:3: the key 'roots' is already"),
        ("catalog: !!python/name:os.system\n", "portal.yaml:1:10: the tag"),
    ],
)
def test_wrong_type_is_a_config_error(tmp_path, portal, message):
    (tmp_path / "portal.yaml").write_text(portal)
    with pytest.raises(ConfigError) as info:
        load_config(tmp_path)
    assert message in str(info.value)
    assert info.value.exit_code == 2


def test_severity_override_changes_severity_and_exit_code(tmp_path, capsys):
    portal = "severity:\n  ref.dangling: warning\n"
    root = _repo(tmp_path, portal, svc=COMPONENT.format(owner="nobody"))
    assert _codes(root) == [("ref.dangling", "warning")]
    assert main(["--root", str(root), "validate"]) == 0
    assert (
        capsys.readouterr()
        .out.splitlines()[0]
        .startswith("catalog/svc.yaml:8:10: warning[ref.dangling] ")
    )
    assert main(["--root", str(root), "validate", "--strict"]) == 1


def test_severity_can_raise_a_warning_to_an_error(tmp_path):
    location = (
        "apiVersion: backstage.io/v1alpha1\nkind: Location\nmetadata:\n  name: up\n"
        "spec:\n  type: url\n  target: https://example.com/a.yaml\n"
    )
    root = _repo(tmp_path, "severity:\n  location.remote: error\n", up=location)
    assert _codes(root) == [("location.remote", "error")]


def test_severity_off_drops_findings(tmp_path, capsys):
    root = _repo(tmp_path, "severity:\n  ref.dangling: off\n", svc=COMPONENT.format(owner="nobody"))
    assert _codes(root) == []
    assert main(["--root", str(root), "validate", "--strict"]) == 0
    assert capsys.readouterr().out == "1 entity in 1 file: 0 errors, 0 warnings\n"


def test_without_override_the_dangling_ref_is_an_error(tmp_path):
    root = _repo(tmp_path, None, svc=COMPONENT.format(owner="nobody"))
    assert _codes(root) == [("ref.dangling", "error")]


def test_external_refs_silence_matching_dangling_refs_only(tmp_path):
    group = (
        "apiVersion: backstage.io/v1alpha1\nkind: Group\nmetadata:\n  name: team-a\n"
        "spec:\n  type: team\n  children: [ghost-team]\n  members: [alice, user:ldap/bob]\n"
    )
    root = _repo(tmp_path, 'catalog:\n  external_refs: ["user:*"]\n', org=group)
    catalog = load_catalog(None, load_config(root))
    assert [(f.code, f.line, f.column) for f in catalog.findings] == [("ref.dangling", 7, 14)]
    assert "group:default/ghost-team" in catalog.findings[0].message


def test_external_refs_match_case_insensitively_by_namespace(tmp_path):
    root = _repo(
        tmp_path,
        'catalog:\n  external_refs: ["*:ldap/*"]\n',
        svc=COMPONENT.format(owner="group:LDAP/Platform"),
    )
    assert _codes(root) == []


def test_max_file_bytes_lowers_the_size_limit(tmp_path):
    root = _repo(tmp_path, "catalog:\n  max_file_bytes: 64\n", svc=COMPONENT.format(owner="x"))
    catalog = load_catalog(None, load_config(root))
    assert [(f.code, f.file, f.line) for f in catalog.findings] == [
        ("file.too-large", "catalog/svc.yaml", 1)
    ]
    assert "over the 64-byte limit" in catalog.findings[0].message


def test_max_depth_and_max_alias_nodes_lower_the_yaml_limits(tmp_path):
    text = COMPONENT.format(owner="team-a") + "  x: &x [[[1]]]\n  y: [*x, *x]\n"
    root = _repo(tmp_path, "catalog:\n  max_depth: 4\n", svc=text)
    assert _codes(root) == [("yaml.depth-limit", "error")]
    (root / "portal.yaml").write_text("catalog:\n  max_alias_nodes: 5\n")
    assert _codes(root) == [("yaml.alias-limit", "error")]


def test_roots_choose_the_folders_read(tmp_path):
    root = _repo(tmp_path, "catalog:\n  roots: [services]\n", svc=COMPONENT.format(owner="x"))
    with pytest.raises(ConfigError, match="catalog path 'services' does not exist"):
        load_catalog(None, load_config(root))


def test_site_name_and_repo_url_come_from_mkdocs_yml(tmp_path):
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: Acme Developer Portal\n"
        "repo_url: https://github.com/acme/portal/\n"
        "markdown_extensions:\n"
        "  - pymdownx.emoji:\n"
        "      emoji_index: !!python/name:material.extensions.emoji.twemoji\n"
    )
    site = load_config(tmp_path).site
    assert site.site_name == "Acme Developer Portal"
    assert site.repo_url == "https://github.com/acme/portal"


def test_portal_yaml_site_name_wins_over_mkdocs(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: From mkdocs\n")
    (tmp_path / "portal.yaml").write_text("site:\n  site_name: From portal\n")
    assert load_config(tmp_path).site.site_name == "From portal"


def test_repo_url_falls_back_to_the_actions_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("GITHUB_REPOSITORY", "acme/portal")
    monkeypatch.setenv("GITHUB_SERVER_URL", "https://github.example.com")
    assert load_config(tmp_path).site.repo_url == "https://github.example.com/acme/portal"


def test_broken_mkdocs_yml_is_a_config_error(tmp_path):
    (tmp_path / "mkdocs.yml").write_text("site_name: [unclosed\n")
    with pytest.raises(ConfigError, match=r"mkdocs\.yml:2:1: invalid YAML"):
        load_config(tmp_path)
