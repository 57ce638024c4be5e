"""Server-side SVG charts: the same markup in pages and in WeasyPrint PDFs, no JavaScript.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies),
and lines also differ by dash pattern, so a chart still reads in black-and-white print. Every
chart carries a title and description for screen readers; templates show the data table beside
it (`{% chart %}` in `core_charts`).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

from django.utils.translation import gettext as _

from perspectives.core import formats

PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#000000")
DASHES = ("", "6 3", "2 3", "8 3 2 3", "1 2", "10 4", "4 4")

Number = Decimal | int


@dataclass(frozen=True)
class Series:
    label: str
    values: tuple[Number | None, ...]
    kind: str = "bar"  # "bar" or "line"


@dataclass(frozen=True)
class Chart:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    unit: str = ""
    description: str = ""
    marks: tuple[int, ...] = field(default=())  # category indexes to highlight (fragile months)
    partial: int | None = None  # the category still being counted (the current month)
    horizontal: bool = False  # bars along the width, for categories that are names

    def rows(self) -> list[tuple[str, list[Number | None]]]:
        """The data table: one row per category, one column per series."""
        return [
            (category, [series.values[index] for series in self.series])
            for index, category in enumerate(self.categories)
        ]


def _nice_step(span: float) -> float:
    raw = span / 4 or 1
    magnitude = 10 ** (len(str(int(raw))) - 1)
    for factor in (1, 2, 2.5, 5, 10):
        if raw <= factor * magnitude:
            return float(factor * magnitude)
    return float(10 * magnitude)


def _fmt(value: float, unit: str) -> str:
    text = formats.number(value, 0)
    if not unit:
        return text
    return formats.money(value, 0) if unit == "€" else f"{text}{formats.NBSP}{unit}"


# Text sizes in the SVG's own units. Charts are drawn 560 units wide and shown at least 32rem
# (512 px) wide (a narrower screen scrolls the chart inside its card): 14 units read as 12.8 px
# or more.
FONT = 14
CHAR = 8.0  # the average advance of a character at FONT, for layout estimates


def _legend(chart: Chart, width: int) -> list[list[tuple[int, Series | None, float]]]:
    """The legend's items placed in rows that wrap; None stands for the "partial month" key."""
    items: list[tuple[int, Series | None, str]] = [
        (number, series, series.label) for number, series in enumerate(chart.series)
    ]
    if chart.partial is not None:
        items.append((-1, None, str(_("mois en cours, incomplet"))))
    rows: list[list[tuple[int, Series | None, float]]] = [[]]
    x = 0.0
    for number, series, label in items:
        item_width = 30 + CHAR * len(label)
        if rows[-1] and x + item_width > width - 20:
            rows.append([])
            x = 0.0
        rows[-1].append((number, series, x))
        x += item_width
    return rows


def _legend_svg(chart: Chart, rows: list[list[tuple[int, Series | None, float]]]) -> list[str]:
    parts = []
    for row, items in enumerate(rows):
        y_top = 6 + 20 * row
        for index, item, shift in items:
            x = 12.0 + shift
            if item is None:
                swatch = (
                    f'<rect x="{x:.0f}" y="{y_top + 2}" width="12" height="12" fill="{PALETTE[0]}" '
                    f'fill-opacity="0.35" stroke="{PALETTE[0]}" stroke-dasharray="2 2"/>'
                )
                label = str(_("mois en cours, incomplet"))
            elif item.kind == "bar":
                colour = PALETTE[index % len(PALETTE)]
                swatch = (
                    f'<rect x="{x:.0f}" y="{y_top + 2}" width="12" height="12" fill="{colour}"/>'
                )
                label = item.label
            else:
                colour = PALETTE[index % len(PALETTE)]
                swatch = (
                    f'<line x1="{x:.0f}" x2="{x + 14:.0f}" y1="{y_top + 8}" y2="{y_top + 8}" '
                    f'stroke="{colour}" stroke-width="2.5" '
                    f'stroke-dasharray="{DASHES[index % len(DASHES)]}"/>'
                )
                label = item.label
            parts.append(
                swatch + f'<text x="{x + 18:.0f}" y="{y_top + 13}" font-size="{FONT}" '
                f'fill="#1d2330">{escape(label)}</text>'
            )
    return parts


def _scale(chart: Chart) -> tuple[float, float, float]:
    values = [float(v) for s in chart.series for v in s.values if v is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    step = _nice_step(high - low)
    low = step * (low // step)
    high = step * -(-high // step) if high > 0 else step
    return low, high, step


def _wrap(text: str, chars: int) -> list[str]:
    """At most two lines of `chars` characters, cut between words; the full text is in the table."""
    words, lines = text.split(), [""]
    for word in words:
        candidate = f"{lines[-1]} {word}".strip()
        if len(candidate) <= chars or not lines[-1]:
            lines[-1] = candidate
        elif len(lines) < 2:
            lines.append(word)
        else:
            lines[-1] = candidate
    if len(lines[-1]) > chars:
        lines[-1] = lines[-1][: chars - 1] + "…"
    return lines


def _open(chart: Chart, width: int, height: int, ident: str) -> list[str]:
    return [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" class="chart">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.description or chart.title)}</desc>',
    ]


def render_svg(chart: Chart, *, width: int = 560, height: int = 280, ident: str = "chart") -> str:
    if chart.horizontal:
        return _render_horizontal(chart, width=width, ident=ident)
    low, high, step = _scale(chart)
    span = (high - low) or 1.0
    legend_rows = _legend(chart, width)
    longest = max(len(_fmt(low, chart.unit)), len(_fmt(high, chart.unit)))
    left, right, top, bottom = max(48, int(CHAR * longest) + 14), 12, 14 + 20 * len(legend_rows), 34
    plot_w, plot_h = width - left - right, height - top - bottom

    def y(value: float) -> float:
        return top + plot_h - (value - low) / span * plot_h

    count = max(len(chart.categories), 1)
    slot = plot_w / count
    bars = [s for s in chart.series if s.kind == "bar"]
    bar_w = slot * 0.8 / max(len(bars), 1)
    parts = _open(chart, width, height, ident)
    for index in chart.marks:
        parts.append(
            f'<rect x="{left + index * slot:.1f}" y="{top}" width="{slot:.1f}" height="{plot_h}" '
            'fill="#f0e442" fill-opacity="0.25"/>'
        )
    tick = low
    while tick <= high + step / 2:
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" '
            f'stroke="#d5dbe3" stroke-width="{1.5 if tick == 0 else 0.75}"/>'
            f'<text x="{left - 6}" y="{y(tick) + 5:.1f}" text-anchor="end" font-size="{FONT}" '
            f'fill="#4f5b6b">{escape(_fmt(tick, chart.unit))}</text>'
        )
        tick += step
    longest_label = max((len(c) for c in chart.categories), default=1)
    label_every = max(1, -(-int(longest_label * CHAR + 8) // max(int(slot), 1)))
    for index, category in enumerate(chart.categories):
        # The axis names every n-th month (the last one always); the table names them all.
        if (count - 1 - index) % label_every == 0:
            parts.append(
                f'<text x="{left + (index + 0.5) * slot:.1f}" y="{height - bottom + 20}" '
                f'text-anchor="middle" font-size="{FONT}" fill="#1d2330">{escape(category)}</text>'
            )
    for number, series in enumerate(chart.series):
        colour = PALETTE[number % len(PALETTE)]
        if series.kind == "bar":
            offset = bars.index(series)
            for index, value in enumerate(series.values):
                if value is None:
                    continue
                top_y, zero_y = y(float(value)), y(0.0)
                partial = (
                    f' fill-opacity="0.35" stroke="{colour}" stroke-dasharray="2 2"'
                    if index == chart.partial
                    else ""
                )
                parts.append(
                    f'<rect x="{left + index * slot + slot * 0.1 + offset * bar_w:.1f}" '
                    f'y="{min(top_y, zero_y):.1f}" width="{bar_w:.1f}" '
                    f'height="{abs(zero_y - top_y):.1f}" fill="{colour}"{partial}/>'
                )
        else:
            parts += _line(series, number, chart.partial, lambda i: left + (i + 0.5) * slot, y)
    parts += _legend_svg(chart, legend_rows)
    parts.append("</svg>")
    return "".join(parts)


def _line(
    series: Series,
    number: int,
    partial: int | None,
    x: Callable[[int], float],
    y: Callable[[float], float],
) -> list[str]:
    """A line broken where there is no data; the step into an unfinished month is dotted."""
    colour = PALETTE[number % len(PALETTE)]
    dash = DASHES[number % len(DASHES)]
    style = f'fill="none" stroke="{colour}" stroke-width="2.5"' + (
        f' stroke-dasharray="{dash}"' if dash else ""
    )
    parts: list[str] = []
    run: list[int] = []
    indexes = [i for i, v in enumerate(series.values) if v is not None and i != partial]
    for index in [*indexes, -2]:
        if run and index != run[-1] + 1:
            if len(run) == 1:
                value = float(series.values[run[0]])  # type: ignore[arg-type]
                parts.append(
                    f'<circle cx="{x(run[0]):.1f}" cy="{y(value):.1f}" r="3" fill="{colour}"/>'
                )
            else:
                points = " ".join(
                    f"{x(i):.1f},{y(float(series.values[i])):.1f}"  # type: ignore[arg-type]
                    for i in run
                )
                parts.append(f'<polyline points="{points}" {style}/>')
            run = []
        if index >= 0:
            run.append(index)
    if partial is not None and series.values[partial] is not None:
        value = float(series.values[partial])  # type: ignore[arg-type]
        before = series.values[partial - 1] if partial > 0 else None
        if before is not None:
            parts.append(
                f'<line x1="{x(partial - 1):.1f}" y1="{y(float(before)):.1f}" '
                f'x2="{x(partial):.1f}" y2="{y(value):.1f}" stroke="{colour}" stroke-width="2" '
                'stroke-dasharray="2 4" stroke-opacity="0.7"/>'
            )
        parts.append(
            f'<circle cx="{x(partial):.1f}" cy="{y(value):.1f}" r="3.5" fill="#fff" '
            f'stroke="{colour}" stroke-width="2"/>'
        )
    return parts


def _render_horizontal(chart: Chart, *, width: int, ident: str) -> str:
    """Bars along the width, one band per category, its name written in full on the left (on
    two lines when long): for categories that are names, not months."""
    low, high, step = _scale(chart)
    span = (high - low) or 1.0
    legend_rows = _legend(chart, width) if len(chart.series) > 1 else []
    chars = max(8, int(width * 0.4 / CHAR))
    wrapped = [_wrap(category, chars) for category in chart.categories]
    longest = max((len(line) for lines in wrapped for line in lines), default=4)
    left = int(CHAR * longest) + 16
    right = 8 + int(CHAR * len(_fmt(high, chart.unit)) / 2)
    top = 12 + 20 * len(legend_rows)
    band = max(34, 16 * len(chart.series) + 14)
    plot_h = band * max(len(chart.categories), 1)
    height = top + plot_h + 30
    plot_w = width - left - right

    def x(value: float) -> float:
        return left + (value - low) / span * plot_w

    parts = _open(chart, width, height, ident)
    tick = low
    while tick <= high + step / 2:
        parts.append(
            f'<line x1="{x(tick):.1f}" x2="{x(tick):.1f}" y1="{top}" y2="{top + plot_h}" '
            f'stroke="#d5dbe3" stroke-width="{1.5 if tick == 0 else 0.75}"/>'
            f'<text x="{x(tick):.1f}" y="{top + plot_h + 20}" text-anchor="middle" '
            f'font-size="{FONT}" fill="#4f5b6b">{escape(_fmt(tick, chart.unit))}</text>'
        )
        tick += step
    bar_h = (band - 10) / max(len(chart.series), 1)
    for index, lines in enumerate(wrapped):
        middle = top + index * band + band / 2
        first = middle + 5 - 8 * (len(lines) - 1)
        tspans = "".join(
            f'<tspan x="{left - 8}" y="{first + 16 * n:.1f}">{escape(line)}</tspan>'
            for n, line in enumerate(lines)
        )
        parts.append(f'<text text-anchor="end" font-size="{FONT}" fill="#1d2330">{tspans}</text>')
        for number, series in enumerate(chart.series):
            value = series.values[index]
            if value is None:
                continue
            start, end = sorted((x(0.0), x(float(value))))
            parts.append(
                f'<rect x="{start:.1f}" y="{top + index * band + 5 + number * bar_h:.1f}" '
                f'width="{max(end - start, 1):.1f}" height="{bar_h - 2:.1f}" '
                f'fill="{PALETTE[number % len(PALETTE)]}"/>'
            )
    parts += _legend_svg(chart, legend_rows)
    parts.append("</svg>")
    return "".join(parts)


def render_sparkline(
    values: list[Number | None], *, width: int = 120, height: int = 28, label: str = ""
) -> str:
    """A tiny trend line for tables (portfolio rows)."""
    points = [float(v) for v in values if v is not None]
    if len(points) < 2:
        return ""
    low, high = min(points), max(points)
    span = (high - low) or 1.0
    step = width / (len(points) - 1)
    coords = " ".join(
        f"{index * step:.1f},{height - 2 - (value - low) / span * (height - 4):.1f}"
        for index, value in enumerate(points)
    )
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="{width}" '
        f'height="{height}" role="img" aria-label="{escape(label)}" class="sparkline">'
        f'<polyline points="{coords}" fill="none" stroke="{PALETTE[0]}" stroke-width="1.5"/></svg>'
    )
