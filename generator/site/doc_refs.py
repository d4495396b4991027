"""Entity refs written in TechDocs pages become links to the portal's entity pages.

``component:default/fnol-service``, ``resource:fnol-db`` or ``api:claims-intake-api``,
bare in a sentence or alone in a code span, links to that entity's page. This runs on
the cleaned Markdown (after :func:`markdown_safety.clean`), and all it adds is a Markdown
link whose text is the ref as written and whose target is a path the portal made: no
HTML, no attribute, nothing from the page in the URL, so the TechDocs rules stay as
strict as they are. Left alone: refs in fenced code, refs already inside a link, an
autolink or a URL, and refs naming no entity of the catalog (a typo stays text).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from generator.site.markdown_safety import segments

KINDS = "component|api|resource|system|domain|group|user|template|location"
_NAME = r"[A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?"
_REF = rf"(?P<kind>{KINDS}):(?:(?P<ns>[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)/)?(?P<name>{_NAME})"
_BARE = re.compile(rf"(?<![\w/:.@#\-]){_REF}(?![\w/:@\-]|\.\w)", re.I)
_SPAN = re.compile(rf"(`+)[ ]?{_REF}[ ]?\1\Z", re.I)
# Where a ref must stay text: links and images ([text](url), [text][id], [id]), link
# definitions, autolinks and bare URLs (magiclink turns those into links).
_TAKEN = re.compile(
    r"!?\[(?:[^\[\]\n]|\[[^\[\]\n]*\])*\](?:\([^()\n]*(?:\([^()\n]*\)[^()\n]*)*\)|\[[^\]\n]*\])?"
    r"|^ {0,3}\[[^\]\n]+\]:.*$|<[^<>\n]*>|(?:https?|ftps?|mailto):\S+|www\.\S+",
    re.I | re.M,
)


def link_refs(text: str, url_of: Callable[[str], str | None]) -> str:
    """``text`` with each ref that ``url_of`` knows (by its canonical key) made a link.

    ``url_of`` takes ``kind:namespace/name`` (lowercase) and returns the link target,
    relative to the page, or None for a ref that names no entity.
    """
    parts = segments(text, spans=True)
    prose = "".join(" " * len(p) if code else p for p, code in parts)  # same offsets
    taken = [m.span() for m in _TAKEN.finditer(prose)]
    out, at = [], 0
    for part, code in parts:
        start, at = at, at + len(part)
        if _inside(taken, start, at):
            out.append(part)
        elif code:
            out.append(_span(part, url_of) if part.startswith("`") else part)
        else:
            out.append(_prose(part, start, taken, url_of))
    return "".join(out)


def _inside(taken: list[tuple[int, int]], start: int, end: int) -> bool:
    return any(a < end and start < b for a, b in taken)


def _key(m: re.Match[str]) -> str:
    return f"{m['kind']}:{m['ns'] or 'default'}/{m['name']}".lower()


def _span(part: str, url_of: Callable[[str], str | None]) -> str:
    m = _SPAN.match(part)
    url = url_of(_key(m)) if m else None
    return f"[{part}]({url})" if url else part


def _prose(
    part: str, offset: int, taken: list[tuple[int, int]], url_of: Callable[[str], str | None]
) -> str:
    def link(m: re.Match[str]) -> str:
        if _inside(taken, offset + m.start(), offset + m.end()):
            return m.group()
        url = url_of(_key(m))
        return f"[{m.group()}]({url})" if url else m.group()

    return _BARE.sub(link, part)
