from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.template import Context, Template

from perspectives.core.charts import Chart, Series, render_sparkline, render_svg

CHART = Chart(
    title="Chiffre d'affaires",
    categories=("janv.", "févr.", "mars"),
    series=(
        Series("2026", (Decimal("1200"), Decimal("800"), None)),
        Series("2025", (Decimal("1000"), Decimal("1500"), Decimal("900")), kind="line"),
    ),
    unit="€",
    marks=(1,),
)


def test_svg_has_one_bar_per_value_a_line_a_legend_and_accessible_text() -> None:
    svg = render_svg(CHART, ident="ca")
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 560 280"')
    assert 'role="img" aria-labelledby="ca-title ca-desc"' in svg
    assert '<title id="ca-title">Chiffre d&#x27;affaires</title>' in svg
    assert svg.count('fill="#0072B2"/>') == 3  # two bars and the legend swatch
    assert svg.count("<polyline") == 1
    assert 'stroke-dasharray="6 3"' in svg  # the second series differs by dash, not only colour
    assert svg.count('fill="#f0e442"') == 1  # the fragile month is marked
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", svg)
    # Axis from 0 to 1 500 € by steps of 500 €, then the months and the legend.
    assert labels == [
        "0\u00a0€",
        "500\u00a0€",
        "1\u00a0000\u00a0€",
        "1\u00a0500\u00a0€",
        "janv.",
        "févr.",
        "mars",
        "2026",
        "2025",
    ]


def test_negative_values_draw_below_zero() -> None:
    chart = Chart(
        title="Trésorerie",
        categories=("a", "b"),
        series=(Series("t", (Decimal("-300"), Decimal("500"))),),
    )
    labels = re.findall(r"<text[^>]*>([^<]*)</text>", render_svg(chart))
    assert labels[:6] == ["-400", "-200", "0", "200", "400", "600"]


def test_template_tag_renders_the_chart_and_its_data_table() -> None:
    html = Template("{% load core_charts %}{% chart c 'ca' %}").render(Context({"c": CHART}))
    assert '<figure class="chart-figure" aria-labelledby="ca-heading">' in html
    assert "<caption>Chiffre d&#x27;affaires</caption>" in html
    assert '<h3 id="ca-heading">Chiffre d&#x27;affaires</h3>' in html  # the title is visible
    assert (
        '<th scope="row">févr.</th><td class="num">800 €</td><td class="num">1 500 €</td>'
        in html.replace("\u202f", " ").replace("\xa0", " ")
    )


def test_sparkline_needs_two_points() -> None:
    assert render_sparkline([Decimal(1)]) == ""
    spark = render_sparkline([Decimal(0), Decimal(10), Decimal(5)], label="tendance")
    assert 'aria-label="tendance"' in spark
    assert 'points="0.0,26.0 60.0,2.0 120.0,14.0"' in spark


def test_long_legends_wrap_and_the_axis_fits_its_labels() -> None:
    names = (
        "Bâtiment",
        "Formation et conseil",
        "Espaces verts et jardinage",
        "Bien-être",
        "Communication",
        "Services",
        "Commerce",
    )
    chart = Chart(
        title="Pôles",
        categories=("a", "b"),
        series=tuple(
            Series(name, (Decimal(1_200_000), Decimal(900_000)), kind="line") for name in names
        ),
        unit="€",
    )
    svg = render_svg(chart)
    legend_rows = set(re.findall(r'<text x="\d+" y="(\d+)" font-size="14"', svg))
    assert legend_rows == {"19", "39"}
    # "1 400 000 €" is 11 characters: the plot starts at 8 × 11 + 14 = 102 units.
    assert '<line x1="102" x2="548"' in svg


def test_axis_text_is_readable_and_months_are_unambiguous() -> None:
    from perspectives.core.formats import month_short

    labels = [month_short(dt.date(2026, m, 1)) for m in (6, 7)]
    assert labels == ["juin\u00a026", "juil.\u00a026"]
    svg = render_svg(CHART)
    sizes = {int(size) for size in re.findall(r'font-size="(\d+)"', svg)}
    # 14 units in a 560-unit chart never drawn narrower than 32rem (512 px) read as 12.8 px.
    assert sizes == {14}


def test_the_current_month_is_drawn_apart_and_gaps_break_the_line() -> None:
    chart = Chart(
        title="CA",
        categories=("a", "b", "c", "d", "e"),
        series=(
            Series("barres", (Decimal(5), Decimal(6), Decimal(7), Decimal(8), Decimal(1))),
            Series("ligne", (None, Decimal(4), Decimal(5), Decimal(6), Decimal(1)), kind="line"),
        ),
        partial=4,
    )
    svg = render_svg(chart)
    assert svg.count('fill-opacity="0.35" stroke="#0072B2" stroke-dasharray="2 2"') == 2  # bar, key
    polylines = re.findall(r'<polyline points="([^"]*)"', svg)
    assert len(polylines) == 1
    assert len(polylines[0].split()) == 3  # b, c, d: not a, not e
    assert 'stroke-dasharray="2 4"' in svg  # the dotted step into the unfinished month
    assert "mois en cours, incomplet" in svg

    gap = Chart(
        title="t",
        categories=("a", "b", "c", "d"),
        series=(Series("l", (Decimal(1), Decimal(2), None, Decimal(3)), kind="line"),),
    )
    svg = render_svg(gap)
    assert len(re.findall(r"<polyline", svg)) == 1  # a–b; d alone is a dot
    assert svg.count("<circle") == 1


def test_horizontal_bars_write_long_names_in_full() -> None:
    chart = Chart(
        title="Pôles",
        categories=("Formation et conseil", "Espaces verts et jardinage"),
        series=(Series("CA", (Decimal(1000), Decimal(500))),),
        unit="€",
        horizontal=True,
    )
    svg = render_svg(chart)
    texts = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", svg)
    assert texts == ["Formation et conseil", "Espaces verts et jardinage"]
    assert "…" not in svg
