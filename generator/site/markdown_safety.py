"""Untrusted Markdown made safe to publish (security.md, Part C): what TechDocs pages
may contain once the portal has cleaned them, and the check that the rendered HTML
holds nothing else. Separate from :mod:`generator.site.techdocs`, which finds, reads
and publishes the docs, so each can be read on its own."""

from __future__ import annotations

import functools
import html
import re
from html.parser import HTMLParser
from typing import Any
from urllib.parse import quote

# fmt: off
MARKDOWN_EXTENSIONS: list[str | dict[str, dict[str, Any]]] = [
    {"toc": {"permalink": True}}, "admonition", "pymdownx.details",
    {"pymdownx.tabbed": {"alternate_style": True}}, "pymdownx.caret", "pymdownx.critic",
    "pymdownx.inlinehilite", "pymdownx.magiclink", "pymdownx.mark", "pymdownx.smartsymbols",
    {"pymdownx.highlight": {"linenums": True, "pygments_lang_class": True}},
    "pymdownx.superfences", {"pymdownx.betterem": {"smart_enable": "all"}},
    {"pymdownx.tasklist": {"custom_checkbox": True}}, "pymdownx.tilde",
    "tables", "def_list", "footnotes", "abbr",
]
# fmt: on
"""techdocs-core's Markdown extensions for mkdocs.yml, minus attr_list and md_in_html (they bring
attributes and HTML back), pymdownx.snippets (it pastes build-machine files into pages), emoji
(it needs ``!!python/name`` tags) and those not installed (PlantUML, Graphviz, sane_lists)."""

EXTENSION_NAMES = frozenset(
    ext if isinstance(ext, str) else next(iter(ext)) for ext in MARKDOWN_EXTENSIONS
)
SCHEME = re.compile(r"([a-zA-Z][a-zA-Z0-9+.-]*):")
_FENCE = re.compile(r"(`{3,}|~{3,})")
_CODE_SPAN = re.compile(r"(?<![\\`])(`+)(?!`)(.+?)(?<!`)\1(?!`)")
_RAW = r"script|style|iframe|object|embed|template|textarea|noscript|noembed|xmp|svg|math"
_RAW_BLOCK = re.compile(rf"<!--.*?-->|<({_RAW}|title|select)\b.*?</\1\s*>", re.I | re.S)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>|<[!?][^<>]*>")
_AUTOLINK = re.compile(r"<(?:https?://|mailto:)[^\s<>]*>|<[^\s<>@/]+@[^\s<>@]+>")
_LEFTOVER = re.compile(rf"({_AUTOLINK.pattern})|<(?=[A-Za-z/!?])")
# '{' is excluded inside, so each '{' is scanned only up to the next one: linear.
_ATTRS = re.compile(r"\{[ \t]*[:#.][^{}\n]*\}|\{(?![=+~>-]{2})[^{}=\n]*=[^{}\n]*\}")  # not critic
_LINK = re.compile(r"(\]\(\s*<?)((?:[^\s()<>]|\([^\s()]*\))*)")
_REF_DEF = re.compile(r"^( {0,3}\[(?!\^)[^\]\n]+\]:[ \t]*<?)([^\s>]*)", re.M)  # not [^1]:
_FRONT = re.compile(r"\A-{3}[ \t]*\n.*?\n(?:\.{3}|-{3})[ \t]*\n", re.S)
_FM_TITLE = re.compile(r"^title:[ \t]*(.+?)[ \t]*$", re.M)
_H_LINE = re.compile(r"^ {0,3}#.*|^.+(?=\n=+[ \t]*$)", re.M)
_ANGLE = re.compile(r"\\?[<>]|&(?:lt|gt|#0*6[02]|#x0*3[ce]);?", re.I)
_HTML_TAGS = re.compile(
    r"a|abbr|blockquote|br|code|dd|del|details|div|dl|dt|em|h[1-6]|hr|img|input|ins|label|li"
    r"|mark|ol|p|pre|span|strong|sub|summary|sup|table|tbody|td|th|thead|tr|ul"
)
_HTML_ATTRS = re.compile(
    r"alt|checked|class|colspan|data-tabs|disabled|for|id|name|open|rowspan|title|type"
)  # colspan: the title row of a code block with a file name (```yaml title="x.yaml")
_ALIGN = re.compile(r"text-align: (?:left|right|center);")
_BLOCKS = re.compile(r"\n[ \t]*\n")
_NESTING = re.compile(r"^([ \t]*)((?:(?:[-*+>]|\d{1,9}[.)])(?:[ \t]+|$))*)", re.M)
SCAN_BUDGET = 4_000_000
"""Python-Markdown looks for the ']' or ')' closing each '[' or '(' up to the end of
the paragraph: unclosed ones cost the paragraph's length each (4,000 '[' in a line:
2.7 s; a 1 MiB page of them: hours). Pages whose unclosed brackets times paragraph
length add up to more than this (about a second) are not rendered."""
INLINE_BUDGET = 1_000_000_000
"""Python-Markdown's inline patterns also search ahead for closers of '~', '^', '`' and
the like, so an element's text can cost the square of its length (128 KB of '~a': 18 s).
Pages whose paragraphs, list items and table rows add up to more than this in squared
characters (measured: at most 1.5 s of rendering) are not rendered."""
_TABLE_RULE = re.compile(r"^[ \t]*\|?(?:[ \t]*:?-+:?[ \t]*\|)+[ \t]*(?::?-+:?[ \t]*)?$", re.M)
_PIECE = re.compile(r"\n(?=[ \t]*(?:[-*+]|\d{1,9}[.)])[ \t]| {0,3}#)")
MAX_NESTING = 64
"""Deepest list or quote nesting rendered (Python-Markdown recurses per level and fails
near 300)."""


def plain(text: str) -> str:
    """A title as plain text: no tags, no ``<>"``, entities decoded. It is still text,
    not HTML: whatever outputs it escapes it (templates, :func:`render.md_inline`);
    MkDocs' navigation prints it raw, where a bare ``&`` can do no harm."""
    bare = re.sub(r'[<>"\x00-\x1f]', "", html.unescape(_TAG.sub("", _RAW_BLOCK.sub("", text))))
    return " ".join(bare.split())


def segments(text: str, spans: bool = False) -> list[tuple[str, bool]]:
    """``(part, is_code)``: fenced code (in column 1, closed) and prose, cut at code spans."""
    out, buf, fence = list[tuple[str, bool]](), list[str](), ""
    for line in re.split(r"(?<=\n)", text):
        opening = None if fence else _FENCE.match(line)
        if opening:
            out.append(("".join(buf), False))
            buf, fence = [], opening.group(1)
        buf.append(line)
        if fence and not opening and line.rstrip() == fence:
            out.append(("".join(buf), True))
            buf, fence = [], ""
    out.append(("".join(buf), False))
    return [p for chunk, code in out if chunk for p in _spans(chunk, code, spans)]


def _spans(chunk: str, code: bool, spans: bool) -> list[tuple[str, bool]]:
    parts, pos = [], 0
    for m in _CODE_SPAN.finditer(chunk) if spans and not code else []:
        parts += [(chunk[pos : m.start()], False), (m.group(), True)]
        pos = m.end()
    return [*parts, (chunk[pos:], code)]


def _without_code(text: str, fill: str) -> str:
    """``text`` with every character of code, fenced or inline, but line breaks replaced
    by ``fill``: positions (with " ") or at least line numbers (with "") are kept."""
    return "".join(re.sub(r"[^\n]", fill, p) if c else p for p, c in segments(text, True))


def locate(text: str, url: str, nth: int = 1) -> tuple[int, int]:
    """Line and column of the ``nth`` place outside code where ``text`` spells the link
    ``url`` (as Python-Markdown rendered it); (1, 1) when no spelling is found. Tried in
    turn: the URL, its percent-encoded and HTML-escaped forms, then its first word."""
    prose = _without_code(text, " ")
    for spelling in dict.fromkeys(
        (url, quote(url, safe="/#?&=%:@"), html.escape(url), url.split(" ")[0])
    ):
        at, count = -1, 0
        while count < nth and spelling:
            at = prose.find(spelling, at + 1)
            if at < 0:
                break
            count += 1
        if at >= 0:
            return prose.count("\n", 0, at) + 1, at - prose.rfind("\n", 0, at)
    return 1, 1


def unsafe_url(url: str) -> bool:
    scheme = SCHEME.match(re.sub(r"[\x00-\x20\\]+", "", html.unescape(url)))
    return scheme is not None and not re.fullmatch(r"https?|mailto|ftps?", scheme[1], re.I)


def front_matter(text: str) -> tuple[int, str | None]:
    """How many lines the page's front matter takes (0 without one), and its ``title``.
    MkDocs prints front matter into pages unescaped, so :func:`clean` drops it; its
    title is still the page's title, made safe with :func:`plain`."""
    block = _FRONT.match(text)
    if block is None:
        return 0, None
    title = _FM_TITLE.search(block.group())
    name = plain(title.group(1).strip("'\"")) if title else ""
    return block.group().count("\n"), name or None


def too_costly(text: str) -> str | None:
    """Why Markdown could not render ``text`` in reasonable time or stack, or None."""
    prose = _without_code(text, "")  # Markdown sets code aside before inline parsing
    blocks = _BLOCKS.split(prose)
    if sum(_unclosed(block) * len(block) for block in blocks) > SCAN_BUDGET:
        return (
            "so many unclosed '[' or '(' in long paragraphs that rendering would take "
            "minutes; close or escape them (\\[ and \\() or split the paragraphs"
        )
    if sum(_inline_cost(block) for block in blocks) > INLINE_BUDGET:
        return (
            "paragraphs too long to render in reasonable time (Markdown's inline parsing "
            "can grow with the square of a paragraph's length); split them or the page"
        )
    for m in _NESTING.finditer(prose):
        if not m[2]:
            continue  # indentation alone nests nothing (measured: 600 levels render)
        depth = len(m[1].expandtabs(4)) // 4 + len(re.findall(r"[-*+>]|\d+[.)]", m[2]))
        if depth > MAX_NESTING:
            line = prose.count("\n", 0, m.start()) + 1
            return f"lists or quotes nested {depth} deep on line {line} (at most {MAX_NESTING})"
    return None


def _inline_cost(block: str) -> int:
    """Squared lengths of the texts Markdown parses inline in ``block``: its table rows,
    list items and headings, or the block as one paragraph."""
    pieces = block.split("\n") if _TABLE_RULE.search(block) else _PIECE.split(block)
    return sum(len(piece) ** 2 for piece in pieces)


def _unclosed(block: str) -> int:
    """How many '[' and '(' in ``block`` no ']' or ')' closes (escaped ones aside)."""
    block, total = re.sub(r"\\.", "", block), 0
    for opening, closing in (("[", "]"), ("(", ")")):
        if opening not in block:
            continue
        depth = 0
        for char in re.findall(rf"\{opening}|\{closing}", block):
            depth = depth + 1 if char == opening else max(depth - 1, 0)
        total += depth
    return total


def clean(text: str) -> str:
    """Front matter (MkDocs puts it in pages unescaped), raw HTML, attributes and script links
    removed outside code; lines kept."""
    text = _FRONT.sub(lambda m: "\n" * m[0].count("\n"), text, count=1)
    text = "".join(p if code else _clean_prose(p) for p, code in segments(text, True))
    parts = segments(text)  # then no "<" in any form in headings: MkDocs titles are unescaped
    return "".join(p if c else _H_LINE.sub(lambda m: _ANGLE.sub("", m[0]), p) for p, c in parts)


def relink(text: str, targets: set[str], to: str = "#") -> str:
    """``text`` with its links to any of ``targets`` (outside code) pointing at ``to``:
    MkDocs builds the site in strict mode, where a dead link stops the build even when
    ``portal.yaml`` made broken links a warning."""

    def swap(m: re.Match[str]) -> str:
        return m.group(1) + (to if m.group(2) in targets else m.group(2))

    if not targets:
        return text
    parts = segments(text, True)
    return "".join(p if code else _LINK.sub(swap, _REF_DEF.sub(swap, p)) for p, code in parts)


_PASSES = 4
"""Removing a tag can join a new one ('<scr<b>ipt>'), so cleaning repeats, but a bounded
number of times (nested joins would make it quadratic): whatever '<' is left is then
escaped, and :class:`Audit` judges the result."""


def _clean_prose(text: str) -> str:
    """Remove tags, attribute lists and script links (a few passes), then escape ``<``."""

    def blank(m: re.Match[str]) -> str:
        return m.group() if _AUTOLINK.fullmatch(m.group()) else "\n" * m.group().count("\n")

    def link(m: re.Match[str]) -> str:
        return m.group(1) + ("#" if unsafe_url(m.group(2)) else m.group(2))

    for _ in range(_PASSES):
        new = _TAG.sub(blank, _RAW_BLOCK.sub(blank, text))
        new = _LINK.sub(link, _REF_DEF.sub(link, _ATTRS.sub("", new)))
        if new == text:
            break
        text = new
    return _LEFTOVER.sub(lambda m: m.group(1) or "&lt;", text)


@functools.cache
def renderer() -> Any:
    names = [ext if isinstance(ext, str) else next(iter(ext)) for ext in MARKDOWN_EXTENSIONS]
    configs = {k: v for ext in MARKDOWN_EXTENSIONS if isinstance(ext, dict) for k, v in ext.items()}
    import markdown  # only when docs are rendered: `portal validate` seldom needs it

    return markdown.Markdown(extensions=names, extension_configs=configs)


class Audit(HTMLParser):
    """Renders Markdown as the portal will (:meth:`of`), names the first tag, attribute or
    URL off the lists (:attr:`found`), and lists the links MkDocs will check
    (:attr:`links`: every ``<a href>`` and ``<img src>``, as rendered)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: str | None = None
        self.links: list[str] = []

    @classmethod
    def of(cls, text: str) -> Audit:
        """The audit of ``text`` rendered with the site's extensions."""
        audit = cls()
        try:
            rendered = renderer().reset().convert(text)
        except RecursionError:  # too_costly's nesting check should have refused it
            audit.found = "markup nested too deep to render"
            return audit
        audit.feed(rendered)
        audit.close()
        h1s = [html.unescape(_TAG.sub("", h)) for h in re.findall(r"<h1.*?</h1>", rendered, re.S)]
        if audit.found is None and any("<" in h or ">" in h for h in h1s):
            audit.found = "a '<' or '>' in a top heading"  # MkDocs puts page titles in unescaped
        return audit

    @classmethod
    def problem(cls, text: str) -> str | None:
        """What in ``text``, once rendered, the portal does not publish; None if nothing."""
        return cls.of(text).found

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if (tag, name) in (("a", "href"), ("img", "src")) and value is not None:
                self.links.append(value)
        if self.found is not None:
            return
        if not _HTML_TAGS.fullmatch(tag):
            self.found = f"a <{tag}> element"
        for name, value in attrs:
            if self.found is None and not self.allowed(name, value or ""):
                self.found = f"the attribute {name}={(value or '')[:40]!r} on <{tag}>"

    @staticmethod
    def allowed(name: str, value: str) -> bool:
        if name in ("href", "src"):
            return not unsafe_url(value)
        return bool(_ALIGN.fullmatch(value) if name == "style" else _HTML_ATTRS.fullmatch(name))

    def handle_decl(self, decl: str) -> None:  # noqa: ARG002
        self.found = self.found or "a comment or declaration"

    handle_startendtag = handle_starttag
    handle_comment = handle_pi = unknown_decl = handle_decl  # type: ignore[assignment]
