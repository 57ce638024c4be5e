"""PDF versions of the statements (WeasyPrint), in the print layout of `templates/accounting/pdf/`.

Rendered in the request: every statement but the ledgers is bounded by the chart of accounts
(a trial balance, a P&L) or fixed (the treasury statement), and a ledger is rendered only up to
`PDF_MAX_LINES` lines (about fifteen landscape pages; WeasyPrint's table layout grows faster than
the lines: 546 lines took 13 s on a loaded two-core machine); past that the view refuses and
points to the CSV, which has no limit, or to a narrower account or period.
"""

from __future__ import annotations

import datetime as dt

from django.utils.formats import date_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _

from accounting.selectors import Pnl
from perspectives.core.charts import Chart, Series, render_svg

PDF_MAX_LINES = 500


def period_label(date_from: dt.date | None, date_to: dt.date) -> str:
    end = date_format(date_to, "d/m/Y")
    if date_from is None:
        return _("Au %(end)s") % {"end": end}
    return _("Du %(start)s au %(end)s") % {"start": date_format(date_from, "d/m/Y"), "end": end}


def pnl_chart_svg(pnl: Pnl) -> SafeString:
    """Income, expenses and result per month; the PDF prints the same figures in a table."""
    months = pnl.months
    chart = Chart(
        title=_("Produits, charges et résultat par mois"),
        categories=tuple(date_format(month, "M Y") for month, *_rest in months),
        series=(
            Series(_("Produits"), tuple(income for _m, income, _e, _r in months)),
            Series(_("Charges"), tuple(expenses for _m, _i, expenses, _r in months)),
            Series(_("Résultat"), tuple(result for _m, _i, _e, result in months), kind="line"),
        ),
        unit="€",
    )
    return mark_safe(render_svg(chart, width=680, height=240, ident="pnl"))  # noqa: S308 - escaped by render_svg
