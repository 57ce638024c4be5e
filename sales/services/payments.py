"""Payments of invoices (several per invoice, partial), their bank postings, lettering, and
the VAT on receipts that becomes due as the money comes in."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.db.models import Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.models import EntryLine
from accounting.services import entry_post, lines_letter
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from sales import totals as t
from sales.models import Document, Payment
from sales.services.einvoicing import payment_status_record
from sales.services.posting import (
    BANK_JOURNAL,
    RECEIVABLE,
    VAT_PENDING,
    payment_label,
    payment_lines,
)

ZERO = Decimal("0.00")


def _credited(invoice: Document) -> tuple[Decimal, Decimal]:
    """TTC and VAT of the validated credit notes citing `invoice`."""
    sums = Document.objects.filter(
        credited_invoice=invoice, status=Document.Status.VALIDATED
    ).aggregate(ttc=Sum("total_with_vat"), vat=Sum("vat_total"))
    return sums["ttc"] or ZERO, sums["vat"] or ZERO


def invoice_paid(*, invoice: Document) -> Decimal:
    paid: Decimal = invoice.payments.aggregate(s=Sum("amount"))["s"] or ZERO
    return paid


def invoice_outstanding(*, invoice: Document) -> Decimal:
    """What the customer owes now: amount due, less the retention guarantee still withheld,
    payments and credit notes."""
    credited, _vat = _credited(invoice)
    return invoice.amount_due - invoice.retention_held - invoice_paid(invoice=invoice) - credited


def invoice_creditable(*, invoice: Document) -> Decimal:
    credited, _vat = _credited(invoice)
    return invoice.amount_due - invoice.retention_held - credited


def retention_vat(invoice: Document) -> Decimal:
    """The VAT in the retention guarantee of a situation, in proportion to its amount."""
    if not invoice.retention_amount or not invoice.amount_due:
        return ZERO
    return t.money(invoice.vat_total * invoice.retention_amount / invoice.amount_due)


def _vat_pending(invoice: Document) -> Decimal:
    """VAT of this invoice still in 44574: its VAT (less deducted deposits' VAT, which their own
    payments released), less what payments released and credit notes took back."""
    if not invoice.vat_on_receipts:
        return ZERO
    vat = invoice.vat_total
    if invoice.prepaid_total and invoice.quote_id:
        from sales.services.quotes import deposits_to_deduct

        vat -= sum(
            (
                d.vat_total
                for d in deposits_to_deduct(quote_id=invoice.quote_id, exclude_id=invoice.pk)
            ),
            ZERO,
        )
    released = invoice.payments.aggregate(s=Sum("vat_released"))["s"] or ZERO
    _credited_ttc, credited_vat = _credited(invoice)
    # The VAT of a retention still withheld becomes due only when it is paid, after release.
    held_vat = retention_vat(invoice) if invoice.retention_held else ZERO
    return vat - released - credited_vat - held_vat


@transaction.atomic
def payment_record(
    *,
    invoice: Document,
    amount: Decimal | str,
    date: dt.date | None = None,
    method: str = Payment.Method.TRANSFER,
    reference: str = "",
    user: User | None = None,
) -> Payment:
    """Record a payment of `invoice` (part or whole) and post it: D 512 / C 411, and the
    invoice's pending VAT in proportion (the last payment takes the rounding residue)."""
    invoice = (
        Document.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=invoice.pk)
    )
    if invoice.kind != Document.Kind.INVOICE or invoice.status != Document.Status.VALIDATED:
        raise ApplicationError(_("Seule une facture validée s'encaisse."))
    if method not in Payment.Method.values:
        raise ApplicationError(_("Mode de paiement inconnu."))
    try:
        amount = Decimal(str(amount))
    except ArithmeticError:
        raise ApplicationError(_("Montant illisible.")) from None
    if amount <= 0 or amount != amount.quantize(t.CENT):
        raise ApplicationError(_("Le montant est positif et au centime près."))
    outstanding = invoice_outstanding(invoice=invoice)
    if amount > outstanding:
        raise ApplicationError(
            _("Le paiement (%(amount)s €) dépasse le reste à payer (%(left)s €).")
            % {"amount": amount, "left": outstanding}
        )
    pending = _vat_pending(invoice)
    vat_released = pending if amount == outstanding else t.money(pending * amount / outstanding)
    day = date or timezone.localdate()
    label = payment_label(invoice)
    entry = entry_post(
        journal=BANK_JOURNAL,
        date=day,
        label=label,
        lines=payment_lines(
            document=invoice, amount=amount, vat_released=vat_released, label=label
        ),
        piece_ref=(reference or invoice.number)[:40],
        piece_date=day,
        source="sales",
        user=user,
    )
    payment: Payment = Payment.objects.create(
        cooperative_id=require_cooperative_id(),
        invoice=invoice,
        date=day,
        amount=amount,
        method=method,
        reference=reference[:100],
        vat_released=vat_released,
        entry=entry,
        created_by=user,
    )
    letter_invoice(invoice=invoice)
    payment_status_record(payment=payment)
    return payment


def letter_invoice(*, invoice: Document) -> str | None:
    """Letter the 411 lines of a settled invoice: the invoice, its payments, its credit notes."""
    if invoice_outstanding(invoice=invoice) != 0:
        return None
    entry_ids = [invoice.entry_id]
    entry_ids += list(invoice.payments.values_list("entry_id", flat=True))
    if invoice.retention_amount and not invoice.retention_held:
        entry_ids.append(invoice.retention_release.entry_id)
    entry_ids += list(
        Document.objects.filter(
            credited_invoice=invoice, status=Document.Status.VALIDATED
        ).values_list("entry_id", flat=True)
    )
    line_ids = list(
        EntryLine.objects.filter(
            entry_id__in=entry_ids, account__code=RECEIVABLE, lettering__isnull=True
        ).values_list("pk", flat=True)
    )
    if len(line_ids) < 2:
        return None
    return lines_letter(line_ids=line_ids)


__all__ = [
    "VAT_PENDING",
    "invoice_creditable",
    "invoice_outstanding",
    "invoice_paid",
    "letter_invoice",
    "payment_record",
    "retention_vat",
]
