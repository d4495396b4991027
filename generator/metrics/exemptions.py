"""Scorecard exceptions, ``metrics/exceptions.yaml``: an entity excused from one check,
with a reason and an expiry date, reviewed in a pull request like any other change::

    exceptions:
      - entity: component:broker-portal-legacy
        scorecard: production-readiness
        check: runbook
        reason: Retired in Q2; its runbook stays in the legacy wiki until then.
        expires: 2027-06-30
        approver: group:platform-team

An excepted check counts as met until the day after ``expires``; then it is a finding
(``scorecard.exception-expired``) and the check counts as it is. Expired exceptions
stay listed: waived, never hidden.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from generator.diagnostics import Finding, finding
from generator.model.refs import RefError, parse_ref
from generator.yaml12 import Limits, read_yaml


@dataclass(frozen=True)
class Exemption:
    """One excused check."""

    entity: str
    """Canonical key."""
    scorecard: str
    check: str
    reason: str
    expires: date
    approver: str
    file: str
    line: int

    def active(self, today: date) -> bool:
        """True until the end of its expiry day."""
        return today <= self.expires


def load_exemptions(path: Path, root: Path) -> tuple[list[Exemption], list[Finding]]:
    """The exceptions file's entries (absent: none), with located findings."""
    if not path.is_file():
        return [], []
    shown = path.relative_to(root).as_posix() if path.is_relative_to(root) else str(path)
    docs, problems = read_yaml(path.read_text(encoding="utf-8"), Limits())
    findings = [finding(p.code, shown, p.line, p.column, p.message) for p in problems]
    if not docs or docs[0].data is None:
        return [], findings
    doc = docs[0]
    entries = doc.data.get("exceptions") if isinstance(doc.data, dict) else None
    if not isinstance(entries, list):
        line, col = doc.locate(())
        message = "expected 'exceptions:' with a list of entity, scorecard, check, reason, expires"
        return [], [*findings, finding("scorecard.invalid", shown, line, col, message)]
    out = []
    for i, raw in enumerate(entries):
        line, col = doc.locate(("exceptions", i))
        try:
            out.append(_exemption(raw, shown, line))
        except ValueError as exc:
            field_line, field_col = doc.locate(("exceptions", i, exc.args[1]))
            findings.append(finding("scorecard.invalid", shown, field_line, field_col, exc.args[0]))
    return out, findings


def _exemption(raw: Any, file: str, line: int) -> Exemption:
    if not isinstance(raw, dict):
        raise ValueError("an exception must be a mapping", "")
    values = {}
    for key in ("entity", "scorecard", "check", "reason", "expires"):
        value = raw.get(key)
        if not isinstance(value, str) or not value.strip():
            raise ValueError(f"'{key}' is required (a non-empty string)", key)
        values[key] = value.strip()
    try:
        entity = parse_ref(values["entity"], default_kind="component").key
    except RefError as exc:
        raise ValueError(f"'entity' is not an entity ref: {exc}", "entity") from None
    try:
        expires = date.fromisoformat(values["expires"])
    except ValueError:
        raise ValueError(
            f"'expires' must be a date such as 2027-06-30, found {values['expires']!r}; "
            "every exception expires",
            "expires",
        ) from None
    approver = raw.get("approver")
    return Exemption(
        entity, values["scorecard"], values["check"], values["reason"], expires,
        approver if isinstance(approver, str) else "", file, line,
    )  # fmt: skip
