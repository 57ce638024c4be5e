"""Credit notes received from suppliers (avoirs fournisseurs): entered by hand against an invoice
or received in the e-invoice formats, posted in reverse at validation (see
`supplier_invoice_validate`), and lettered with the invoice they cancel once nothing is left to
pay, there and then or with the payment of the rest."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext as _

from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from purchases.models import SupplierInvoice
from purchases.services.common import SUPPLIERS, supplier_lines_letter
from purchases.services.invoices import InvoiceLineData, supplier_invoice_create

CREDITING = (SupplierInvoice.Status.VALIDATED, SupplierInvoice.Status.PAID)


def credit_notes_posted(invoice: SupplierInvoice) -> list[SupplierInvoice]:
    """The validated credit notes of an invoice, oldest first."""
    return list(
        SupplierInvoice.objects.filter(
            credited_invoice=invoice,
            kind=SupplierInvoice.Kind.CREDIT_NOTE,
            status__in=CREDITING,
        ).order_by("issue_date", "pk")
    )


def supplier_invoice_remaining(invoice: SupplierInvoice) -> Decimal:
    """What is left to pay on an invoice once its validated credit notes are deducted."""
    credited = SupplierInvoice.objects.filter(
        credited_invoice=invoice, kind=SupplierInvoice.Kind.CREDIT_NOTE, status__in=CREDITING
    ).aggregate(total=Sum("total_incl_tax"))["total"] or Decimal(0)
    return invoice.total_incl_tax - credited


def vat_pending_left(invoice: SupplierInvoice) -> Decimal:
    """The invoice's VAT on services still in 44564, net of its credit notes' share."""
    return invoice.vat_pending - sum(
        (note.vat_pending for note in credit_notes_posted(invoice)), Decimal(0)
    )


def supplier_invoice_settle_if_credited(*, invoice: SupplierInvoice, day: dt.date) -> bool:
    """Nothing left to pay: letter the invoice with its credit notes and mark them settled."""
    if supplier_invoice_remaining(invoice) != 0:
        return False
    notes = credit_notes_posted(invoice)
    entry_ids = [invoice.entry_id, *(note.entry_id for note in notes)]
    supplier_lines_letter(
        supplier=invoice.supplier,
        entry_ids=[pk for pk in entry_ids if pk is not None],
        day=day,
        account_code=SUPPLIERS,
    )
    SupplierInvoice.objects.filter(pk__in=[invoice.pk, *(n.pk for n in notes)]).update(
        status=SupplierInvoice.Status.PAID, paid_at=day
    )
    invoice.status, invoice.paid_at = SupplierInvoice.Status.PAID, day
    return True


@transaction.atomic
def supplier_credit_note_create(
    *,
    invoice: SupplierInvoice,
    number: str,
    issue_date: dt.date,
    lines: Sequence[InvoiceLineData],
    user: User | None = None,
    attachment: UploadedFile | None = None,
) -> SupplierInvoice:
    """A draft credit note entered by hand against one of the supplier's invoices: same
    supplier, activity and nature; validated as the invoices are."""
    if invoice.kind != SupplierInvoice.Kind.INVOICE:
        raise ApplicationError(_("Un avoir annule une facture, pas un autre avoir."))
    if invoice.status not in CREDITING:
        raise ApplicationError(_("Seule une facture validée reçoit un avoir."))
    if issue_date < invoice.issue_date:
        raise ApplicationError(_("L'avoir ne peut pas précéder la facture qu'il annule."))
    return supplier_invoice_create(
        supplier=invoice.supplier,
        activity=invoice.activity,
        number=number,
        issue_date=issue_date,
        lines=lines,
        nature=invoice.nature,
        user=user,
        attachment=attachment,
        kind=SupplierInvoice.Kind.CREDIT_NOTE,
        credited_invoice=invoice,
    )
