"""Quotes: sending (numbered then), the customer's answer, expiry, and turning them into
invoices (the whole quote, or a deposit as a percentage or an amount, then the balance)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.services.errors import db_errors
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from sales import totals as t
from sales.models import Document, DocumentLine
from sales.services.documents import (
    DOCUMENT_FIELDS,
    LineData,
    _copy_lines,
    _counter_lock,
    document_create,
    format_number,
)
from sales.services.posting import DEPOSITS
from sales.services.series import QUOTE_SERIES

ZERO = Decimal("0.00")


def _locked_quote(quote: Document) -> Document:
    locked: Document = Document.objects.select_for_update(of=("self",)).get(pk=quote.pk)
    if locked.kind != Document.Kind.QUOTE:
        raise ApplicationError(_("Ce document n'est pas un devis."))
    return locked


@transaction.atomic
def quote_send(*, quote: Document, date: dt.date | None = None) -> Document:
    """Mark a draft quote (or one waiting for support staff) sent; the database numbers it in
    the quotes' series."""
    quote = _locked_quote(quote)
    if quote.status not in (Document.Status.DRAFT, Document.Status.PENDING):
        raise ApplicationError(_("Ce devis a déjà été envoyé."))
    if not quote.lines.filter(kind=DocumentLine.Kind.ITEM).exists():
        raise ApplicationError(_("Le devis n'a aucune ligne."))
    day = date or timezone.localdate()
    last_number, last_date = _counter_lock(QUOTE_SERIES, day.year)
    if last_date is not None and day < last_date:
        day = last_date
    with db_errors():
        Document.objects.filter(pk=quote.pk).update(
            status=Document.Status.SENT, series=QUOTE_SERIES, issue_date=day
        )
    quote.refresh_from_db()
    if quote.number != format_number(QUOTE_SERIES, day.year, last_number + 1):
        raise ApplicationError(_("Numérotation concurrente inattendue : rien n'a été envoyé."))
    return quote


@transaction.atomic
def quote_answer(*, quote: Document, accepted: bool) -> Document:
    quote = _locked_quote(quote)
    if quote.status != Document.Status.SENT:
        raise ApplicationError(_("Seul un devis envoyé s'accepte ou se refuse."))
    if accepted and quote.validity_date and quote.validity_date < timezone.localdate():
        raise ApplicationError(_("Ce devis a expiré."))
    status = Document.Status.ACCEPTED if accepted else Document.Status.REFUSED
    Document.objects.filter(pk=quote.pk).update(status=status)
    quote.status = status
    return quote


@transaction.atomic
def quotes_expire(*, today: dt.date | None = None) -> int:
    """Sent quotes past their validity date become expired."""
    return Document.objects.filter(
        kind=Document.Kind.QUOTE,
        status=Document.Status.SENT,
        validity_date__lt=today or timezone.localdate(),
    ).update(status=Document.Status.EXPIRED)


def deposits_to_deduct(*, quote_id: int, exclude_id: int | None = None) -> list[Document]:
    """The validated deposit invoices of a quote, which its balance invoice deducts."""
    queryset = Document.objects.filter(
        quote_id=quote_id,
        kind=Document.Kind.INVOICE,
        type_code=Document.InvoiceKind.DEPOSIT,
        status=Document.Status.VALIDATED,
    ).order_by("sequence")
    if exclude_id is not None:
        queryset = queryset.exclude(pk=exclude_id)
    return list(queryset)


# Long on purpose: the three ways to invoice a quote (whole, deposit, balance) share their checks
# and lines; side by side they read as one rule.
@transaction.atomic
def quote_invoice(
    *,
    quote: Document,
    mode: str = "whole",
    percent: Decimal | str | None = None,
    amount: Decimal | str | None = None,
    user: User | None = None,
) -> Document:
    """A draft invoice from an accepted (or sent) quote.

    - "whole": every line of the quote; at validation it deducts the quote's validated deposits
      (BT-113 prepaid amount) and posts their net back from 4191;
    - "deposit": a deposit invoice (type 386), one line per VAT rate of the quote in proportion
      to its net amounts, for `percent` of the quote's total or for `amount` (VAT included);
    - "progress": a progress invoice (situation de travaux) bringing the quote's billing to the
      cumulative `percent` of its progress (`_progress_invoice`).
    """
    quote = _locked_quote(quote)
    if quote.status not in (Document.Status.SENT, Document.Status.ACCEPTED):
        raise ApplicationError(_("Seul un devis envoyé ou accepté se facture."))
    fields = {
        name: getattr(quote, name)
        for name in DOCUMENT_FIELDS
        if name not in ("due_date", "validity_date")
    }
    if mode != "progress":
        # Only situations withhold the retention guarantee.
        fields["retention_percent"] = ZERO
    if mode == "whole":
        if _situations(quote).exists():
            raise ApplicationError(
                _("Ce devis se facture par situations de travaux : la dernière, à 100 %, le solde.")
            )
        if Document.objects.filter(
            quote=quote, kind=Document.Kind.INVOICE, type_code=Document.InvoiceKind.STANDARD
        ).exists():
            raise ApplicationError(_("Ce devis a déjà sa facture de solde."))
        deposits = deposits_to_deduct(quote_id=quote.pk)
        invoice = document_create(
            kind=Document.Kind.INVOICE,
            activity=quote.activity,
            customer=quote.customer,
            lines=_copy_lines(quote),
            user=user,
            quote=quote,
            **fields,
        )
        if deposits:
            from sales.services.documents import document_update

            Document.objects.filter(pk=invoice.pk).update(
                prepaid_total=sum((d.total_with_vat for d in deposits), ZERO),
                amount_due=invoice.total_with_vat - sum((d.total_with_vat for d in deposits), ZERO),
            )
            invoice = document_update(document=invoice)
        return invoice
    if mode == "progress":
        return _progress_invoice(quote=quote, percent=percent, user=user, fields=fields)
    if mode != "deposit":
        raise ApplicationError(_("Mode de facturation inconnu."))
    if _situations(quote).exists():
        raise ApplicationError(_("Ce devis se facture par situations de travaux."))
    try:
        if percent not in (None, ""):
            share = Decimal(str(percent)) / 100
            if not 0 < share < 1:
                raise ApplicationError(_("Le pourcentage d'acompte est entre 0 et 100 %."))
        elif amount not in (None, ""):
            wanted = Decimal(str(amount))
            if not 0 < wanted < quote.total_with_vat:
                raise ApplicationError(_("L'acompte est positif et inférieur au total du devis."))
            share = wanted / quote.total_with_vat
        else:
            raise ApplicationError(_("Indiquez un pourcentage ou un montant d'acompte."))
    except InvalidOperation:
        raise ApplicationError(_("Acompte illisible.")) from None
    from sales.services.documents import document_totals

    totals = document_totals(quote)
    taxable = [b.taxable for b in totals.breakdown]
    wanted_net = t.money(totals.total_without_vat * share)
    parts = t.split_by_weights(wanted_net, taxable)
    label = _("Acompte de %(share)s %% sur le devis %(number)s") % {
        "share": _plain((share * 100).quantize(Decimal("0.01"))),
        "number": quote.number,
    }
    lines = [
        LineData(label=label, unit_price=part, vat_rate=b.rate, account=DEPOSITS)
        for b, part in zip(totals.breakdown, parts, strict=True)
        if part
    ]
    fields["discount_percent"] = ZERO
    return document_create(
        kind=Document.Kind.INVOICE,
        activity=quote.activity,
        customer=quote.customer,
        lines=lines,
        user=user,
        quote=quote,
        type_code=Document.InvoiceKind.DEPOSIT,
        **fields,
    )


def _plain(percent: Decimal) -> str:
    """30.00 → "30", 62.50 → "62.5" (never "3E+1")."""
    return format(percent.normalize(), "f")


def _situations(quote: Document) -> QuerySet[Document]:
    return Document.objects.filter(quote=quote, progress_percent__isnull=False)


def _percent(value: Decimal | str | None) -> Decimal:
    try:
        percent = Decimal(str(value).replace(",", ".")) if value not in (None, "") else None
    except InvalidOperation:
        percent = None
    if percent is None or not percent.is_finite():
        raise ApplicationError(_("Indiquez l'avancement cumulé des travaux, en pourcentage."))
    return percent.quantize(Decimal("0.01"))


def _progress_invoice(
    *, quote: Document, percent: Decimal | str | None, user: User | None, fields: dict[str, Any]
) -> Document:
    """A progress invoice (situation de travaux, building sector): the works' cumulative
    progress reaches `percent` of the quote; it bills the difference with the previous
    situations, one line per VAT rate of the quote in proportion to its net amounts, to the
    quote's revenue accounts. The situation at 100 % bills what is left to the cent. One
    situation at a time: the previous one is validated first, so they follow each other."""
    cumulative = _percent(percent)
    if (
        _situations(quote)
        .filter(status__in=(Document.Status.DRAFT, Document.Status.PENDING))
        .exists()
    ):
        raise ApplicationError(_("Validez ou supprimez d'abord la situation en cours de ce devis."))
    if deposits_to_deduct(quote_id=quote.pk):
        raise ApplicationError(
            _("Ce devis a des factures d'acompte : il se facture en solde, pas par situations.")
        )
    previous = list(_situations(quote).filter(status=Document.Status.VALIDATED))
    reached = max((d.progress_percent or ZERO for d in previous), default=ZERO)
    if not reached < cumulative <= 100:
        raise ApplicationError(
            _("L'avancement cumulé est entre %(reached)s %% (déjà facturé) et 100 %%.")
            % {"reached": _plain(reached)}
        )
    from sales.services.documents import document_totals

    totals = document_totals(quote)
    billed = [
        sum(
            (
                line.net_amount
                for d in previous
                for line in d.lines.all()
                if line.kind == DocumentLine.Kind.ITEM and line.vat_rate == b.rate
            ),
            ZERO,
        )
        for b in totals.breakdown
    ]
    if cumulative == 100:
        parts = [b.taxable - done for b, done in zip(totals.breakdown, billed, strict=True)]
    else:
        target = t.split_by_weights(
            t.money(totals.total_without_vat * cumulative / 100),
            [b.taxable for b in totals.breakdown],
        )
        parts = [goal - done for goal, done in zip(target, billed, strict=True)]
    account = "707" if quote.category == "goods" else "706"
    label = _("Situation n°%(n)s : avancement cumulé %(cumulative)s %% du devis %(number)s") % {
        "n": len(previous) + 1,
        "cumulative": _plain(cumulative),
        "number": quote.number,
    }
    lines = [
        LineData(label=label, unit_price=part, vat_rate=b.rate, account=account)
        for b, part in zip(totals.breakdown, parts, strict=True)
        if part > 0
    ]
    if not lines:
        raise ApplicationError(_("Rien de plus à facturer à cet avancement."))
    fields["discount_percent"] = ZERO
    invoice = document_create(
        kind=Document.Kind.INVOICE,
        activity=quote.activity,
        customer=quote.customer,
        lines=lines,
        user=user,
        quote=quote,
        **fields,
    )
    invoice.progress_percent = cumulative
    _apply_retention(invoice)
    return invoice


def _apply_retention(invoice: Document) -> None:
    from sales.services.documents import _apply_totals, document_totals

    _apply_totals(invoice, document_totals(invoice))
    Document.objects.filter(pk=invoice.pk).update(
        progress_percent=invoice.progress_percent, retention_amount=invoice.retention_amount
    )
