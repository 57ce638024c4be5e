"""Payments of invoices (several per invoice, partial), their bank postings, lettering, and
the VAT on receipts that becomes due as the money comes in."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
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
    RETENTION,
    VAT_PENDING,
    payment_label,
    payment_lines,
)

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Credited:
    """What the validated credit notes citing an invoice took back: including VAT, their VAT,
    and the part of it credited to the retention withheld (4117) instead of 411."""

    ttc: Decimal
    vat: Decimal
    retention: Decimal


def _credited(invoice: Document) -> Credited:
    sums = Document.objects.filter(
        credited_invoice=invoice, status=Document.Status.VALIDATED
    ).aggregate(ttc=Sum("total_with_vat"), vat=Sum("vat_total"), ret=Sum("retention_credited"))
    return Credited(sums["ttc"] or ZERO, sums["vat"] or ZERO, sums["ret"] or ZERO)


def invoice_paid(*, invoice: Document) -> Decimal:
    paid: Decimal = invoice.payments.aggregate(s=Sum("amount"))["s"] or ZERO
    return paid


def invoice_outstanding(*, invoice: Document) -> Decimal:
    """What the customer owes now: amount due, less the retention guarantee still withheld,
    payments and credit notes."""
    credited = _credited(invoice)
    return invoice.owed(
        paid=invoice_paid(invoice=invoice), credited_to_receivable=credited.ttc - credited.retention
    )


def invoice_creditable(*, invoice: Document) -> Decimal:
    """What credit notes may still take back, the retention withheld included."""
    return invoice.amount_due - _credited(invoice).ttc


def retention_held(*, invoice: Document) -> Decimal:
    """The retention still withheld on 4117: none once released; less what credit notes took
    back of it before."""
    if not invoice.retention_amount or hasattr(invoice, "retention_release"):
        return ZERO
    return invoice.retention_amount - _credited(invoice).retention


def credit_retention_part(*, invoice: Document, amount: Decimal, on_retention: bool) -> Decimal:
    """The part of a credit note of `amount` (including VAT) on `invoice` that goes to the
    retention withheld: all of it for a credit note on the retention, otherwise the retention's
    share of what remains creditable (the last credit note takes the rounding residue)."""
    held = retention_held(invoice=invoice)
    if on_retention:
        if not held:
            raise ApplicationError(
                _("Cette facture n'a plus de retenue de garantie retenue à créditer.")
            )
        if amount > held:
            raise ApplicationError(
                _(
                    "L'avoir (%(amount)s €) dépasse la retenue de garantie encore retenue "
                    "(%(left)s €)."
                )
                % {"amount": amount, "left": held}
            )
        return amount
    if not held:
        return ZERO
    creditable = invoice_creditable(invoice=invoice)
    return held if amount == creditable else t.money(held * amount / creditable)


def retention_vat(invoice: Document, held: Decimal | None = None) -> Decimal:
    """The VAT in the retention guarantee of a situation (or in `held` of it), in proportion to
    its amount."""
    retained = invoice.retention_amount if held is None else held
    if not retained or not invoice.amount_due:
        return ZERO
    return t.money(invoice.vat_total * retained / invoice.amount_due)


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
    credited = _credited(invoice)
    # The VAT of a retention still withheld becomes due only when it is paid, after release.
    held_vat = retention_vat(invoice, retention_held(invoice=invoice))
    return vat - released - credited.vat - held_vat


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
    if invoice.retention_released:
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


def letter_retention(*, invoice: Document, date: dt.date | None = None) -> str | None:
    """Letter the 4117 lines of a situation once they cancel out: the retention withheld, what
    credit notes took back of it and its release."""
    if not invoice.retention_amount:
        return None
    entry_ids = [invoice.entry_id]
    if hasattr(invoice, "retention_release"):
        entry_ids.append(invoice.retention_release.entry_id)
    entry_ids += list(
        Document.objects.filter(
            credited_invoice=invoice, status=Document.Status.VALIDATED, retention_credited__gt=0
        ).values_list("entry_id", flat=True)
    )
    lines = list(
        EntryLine.objects.filter(
            entry_id__in=entry_ids, account__code=RETENTION, lettering__isnull=True
        ).values_list("pk", "debit", "credit")
    )
    if len(lines) < 2 or sum((debit - credit for _pk, debit, credit in lines), ZERO):
        return None
    return lines_letter(line_ids=[pk for pk, _debit, _credit in lines], date=date)


__all__ = [
    "VAT_PENDING",
    "credit_retention_part",
    "invoice_creditable",
    "invoice_outstanding",
    "invoice_paid",
    "letter_invoice",
    "letter_retention",
    "payment_record",
    "retention_held",
    "retention_vat",
]
