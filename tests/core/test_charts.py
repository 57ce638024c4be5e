from __future__ import annotations

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
    assert svg.startswith('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 680 260"')
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
        "1\u202f000\u00a0€",
        "1\u202f500\u00a0€",
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
    assert '<figure class="chart-figure">' in html
    assert "<caption>Chiffre d&#x27;affaires</caption>" in html
    assert '<th scope="row">févr.</th><td>800&nbsp;€</td><td>1 500&nbsp;€</td>' in html.replace(
        "\u202f", " "
    ).replace("\xa0", " ")


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
    legend_rows = set(re.findall(r'<text x="\d+" y="(\d+)" font-size="12"', svg))
    assert legend_rows == {"18", "36"}
    # "1 400 000 €" is 11 characters: the plot starts at 7 × 11 + 14 = 91 px.
    assert '<line x1="91" x2="668"' in svg
