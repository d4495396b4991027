"""The catalog corpus: ``tests/data/catalog/valid`` must load with zero findings, and
every case under ``tests/data/catalog/invalid`` must produce exactly the findings its
``# expect: <code> <line>:<column>`` header lines list, no more and no fewer.

A case is one file (``invalid/<case>.yaml``) or one folder (``invalid/<case>/``) for
hazards that need several files; a folder is validated as a whole and each file lists
its own expectations. Hazards that need large or non-UTF-8 files are generated into
``tmp_path`` below instead of being committed.
"""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path

import pytest

from generator import load_catalog, load_config
from generator.config import Config
from tests.conftest import REPO

DATA = REPO / "tests" / "data" / "catalog"
VALID = DATA / "valid"
INVALID = DATA / "invalid"

_EXPECT = re.compile(
    r"#\s*expect:\s*(?P<code>[a-z][a-z-]*\.[a-z-]+)\s+(?P<line>\d+):(?P<col>\d+)\s*"
)

Expected = Counter[tuple[str, str, int, int]]


def _display(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def _expectations(path: Path) -> Expected:
    """The ``# expect:`` lines of one file, as (file, code, line, column)."""
    found: Expected = Counter()
    text = path.read_text(encoding="utf-8-sig")
    for raw in text.splitlines():
        if not raw.startswith("#"):
            continue
        if "expect:" in raw:
            match = _EXPECT.fullmatch(raw.strip())
            assert match, f"{_display(path)}: malformed expectation line {raw!r}"
            found[(_display(path), match["code"], int(match["line"]), int(match["col"]))] += 1
    return found


def _cases() -> list[Path]:
    return sorted(p for p in INVALID.iterdir() if p.suffix == ".yaml" or p.is_dir())


def _config() -> Config:
    return load_config(REPO)


def _got(paths: list[Path], config: Config | None = None) -> Expected:
    catalog = load_catalog(paths, config or _config())
    return Counter((f.file, f.code, f.line, f.column) for f in catalog.findings)


def _fmt(findings: Expected) -> list[str]:
    return sorted(f"{file}:{line}:{col} {code}" for (file, code, line, col) in findings.elements())


# ---------------------------------------------------------------- valid corpus


def test_valid_corpus_as_a_folder_has_no_findings():
    catalog = load_catalog([VALID], _config())
    assert [str(f) for f in catalog.findings] == []
    # Not vacuous: every document was read (the skeleton and data files were not).
    assert len(catalog) == 31
    assert {e.kind for e in catalog} == {
        "Group",
        "User",
        "Domain",
        "System",
        "Component",
        "API",
        "Resource",
        "Location",
        "Template",
        "AiResource",
    }
    assert not any("skeleton" in f or "definitions" in f for f in catalog.files)


@pytest.mark.parametrize("path", sorted(VALID.glob("*.y*ml")), ids=lambda p: p.name)
def test_each_valid_file_alone_has_no_finding_but_refs_to_siblings(path):
    """Alone, a valid file may only miss the entities its siblings define."""
    catalog = load_catalog([path], _config())
    assert [str(f) for f in catalog.findings if f.code != "ref.dangling"] == []


def test_valid_corpus_keeps_yaml_1_2_strings():
    catalog = load_catalog([VALID], _config())
    entity = catalog.get("component:default/yaml12-scalars")
    assert entity is not None
    assert entity.metadata["labels"] == {
        "enabled": "yes",
        "country": "NO",
        "trigger": "on",
        "legacy": "off",
        "answer": "n",
        "released": "2024-01-01",
        "version": "v3.10",
    }
    assert entity.metadata["annotations"]["example.com/ratio"] == "1:20"
    assert entity.metadata["tags"] == ["on", "off", "yes", "no", "y", "n"]
    assert entity.spec["on"] == "push"  # the key stays the string "on", not True
    assert entity.spec["yes"] == 1.5
    assert entity.spec["<<"].startswith("a quoted key")  # and no yaml.merge-key warning


def test_valid_corpus_reads_bom_crlf_anchors_and_placeholders():
    raw = (VALID / "users-bom-crlf.yaml").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # kept by .gitattributes (-text)
    assert raw.count(b"\r\n") == raw.count(b"\n") > 20
    catalog = load_catalog([VALID], _config())
    alice = catalog.get("user:default/alice")
    assert alice is not None and alice.data["apiVersion"] == "backstage.io/v1alpha1"
    assert alice.spec["profile"]["displayName"] == "Alice Żółć-Müller"  # no "\r" left
    assert catalog.get("user:default/carol") is not None
    anchored = catalog.get("component:default/anchored")
    assert anchored is not None
    assert anchored.metadata["description"] == "Anchored service"
    assert anchored.spec["owner"] == "payments-team"
    assert anchored.spec["consumesApis"] == ["payments-api"]
    ledger = catalog.get("api:default/ledger-events")
    assert ledger is not None and ledger.spec["definition"].startswith("asyncapi: 2.6.0\n")
    again = catalog.get("api:default/ledger-events-again")  # $asyncapi: read as $text
    assert again is not None and again.spec["definition"] == ledger.spec["definition"]
    hostile = catalog.get("component:default/hostile-strings")
    assert hostile is not None and "<script>alert(1)</script>" in hostile.description
    template = catalog.get("template:default/spring-service")
    assert template is not None
    assert template.spec["steps"][0]["input"]["values"]["name"] == "${{ parameters.name }}"
    # The Location reads extra.yaml once, whether by target, glob or folder walk.
    assert catalog.files.count("tests/data/catalog/valid/locations/extra.yaml") == 1
    assert catalog.documents == 31


# ---------------------------------------------------------------- invalid corpus


def test_the_invalid_corpus_is_large_enough():
    assert len(_cases()) >= 45


@pytest.mark.parametrize("case", _cases(), ids=lambda p: p.name)
def test_invalid_case_yields_exactly_the_expected_findings(case):
    files = sorted(case.rglob("*.yaml")) if case.is_dir() else [case]
    expected: Expected = sum((_expectations(f) for f in files), Counter())
    assert expected, f"{case.name}: no '# expect:' line"
    for file in files:  # the expectations come first, so a reader sees them at once
        has_expectations = any(key[0] == _display(file) for key in expected)
        assert file.read_text().startswith("# expect: ") == has_expectations, file
    got = _got([case])
    assert _fmt(got) == _fmt(expected)


def test_findings_carry_actionable_messages():
    def message(case: str, code: str) -> str:
        catalog = load_catalog([INVALID / case], _config())
        return next(f.message for f in catalog.findings if f.code == code)

    assert "write 'Component'" in message("kind-lowercase.yaml", "kind.unknown")
    assert "'owner' is not allowed here; allowed: apiVersion, kind, metadata, spec" in message(
        "root-unknown-field.yaml", "schema.unknown-field"
    )
    assert "starts on line 10, column 14" in message("yaml-unclosed-flow.yaml", "yaml.syntax")
    assert "put the value in quotes" in message("yaml11-version-float.yaml", "schema.type")
    assert "the number 3.1" in message("yaml11-version-float.yaml", "schema.type")
    duplicate = message("yaml-duplicate-key-nested.yaml", "yaml.duplicate-key")
    assert "the key 'owner' is already defined on line 9" in duplicate
    assert "!!python/object/apply:os.system" in message("yaml-python-object-apply.yaml", "yaml.tag")
    required = message("component-missing-fields.yaml", "schema.required")
    assert "'spec.lifecycle' is required" in required
    assert "svc\n" in message("name-trailing-newline.yaml", "format.name")
    assert "duplicate-entity.yaml:6 " in message(
        "duplicate-entity.yaml", "entity.duplicate"
    )  # its name
    namesake = message("ref-dangling-names-another-kind.yaml", "ref.dangling")
    assert "group:default/jdoe, which no catalog file defines (user:jdoe has that name" in namesake
    cycle = message("cycle-subdomain.yaml", "relation.cycle")
    assert "domain:default/dom-a -> domain:default/dom-c -> domain:default/dom-b" in cycle


def test_warnings_are_warnings_and_errors_are_errors():
    severities = {}
    for case in (
        "yaml-merge-key.yaml",
        "not-an-entity.yaml",
        "location-url-target.yaml",
        "placeholder-text-remote.yaml",
        "ref-dangling-owner.yaml",
    ):
        for f in load_catalog([INVALID / case], _config()).findings:
            severities[f.code] = f.severity.value
    assert severities == {
        "yaml.merge-key": "warning",
        "entity.not-an-entity": "warning",
        "location.remote": "warning",
        "placeholder.remote": "warning",
        "ref.dangling": "error",
    }


def test_a_rejected_document_does_not_hide_its_neighbours():
    catalog = load_catalog([INVALID / "multi-document-recovery.yaml"], _config())
    assert sorted(catalog.entities) == [
        "component:default/ok-one",
        "component:default/ok-two",
        "group:default/team-a",
    ]
    assert catalog.documents == 3


def test_data_files_read_by_placeholders_are_not_entities():
    catalog = load_catalog([INVALID / "placeholder-bad-data"], _config())
    assert catalog.files == ["tests/data/catalog/invalid/placeholder-bad-data/api.yaml"]


# ---------------------------------------------------------------- generated cases


def _entity(name: str = "svc", extra: str = "") -> str:
    return (
        "apiVersion: backstage.io/v1alpha1\nkind: Location\n"
        f"metadata:\n  name: {name}\n{extra}spec: {{}}\n"
    )


def test_file_over_the_size_limit_is_refused_before_parsing(tmp_path):
    limit = _config().catalog.max_file_bytes
    big = tmp_path / "big.yaml"
    # Valid YAML that would take seconds to parse; the size check must come first.
    filler = "  description: " + "x" * 100 + "\n"
    big.write_text(_entity(extra=filler * (limit // len(filler) + 1)))
    assert big.stat().st_size > limit
    got = _got([big], load_config(tmp_path))
    assert _fmt(got) == ["big.yaml:1:1 file.too-large"]


def test_six_megabyte_file_is_refused(tmp_path):
    big = tmp_path / "six.yaml"
    big.write_bytes(b"a: [" + b"1, " * (2 * 1024 * 1024) + b"1]\n")
    assert big.stat().st_size > 6_000_000
    assert _fmt(_got([big], load_config(tmp_path))) == ["six.yaml:1:1 file.too-large"]


def test_deep_nesting_of_100000_levels_stops_at_the_limit(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("[" * 100_000)
    assert deep.stat().st_size > 100_000 - 1
    # The 65th '[' would be level 65; libyaml is never asked to parse the rest.
    assert _fmt(_got([deep], load_config(tmp_path))) == ["deep.yaml:1:65 yaml.depth-limit"]


def test_deep_nesting_of_mappings_stops_at_the_limit(tmp_path):
    deep = tmp_path / "deep.yaml"
    deep.write_text("a: {" * 50_000)
    # The root block mapping is level 1; the 64th '{' (column 4 * 64) would be level 65.
    assert _fmt(_got([deep], load_config(tmp_path))) == ["deep.yaml:1:256 yaml.depth-limit"]


def test_non_utf8_bytes_are_unreadable(tmp_path):
    latin1 = tmp_path / "latin1.yaml"
    latin1.write_bytes(_entity(extra="  description: caf\xe9\n").encode("latin-1"))
    assert _fmt(_got([latin1], load_config(tmp_path))) == ["latin1.yaml:1:1 file.unreadable"]


def test_utf16_file_is_unreadable(tmp_path):
    utf16 = tmp_path / "utf16.yaml"
    utf16.write_bytes(_entity().encode("utf-16"))
    assert _fmt(_got([utf16], load_config(tmp_path))) == ["utf16.yaml:1:1 file.unreadable"]


def test_control_character_is_located_on_its_line(tmp_path):
    ctrl = tmp_path / "ctrl.yaml"
    ctrl.write_text(_entity(extra="  description: bell\x07here\n"))
    catalog = load_catalog([ctrl], load_config(tmp_path))
    assert [(f.file, f.code, f.line, f.column) for f in catalog.findings] == [
        ("ctrl.yaml", "yaml.syntax", 5, 20)
    ]
    assert "\n" not in catalog.findings[0].message


def test_max_file_bytes_from_portal_yaml_lowers_the_limit(tmp_path):
    (tmp_path / "portal.yaml").write_text("catalog:\n  max_file_bytes: 100\n")
    entity = tmp_path / "small.yaml"
    entity.write_text(_entity(extra="  description: " + "x" * 100 + "\n"))
    assert _fmt(_got([entity], load_config(tmp_path))) == ["small.yaml:1:1 file.too-large"]


def test_symlink_to_a_file_outside_the_repository_is_not_read(tmp_path):
    repo, outside = tmp_path / "repo", tmp_path / "outside"
    (repo / "catalog").mkdir(parents=True)
    outside.mkdir()
    (outside / "secret.yaml").write_text(_entity("secret"))
    (repo / "catalog" / "link.yaml").symlink_to(outside / "secret.yaml")
    catalog = load_catalog(None, load_config(repo))
    assert _fmt(Counter((f.file, f.code, f.line, f.column) for f in catalog.findings)) == [
        "catalog/link.yaml:1:1 location.outside-repo"
    ]
    assert len(catalog) == 0


def test_links_that_lead_nowhere_are_findings_not_crashes(tmp_path):
    catalog = tmp_path / "catalog"
    catalog.mkdir()
    (catalog / "loop.yaml").symlink_to("loop.yaml")
    (catalog / "a.yaml").symlink_to("b.yaml")
    (catalog / "b.yaml").symlink_to("a.yaml")
    (catalog / "dangling.yaml").symlink_to("missing.yaml")
    (catalog / "text-loop.md").symlink_to("text-loop.md")
    (catalog / "ok.yaml").write_text(
        _entity("ok", "  description:\n    $text: ./text-loop.md\n")
        + "---\n"
        + _entity("ok-two", "").replace("spec: {}", "spec:\n  targets: [./loop.yaml, ./*.md]")
    )
    found = load_catalog(None, load_config(tmp_path))
    assert _fmt(Counter((f.file, f.code, f.line, f.column) for f in found.findings)) == [
        "catalog/a.yaml:1:1 file.unreadable",
        "catalog/b.yaml:1:1 file.unreadable",
        "catalog/dangling.yaml:1:1 file.unreadable",
        "catalog/loop.yaml:1:1 file.unreadable",
        "catalog/ok.yaml:14:13 location.target-missing",
        "catalog/ok.yaml:14:26 location.target-missing",
        "catalog/ok.yaml:6:5 placeholder.invalid",
    ]
    message = next(f.message for f in found.findings if f.code == "placeholder.invalid")
    assert message.endswith("cannot be used as a path (links point at each other in a loop)")
    assert sorted(found.entities) == ["location:default/ok", "location:default/ok-two"]
