"""Findings: what every check produces, collected and never raised one at a time.

Each finding has a stable code from :data:`CODES`. Its severity comes from the code's
default unless ``portal.yaml`` overrides it; ``--strict`` makes warnings fail.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace


class Severity(enum.Enum):
    """How much a finding matters. ``OFF`` drops it."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"
    OFF = "off"


E, W, I = Severity.ERROR, Severity.WARNING, Severity.INFO  # noqa: E741

CODES: dict[str, tuple[Severity, str]] = {
    # Files and YAML
    "file.unreadable": (E, "a catalog file cannot be read or is not UTF-8"),
    "file.too-large": (E, "a catalog file is larger than catalog.max_file_bytes"),
    "file.hidden": (E, "a placeholder or Location target naming a hidden file (.env, .git)"),
    "yaml.syntax": (E, "the YAML parser rejected the file"),
    "yaml.duplicate-key": (E, "a mapping has the same key twice"),
    "yaml.alias-limit": (E, "anchors and aliases expand beyond catalog.max_alias_nodes"),
    "yaml.depth-limit": (E, "the document nests deeper than catalog.max_depth"),
    "yaml.tag": (E, "a language-specific or custom tag such as !!python/object"),
    "yaml.merge-key": (W, "a '<<' merge key, which YAML 1.2 (and Backstage) reads literally"),
    "yaml.complex-key": (E, "a mapping key that is itself a mapping or list"),
    "yaml.not-mapping": (E, "a document whose root is not a mapping"),
    "entity.not-an-entity": (W, "a mapping with neither apiVersion nor kind, skipped"),
    "template.shared-skeleton": (I, "a skeleton outside the Template's folder, not validated"),
    # Envelope, schema and formats
    "entity.envelope": (E, "apiVersion, kind or metadata.name is missing or not a string"),
    "entity.foreign-field": (E, "'relations' or 'status' written in a source file"),
    "entity.duplicate": (E, "the same entity is defined twice"),
    "kind.unknown": (E, "a kind the portal does not know"),
    "kind.api-version": (E, "an apiVersion the kind does not accept"),
    "schema.required": (E, "a required field is missing"),
    "schema.type": (E, "a field has the wrong type"),
    "schema.value": (E, "a field's value is not allowed (empty, not in the list, too long)"),
    "schema.unknown-field": (E, "a field the schema does not allow"),
    "format.name": (E, "metadata.name breaks the name rule"),
    "format.namespace": (E, "metadata.namespace is not a DNS label"),
    "format.kind": (E, "kind breaks the kind rule"),
    "format.api-version": (E, "apiVersion breaks the apiVersion rule"),
    "format.label": (E, "a label key or value breaks the label rule"),
    "format.annotation": (E, "an annotation key breaks the key rule"),
    "format.tag": (E, "a tag breaks the tag rule"),
    "format.link": (E, "a link's url is not absolute or its title/icon is blank"),
    "format.title": (W, "metadata.title longer than maps, tables and headings can show"),
    # References and relations
    "ref.invalid": (E, "an entity ref that cannot be parsed"),
    "ref.missing-kind": (E, "a dependsOn/dependencyOf ref without a kind"),
    "ref.dangling": (E, "a ref to an entity no file defines"),
    "ref.wrong-kind": (E, "a ref to an entity of a kind the field does not allow"),
    "relation.cycle": (E, "a group parent, subcomponentOf or domain nesting loop"),
    # Locations and placeholders
    "location.target-missing": (E, "a required Location target does not exist"),
    "location.outside-repo": (E, "a Location target or placeholder escapes the repository"),
    "location.remote": (W, "a url Location target, not followed (no network)"),
    "location.cycle": (E, "Location targets include each other in a loop"),
    "location.invalid-target": (E, "a Location target that cannot be used"),
    "placeholder.missing": (E, "a $text/$json/$yaml/$openapi/$asyncapi file that does not exist"),
    "placeholder.invalid": (E, "a $json/$yaml file that does not parse"),
    "placeholder.remote": (W, "a remote placeholder URL, left unresolved (no network)"),
    # TechDocs
    "techdocs.missing": (W, "a techdocs-ref folder without mkdocs.yml"),
    "techdocs.invalid": (E, "a techdocs-ref or mkdocs.yml that cannot be used"),
    "techdocs.remote": (W, "a url: techdocs-ref, not published (no network)"),
    "techdocs.broken-link": (E, "a TechDocs link to a file the docs do not have"),
    "techdocs.outside-repo": (E, "a techdocs-ref, docs_dir or docs file leading outside the repo"),
    "techdocs.outside-docs": (
        E,
        "a docs file, folder link or docs_dir leading outside its docs folder or into a "
        "hidden path (.git, .env), or a hard link",
    ),
    "techdocs.unsafe": (W, "raw HTML, attribute lists or script links removed from TechDocs"),
    "techdocs.unsafe-file": (
        E,
        "a docs file whose content is not what its extension says, a PDF with scripts or "
        "actions, or an image declaring absurd pixel counts",
    ),
    "techdocs.too-large": (E, "a docs file, one site's docs or all docs over the techdocs budgets"),
    "techdocs.skipped-file": (I, "a docs file of a type not published (HTML, SVG, scripts)"),
    "techdocs.ignored-setting": (W, "a mkdocs.yml setting the portal does not apply"),
    "techdocs.yaml-tag": (W, "a YAML tag in mkdocs.yml (!ENV, !!python/...), never evaluated"),
    # Golden paths (templates and their runs)
    "template.unknown-action": (E, "a step's action is not one the portal implements"),
    "template.ignored-input": (W, "a step input the portal's action does not apply"),
    "template.expression": (E, "a ${{ }} expression or {% %} tag that does not parse"),
    "template.parameters": (E, "spec.parameters is not valid JSON Schema"),
    "template.skeleton-missing": (E, "a fetch step's skeleton folder or file does not exist"),
    "template.remote-url": (E, "a fetch step's url is remote (never fetched)"),
    "template.path-escape": (E, "a skeleton, target or file name leads outside its folder"),
    "template.symlink": (E, "a link in a skeleton that points outside it, or at a folder"),
    "template.version": (E, "the template-version annotation is not a semver"),
    "template.unversioned": (I, "a Template without a template-version annotation"),
    "template.values": (E, "an answer that the template's parameters do not accept"),
    "template.render": (E, "a step failed while rendering or running"),
    "template.limit": (E, "a run exceeded a limit on loops, output size, files or time"),
    "template.secret": (E, "a secret would be written into a generated file"),
    # Metrics, scorecards and exceptions (metrics/)
    "metrics.event-invalid": (E, "a line of metrics/events/*.jsonl that is not a valid event"),
    "metrics.levels-invalid": (E, "a file of metrics/levels/ that is not a levels record"),
    "metrics.event-replaced": (I, "a later event line with the same id and other values"),
    "metrics.unknown-entity": (W, "events naming an entity no catalog file defines"),
    "metrics.unknown-cause": (W, "an incident whose cause names no recorded deployment"),
    "scorecard.invalid": (E, "a scorecard or exceptions file that cannot be used"),
    "scorecard.below-minimum": (E, "an entity below its scorecard's minimum level"),
    "scorecard.exception-expired": (W, "a scorecard exception past its expiry date"),
    # API definitions (shown as references on API pages)
    "api.invalid": (W, "an API definition that cannot be read; its page shows it as text"),
    "api.ref": (W, "a $ref in an API definition that points to nothing within it"),
    # Configuration
    "config.unknown-key": (W, "a portal.yaml key the portal does not know"),
    # CODEOWNERS (portal codeowners)
    "codeowners.no-team": (W, "an entity's owner has no GitHub team to own its files"),
    "codeowners.unsafe-path": (W, "a file path CODEOWNERS cannot express, left out"),
}


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One located problem. Ordering is by file, line, column, then code."""

    file: str
    line: int
    column: int
    code: str
    message: str
    severity: Severity = Severity.ERROR

    def as_json(self) -> dict[str, object]:
        """The reporters' JSON shape."""
        return {
            "code": self.code,
            "severity": self.severity.value,
            "file": self.file,
            "line": self.line,
            "column": self.column,
            "message": self.message,
        }


MAX_MESSAGE = 1000
"""Longest message kept whole. Messages quote the values they are about, and a value
from a pull request can be 70,000 characters: the start says what is wrong and the end
what to do, so a longer message keeps both and drops its middle."""


def finding(code: str, file: str, line: int, column: int, message: str) -> Finding:
    """A finding with its code's default severity."""
    if len(message) > MAX_MESSAGE:
        message = f"{message[:600]} … {message[-(MAX_MESSAGE - 603) :]}"
    return Finding(file, line, column, code, message, CODES[code][0])


def apply_severities(
    findings: Iterable[Finding], overrides: Mapping[str, Severity]
) -> list[Finding]:
    """Sorted findings with configured severities applied and ``off`` ones dropped."""
    out = []
    for f in findings:
        sev = overrides.get(f.code, f.severity)
        if sev is not Severity.OFF:
            out.append(f if sev is f.severity else replace(f, severity=sev))
    return sorted(set(out))


def fails(findings: Iterable[Finding], *, strict: bool) -> bool:
    """True when the findings should make the command exit 1."""
    bad = {Severity.ERROR, Severity.WARNING} if strict else {Severity.ERROR}
    return any(f.severity in bad for f in findings)
