"""Untrusted text made inert for the two places the GitOps loop shows it: a terminal or
CI log, and Markdown that GitHub renders in a pull-request comment.

Everything a pull request carries (entity fields, keys, file names, finding messages
that quote them) goes through :func:`printable` or :func:`code`:

* line breaks and other control or invisible characters (bidirectional overrides,
  zero-width joiners) become ``\\uXXXX`` escapes, so no text can start a log line of
  its own (``::error::``, ``::stop-commands::``) or hide what it says;
* in Markdown, the text is an inline code span, which GitHub shows verbatim: no
  ``@mention``, ``#123`` link, HTML, image or emphasis is rendered; a backtick in the
  text gets a longer fence, so it cannot close the span.
"""

from __future__ import annotations

import json
import unicodedata
from typing import Any

_HIDDEN = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_SHORT = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def printable(text: str, limit: int = 0) -> str:
    """``text`` on one line with invisible characters escaped; cut to ``limit``
    characters (0: no limit) with an ellipsis."""
    out = []
    for ch in text:
        if ch == "\\" or (ch.isascii() and ch.isprintable()):
            out.append(ch)
        elif unicodedata.category(ch) in _HIDDEN:
            out.append(_SHORT.get(ch, f"\\u{ord(ch):04x}"))
        else:
            out.append(ch)
    result = "".join(out)
    if limit and len(result) > limit:
        result = result[: limit - 1] + "…"
    return result


def value_text(value: Any, limit: int = 0) -> str:
    """A field's value on one line: strings as they are, others as JSON; absent fields
    (None) as ``(none)``."""
    if value is None:
        return "(none)"
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)
    return printable(text, limit)


def code(text: str, limit: int = 120) -> str:
    """``text`` as a Markdown inline code span that GitHub shows verbatim."""
    inner = printable(text, limit) or " "
    run = longest = 0
    for ch in inner:
        run = run + 1 if ch == "`" else 0
        longest = max(longest, run)
    fence = "`" * (longest + 1)
    if inner[0] in "` " or inner[-1] in "` ":
        inner = f" {inner} "
    return f"{fence}{inner}{fence}"
