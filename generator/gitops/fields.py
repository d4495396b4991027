"""Field-by-field comparison of two entity documents, shared by ``portal diff`` and the
history. Mappings are walked key by key; lists and scalars are compared whole (a list
compared item by item reports every later item as changed after one insertion)."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

_PLAIN_KEY = re.compile(r"[A-Za-z0-9_-]+")


@dataclass(frozen=True)
class FieldChange:
    """One field's value before and after; ``None`` where the field is absent."""

    path: str
    """Dotted path, ``spec.owner``; a key that is not a plain word is written as a JSON
    string in brackets: ``metadata.annotations["github.com/team-slug"]``."""
    old: Any
    new: Any

    def as_json(self) -> dict[str, Any]:
        """``{"old": ..., "new": ...}``."""
        return {"old": self.old, "new": self.new}


def join(prefix: str, key: object) -> str:
    """``prefix`` extended by one mapping key."""
    text = str(key)
    if _PLAIN_KEY.fullmatch(text):
        return f"{prefix}.{text}" if prefix else text
    return f"{prefix}[{json.dumps(text, ensure_ascii=False)}]"


def flatten(value: Any, prefix: str = "") -> Iterator[tuple[str, Any]]:
    """Leaves of a document as ``(dotted path, value)``; an empty mapping is a leaf."""
    if isinstance(value, dict) and value:
        for key, item in value.items():
            yield from flatten(item, join(prefix, key))
    else:
        yield prefix, value


def compare(old: Any, new: Any) -> list[FieldChange]:
    """Every leaf that differs between two documents, sorted by path."""
    before, after = dict(flatten(old)), dict(flatten(new))
    changes = []
    for path in sorted(before.keys() | after.keys()):
        a, b = before.get(path), after.get(path)
        if a != b or type(a) is not type(b):
            changes.append(FieldChange(path, a, b))
    return changes
