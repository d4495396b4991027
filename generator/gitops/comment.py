"""One pull-request comment, updated in place: found by its marker among the comments the
posting account wrote (a comment anyone else writes with the same marker is not ours
to edit), created only when the pull request changes the catalog."""

from __future__ import annotations

from dataclasses import dataclass

from generator.forge import Forge
from generator.gitops.report import MARKER

MAX_BODY = 65_000
"""GitHub refuses comments over 65,536 characters; a long diff is cut, whole lines."""


@dataclass(frozen=True)
class Posted:
    """What was done: ``created``, ``updated``, ``unchanged`` or ``skipped``."""

    action: str
    comment_id: int | None = None


def fit(body: str) -> str:
    """``body`` cut to :data:`MAX_BODY` at a line end, saying so."""
    if len(body) <= MAX_BODY:
        return body
    cut = body.rfind("\n", 0, MAX_BODY - 200)
    return (
        body[:cut] + "\n\n… cut: the full diff is in the workflow run's artifact.\n\n</details>\n"
    )


def upsert(
    forge: Forge, full_name: str, number: int, body: str, *, author: str, create: bool = True
) -> Posted:
    """Update our comment on pull request ``number`` with ``body``, or create it (when
    ``create``); never a second one."""
    body = fit(body)
    ours = [
        c
        for c in forge.comments(full_name, number)
        if c.author == author and c.body.startswith(MARKER)
    ]
    if ours:
        if ours[0].body == body:
            return Posted("unchanged", ours[0].id)
        return Posted("updated", forge.edit_comment(full_name, ours[0].id, body).id)
    if not create:
        return Posted("skipped")
    return Posted("created", forge.comment(full_name, number, body).id)
