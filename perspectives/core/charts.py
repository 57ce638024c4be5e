"""Server-side SVG charts: the same markup in pages and in WeasyPrint PDFs, no JavaScript.

Colours are the Okabe-Ito palette (distinguishable with the common colour-vision deficiencies),
and lines also differ by dash pattern, so a chart still reads in black-and-white print. Every
chart carries a title and description for screen readers; templates show the data table beside
it (`{% chart %}` in `core_charts`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from html import escape

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
    text = f"{value:,.0f}".replace(",", "\u202f")
    return f"{text}\u00a0{unit}" if unit else text


# Long on purpose: one SVG drawn top to bottom (axes, bars, lines, labels); split, its coordinates
# would travel through many arguments.
def render_svg(chart: Chart, *, width: int = 680, height: int = 260, ident: str = "chart") -> str:
    values = [float(v) for s in chart.series for v in s.values if v is not None]
    low, high = min([0.0, *values]), max([0.0, *values])
    step = _nice_step(high - low)
    low = step * (low // step)
    high = step * -(-high // step) if high > 0 else step
    span = (high - low) or 1.0
    # The legend wraps onto as many rows as it needs; the axis is as wide as its longest label.
    legend_rows: list[list[tuple[int, Series, float]]] = [[]]
    legend_x = 0.0
    for number, series in enumerate(chart.series):
        item_width = 30 + 7 * len(series.label)
        if legend_rows[-1] and legend_x + item_width > width - 20:
            legend_rows.append([])
            legend_x = 0.0
        legend_rows[-1].append((number, series, legend_x))
        legend_x += item_width
    longest = max(len(_fmt(low, chart.unit)), len(_fmt(high, chart.unit)))
    left, right, top, bottom = max(48, 7 * longest + 14), 12, 12 + 18 * len(legend_rows), 44
    plot_w, plot_h = width - left - right, height - top - bottom

    def y(value: float) -> float:
        return top + plot_h - (value - low) / span * plot_h

    count = max(len(chart.categories), 1)
    slot = plot_w / count
    bars = [s for s in chart.series if s.kind == "bar"]
    bar_w = slot * 0.8 / max(len(bars), 1)
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {width} {height}" width="100%" '
        f'role="img" aria-labelledby="{ident}-title {ident}-desc" class="chart">',
        f'<title id="{ident}-title">{escape(chart.title)}</title>',
        f'<desc id="{ident}-desc">{escape(chart.description or chart.title)}</desc>',
    ]
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
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11" '
            f'fill="#556070">{escape(_fmt(tick, chart.unit))}</text>'
        )
        tick += step
    label_every = max(1, count // 12)
    # Long labels are shortened to their slot (the full text is in the data table).
    max_chars = max(4, int(slot * label_every / 6.5))
    for index, category in enumerate(chart.categories):
        if index % label_every == 0:
            text = category if len(category) <= max_chars else category[: max_chars - 1] + "…"
            parts.append(
                f'<text x="{left + (index + 0.5) * slot:.1f}" y="{height - bottom + 16}" '
                f'text-anchor="middle" font-size="11" fill="#1d2330">{escape(text)}</text>'
            )
    for number, series in enumerate(chart.series):
        colour = PALETTE[number % len(PALETTE)]
        if series.kind == "bar":
            offset = bars.index(series)
            for index, value in enumerate(series.values):
                if value is None:
                    continue
                top_y, zero_y = y(float(value)), y(0.0)
                parts.append(
                    f'<rect x="{left + index * slot + slot * 0.1 + offset * bar_w:.1f}" '
                    f'y="{min(top_y, zero_y):.1f}" width="{bar_w:.1f}" '
                    f'height="{abs(zero_y - top_y):.1f}" fill="{colour}"/>'
                )
        else:
            points = " ".join(
                f"{left + (index + 0.5) * slot:.1f},{y(float(value)):.1f}"
                for index, value in enumerate(series.values)
                if value is not None
            )
            dash = DASHES[number % len(DASHES)]
            parts.append(
                f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"'
                + (f' stroke-dasharray="{dash}"' if dash else "")
                + "/>"
            )
    for row, items in enumerate(legend_rows):
        y_top = 6 + 18 * row
        for index, item, shift in items:
            colour = PALETTE[index % len(PALETTE)]
            x = 12.0 + shift
            swatch = (
                f'<rect x="{x:.0f}" y="{y_top + 2}" width="12" height="12" fill="{colour}"/>'
                if item.kind == "bar"
                else f'<line x1="{x:.0f}" x2="{x + 14:.0f}" y1="{y_top + 8}" y2="{y_top + 8}" '
                f'stroke="{colour}" stroke-width="2.5" '
                f'stroke-dasharray="{DASHES[index % len(DASHES)]}"/>'
            )
            parts.append(
                swatch + f'<text x="{x + 18:.0f}" y="{y_top + 12}" font-size="12" '
                f'fill="#1d2330">{escape(item.label)}</text>'
            )
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
