"""Static SVG bar charts, written by hand.

Why not a library: pygal names each chart with a random uuid and links a tooltip
script from a CDN; matplotlib brings numpy and 40 MB, writes a date into its metadata
and draws text as glyph paths (about 30 KB a chart) unless configured not to. These
charts are a few rectangles and labels: a writer of 100 lines gives the same bytes for
the same numbers, needs no JavaScript and no network, takes the theme's colours through
CSS classes, and costs 2-4 KB a chart. The numbers are always also in a table beside
the chart; the SVG's ``<title>`` and ``<desc>`` give screen readers its gist.
"""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

WIDTH, HEIGHT = 560, 200
_LEFT, _RIGHT, _TOP, _BOTTOM = 44, 8, 12, 28


def _num(value: float) -> str:
    """Coordinates with one decimal: stable text for the same numbers."""
    text = f"{value:.1f}"
    return text[:-2] if text.endswith(".0") else text


def _tick(value: float) -> str:
    if value >= 100 or value == int(value):
        return f"{value:.0f}"
    return f"{value:.1f}"


def _scale_max(values: Sequence[float]) -> float:
    """A round top for the axis: 1, 2 or 5 times a power of ten, at least the largest."""
    top = max(values, default=0.0)
    if top <= 0:
        return 1.0
    power = 1.0
    while power * 10 < top:
        power *= 10
    while power > top:
        power /= 10
    return next(m * power for m in (1, 2, 5, 10) if m * power >= top)


def bar_chart(
    chart_id: str,
    title: str,
    description: str,
    labels: Sequence[str],
    values: Sequence[float | None],
    *,
    unit: str = "",
) -> str:
    """An accessible bar chart; ``None`` values (no data that week) draw no bar and are
    marked with a dash. ``chart_id`` must be unique on the page."""
    plot_w = WIDTH - _LEFT - _RIGHT
    plot_h = HEIGHT - _TOP - _BOTTOM
    top = _scale_max([v for v in values if v is not None])
    n = max(len(values), 1)
    slot = plot_w / n
    bar = max(slot * 0.7, 1.0)
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="portal-chart-svg" '
        f'viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="{chart_id}-title {chart_id}-desc">',
        f'<title id="{chart_id}-title">{escape(title)}</title>',
        f'<desc id="{chart_id}-desc">{escape(description)}</desc>',
    ]
    for frac in (0.0, 0.5, 1.0):
        y = _TOP + plot_h * (1 - frac)
        out.append(f'<line class="grid" x1="{_LEFT}" x2="{WIDTH - _RIGHT}" '
                   f'y1="{_num(y)}" y2="{_num(y)}"/>')  # fmt: skip
        out.append(f'<text class="tick" x="{_LEFT - 4}" y="{_num(y + 3)}" text-anchor="end">'
                   f"{_tick(top * frac)}{escape(unit) if frac else ''}</text>")  # fmt: skip
    every = max(1, -(-n // 8))  # at most 8 labels
    for i, (label, value) in enumerate(zip(labels, values, strict=True)):
        x = _LEFT + slot * i + (slot - bar) / 2
        if value is None:
            out.append(f'<text class="none" x="{_num(x + bar / 2)}" y="{_num(_TOP + plot_h - 3)}"'
                       ' text-anchor="middle">–</text>')  # fmt: skip
        else:
            h = plot_h * min(value, top) / top
            out.append(f'<rect class="bar" x="{_num(x)}" y="{_num(_TOP + plot_h - h)}" '
                       f'width="{_num(bar)}" height="{_num(h)}"/>')  # fmt: skip
        if i % every == 0:
            out.append(f'<text class="label" x="{_num(x + bar / 2)}" y="{HEIGHT - 10}" '
                       f'text-anchor="middle">{escape(label)}</text>')  # fmt: skip
    out.append("</svg>")
    return "".join(out)
