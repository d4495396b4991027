"""``${{ }}`` expressions with Backstage's semantics, in a Jinja2 sandbox.

Backstage renders templates with Nunjucks; this module makes Jinja2 behave the same
(shared/docs/templates-techdocs.md §1.5, §1.9): undefined chains render empty, booleans
render ``true``/``false``, lists as JavaScript's ``a,b``, ``===``/``!==`` are accepted,
``dump`` is ``JSON.stringify``, and a string that is exactly one expression keeps its
type. Values are data: what an expression returns is never rendered again.

Rendering is bounded: loop iterations, output size and wall-clock time each have a
limit, and exceeding one is a :class:`ExpressionError`, never a hang.
"""

from __future__ import annotations

import contextlib
import json
import math
import signal
import threading
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import jinja2
from jinja2 import nodes
from jinja2.exceptions import SecurityError
from jinja2.sandbox import SandboxedEnvironment

from generator.scaffold import filters

MISSING: Any = jinja2.Undefined
"""Marker for a value that rendered empty: Backstage drops the key."""


@dataclass(frozen=True)
class Limits:
    """How much one run may render."""

    max_iterations: int = 100_000
    """Loop iterations (``{% for %}`` and ``each:``) across the whole run."""
    max_output_bytes: int = 20 << 20
    """Rendered text across the whole run, and so the size of everything written."""
    max_files: int = 5_000
    """Files one run may produce."""
    timeout_seconds: float = 30.0
    """Wall-clock time for the whole run."""


class ExpressionError(Exception):
    """An expression that does not parse, or fails or exceeds a limit when rendered."""

    def __init__(self, message: str, line: int | None = None) -> None:
        super().__init__(message)
        self.line = line


class _Budget:
    """What a run has used so far; shared by every render of the run."""

    def __init__(self, limits: Limits) -> None:
        self.limits = limits
        self.iterations = 0
        self.output = 0

    def tick(self) -> None:
        self.iterations += 1
        if self.iterations > self.limits.max_iterations:
            raise ExpressionError(
                f"rendering ran more than {self.limits.max_iterations:,} loop iterations; "
                "a template loop is runaway or the input too large"
            )

    def spend(self, size: int) -> None:
        self.output += size
        if self.output > self.limits.max_output_bytes:
            raise ExpressionError(
                f"rendering produced more than {self.limits.max_output_bytes:,} bytes; "
                "a template repeats text without bound or the input is too large"
            )


def js_string(value: Any) -> str:
    """How Nunjucks (JavaScript) prints a value into text."""
    if isinstance(value, jinja2.Undefined) or value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return str(int(value))
    if isinstance(value, (list, tuple)):
        return ",".join(js_string(v) for v in value)
    if isinstance(value, Mapping):
        return "[object Object]"
    return str(value)


def to_data(value: Any) -> Any:
    """A rendered value as plain JSON data (tuples to lists, Markup to str, undefined
    to None), the way Backstage's JSON round trip leaves it."""
    if isinstance(value, jinja2.Undefined) or value is None:
        return None
    if isinstance(value, float) and math.isfinite(value) and value == int(value):
        return int(value)  # JSON has one number type: 1.0 comes back as 1
    if isinstance(value, bool | int | float):
        return value
    if isinstance(value, str):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): to_data(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [to_data(v) for v in value]
    return str(value)


def dump(value: Any) -> str:
    """Nunjucks ``dump``: compact JSON keeping non-ASCII; undefined renders '' (but is an
    error in cookiecutter mode, as cookiecutter's ``jsonify`` of a missing value is)."""
    if isinstance(value, jinja2.StrictUndefined):
        value._fail_with_undefined_error()
    if isinstance(value, jinja2.Undefined):
        return ""
    return json.dumps(to_data(value), separators=(",", ":"), ensure_ascii=False)


class JsUndefined(jinja2.ChainableUndefined):
    """Undefined as Nunjucks has it: attribute chains stay undefined, it renders empty,
    and ``+`` joins it as JavaScript does (``undefined + "/"`` is ``"undefined/"``)."""

    __slots__ = ()

    def __add__(self, other: Any) -> Any:
        return "undefined" + js_string(other) if isinstance(other, str) else self

    def __radd__(self, other: Any) -> Any:
        return js_string(other) + "undefined" if isinstance(other, str) else self


_GUARD = "_portal_loop_guard"
_MAX_POWER = 1_000_000
"""Largest string or list ``*`` may build, and the largest ``**`` result allowed."""


class PortalSandbox(SandboxedEnvironment):
    """Jinja2's sandbox (no attribute access to Python internals) plus the run's
    limits: every ``for`` loop's iterable is wrapped so iterations are counted, and
    ``*``/``**`` cannot build huge values."""

    intercepted_binops = frozenset({"*", "**"})

    def __init__(self, budget: _Budget, **options: Any) -> None:
        super().__init__(**options)
        self.budget = budget
        self.globals[_GUARD] = self._guard

    def _guard(self, iterable: Iterable[Any]) -> Iterator[Any]:
        for item in iterable:
            self.budget.tick()
            yield item

    def _parse(self, source: str, name: str | None, filename: str | None) -> nodes.Template:
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(nodes.For):
            loop.iter = nodes.Call(nodes.Name(_GUARD, "load"), [loop.iter], [], None, None)
        return tree

    def getattr(self, obj: Any, attribute: str) -> Any:
        # JavaScript has no dict methods: ``parameters.items`` is the answer 'items'.
        if isinstance(obj, Mapping) and attribute in obj:
            return obj[attribute]
        return super().getattr(obj, attribute)

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        big = _number(left) and _number(right) and abs(right) > 64 and abs(left) > 1
        if operator == "**" and big:
            raise SecurityError("'**' with so large an exponent is refused")
        if operator == "*" and _repeats(left, right):
            size = len(left if not _number(left) else right) * (right if _number(right) else left)
            if size > _MAX_POWER:
                raise SecurityError("'*' would build too large a value")
        return super().call_binop(context, operator, left, right)


def _number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def _repeats(left: Any, right: Any) -> bool:
    sized = (str, list, tuple)
    return (isinstance(left, sized) and isinstance(right, int)) or (
        isinstance(right, sized) and isinstance(left, int)
    )


def make_env(limits: Limits | None = None, *, cookiecutter: bool = False) -> PortalSandbox:
    """The sandbox as Backstage configures Nunjucks: ``${{ }}`` variables (``{{ }}`` in
    cookiecutter mode, whose missing values are errors as in cookiecutter itself),
    ``{% %}`` and ``{# #}`` active, no autoescape, newlines kept."""
    env = PortalSandbox(
        _Budget(limits or Limits()),
        variable_start_string="{{" if cookiecutter else "${{",
        variable_end_string="}}",
        undefined=jinja2.StrictUndefined if cookiecutter else JsUndefined,
        finalize=js_string,
        autoescape=False,
        keep_trailing_newline=True,
    )
    env.filters.update(filters.FILTERS)
    env.filters["dump"] = dump
    env.filters["jsonify"] = dump
    return env


def rewrite_js_operators(text: str, variable_start: str = "${{", *, inside: bool = False) -> str:
    """``===``/``!==`` to ``==``/``!=`` inside expressions and ``{% %}`` tags, outside
    string literals: Nunjucks accepts the JavaScript operators, Jinja2 does not. Text
    outside tags is left alone (a Vue file's ``{{ a === b }}`` is content)."""
    if "==" not in text:
        return text
    out: list[str] = []
    i, n = 0, len(text)
    end: str | None = "}}" if inside else None
    quote: str | None = None
    while i < n:
        if end is None:
            if text.startswith((variable_start, "{%"), i):
                end = "%}" if text.startswith("{%", i) else "}}"
            out.append(text[i])
            i += 1
            continue
        ch = text[i]
        if quote:
            if ch == "\\" and i + 1 < n:
                out.append(text[i : i + 2])
                i += 2
                continue
            quote = None if ch == quote else quote
        elif ch in "'\"":
            quote = ch
        elif text.startswith(end, i) and not inside:
            end = None
        elif text.startswith(("===", "!=="), i):
            out.append(text[i : i + 2])
            i += 3
            continue
        out.append(ch)
        i += 1
    return "".join(out)


class Renderer:
    """Renders the strings of one run, sharing its budget and deadline."""

    def __init__(self, env: PortalSandbox) -> None:
        self.env = env

    @property
    def budget(self) -> _Budget:
        """The run's budget."""
        return self.env.budget

    def compile(self, text: str) -> jinja2.Template:
        """Parse ``text``; ExpressionError with the line when it does not parse."""
        try:
            start = self.env.variable_start_string
            return self.env.from_string(rewrite_js_operators(text, start))
        except jinja2.TemplateSyntaxError as exc:
            raise ExpressionError(f"does not parse: {exc.message}", exc.lineno) from None

    def text(self, text: str, context: Mapping[str, Any]) -> str:
        """``text`` rendered to a string, streamed so the size limit holds."""
        if "{" not in text:
            return text
        template = self.compile(text)
        parts: list[str] = []
        try:
            for chunk in template.generate(dict(context)):
                self.budget.spend(len(chunk))
                parts.append(chunk)
        except ExpressionError:
            raise
        except jinja2.UndefinedError as exc:
            raise ExpressionError(f"uses an undefined value ({exc.message})") from None
        except SecurityError as exc:
            raise ExpressionError(f"was refused by the sandbox ({exc})") from None
        except (filters.FilterError, jinja2.TemplateError, ArithmeticError, ValueError) as exc:
            raise ExpressionError(f"failed: {exc}") from None
        except (TypeError, AttributeError, KeyError, IndexError) as exc:
            raise ExpressionError(f"failed: {exc}") from None
        return "".join(parts)

    def value(self, value: Any, context: Mapping[str, Any]) -> Any:
        """A template.yaml value rendered as Backstage renders step inputs: strings
        rendered, a string that is one expression keeps its type, and anything that
        renders empty becomes :data:`MISSING` (its key is dropped)."""
        if isinstance(value, str):
            return self._string(value, context)
        if isinstance(value, Mapping):
            rendered = {k: self.value(v, context) for k, v in value.items()}
            return {k: v for k, v in rendered.items() if v is not MISSING}
        if isinstance(value, list):
            return [None if v is MISSING else v for v in (self.value(v, context) for v in value)]
        return value

    def _string(self, value: str, context: Mapping[str, Any]) -> Any:
        single = single_expression(value)
        if single is not None:
            result = self._expression(single, context)
            if isinstance(result, jinja2.Undefined) or result is None:
                return MISSING
            if isinstance(result, str) and result == "":
                return MISSING
            return to_data(result)
        rendered = self.text(value, context)
        return MISSING if rendered == "" else rendered

    def _expression(self, expression: str, context: Mapping[str, Any]) -> Any:
        try:
            compiled = self.env.compile_expression(
                rewrite_js_operators(expression, inside=True), undefined_to_none=False
            )
        except jinja2.TemplateSyntaxError as exc:
            raise ExpressionError(f"does not parse: {exc.message}") from None
        try:
            result = compiled(**dict(context))
        except SecurityError as exc:
            raise ExpressionError(f"was refused by the sandbox ({exc})") from None
        except (filters.FilterError, jinja2.TemplateError, ArithmeticError, ValueError) as exc:
            raise ExpressionError(f"failed: {exc}") from None
        except (TypeError, AttributeError, KeyError, IndexError) as exc:
            raise ExpressionError(f"failed: {exc}") from None
        self.budget.spend(len(dump(result)) if not isinstance(result, str) else len(result))
        return result


def single_expression(value: str) -> str | None:
    """The expression inside ``value`` when it is exactly one ``${{ }}`` and nothing
    else (Backstage's ``isSingleTemplateString``), else None."""
    if not (value.startswith("${{") and value.endswith("}}")):
        return None
    inner = value[3:-2]
    if "}}" in _strip_strings(inner) or "${{" in inner or "{%" in inner:
        return None
    return inner


def _strip_strings(text: str) -> str:
    """``text`` with its quoted string literals blanked, so that a ``}}`` inside a
    string does not end the expression."""
    out, quote = [], None
    for ch in text:
        if quote:
            quote = None if ch == quote else quote
            out.append(" ")
        elif ch in "'\"":
            quote = ch
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def truthy(value: Any) -> bool:
    """Backstage's ``isTruthy``: false, undefined, null, '', 0 and [] are false; ``{}``
    and the string 'false' are true (unlike Python)."""
    if value is MISSING or isinstance(value, jinja2.Undefined) or value is None:
        return False
    if isinstance(value, dict):
        return True
    return bool(value)


@contextlib.contextmanager
def deadline(seconds: float) -> Iterator[None]:
    """Stop a run that takes longer than ``seconds``. Uses a timer signal, so it holds
    only in the main thread (the CLI's); elsewhere the iteration and size limits do."""
    if threading.current_thread() is not threading.main_thread() or seconds <= 0:
        yield
        return

    def expire(signum: int, frame: Any) -> None:  # noqa: ARG001
        raise ExpressionError(f"rendering took longer than {seconds:g} seconds and was stopped")

    previous: Callable[..., Any] | int | None = signal.signal(signal.SIGALRM, expire)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
