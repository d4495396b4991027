"""The actions a step may run, by Backstage's names and with Backstage's inputs.

An action gets a :class:`StepContext` (the run's state and the step's rendered
input) and returns the step's outputs. Publishing actions only add targets to the
plan: ``portal new`` never publishes, ``portal provision`` applies the plan.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from generator.scaffold.workspace import RunError

if TYPE_CHECKING:
    from generator.scaffold.runner import Run


@dataclass
class StepContext:
    """One step as its action sees it."""

    run: Run
    step_id: str
    step_name: str
    input: dict[str, Any]

    def text(self, key: str, default: str | None = None) -> str:
        """A text input; RunError naming the input when it is missing or not text."""
        value = self.input.get(key, default)
        if value is None:
            raise RunError("template.render", f"the input '{key}' is required")
        if isinstance(value, bool | int | float):
            value = str(value).lower() if isinstance(value, bool) else str(value)
        if not isinstance(value, str):
            raise RunError("template.render", f"the input '{key}' must be text, found {value!r}")
        return value

    def flag(self, key: str, default: bool = False) -> bool:
        """A boolean input ('true'/'false' text accepted, as forms send it)."""
        value = self.input.get(key, default)
        if isinstance(value, str):
            return value.strip().lower() == "true"
        return bool(value)

    def texts(self, key: str) -> list[str]:
        """A list-of-text input (a single text is a list of one)."""
        value = self.input.get(key) or []
        if isinstance(value, str):
            return [value]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise RunError("template.render", f"the input '{key}' must be a list of text")
        return value


@dataclass(frozen=True)
class Action:
    """One action: what it does, its inputs (for the docs) and its implementation."""

    run: Callable[[StepContext], dict[str, Any]]
    summary: str
    inputs: tuple[str, ...]
    publishes: bool = False


def _registry() -> dict[str, Action]:
    from generator.scaffold.actions import catalog, fetch, publish

    return {**fetch.ACTIONS, **catalog.ACTIONS, **publish.ACTIONS}


ACTIONS: dict[str, Action] = {}
"""Action name to action; filled on first import of the action modules below."""
ACTIONS.update(_registry())
