from __future__ import annotations

from django import template
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from perspectives.core.charts import Chart, render_sparkline, render_svg

register = template.Library()


@register.simple_tag
def chart(chart: Chart, ident: str = "chart", width: int = 560, height: int = 280) -> SafeString:
    """The SVG chart and, behind it, the accessible data table it was drawn from."""
    svg = render_svg(chart, width=width, height=height, ident=ident)
    return mark_safe(  # noqa: S308 - render_svg escapes every text it writes
        render_to_string("core/chart.html", {"chart": chart, "svg": mark_safe(svg), "ident": ident})  # noqa: S308
    )


@register.simple_tag
def sparkline(values: list[object], label: str = "") -> SafeString:
    return mark_safe(render_sparkline(values, label=label))  # type: ignore[arg-type]  # noqa: S308
