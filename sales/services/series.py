"""Numbering series: the cooperative's default series for invoices and credit notes, and the
series a sector may have of its own (one pole's invoices numbered apart, "BAT2026-00001").

Each series is its own chronological, continuous sequence per year: the database numbers
every document from the counter row of its (cooperative, series, year) (`sales/sql/`). Changing
a series starts the new one at 1 (or carries on where it stopped) and leaves the old one as it
is; no number is ever given twice. The quotes' series is kept apart.
"""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from entrepreneurs.models import Sector
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from sales.models import Document, SalesSettings, SectorSeries
from sales.services.customers import settings_get, settings_update

SERIES_RE = re.compile(r"^[A-Z]{1,4}$")
QUOTE_SERIES = "DE"


def _clean(value: str, what: str) -> str:
    series = (value or "").strip().upper()
    if not SERIES_RE.match(series):
        raise ApplicationError(
            _("%(what)s : de 1 à 4 lettres majuscules sans accent (« F », « BAT »).")
            % {"what": what}
        )
    if series == QUOTE_SERIES:
        raise ApplicationError(
            _("%(what)s : « %(series)s » est la série des devis.")
            % {"what": what, "series": series}
        )
    return series


def series_for(document: Document, settings: SalesSettings | None = None) -> str:
    """The series an invoice or credit note takes at validation: its sector's, else the
    cooperative's."""
    settings = settings or settings_get()
    own = SectorSeries.objects.filter(sector_id=document.activity.sector_id).first()
    if document.kind == Document.Kind.CREDIT_NOTE:
        return own.credit_note_series if own else settings.credit_note_series
    return own.invoice_series if own else settings.invoice_series


@transaction.atomic
def default_series_set(*, invoice_series: str, credit_note_series: str) -> SalesSettings:
    return settings_update(
        invoice_series=_clean(invoice_series, _("Série des factures")),
        credit_note_series=_clean(credit_note_series, _("Série des avoirs")),
    )


@transaction.atomic
def sector_series_set(
    *, sector: Sector, invoice_series: str = "", credit_note_series: str = ""
) -> SectorSeries | None:
    """The sector's own series; both empty: the sector takes the cooperative's again."""
    if not (invoice_series or "").strip() and not (credit_note_series or "").strip():
        SectorSeries.objects.filter(sector=sector).delete()
        return None
    series, _created = SectorSeries.objects.update_or_create(
        cooperative_id=require_cooperative_id(),
        sector=sector,
        defaults={
            "invoice_series": _clean(invoice_series, _("Série des factures")),
            "credit_note_series": _clean(credit_note_series, _("Série des avoirs")),
        },
    )
    return series
