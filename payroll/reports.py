"""The month's payroll journal and contribution summary as printable PDFs (WeasyPrint).

Rendered in the request, like the ledger's statements: a run has one row per paid entrepreneur
(a few pages for a large cooperative) and the summary one row per collecting body."""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import timezone

from payroll.services import render_pdf
from perspectives.tenancy.models import Cooperative


def report_pdf(
    *,
    template: str,
    cooperative: Cooperative,
    title: str,
    period: str,
    context: dict[str, Any],
    landscape: bool = False,
) -> bytes:
    """The cooperative, SIREN, title and period on top and at the foot of every page, with
    "Page X / Y"."""
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
