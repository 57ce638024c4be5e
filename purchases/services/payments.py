"""Paying out: SEPA credit transfer batches (ISO 20022 pain.001) for validated supplier invoices
and expense reports, built with `sepaxml` and checked against the official XSD; marking a batch
sent posts each payment against the bank and letters it with what it settles."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from sepaxml import SepaTransfer

from accounting.models import EntryLine
from accounting.services import LineInput, entry_post, fiscal_year_ensure, lines_letter
from entrepreneurs.models import Entrepreneur
from payroll.models import PayrollRun
from payroll.selectors import payslips_to_pay
from payroll.services import payroll_run_mark_paid
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from purchases.models import ExpenseReport, Payment, PaymentBatch, SupplierInvoice
from purchases.services.common import (
    BANK,
    BANK_JOURNAL,
    DEDUCTIBLE_VAT,
    DEDUCTIBLE_VAT_PENDING,
    SUPPLIERS,
    account_get,
    entrepreneur_third_party,
    settings_get,
    supplier_third_party,
)
from purchases.services.credit_notes import (
    credit_notes_posted,
    supplier_invoice_remaining,
    vat_pending_left,
)
from purchases.services.expenses import expense_report_totals
from purchases.services.suppliers import bank_details_clean

MAX_PAYMENTS = 10_000
# The EPC basic Latin set; sepaxml transliterates accents but lets other characters through.
_EPC_ALLOWED = set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/-?:().,'+ ")


def epc_text(value: str, length: int) -> str:
    from text_unidecode import unidecode

    cleaned = "".join(c if c in _EPC_ALLOWED else " " for c in unidecode(value))
    return " ".join(cleaned.split())[:length]


def _batch_reference(day: dt.date) -> str:
    count = PaymentBatch.objects.filter(created_at__date=timezone.localdate()).count() + 1
    return f"VIR-{day:%Y%m%d}-{count:03d}-{timezone.now():%H%M%S}"


# Long on purpose: the batch's items checked, the pain.001 file built and validated against its XSD,
# then saved: all or nothing in one place.
@transaction.atomic
def payment_batch_create(
    *,
    execution_date: dt.date,
    supplier_invoices: Sequence[SupplierInvoice] = (),
    expense_reports: Sequence[ExpenseReport] = (),
    payroll_runs: Sequence[PayrollRun] = (),
    user: User | None = None,
    sepa_version: str | None = None,
) -> PaymentBatch:
    """One batch, one execution date: every item validated, unpaid, in no other batch, with a
    valid IBAN; a payroll run brings the net of each of its payslips. The pain.001 file is built
    and checked against its XSD before anything is saved."""
    config = settings_get()
    version = sepa_version or config.sepa_version
    if version not in config.SepaVersion.values:
        raise ApplicationError(_("Version SEPA inconnue."))
    if execution_date < timezone.localdate():
        raise ApplicationError(_("La date d'exécution est passée."))
    if not supplier_invoices and not expense_reports and not payroll_runs:
        raise ApplicationError(_("Choisissez au moins une facture, une note ou une paie à payer."))
    if len(supplier_invoices) + len(expense_reports) > MAX_PAYMENTS:
        raise ApplicationError(_("Au plus %(max)s virements par lot.") % {"max": MAX_PAYMENTS})
    if not config.debtor_iban or not config.debtor_name:
        raise ApplicationError(
            _(
                "Renseignez le compte payeur de la coopérative (titulaire et IBAN) "
                "dans les réglages."
            )
        )
    debtor_iban, debtor_bic = bank_details_clean(iban=config.debtor_iban, bic=config.debtor_bic)
    invoice_ids = [i.pk for i in supplier_invoices]
    report_ids = [r.pk for r in expense_reports]
    invoices = list(
        SupplierInvoice.objects.select_for_update(of=("self",))
        .select_related("supplier")
        .filter(pk__in=invoice_ids)
        .order_by("pk")
    )
    reports = list(
        ExpenseReport.objects.select_for_update(of=("self",))
        .select_related("entrepreneur")
        .filter(pk__in=report_ids)
        .order_by("pk")
    )
    if len(invoices) != len(set(invoice_ids)) or len(reports) != len(set(report_ids)):
        raise ApplicationError(_("Un des éléments à payer est introuvable."))
    if (
        Payment.objects.filter(supplier_invoice_id__in=invoice_ids).exists()
        or Payment.objects.filter(expense_report_id__in=report_ids).exists()
    ):
        raise ApplicationError(_("Un des éléments est déjà dans un lot de virements."))
    batch = PaymentBatch(
        cooperative_id=require_cooperative_id(),
        reference=_batch_reference(execution_date),
        execution_date=execution_date,
        sepa_version=version,
        total=Decimal(0),
        created_by=user,
    )
    payments: list[Payment] = []
    for invoice in invoices:
        if invoice.kind != SupplierInvoice.Kind.INVOICE:
            raise ApplicationError(
                _("L'avoir %(number)s ne se paie pas : il se déduit de sa facture.")
                % {"number": invoice.number}
            )
        if invoice.status != SupplierInvoice.Status.VALIDATED:
            raise ApplicationError(
                _("La facture %(number)s n'est pas validée ou déjà payée.")
                % {"number": invoice.number}
            )
        # Its validated credit notes are deducted: the transfer pays what is left.
        amount = supplier_invoice_remaining(invoice)
        if not invoice.supplier.iban:
            raise ApplicationError(
                _("Le fournisseur %(name)s n'a pas d'IBAN.") % {"name": invoice.supplier.name}
            )
        iban, bic = bank_details_clean(iban=invoice.supplier.iban, bic=invoice.supplier.bic)
        payments.append(
            Payment(
                cooperative_id=batch.cooperative_id,
                supplier_invoice=invoice,
                creditor_name=epc_text(invoice.supplier.name, 70),
                iban=iban,
                bic=bic,
                amount=amount,
                end_to_end_id=f"FF{invoice.pk}",
                description=epc_text(f"Facture {invoice.number}", 140),
            )
        )
    for report in reports:
        if report.status != ExpenseReport.Status.VALIDATED:
            raise ApplicationError(_("La note %(report)s n'est pas validée.") % {"report": report})
        payments.append(
            _person_payment(
                batch,
                report.entrepreneur,
                amount=sum(expense_report_totals(report).values(), Decimal(0)),
                end_to_end_id=f"NDF{report.pk}",
                description=f"Note de depenses {report.month:%m/%Y}",
                expense_report=report,
            )
        )
    payments += _salary_payments(batch, payroll_runs)
    if len(payments) > MAX_PAYMENTS:
        raise ApplicationError(_("Au plus %(max)s virements par lot.") % {"max": MAX_PAYMENTS})
    batch.total = sum((p.amount for p in payments), Decimal(0))
    xml = sepa_xml_build(
        reference=batch.reference,
        debtor_name=config.debtor_name,
        debtor_iban=debtor_iban,
        debtor_bic=debtor_bic,
        execution_date=execution_date,
        payments=payments,
        version=version,
    )
    batch.file.save(f"{batch.reference}.xml", ContentFile(xml), save=False)
    batch.save()
    for payment in payments:
        payment.batch = batch
    try:
        with transaction.atomic():
            Payment.objects.bulk_create(payments)
    except IntegrityError as exc:
        raise ApplicationError(_("Un des éléments est déjà dans un lot de virements.")) from exc
    return batch


def _salary_payments(batch: PaymentBatch, runs: Sequence[PayrollRun]) -> list[Payment]:
    """The net of each payslip to pay of validated runs, none already in a batch."""
    run_ids = sorted({run.pk for run in runs})
    locked = list(PayrollRun.objects.select_for_update().filter(pk__in=run_ids).order_by("pk"))
    if len(locked) != len(run_ids):
        raise ApplicationError(_("Une des paies à payer est introuvable."))
    payments: list[Payment] = []
    for run in locked:
        if run.status != PayrollRun.Status.VALIDATED:
            raise ApplicationError(
                _("La paie de %(month)s n'est pas validée ou déjà payée.")
                % {"month": f"{run.period:%m/%Y}"}
            )
        payslips = [p for p in payslips_to_pay(run_id=run.pk) if p.net_paid > 0]
        if Payment.objects.filter(payslip__in=payslips).exists():
            raise ApplicationError(_("Un des éléments est déjà dans un lot de virements."))
        payments += [
            _person_payment(
                batch,
                payslip.entrepreneur,
                amount=payslip.net_paid,
                end_to_end_id=f"SAL{payslip.pk}",
                description=f"Salaire {payslip.period:%m/%Y}",
                payslip=payslip,
            )
            for payslip in payslips
        ]
    return payments


def _person_payment(
    batch: PaymentBatch,
    person: Entrepreneur,
    *,
    amount: Decimal,
    end_to_end_id: str,
    description: str,
    **item: Any,
) -> Payment:
    """A transfer to an entrepreneur's own account (expenses, salary), for `item`."""
    if not person.iban:
        raise ApplicationError(_("%(name)s n'a pas d'IBAN.") % {"name": person})
    iban, bic = bank_details_clean(iban=person.iban, bic="")
    return Payment(
        cooperative_id=batch.cooperative_id,
        creditor_name=epc_text(f"{person.first_name} {person.last_name}", 70),
        iban=iban,
        bic=bic,
        amount=amount,
        end_to_end_id=end_to_end_id,
        description=epc_text(description, 140),
        **item,
    )


def sepa_xml_build(
    *,
    reference: str,
    debtor_name: str,
    debtor_iban: str,
    debtor_bic: str,
    execution_date: dt.date,
    payments: Sequence[Payment],
    version: str,
    validate: bool = True,
) -> bytes:
    """The pain.001 document, one PmtInf booked as one debit (batch), checked against the XSD."""
    config = {
        "name": epc_text(debtor_name, 70),
        "IBAN": debtor_iban,
        "BIC": debtor_bic or None,
        "batch": True,
        "currency": "EUR",
    }
    if not debtor_bic:
        del config["BIC"]
    transfer = SepaTransfer(config, schema=version, clean=True)
    # Our batch reference as the message id, so the bank's reports name it.
    transfer._xml.find("CstmrCdtTrfInitn/GrpHdr/MsgId").text = reference
    for payment in payments:
        item = {
            "name": payment.creditor_name,
            "IBAN": payment.iban,
            "amount": int((payment.amount * 100).to_integral_value()),
            "execution_date": execution_date,
            "description": payment.description,
            "endtoend_id": payment.end_to_end_id,
        }
        if payment.bic:
            item["BIC"] = payment.bic
        transfer.add_payment(item)
    try:
        xml: bytes = transfer.export(validate=validate)
    except Exception as exc:  # sepaxml raises its ValidationError or bare exceptions
        raise ApplicationError(
            _("Le fichier SEPA n'est pas conforme au schéma : %(error)s") % {"error": exc}
        ) from exc
    return xml


def vat_released_lines(invoice: SupplierInvoice, label: str) -> list[LineInput]:
    """Paid: the VAT on services waiting in 44564, net of the credit notes' share, becomes
    deductible (D 44566 / C 44564)."""
    pending = vat_pending_left(invoice)
    if not pending:
        return []
    account_get(DEDUCTIBLE_VAT_PENDING)
    return [
        LineInput(DEDUCTIBLE_VAT, debit=pending, activity=invoice.activity_id, label=label),
        LineInput(
            DEDUCTIBLE_VAT_PENDING, credit=pending, activity=invoice.activity_id, label=label
        ),
    ]


def _letter(account_code: str, third_party_id: int, entry_ids: list[int], day: dt.date) -> None:
    line_ids = list(
        EntryLine.objects.filter(
            entry_id__in=entry_ids, account__code=account_code, third_party_id=third_party_id
        ).values_list("pk", flat=True)
    )
    if len(line_ids) >= 2:
        lines_letter(line_ids=line_ids, date=day)


# Long on purpose: each payment posted, lettered and marked paid in one transaction, item by item.
@transaction.atomic
def payment_batch_mark_sent(*, batch: PaymentBatch, user: User | None = None) -> PaymentBatch:
    """The file went to the bank: post each payment (D 401 or the expense account / C 512, on
    the item's activities; for services, the pending VAT to 44566), letter it with the invoice
    or report, mark the items paid; the payroll runs of the batch are marked paid by payroll,
    which posts their nets on the execution date."""
    batch = PaymentBatch.objects.select_for_update().get(pk=batch.pk)
    if batch.status != PaymentBatch.Status.DRAFT:
        raise ApplicationError(_("Ce lot est déjà marqué envoyé."))
    payable_code = settings_get().expense_payable_account
    account_get(BANK)
    fiscal_year_ensure(day=batch.execution_date)
    day = batch.execution_date
    runs: set[int] = set()
    for payment in batch.payments.select_related(
        "supplier_invoice__supplier", "expense_report__entrepreneur", "payslip"
    ):
        if payment.payslip is not None:
            # Payroll posts the nets itself (D 421 / C 512 per payslip), run by run, below.
            runs.add(payment.payslip.run_id)
            continue
        label = (
            _("Virement %(ref)s · %(name)s")
            % {
                "ref": batch.reference,
                "name": payment.creditor_name,
            }
        )[:200]
        invoice = payment.supplier_invoice
        if invoice is not None:
            third_party = supplier_third_party(invoice.supplier)
            entry = entry_post(
                journal=BANK_JOURNAL,
                date=day,
                label=label,
                lines=[
                    LineInput(
                        SUPPLIERS,
                        debit=payment.amount,
                        activity=invoice.activity_id,
                        third_party=third_party,
                        label=label,
                    ),
                    LineInput(
                        BANK, credit=payment.amount, activity=invoice.activity_id, label=label
                    ),
                    *vat_released_lines(invoice, label),
                ],
                idempotency_key=f"payment:{payment.pk}",
                piece_ref=batch.reference,
                source="purchases",
                user=user,
            )
            if invoice.entry_id is None:
                raise ApplicationError(
                    _("La facture %(number)s n'a pas d'écriture.") % {"number": invoice.number}
                )
            notes = credit_notes_posted(invoice)
            _letter(
                SUPPLIERS,
                third_party.pk,
                [invoice.entry_id, entry.pk, *(n.entry_id for n in notes if n.entry_id)],
                day,
            )
            SupplierInvoice.objects.filter(pk__in=[n.pk for n in notes]).update(
                status=SupplierInvoice.Status.PAID, paid_at=day
            )
            invoice.payment_entry = entry
            invoice.status = SupplierInvoice.Status.PAID
            invoice.paid_at = day
            invoice.save(update_fields=["payment_entry", "status", "paid_at"])
            continue
        report = payment.expense_report
        if report is None or report.entry_id is None:
            raise ApplicationError(_("Une note du lot n'a pas d'écriture."))
        third_party = entrepreneur_third_party(report.entrepreneur, payable_code)
        lines: list[LineInput] = []
        for activity, amount in sorted(expense_report_totals(report).items()):
            lines += [
                LineInput(
                    payable_code,
                    debit=amount,
                    activity=activity,
                    third_party=third_party,
                    label=label,
                ),
                LineInput(BANK, credit=amount, activity=activity, label=label),
            ]
        entry = entry_post(
            journal=BANK_JOURNAL,
            date=day,
            label=label,
            lines=lines,
            idempotency_key=f"payment:{payment.pk}",
            piece_ref=batch.reference,
            source="purchases",
            user=user,
        )
        _letter(payable_code, third_party.pk, [report.entry_id, entry.pk], day)
        report.payment_entry = entry
        report.status = ExpenseReport.Status.PAID
        report.paid_at = day
        report.save(update_fields=["payment_entry", "status", "paid_at"])
    for run_id in sorted(runs):
        payroll_run_mark_paid(run_id=run_id, day=day)
    batch.status = PaymentBatch.Status.SENT
    batch.sent_at = timezone.now()
    batch.save(update_fields=["status", "sent_at"])
    return batch
