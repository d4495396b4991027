"""The events' wire format as typed structs, decoded and checked in C by msgspec.

Most lines are well formed: they take this path, a million in about 0.6 s. A line it
refuses is read again by :mod:`generator.metrics.events`' checks in Python, which are
the authority and say what is wrong in words; so every constraint here is at least as
strict as there (non-empty strings, times with a zone, known statuses); what it cannot
say cheaply (a blank string, a resolution before its opening) the caller checks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

import msgspec

Text = Annotated[str, msgspec.Meta(min_length=1)]
"""A non-empty string. Blank ones (white space only) are refused by the caller: a
pattern here would cost more than all the rest of decoding (measured: 1.2 s against
0.4 s a million lines)."""
Time = Annotated[datetime, msgspec.Meta(tz=True)]
Id = Text | int


class Deployment(msgspec.Struct, tag_field="kind", tag="deployment"):
    """``{"kind": "deployment", ...}``."""

    id: Id
    entity: Text
    environment: Text
    time: Time
    status: Literal["success", "failure"]
    sha: Text
    changes: list[str] = []
    rework: bool = False
    workflow: str = ""


class Change(msgspec.Struct, tag_field="kind", tag="change"):
    """``{"kind": "change", ...}``."""

    sha: Text
    entity: Text
    time: Time


class Incident(msgspec.Struct, tag_field="kind", tag="incident"):
    """``{"kind": "incident", ...}``."""

    id: Id
    entity: Text
    opened: Time
    resolved: Time | None = None
    cause: Id | None = None


Event = Deployment | Change | Incident
DECODER = msgspec.json.Decoder(Event)
Invalid = (msgspec.DecodeError, msgspec.ValidationError)
