"""API references: golden files of each definition type, and hostile definitions.

Regenerate the golden files after an intended change with ``UPDATE_GOLDEN=1 make test``
and review the diff like code.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from generator import load_catalog, load_config
from generator.commands.build import TEMPLATES
from generator.site import apiref
from generator.site.apiref import render, section
from generator.site.render import environment
from tests.conftest import REPO

GOLDEN = Path(__file__).parent / "golden" / "apiref"
DATA = Path(__file__).parent / "data" / "apiref"


def _env():
    return environment(TEMPLATES / "pages")


def _section(env, entity) -> str:
    """The API reference section of an entity's page, and its sub-pages, as text."""
    parsed = apiref.read(str(entity.spec.get("type")), entity.spec["definition"])
    ctx, pages = section.build(env, entity, parsed, {})
    html = env.from_string('{% include "_apiref.html.j2" %}').render(definition=ctx, e=entity)
    for page in pages:
        html += f"\n<!-- sub-page {page.url} -->\n{page.body}"
    return html


def _golden(name: str, text: str) -> None:
    path = GOLDEN / f"{name}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    assert path.is_file(), f"no golden file {path}: run with UPDATE_GOLDEN=1"
    assert text == path.read_text(encoding="utf-8"), name


EXAMPLES = {  # one of each definition type the example organisation has
    "api:default/claims-intake-api": "openapi-3.0",
    "api:default/payments-api": "openapi-3.1",
    "api:default/claim-events": "asyncapi-2",
    "api:default/claims-graphql": "graphql",
    "api:default/event-bus-api": "grpc",
}


@pytest.fixture(scope="module")
def example_catalog():
    return load_catalog(None, load_config(REPO))


@pytest.mark.parametrize(("key", "name"), sorted(EXAMPLES.items()))
def test_example_references_match_golden_files(example_catalog, key, name):
    entity = example_catalog.get(key)
    _golden(name, _section(_env(), entity))


@pytest.fixture(scope="module")
def data_catalog():
    return load_catalog([DATA], load_config(REPO))


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("api:default/motor-claims-legacy", "swagger-2"),
        ("api:default/branch-sensors", "asyncapi-3"),
        ("api:default/broken-graphql", "invalid-graphql"),
        ("api:default/hello-trpc", "text-only"),
    ],
)
def test_other_definition_types_match_golden_files(data_catalog, key, name):
    _golden(name, _section(_env(), data_catalog.get(key)))


def test_conformance_apis_match_golden_files(conformance):
    catalog = load_catalog([conformance / "backstage" / "examples" / "apis"], load_config(REPO))
    rendered = {}
    for entity in catalog.of_kind("API"):
        if apiref.definition_text(entity) is not None:
            rendered[entity.name] = _section(_env(), entity)
    assert sorted(rendered) == [  # the others have no definition, or a remote one
        "hello-world",
        "hello-world-trpc",
        "petstore",
        "petstore-webhook",
        "starwars-graphql",
        "streetlights",
    ]
    for name, html in rendered.items():
        _golden(f"conformance-{name}", html)


def test_validation_locates_problems_in_the_file_they_are_in(data_catalog):
    """An inline definition's problem is at its line of the entity file; a $ref to
    nothing in a $text file is in that file."""
    _, findings = apiref.check(data_catalog)
    assert [(f.code, f.file, f.line, f.column) for f in findings] == [
        ("api.invalid", "tests/data/apiref/apis.yaml", 41, 14),
        ("api.ref", "tests/data/apiref/motor-claims.swagger.yaml", 102, 16),
    ]
    assert findings[0].message == (
        "the graphql definition of api:broken-graphql cannot be read: Syntax Error: Expected "
        "Name, found ':'; the page shows it as text until it is fixed"
    )
    assert findings[1].message == (
        "$ref '#/definitions/Insurer' points to nothing in this definition; the reference "
        "shows the name without its fields"
    )


def _openapi(paths: str = "{}", components: str = "{}") -> str:
    head = "openapi: 3.0.3\ninfo: {title: T, version: '1'}\n"
    return f"{head}paths: {paths}\ncomponents: {components}\n"


def _units_html(definition: str, api_type: str = "openapi") -> tuple[apiref.Parsed, str]:
    parsed = apiref.read(api_type, definition)
    assert parsed is not None
    if parsed.reference is None:
        return parsed, ""
    laid = render.lay_out(_env(), parsed.reference)
    html = "".join(
        str(render.resolve("".join(h), part.folder, laid.where))
        for part in laid.parts
        for _, h in part.groups
    )
    return parsed, html


def test_cyclic_refs_end_as_links_and_loops_are_reported():
    components = (
        "{schemas: {Node: {type: object, properties: {next: {$ref: '#/components/schemas/Node'},"
        " loop: {$ref: '#/x/a'}}}}, x: {a: {$ref: '#/x/b'}, b: {$ref: '#/x/a'}}}"
    )
    definition = _openapi(components=components).replace(
        "components:", "x: {a: {$ref: '#/x/b'}, b: {$ref: '#/x/a'}}\ncomponents:"
    )
    parsed, html = _units_html(definition)
    assert [p.message for p in parsed.problems] == ["$ref '#/x/a' leads round in a loop"]
    assert (
        '<code class="portal-apiref-name">next</code> '
        '<span class="portal-apiref-type"><a href="#schema-Node">Node</a>' in html
    )


def test_refs_to_nothing_and_to_other_files_are_reported_where_they_are():
    paths = (
        "{/a: {get: {responses: {'200': {description: ok, content: {application/json: "
        "{schema: {$ref: '#/components/schemas/Gone'}}}}}}},"
        " /b: {get: {responses: {'200': {$ref: 'other.yaml#/responses/Ok'}}}}}"
    )
    parsed, html = _units_html(_openapi(paths=paths))
    assert [(p.line, p.message) for p in parsed.problems] == [
        (3, "$ref '#/components/schemas/Gone' points to nothing in this definition"),
        (
            3,
            "$ref 'other.yaml#/responses/Ok' points to another file (not bundled) "
            "in this definition",
        ),
    ]
    assert "Gone (not found)" in html


def test_deep_nesting_is_shown_to_a_depth_and_says_what_it_left_out():
    schema = "{type: object}"
    for _ in range(40):
        schema = f"{{type: object, properties: {{deeper: {schema}}}}}"
    parsed, html = _units_html(_openapi(components=f"{{schemas: {{Deep: {schema}}}}}"))
    assert parsed.problems == []
    assert html.count("<details>") == 7
    assert "fields nested deeper than 8 levels are not shown: the raw definition has them" in html


def test_nesting_beyond_the_reader_limit_is_an_invalid_definition():
    parsed = apiref.read("openapi", "openapi: 3.0.0\nx: " + "[" * 200 + "]" * 200 + "\n")
    assert parsed.reference is None
    assert "nest" in parsed.problems[0].message


def test_alias_bombs_are_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    for n in "bcdefghi":
        prev = chr(ord(n) - 1)
        items = ", ".join([f"*{prev}"] * 10)
        bomb += f"{n}: &{n} [{items}]\n"
    parsed = apiref.read("openapi", "openapi: 3.0.0\n" + bomb)
    assert parsed.reference is None
    assert "alias" in parsed.problems[0].message


def test_markup_in_names_and_descriptions_stays_text():
    paths = (
        "{'/x<script>alert(1)</script>': {get: {summary: '<img src=x onerror=alert(1)>',"
        " description: '[click](javascript:alert(1)) <b>bold</b>',"
        " parameters: [{name: '\"><script>p</script>', in: query, schema: {type: string,"
        " enum: ['<script>e</script>']}}], responses: {}}}}"
    )
    _, html = _units_html(_openapi(paths=paths))
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&lt;b&gt;bold&lt;/b&gt;" in html  # raw HTML in Markdown is shown as text


def test_tokens_written_into_a_definition_do_not_become_links():
    paths = '{/a: {get: {summary: "\\0schema-A\\0", responses: {}}}}'
    _, html = _units_html(_openapi(paths=paths, components="{schemas: {A: {type: object}}}"))
    assert "\x00" not in html
    assert 'href="schema-A"' not in html


def test_huge_definitions_are_split_into_parts_and_nothing_is_dropped():
    ops = ", ".join(
        f"/items/{i}: {{get: {{summary: 'Item {i} of the catalogue, described at length so that "
        f"each operation weighs something', responses: {{'200': {{description: the item}}}}}}}}"
        for i in range(3000)
    )
    parsed, _ = _units_html(_openapi(paths=f"{{{ops}}}"))
    laid = render.lay_out(_env(), parsed.reference)
    assert not laid.inline and len(laid.parts) > 1
    assert all(part.size <= render.PAGE_BUDGET for part in laid.parts)
    listed = [unit.name for _, units in laid.index for unit, _ in units]
    assert listed == [f"/items/{i}" for i in range(3000)]


def test_all_of_fan_out_is_bounded():
    def schema(i):
        parts = ", ".join([f"{{$ref: '#/components/schemas/S{i + 1}'}}"] * 20)
        return f"S{i}: {{allOf: [{parts}], properties: {{p{i}: {{type: string}}}}}}"

    schemas = ", ".join(schema(i) for i in range(30))
    parsed, html = _units_html(
        _openapi(components=f"{{schemas: {{{schemas}, S30: {{type: object}}}}}}")
    )
    assert parsed.problems == []
    assert html.count('<section class="portal-apiref-unit"') == 31


@pytest.mark.parametrize(
    ("api_type", "text", "line", "column", "message"),
    [
        (
            "graphql",
            "type Query {\n  a: " + "[" * 100 + "Int" + "]" * 100 + "\n}\n",
            2,
            69,
            "brackets nested deeper than 64 levels",
        ),
        ("graphql", "type Query {\n  a: Int\n", 3, 1, "Syntax Error: Expected Name, found <EOF>."),
        ("grpc", "message A {\n  int32 a = ;\n}\n", 2, 13, "expected 'number', found ';'"),
        ("grpc", "message A {" * 40 + "}" * 40, 1, 353, "messages nested deeper than 32 levels"),
        ("grpc", "service S {\n  rpc X(A) returns (B)\n", 2, 22, "the text ends before ';'"),
        ("grpc", "/* never closed\nmessage A {}\n", 1, 1, "an unclosed /* comment"),
        ("asyncapi", "asyncapi: [\n", 2, 1, "did not find expected node content"),
        (
            "openapi",
            "info: {}\n",
            1,
            1,
            "expected a 'openapi' or 'swagger' field naming the version",
        ),
    ],
)
def test_malformed_definitions_are_located(api_type, text, line, column, message):
    parsed = apiref.read(api_type, text)
    assert parsed is not None and parsed.reference is None
    problem = parsed.problems[0]
    assert (problem.line, problem.column) == (line, column)
    assert message in problem.message


def test_proto_comments_document_what_follows_or_ends_their_line():
    parsed = apiref.read(
        "grpc",
        'syntax = "proto3";\npackage a.b;\n// The service.\nservice S {\n  // Does X.\n'
        "  rpc X(.a.b.Req) returns (stream Outer.Inner);\n}\nmessage Req {\n"
        "  int32 id = 1; // the id\n  // the names\n"
        "  repeated string names = 2 [deprecated = true];\n"
        "  map<string, Outer.Inner> by = 3;\n  oneof which { string s = 4; int64 n = 5; }\n}\n"
        "message Outer { message Inner { Kind k = 1; } enum Kind { A = 0; B = -1; } }\n",
    )
    ref = parsed.reference
    assert [(u.id, u.description) for u in ref.units] == [
        ("service-S", "The service."),
        ("message-Req", ""),
        ("message-Outer", ""),
        ("message-Outer.Inner", ""),
        ("enum-Outer.Kind", ""),
    ]
    method = ref.units[0].blocks[0].fields[0]
    assert (method.name, method.description) == ("X", "Does X.")
    assert [(t.text, t.target) for t in method.type] == [
        ("(", None), (".a.b.Req", "message-Req"), (") returns (stream ", None),
        ("Outer.Inner", "message-Outer.Inner"), (")", None),
    ]  # fmt: skip
    fields = ref.units[1].blocks[0].fields
    assert [(f.name, f.description, f.notes) for f in fields] == [
        ("id", "the id", ["field 1"]),
        ("names", "the names", ["field 2"]),
        ("by", "", ["field 3"]),
        ("s", "", ["field 4", "one of which"]),
        ("n", "", ["field 5", "one of which"]),
    ]
    inner = ref.units[3].blocks[0].fields[0]
    assert [(t.text, t.target) for t in inner.type] == [("Kind", "enum-Outer.Kind")]
    assert [f.notes for f in ref.units[4].blocks[0].fields] == [["= 0"], ["= -1"]]


def test_large_proto_files_parse_in_one_pass():
    text = "\n".join(f"message M{i} {{ string a = 1; M{i + 1} next = 2; }}" for i in range(20000))
    parsed = apiref.read("grpc", text)
    assert len(parsed.reference.units) == 20000
    assert re.fullmatch(r"message-M\d+", parsed.reference.units[-1].id)
