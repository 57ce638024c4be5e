"""PDFs of every app, rendered by WeasyPrint (imported when first used: it loads Pango)."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from perspectives.tenancy.models import Cooperative


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def document_pdf(
    *,
    template: str,
    cooperative: Cooperative,
    title: str,
    period: str,
    context: dict[str, Any],
    landscape: bool = False,
) -> bytes:
    """A statement or report of the cooperative: its name, SIREN, the title, period and
    generation date on the first page and in the running header of the others, "Page X / Y"
    below (the templates extend a base that lays them out)."""
    html = render_to_string(
        template,
        {
            **context,
            "cooperative": cooperative,
            "title": title,
            "period": period,
            "generated_at": timezone.localtime(),
            "landscape": landscape,
        },
    )
    return render_pdf(html)
