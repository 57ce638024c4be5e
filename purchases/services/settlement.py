"""Supplier invoices, credit notes and expense reports settled outside a payment batch: the
bank app reconciles a bank line with their ledger items and letters them, then tells purchases,
which marks them paid (reimbursed, for an expense report) as a batch sent to the bank does; for
services, the VAT waiting in 44564 becomes deductible (D 44566 / C 44564) on the payment day.
Undoing the reconciliation sets them back to validated and reverses that VAT entry."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils.translation import gettext as _

from accounting.models import Entry, EntryLine
from accounting.services import entry_post, entry_reverse
from perspectives.accounts.models import User
from purchases.models import ExpenseReport, SupplierInvoice
from purchases.services.payments import vat_released_lines


def _vat_key(invoice: SupplierInvoice, payment_entry_id: int) -> str:
    return f"purchases-settled-vat:{invoice.pk}:{payment_entry_id}"


def _all_lettered() -> Exists:
    """No line of the item's entry on its third party is left unlettered."""
    return Exists(
        EntryLine.objects.filter(
            entry_id=OuterRef("entry_id"), third_party__isnull=False, lettering__isnull=True
        )
    )


@transaction.atomic
def purchases_settle_from_ledger(
    *,
    entry_ids: Sequence[int],
    payment_entry: Entry,
    day: dt.date,
    user: User | None = None,
) -> int:
    """Mark paid the validated items whose entry is among `entry_ids` and whose supplier (or
    entrepreneur) lines are all lettered now; `payment_entry` is the bank entry that paid them.
    Returns how many were marked."""
    if not entry_ids:
        return 0
    done = 0
    invoices = (
        SupplierInvoice.objects.select_for_update(of=("self",))
        .select_related("supplier")
        .filter(entry_id__in=entry_ids, status=SupplierInvoice.Status.VALIDATED)
        .exclude(_all_lettered())
        .order_by("pk")
    )
    for invoice in invoices:
        if invoice.kind == SupplierInvoice.Kind.INVOICE:
            label = (
                _("Paiement de la facture %(number)s · %(name)s")
                % {"number": invoice.number, "name": invoice.supplier.name}
            )[:200]
            vat = vat_released_lines(invoice, label)
            if vat:
                entry_post(
                    journal=payment_entry.journal,
                    date=day,
                    label=label,
                    lines=vat,
                    idempotency_key=_vat_key(invoice, payment_entry.pk),
                    piece_ref=invoice.number[:40],
                    source="purchases",
                    user=user,
                    allow_soft_locked=True,
                )
        invoice.status = SupplierInvoice.Status.PAID
        invoice.paid_at = day
        invoice.payment_entry = payment_entry
        invoice.save(update_fields=["status", "paid_at", "payment_entry"])
        done += 1
    done += (
        ExpenseReport.objects.filter(entry_id__in=entry_ids, status=ExpenseReport.Status.VALIDATED)
        .exclude(_all_lettered())
        .update(status=ExpenseReport.Status.PAID, paid_at=day, payment_entry=payment_entry)
    )
    return done


@transaction.atomic
def purchases_unsettle_from_ledger(*, payment_entry: Entry, user: User | None = None) -> int:
    """The bank entry `payment_entry` is being reversed: the items it paid are validated (to
    pay) again and the VAT it made deductible goes back to 44564. Returns how many."""
    done = 0
    invoices = SupplierInvoice.objects.select_for_update(of=("self",)).filter(
        payment_entry=payment_entry, status=SupplierInvoice.Status.PAID
    )
    for invoice in invoices.order_by("pk"):
        key = _vat_key(invoice, payment_entry.pk)
        vat_entry = Entry.objects.filter(idempotency_key=key).first()
        if vat_entry is not None:
            entry_reverse(
                entry=vat_entry,
                label=_("Annulation du paiement de la facture %(number)s")
                % {"number": invoice.number},
                user=user,
                idempotency_key=f"{key}:undo",
                allow_soft_locked=True,
            )
        invoice.status = SupplierInvoice.Status.VALIDATED
        invoice.paid_at = None
        invoice.payment_entry = None
        invoice.save(update_fields=["status", "paid_at", "payment_entry"])
        done += 1
    done += ExpenseReport.objects.filter(
        payment_entry=payment_entry, status=ExpenseReport.Status.PAID
    ).update(status=ExpenseReport.Status.VALIDATED, paid_at=None, payment_entry=None)
    return done
