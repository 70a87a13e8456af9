"""Charts drawn on the server as inline SVG: columns (a value over time), bars (a value per
country) and one stacked bar (parts of a whole). No JavaScript and no library.

The page's Content-Security-Policy forbids inline styles, so every colour, size and font
size is an SVG presentation attribute (fill="…"), never style="…"; text inherits the page's
font. Each chart is an `<svg role="img">` named by its `<title>` and described by its
`<desc>` (give a sentence that states what matters); pages put the figures in a table too.
Numbers are formatted by Babel in the current language. Colours keep at least 4.5:1 against
white, so bars and their labels stay legible, and the white labels on them too.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

from markupsafe import Markup, escape

from core.i18n import format_number, format_percent, gettext

INK = "#1f2328"
MUTED = "#57606a"
GRID = "#d0d7de"
BAR = "#9b1c1c"  # the site's red: 8.6:1 on white
# Parts of a whole, in order: green, brown, red (hatched, so it differs from green for
# readers who do not tell red from green), grey. Each is at least 6:1 against white.
PARTS = ("#116329", "#7d4e00", "#b42318", "#57606a")
HATCHED = 2  # the index of the part drawn hatched
WIDTH = 720
FONT = 13
SMALL = 12


def _pairs(items: Iterable[Any]) -> list[tuple[str, float]]:
    """(label, value) from tuples or from objects with `label` and `value`."""
    pairs = []
    for item in items:
        label, value = item if isinstance(item, tuple) else (item.label, item.value)
        pairs.append((str(label), float(value or 0)))
    return pairs


def _n(value: float) -> str:
    return format_number(int(value) if float(value).is_integer() else round(value, 2))


def _num(value: float) -> str:
    """A coordinate, short."""
    return f"{value:.1f}".rstrip("0").rstrip(".")


def nice_step(maximum: float, ticks: int = 4, whole: bool = True) -> float:
    """A round step (1, 2, 2.5 or 5 times a power of ten) giving about `ticks` gridlines."""
    if maximum <= 0:
        return 1.0
    raw = maximum / ticks
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if raw <= m * magnitude)
    return max(step, 1.0) if whole else step


def _open(chart_id: str, title: str, desc: str, width: float, height: float) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" '
        f'viewBox="0 0 {_num(width)} {_num(height)}" width="{_num(width)}" '
        f'height="{_num(height)}" preserveAspectRatio="xMinYMin meet" '
        f'aria-labelledby="{escape(chart_id)}-title {escape(chart_id)}-desc">',
        f'<title id="{escape(chart_id)}-title">{escape(title)}</title>',
        f'<desc id="{escape(chart_id)}-desc">{escape(desc)}</desc>',
    ]


def _text(
    x: float,
    y: float,
    content: str,
    *,
    anchor: str = "start",
    size: int = FONT,
    fill: str = INK,
    weight: str = "normal",
    extra: str = "",
) -> str:
    return (
        f'<text x="{_num(x)}" y="{_num(y)}" text-anchor="{anchor}" font-size="{size}" '
        f'fill="{fill}" font-weight="{weight}"{extra}>{escape(content)}</text>'
    )


def _lines(label: str, limit: int = 10) -> list[str]:
    """An axis label on up to two lines, split at the last space when it is long."""
    if len(label) <= limit or " " not in label:
        return [label]
    head, _sep, tail = label.rpartition(" ")
    return [head, tail]


def columns(items: Sequence[Any], *, chart_id: str, title: str, desc: str) -> Markup:
    """Vertical columns, one per item in order (a value over time), each labelled with its
    value; a value axis with round gridlines on the left."""
    pairs = _pairs(items)
    height, left, right, top, bottom = 300.0, 64.0, 16.0, 28.0, 52.0
    plot_w, plot_h = WIDTH - left - right, height - top - bottom
    largest = max((value for _label, value in pairs), default=0.0)
    whole = all(value.is_integer() for _label, value in pairs)
    step = nice_step(largest, whole=whole)
    ceiling = step * max(1, math.ceil(largest / step))
    parts = _open(chart_id, title, desc, WIDTH, height)
    parts.append('<g aria-hidden="true">')
    tick = 0.0
    while tick <= ceiling + step / 1000:
        y = top + plot_h - tick / ceiling * plot_h
        parts.append(
            f'<line x1="{_num(left)}" y1="{_num(y)}" x2="{_num(WIDTH - right)}" y2="{_num(y)}" '
            f'stroke="{GRID}" stroke-width="1"/>'
        )
        parts.append(_text(left - 8, y + 4, _n(tick), anchor="end", size=SMALL, fill=MUTED))
        tick += step
    slot = plot_w / max(1, len(pairs))
    bar_w = min(56.0, slot * 0.6)
    for index, (label, value) in enumerate(pairs):
        centre = left + slot * index + slot / 2
        bar_h = value / ceiling * plot_h if ceiling else 0.0
        y = top + plot_h - bar_h
        parts.append(
            f'<rect x="{_num(centre - bar_w / 2)}" y="{_num(y)}" width="{_num(bar_w)}" '
            f'height="{_num(bar_h)}" fill="{BAR}"/>'
        )
        parts.append(_text(centre, y - 6, _n(value), anchor="middle", weight="bold"))
        for line_number, line in enumerate(_lines(label)):
            parts.append(
                _text(
                    centre,
                    top + plot_h + 18 + line_number * 15,
                    line,
                    anchor="middle",
                    size=SMALL,
                    fill=INK,
                )
            )
    parts.append(
        f'<line x1="{_num(left)}" y1="{_num(top + plot_h)}" x2="{_num(WIDTH - right)}" '
        f'y2="{_num(top + plot_h)}" stroke="{MUTED}" stroke-width="1.5"/>'
    )
    return _finish(parts)


def bars(items: Sequence[Any], *, chart_id: str, title: str, desc: str) -> Markup:
    """Horizontal bars, one row per item (a value per country), labelled at both ends."""
    pairs = _pairs(items)
    label_w, right, top, row_h, bar_h = 180.0, 80.0, 8.0, 32.0, 20.0
    height = top * 2 + row_h * max(1, len(pairs))
    plot_w = WIDTH - label_w - right
    largest = max((value for _label, value in pairs), default=0.0) or 1.0
    parts = _open(chart_id, title, desc, WIDTH, height)
    parts.append('<g aria-hidden="true">')
    for index, (label, value) in enumerate(pairs):
        middle = top + row_h * index + row_h / 2
        width = value / largest * plot_w
        parts.append(_text(label_w - 10, middle + 4.5, label, anchor="end"))
        parts.append(
            f'<rect x="{_num(label_w)}" y="{_num(middle - bar_h / 2)}" width="{_num(width)}" '
            f'height="{_num(bar_h)}" fill="{BAR}"/>'
        )
        parts.append(_text(label_w + width + 8, middle + 4.5, _n(value), weight="bold"))
    parts.append(
        f'<line x1="{_num(label_w)}" y1="{_num(top)}" x2="{_num(label_w)}" '
        f'y2="{_num(height - top)}" stroke="{MUTED}" stroke-width="1.5"/>'
    )
    return _finish(parts)


def _finish(parts: list[str]) -> Markup:
    parts.append("</g></svg>")
    # Safe: the parts hold numbers, fixed markup and text passed through escape().
    return Markup("".join(parts))  # noqa: S704


def _fill(chart_id: str, index: int) -> str:
    return f"url(#{escape(chart_id)}-hatch)" if index == HATCHED else PARTS[index % len(PARTS)]


def stacked(items: Sequence[Any], *, chart_id: str, title: str, desc: str) -> Markup:
    """One bar split into parts of a whole (at most four, coloured in PARTS order), each part
    labelled with its count when it is wide enough, and a legend with counts and shares."""
    pairs = _pairs(items)
    total = sum(value for _label, value in pairs)
    bar_y, bar_h, legend_top, legend_row = 8.0, 40.0, 72.0, 26.0
    columns_ = 2
    rows = math.ceil(len(pairs) / columns_)
    height = legend_top + rows * legend_row
    parts = _open(chart_id, title, desc, WIDTH, height)
    parts.append(
        f'<defs><pattern id="{escape(chart_id)}-hatch" patternUnits="userSpaceOnUse" '
        f'width="8" height="8" patternTransform="rotate(45)">'
        f'<rect width="8" height="8" fill="{PARTS[HATCHED]}"/>'
        f'<line x1="0" y1="0" x2="0" y2="8" stroke="#7a1a12" stroke-width="4"/>'
        f"</pattern></defs>"
    )
    parts.append('<g aria-hidden="true">')
    x = 0.0
    for index, (_label, value) in enumerate(pairs):
        if not total or not value:
            continue
        width = value / total * WIDTH
        parts.append(
            f'<rect x="{_num(x)}" y="{_num(bar_y)}" width="{_num(width)}" height="{_num(bar_h)}" '
            f'fill="{_fill(chart_id, index)}" stroke="#ffffff" stroke-width="2"/>'
        )
        if width >= 36:
            parts.append(
                _text(
                    x + width / 2,
                    bar_y + bar_h / 2 + 5,
                    _n(value),
                    anchor="middle",
                    fill="#ffffff",
                    weight="bold",
                    extra=' stroke="#1f2328" stroke-width="3" paint-order="stroke"',
                )
            )
        x += width
    if not total:
        parts.append(
            f'<rect x="0" y="{_num(bar_y)}" width="{WIDTH}" height="{_num(bar_h)}" '
            f'fill="#ffffff" stroke="{GRID}" stroke-width="1"/>'
        )
    column_w = WIDTH / columns_
    for index, (label, value) in enumerate(pairs):
        lx = (index % columns_) * column_w
        ly = legend_top + (index // columns_) * legend_row
        parts.append(
            f'<rect x="{_num(lx)}" y="{_num(ly - 13)}" width="16" height="16" '
            f'fill="{_fill(chart_id, index)}"/>'
        )
        legend = (
            gettext(
                "%(label)s: %(value)s (%(share)s)",
                label=label,
                value=_n(value),
                share=format_percent(value / total),
            )
            if total
            else gettext("%(label)s: %(value)s", label=label, value=_n(value))
        )
        parts.append(_text(lx + 24, ly, legend))
    return _finish(parts)
