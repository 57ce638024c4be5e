"""Supplier invoices: entry, deduplication, submission, validation with posting in the purchases
journal, refusal. Posting goes through the ledger's services in the same transaction, so an
invoice is validated if and only if its entry exists."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.models import ThirdParty
from accounting.services import LineInput, entry_post, fiscal_year_ensure
from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Membership
from purchases.einvoice import REASON_CODE
from purchases.models import (
    LifecycleStatus,
    Payment,
    PaymentBatch,
    Supplier,
    SupplierInvoice,
    SupplierInvoiceLine,
)
from purchases.permissions import sees_all_purchases
from purchases.reason_codes import reason_code_resolve
from purchases.services.common import (
    DEDUCTIBLE_VAT,
    DEDUCTIBLE_VAT_PENDING,
    PURCHASES_JOURNAL,
    SUPPLIERS,
    account_get,
    money,
    settings_get,
    supplier_third_party,
    upload_check,
)


@dataclass(frozen=True)
class InvoiceLineData:
    label: str
    amount_excl_tax: Decimal
    vat_rate: Decimal = Decimal("20.00")
    account_code: str = "604"
    vat_amount: Decimal | None = None  # None: amount × rate
    deductible_vat: Decimal | None = None  # None: all of the VAT

    def resolved(self) -> tuple[Decimal, Decimal, Decimal]:
        amount = money(self.amount_excl_tax)
        vat = (
            money(amount * Decimal(self.vat_rate) / 100)
            if self.vat_amount is None
            else money(self.vat_amount)
        )
        deductible = vat if self.deductible_vat is None else money(self.deductible_vat)
        return amount, vat, deductible


Resolved = list[tuple[InvoiceLineData, Decimal, Decimal, Decimal]]


def _lines_resolved(lines: Sequence[InvoiceLineData]) -> tuple[Resolved, Decimal, Decimal]:
    """Each line with its amount, VAT and deductible VAT, checked; and the totals excluding VAT
    and of VAT. Raises in French on the first wrong line."""
    if not lines:
        raise ApplicationError(_("Une facture a au moins une ligne."))
    resolved = [(line, *line.resolved()) for line in lines]
    for line, _amount, vat, deductible in resolved:
        if not (min(vat, Decimal(0)) <= deductible <= max(vat, Decimal(0))):
            raise ApplicationError(
                _("Ligne « %(label)s » : la TVA déductible dépasse la TVA.") % {"label": line.label}
            )
        if not line.account_code.startswith(("6", "2")):
            raise ApplicationError(
                _(
                    "Ligne « %(label)s » : %(code)s n'est pas un compte de charge "
                    "ou d'immobilisation."
                )
                % {"label": line.label, "code": line.account_code}
            )
    total_excl = sum((r[1] for r in resolved), Decimal(0))
    total_vat = sum((r[2] for r in resolved), Decimal(0))
    if total_excl + total_vat <= 0:
        raise ApplicationError(_("Le total de la facture doit être positif."))
    return resolved, total_excl, total_vat


def _lines_save(invoice: SupplierInvoice, resolved: Resolved) -> None:
    SupplierInvoiceLine.objects.bulk_create(
        [
            SupplierInvoiceLine(
                cooperative_id=invoice.cooperative_id,
                invoice=invoice,
                label=line.label[:200] or invoice.number,
                account_code=line.account_code,
                amount_excl_tax=amount,
                vat_rate=Decimal(line.vat_rate),
                vat_amount=vat,
                deductible_vat=deductible,
            )
            for line, amount, vat, deductible in resolved
        ]
    )


def credited_check(*, credit_kind: str, supplier: Supplier, credited: SupplierInvoice) -> None:
    """A credit note cancels an invoice of its own supplier."""
    if credit_kind != SupplierInvoice.Kind.CREDIT_NOTE:
        raise ApplicationError(_("Seul un avoir annule une facture."))
    if credited.kind != SupplierInvoice.Kind.INVOICE or credited.supplier_id != supplier.pk:
        raise ApplicationError(
            _("L'avoir annule une facture du même fournisseur, pas un autre avoir.")
        )


# A duplicate refused at reception tells the supplier so in its 210 (CDAR reason code).
DUPLICATE = {REASON_CODE: "DOUBLON"}


def _duplicate_message(supplier: Supplier, number: str) -> str:
    return _("Doublon : la facture n° %(number)s de %(supplier)s est déjà enregistrée.") % {
        "number": number,
        "supplier": supplier.name,
    }


def supplier_invoice_duplicate(*, supplier: Supplier, number: str) -> SupplierInvoice | None:
    return SupplierInvoice.objects.filter(supplier=supplier, number=number.strip()).first()


# Long on purpose: one draft with its lines and VAT, checked before anything is saved, all or
# nothing.
@transaction.atomic
def supplier_invoice_create(
    *,
    supplier: Supplier,
    activity: Activity | None,
    number: str,
    issue_date: dt.date,
    lines: Sequence[InvoiceLineData],
    due_date: dt.date | None = None,
    nature: str = SupplierInvoice.Nature.SERVICES,
    user: User | None = None,
    source: str = SupplierInvoice.Source.MANUAL,
    format: str = SupplierInvoice.Format.NONE,
    attachment: UploadedFile | bytes | None = None,
    attachment_name: str = "",
    attachment_type: str = "",
    routing_address: str = "",
    platform_id: str = "",
    kind: str = SupplierInvoice.Kind.INVOICE,
    credited_invoice: SupplierInvoice | None = None,
) -> SupplierInvoice:
    """A draft supplier invoice (statut brouillon) with its lines; refused when the supplier
    already billed this number. A credit note (kind) may name the invoice it cancels."""
    number = number.strip()
    if credited_invoice is not None:
        credited_check(credit_kind=kind, supplier=supplier, credited=credited_invoice)
    if not number:
        raise ApplicationError(_("Le numéro de la facture est obligatoire."))
    if due_date is not None and due_date < issue_date:
        raise ApplicationError(_("L'échéance précède la date de la facture."))
    if supplier_invoice_duplicate(supplier=supplier, number=number) is not None:
        raise ApplicationError(_duplicate_message(supplier, number), extra=DUPLICATE)
    resolved, total_excl, total_vat = _lines_resolved(lines)
    invoice = SupplierInvoice(
        cooperative_id=require_cooperative_id(),
        supplier=supplier,
        activity=activity,
        number=number[:60],
        issue_date=issue_date,
        due_date=due_date,
        nature=nature,
        total_excl_tax=total_excl,
        total_vat=total_vat,
        total_incl_tax=total_excl + total_vat,
        source=source,
        format=format,
        routing_address=routing_address[:60],
        platform_id=platform_id[:100],
        created_by=user,
        kind=kind,
        credited_invoice=credited_invoice,
    )
    if attachment is not None:
        if isinstance(attachment, bytes):
            invoice.attachment_sha256 = hashlib.sha256(attachment).hexdigest()
            content: ContentFile[bytes] | UploadedFile = ContentFile(attachment)
        else:
            invoice.attachment_sha256 = upload_check(attachment)
            attachment_name = attachment_name or attachment.name or ""
            attachment_type = attachment_type or attachment.content_type or ""
            content = attachment
        invoice.attachment_name = attachment_name[:255]
        invoice.attachment_type = attachment_type[:100]
        invoice.attachment.save(attachment_name or "facture", content, save=False)
    try:
        with transaction.atomic():
            invoice.save()
    except IntegrityError as exc:
        # Two receptions of the same invoice at once: the unique constraint decides.
        if "supplierinvoice_unique" in str(exc):
            raise ApplicationError(_duplicate_message(supplier, number), extra=DUPLICATE) from exc
        raise
    _lines_save(invoice, resolved)
    return invoice


GOODS_ACCOUNTS = ("601", "602", "606", "607", "2")


def vat_due_at_payment(*, nature: str, account_code: str) -> bool:
    """Whether a line's deductible VAT waits for the payment: VAT on services is deductible
    once the supplier is paid, VAT on goods at the invoice. A mixed invoice decides line by
    line on the account: goods bought (601, 602, 606, 607) and fixed assets (2x) at the
    invoice; services, studies and works (604, 605, 61x, 62x…) at payment."""
    if nature == SupplierInvoice.Nature.GOODS:
        return False
    if nature == SupplierInvoice.Nature.SERVICES:
        return True
    return not account_code.startswith(GOODS_ACCOUNTS)


def _locked(invoice: SupplierInvoice) -> SupplierInvoice:
    locked: SupplierInvoice = SupplierInvoice.objects.select_for_update().get(pk=invoice.pk)
    return locked


@transaction.atomic
def supplier_invoice_assign(*, invoice: SupplierInvoice, activity: Activity) -> SupplierInvoice:
    """Route an invoice from the accountant's queue to an activity (before validation)."""
    invoice = _locked(invoice)
    if invoice.status not in (SupplierInvoice.Status.DRAFT, SupplierInvoice.Status.SUBMITTED):
        raise ApplicationError(_("Une facture validée ne change plus d'activité."))
    invoice.activity = activity
    invoice.save(update_fields=["activity"])
    return invoice


@transaction.atomic
def supplier_invoice_submit(*, invoice: SupplierInvoice) -> SupplierInvoice:
    """The entrepreneur confirms the draft and hands it to the support staff."""
    invoice = _locked(invoice)
    if invoice.status != SupplierInvoice.Status.DRAFT:
        raise ApplicationError(_("Seul un brouillon se soumet."))
    if invoice.activity_id is None:
        raise ApplicationError(_("Choisissez d'abord l'activité de la facture."))
    if invoice.kind == SupplierInvoice.Kind.CREDIT_NOTE and invoice.credited_invoice_id is None:
        raise ApplicationError(_("Indiquez la facture que cet avoir annule."))
    invoice.status = SupplierInvoice.Status.SUBMITTED
    invoice.save(update_fields=["status"])
    return invoice


def may_validate(*, invoice: SupplierInvoice, membership: Membership) -> bool:
    if sees_all_purchases(membership):
        return True
    return invoice.total_incl_tax <= settings_get().self_validation_cap


def _line(
    code: str,
    amount: Decimal,
    *,
    reverse: bool,
    activity: int | None,
    label: str,
    third_party: ThirdParty | None = None,
) -> LineInput:
    """A debit, or for a credit note (posted in reverse) a credit."""
    return LineInput(
        code,
        debit=Decimal(0) if reverse else amount,
        credit=amount if reverse else Decimal(0),
        activity=activity,
        third_party=third_party,
        label=label,
    )


def _in_unsent_batch(invoice: SupplierInvoice) -> bool:
    return Payment.objects.filter(
        supplier_invoice=invoice, batch__status=PaymentBatch.Status.DRAFT
    ).exists()


def _credit_note_check(credit_note: SupplierInvoice) -> SupplierInvoice:
    """The invoice a credit note cancels, locked; refuses a credit note beyond what is left."""
    from purchases.services.credit_notes import supplier_invoice_remaining

    if credit_note.credited_invoice_id is None:
        raise ApplicationError(_("Indiquez la facture que cet avoir annule."))
    invoice = _locked(credit_note.credited_invoice)  # type: ignore[arg-type]
    if invoice.status not in (SupplierInvoice.Status.VALIDATED, SupplierInvoice.Status.PAID):
        raise ApplicationError(_("La facture d'origine n'est pas encore validée."))
    if credit_note.activity_id != invoice.activity_id:
        raise ApplicationError(_("L'avoir porte sur l'activité de la facture qu'il annule."))
    if invoice.status == SupplierInvoice.Status.VALIDATED and _in_unsent_batch(invoice):
        raise ApplicationError(
            _(
                "La facture d'origine est dans un lot de virements pas encore envoyé : "
                "marquez le lot envoyé avant de valider l'avoir."
            )
        )
    remaining = supplier_invoice_remaining(invoice)
    if credit_note.total_incl_tax > remaining:
        raise ApplicationError(
            _("L'avoir (%(credit)s €) dépasse ce qui reste de la facture (%(left)s €).")
            % {"credit": credit_note.total_incl_tax, "left": remaining}
        )
    return invoice


# Long on purpose: the posting of an invoice and of a credit note (in reverse) side by side,
# with the VAT split between deductible now and deductible at payment.
@transaction.atomic
def supplier_invoice_validate(
    *, invoice: SupplierInvoice, membership: Membership
) -> SupplierInvoice:
    """Validate and post: D 6xx (with any non-deductible VAT), D 44566 for goods or D 44564
    (pending until payment) for services, on the activity; C 401 on the supplier's auxiliary
    account, in the purchases journal. A credit note posts the same in reverse, its VAT on
    services pending only while the invoice it cancels is unpaid; it is lettered with the
    invoice when nothing is left to pay."""
    invoice = _locked(invoice)
    if invoice.status not in (SupplierInvoice.Status.DRAFT, SupplierInvoice.Status.SUBMITTED):
        raise ApplicationError(_("Cette facture est déjà validée ou refusée."))
    if invoice.activity_id is None:
        raise ApplicationError(_("Choisissez d'abord l'activité de la facture."))
    if not may_validate(invoice=invoice, membership=membership):
        raise ApplicationError(
            _("Au-delà de %(cap)s € TTC, la facture est validée par l'équipe d'appui.")
            % {"cap": settings_get().self_validation_cap}
        )
    reverse = invoice.kind == SupplierInvoice.Kind.CREDIT_NOTE
    credited = _credit_note_check(invoice) if reverse else None
    # The cancelled invoice's VAT is already deductible once it is paid.
    waits = credited is None or credited.status == SupplierInvoice.Status.VALIDATED
    third_party = supplier_third_party(invoice.supplier)
    template = (
        _("Avoir %(number)s · %(supplier)s") if reverse else _("Facture %(number)s · %(supplier)s")
    )
    label = (template % {"number": invoice.number, "supplier": invoice.supplier.name})[:200]
    charges: dict[str, Decimal] = defaultdict(Decimal)
    deductible = pending = Decimal(0)
    for line in invoice.lines.all():
        charges[line.account_code] += line.amount_excl_tax + line.vat_amount - line.deductible_vat
        if waits and vat_due_at_payment(nature=invoice.nature, account_code=line.account_code):
            pending += line.deductible_vat
        else:
            deductible += line.deductible_vat
    for code in [*charges, DEDUCTIBLE_VAT, SUPPLIERS]:
        account_get(code)
    if pending:
        account_get(DEDUCTIBLE_VAT_PENDING)
    fiscal_year_ensure(day=invoice.issue_date)
    activity = invoice.activity_id
    lines = [
        _line(code, amount, reverse=reverse, activity=activity, label=label)
        for code, amount in [
            *charges.items(),
            (DEDUCTIBLE_VAT, deductible),
            (DEDUCTIBLE_VAT_PENDING, pending),
        ]
        if amount
    ]
    lines.append(
        _line(
            SUPPLIERS,
            invoice.total_incl_tax,
            reverse=not reverse,
            activity=activity,
            label=label,
            third_party=third_party,
        )
    )
    invoice.entry = entry_post(
        journal=PURCHASES_JOURNAL,
        date=invoice.issue_date,
        label=label,
        lines=lines,
        idempotency_key=f"supplier-invoice:{invoice.pk}",
        piece_ref=invoice.number[:40],
        piece_date=invoice.issue_date,
        source="purchases",
        user=membership.user,
    )
    invoice.vat_pending = pending
    invoice.status = SupplierInvoice.Status.VALIDATED
    invoice.validated_by = membership.user
    invoice.validated_at = timezone.now()
    invoice.save(update_fields=["entry", "vat_pending", "status", "validated_by", "validated_at"])
    if invoice.source == SupplierInvoice.Source.PLATFORM:
        LifecycleStatus.objects.create(
            cooperative_id=invoice.cooperative_id,
            invoice=invoice,
            code=LifecycleStatus.Code.APPROVED,
        )
    if credited is not None and credited.status == SupplierInvoice.Status.VALIDATED:
        from purchases.services.credit_notes import supplier_invoice_settle_if_credited

        supplier_invoice_settle_if_credited(invoice=credited, day=invoice.issue_date)
    return invoice


@transaction.atomic
def supplier_invoice_refuse(
    *, invoice: SupplierInvoice, reason: str, reason_code: str = ""
) -> SupplierInvoice:
    """Refuse a received invoice (status 210 for the platform, with its reason and its reason
    code from the list a refusal allows: `purchases.reason_codes`, NON_CONFORME when none)."""
    invoice = _locked(invoice)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Donnez le motif du refus : il est transmis au fournisseur."))
    reason_code = reason_code_resolve(
        status_code=LifecycleStatus.Code.REFUSED, reason_code=reason_code
    )
    if invoice.status not in (SupplierInvoice.Status.DRAFT, SupplierInvoice.Status.SUBMITTED):
        raise ApplicationError(_("Une facture validée ne se refuse plus."))
    invoice.status = SupplierInvoice.Status.REFUSED
    invoice.refusal_reason = reason[:300]
    invoice.save(update_fields=["status", "refusal_reason"])
    if invoice.source == SupplierInvoice.Source.PLATFORM:
        LifecycleStatus.objects.create(
            cooperative_id=invoice.cooperative_id,
            invoice=invoice,
            code=LifecycleStatus.Code.REFUSED,
            reason=reason[:300],
            reason_code=reason_code,
        )
    return invoice


@transaction.atomic
def supplier_invoice_dispute(
    *, invoice: SupplierInvoice, reason: str, reason_code: str = ""
) -> SupplierInvoice:
    """Dispute a received invoice (status 207 "En litige" for the platform, with its reason and
    its reason code from the list a dispute allows, AUTRE when none). The invoice stays as it
    is, to be validated or refused once the supplier has answered."""
    invoice = _locked(invoice)
    reason = reason.strip()
    if not reason:
        raise ApplicationError(_("Donnez le motif du litige : il est transmis au fournisseur."))
    reason_code = reason_code_resolve(
        status_code=LifecycleStatus.Code.DISPUTED, reason_code=reason_code
    )
    if invoice.source != SupplierInvoice.Source.PLATFORM:
        raise ApplicationError(
            _("Seule une facture reçue de la plateforme agréée se conteste par un statut.")
        )
    if invoice.status not in (SupplierInvoice.Status.DRAFT, SupplierInvoice.Status.SUBMITTED):
        raise ApplicationError(_("Une facture validée ou refusée ne se conteste plus."))
    LifecycleStatus.objects.create(
        cooperative_id=invoice.cooperative_id,
        invoice=invoice,
        code=LifecycleStatus.Code.DISPUTED,
        reason=reason[:300],
        reason_code=reason_code,
    )
    return invoice


@transaction.atomic
def supplier_invoice_update(
    *,
    invoice: SupplierInvoice,
    number: str,
    issue_date: dt.date,
    due_date: dt.date | None,
    nature: str,
    lines: Sequence[InvoiceLineData],
    credited_invoice: SupplierInvoice | None = None,
) -> SupplierInvoice:
    """Correct a draft before it is submitted: its header and all its lines (replaced), the
    totals recomputed. A received e-invoice keeps its file: the draft records how we book it.
    A credit note may be given the invoice it cancels (None keeps the one it has)."""
    invoice = _locked(invoice)
    if invoice.status != SupplierInvoice.Status.DRAFT:
        raise ApplicationError(_("Seul un brouillon se modifie."))
    if credited_invoice is not None:
        credited_check(
            credit_kind=invoice.kind, supplier=invoice.supplier, credited=credited_invoice
        )
        invoice.credited_invoice = credited_invoice
        invoice.activity_id = credited_invoice.activity_id
    number = number.strip()
    if not number:
        raise ApplicationError(_("Le numéro de la facture est obligatoire."))
    if due_date is not None and due_date < issue_date:
        raise ApplicationError(_("L'échéance précède la date de la facture."))
    if nature not in SupplierInvoice.Nature.values:
        raise ApplicationError(_("Nature inconnue : biens, services ou mixte."))
    duplicate = supplier_invoice_duplicate(supplier=invoice.supplier, number=number)
    if duplicate is not None and duplicate.pk != invoice.pk:
        raise ApplicationError(_duplicate_message(invoice.supplier, number))
    resolved, total_excl, total_vat = _lines_resolved(lines)
    invoice.number = number[:60]
    invoice.issue_date = issue_date
    invoice.due_date = due_date
    invoice.nature = nature
    invoice.total_excl_tax = total_excl
    invoice.total_vat = total_vat
    invoice.total_incl_tax = total_excl + total_vat
    invoice.save(
        update_fields=[
            "credited_invoice",
            "activity",
            "number",
            "issue_date",
            "due_date",
            "nature",
            "total_excl_tax",
            "total_vat",
            "total_incl_tax",
        ]
    )
    invoice.lines.all().delete()
    _lines_save(invoice, resolved)
    return invoice
