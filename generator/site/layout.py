"""Graphviz layout: DOT in, a compact SVG out, the same on every machine.

The DOT sources come from :mod:`generator.site.maps`; the layouts run in forked
workers (:mod:`generator.site.drawing`).
"""

from __future__ import annotations

import os
import re
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

FONT = "Helvetica,Arial,sans-serif"
"""Every map's font: metrics built into Graphviz, a family every browser has."""

# Graphviz's SVG repeats what a browser does not need: a <title> per edge and cluster
# (tooltips come from xlink:title), ids, and the font on every <text>. Dropping them
# makes maps about 30% smaller; a site has one per entity, so this is most of a page's
# weight. Node titles stay: they are the entity refs, for tools reading the SVG.
_TITLE = re.compile(
    rb'(<g id="(?:edge|clust|graph)[0-9]+" class="(?:edge|cluster|graph)"[^>]*>\n)'
    rb"<title>[^<]*</title>\n"
)
_COMMENT = re.compile(rb"<!--.*?-->\n?", re.DOTALL)
_ID = re.compile(rb' id="(?:graph|node|edge|clust|a_node|a_edge)[0-9]+"')
_FONT = f' font-family="{FONT}"'.encode()
_STYLE = f"<style>text{{font-family:{FONT}}}</style>\n".encode()
_GAPS = re.compile(rb">\n+<")


def compact(svg: bytes) -> bytes:
    """The SVG without comments, per-element titles, ids and repeated fonts."""
    svg = _ID.sub(b"", _TITLE.sub(rb"\1", _COMMENT.sub(b"", svg)))
    svg = svg.replace(_FONT, b"").replace(b' xml:space="preserve"', b"")
    head, sep, body = svg.partition(b"<g")
    return head + _STYLE + sep + _GAPS.sub(b">\n<", body) if sep else svg


FONTS_CONF = Path(__file__).with_name("fonts.conf")


@cache
def _graphviz() -> Any:
    """pygraphviz, its fontconfig set up with no fonts.

    Graphviz measures text with the machine's fonts, so the same commit would lay out
    differently elsewhere; with no fonts it uses built-in metrics on every machine.
    fontconfig reads FONTCONFIG_FILE once, at its first use: it is set for one layout
    and then restored, so programs this process starts (a browser in the tests) keep
    the machine's fonts."""
    previous = os.environ.get("FONTCONFIG_FILE")
    os.environ["FONTCONFIG_FILE"] = str(FONTS_CONF)
    try:
        import pygraphviz

        warm = pygraphviz.AGraph(string='digraph { a [label="a"] }')
        with _quiet_stderr():
            warm.draw(format="svg", prog="dot")
    finally:
        if previous is None:
            del os.environ["FONTCONFIG_FILE"]
        else:
            os.environ["FONTCONFIG_FILE"] = previous
    return pygraphviz


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """Silence the C libraries while fontconfig starts. Whatever its configuration, it
    also parses the system's sample files (conf.avail) without applying them, and the
    older fontconfig inside the pygraphviz wheel warns about elements it does not know
    (Debian 12's 05-reset-dirs-sample.conf). The warm-up graph is fixed, so nothing
    said there is about the user's catalog."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "wb") as devnull:  # noqa: PTH123
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def render_svg(dot: str) -> bytes:
    """Lay out with Graphviz ``dot``; a compact SVG (see :func:`compact`).

    Layout and rendering are one call: ``layout()`` then ``draw()`` would also write
    the positions back into the graph's attributes, which nothing here reads (a
    fifth of a map's time)."""
    graph = _graphviz().AGraph(string=dot)
    svg: bytes = graph.draw(format="svg", prog="dot")
    return compact(svg)
