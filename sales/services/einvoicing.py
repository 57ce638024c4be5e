"""E-invoicing of the invoices the cooperative issues, through its accredited platform (PA).

- An invoice or credit note to a French business customer (SIREN known) is handed to the
  customer's platform through the cooperative's: its Factur-X PDF, `processingRule` B2B, our
  document id as `trackingId`. A job does it; a document already submitted is not submitted
  again (the submission row, and the platform searched by `trackingId` before any upload).
- The lifecycle statuses the platforms send back (`CustomerInvoiceLC` flows: 200 Déposée, 213
  Rejetée, 210 Refusée…) are fetched after a cursor and kept as the invoice's timeline; each
  flow is recorded once. A status is matched to its invoice by the flow's identifiers (the
  invoice's flow id, our `trackingId`), else by number, issue date and seller SIREN together;
  one that names no invoice for sure is kept apart (`UnmatchedLifecycleStatus`) and logged,
  never attached to a guess.
- Each payment of a B2B domestic services invoice is told to the platform as status 212
  Encaissée with its amount (partial payments allowed), once per payment, by a job; a payment
  of an invoice not yet submitted waits for the submission.

- A French public body goes the same way, `processingRule` B2B: its platform is Chorus Pro,
  which the directory names and the platforms route to; the CII carries its SIRET (BT-46), its
  service code (BT-10) and the engagement number given as the order reference (BT-13).

Limit: a sale to a private person or to a foreign customer is not e-invoiced; it falls under
e-reporting (`sales.services.ereporting`: B2C is reported, international B2B not yet).

The connection itself (`PlatformConnector`, the platform's address and token) belongs to the
purchases app, which receives the supplier invoices through the same platform.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.jobs import job_enqueue, job_latest, job_retry
from perspectives.tenancy.models import Cooperative, Job
from purchases.platform import (
    SELLER,
    InvoiceReference,
    LifecycleMessage,
    OutgoingInvoice,
    PlatformConnector,
)
from purchases.services import platform_configured, platform_connector
from sales.models import (
    Customer,
    Document,
    EInvoiceSubmission,
    LifecycleCode,
    LifecycleCursor,
    LifecycleStatus,
    OperationCategory,
    Payment,
    UnmatchedLifecycleStatus,
)
from sales.services.documents import document_totals
from sales.services.rendering import document_pdf_render
from sales.totals import split_by_weights

logger = logging.getLogger(__name__)

SUBMIT_TASK = "sales.tasks.einvoice_submit_task"
STATUS_SEND_TASK = "sales.tasks.lifecycle_status_send_task"
E_INVOICED_KINDS = (Document.Kind.INVOICE, Document.Kind.CREDIT_NOTE)


@dataclass
class LifecycleReport:
    recorded: int = 0
    unknown: list[str] = field(default_factory=list)  # numbers of the statuses not attached
    unreadable: list[str] = field(default_factory=list)  # why, for each flow not understood


def customer_siren(customer: Customer) -> str:
    return customer.siren or customer.siret[:9]


def einvoice_out_of_scope(document: Document) -> str:
    """Why `document` is not e-invoiced through the platform ("" when it is)."""
    customer = document.customer
    if document.kind not in E_INVOICED_KINDS:
        return _("Seules les factures et les avoirs passent par la plateforme.")
    if document.status != Document.Status.VALIDATED:
        return _("Seule une facture validée se transmet à la plateforme.")
    if customer.kind == Customer.Kind.INDIVIDUAL or customer.country != "FR":
        return _(
            "Client particulier ou étranger : cette vente relève de l'e-reporting, pas de la "
            "facture électronique."
        )
    if len(customer_siren(customer)) != 9:
        return _("Le SIREN du client manque : la plateforme ne peut pas l'adresser.")
    return ""


@transaction.atomic
def einvoice_submit_request(*, document: Document) -> Job:
    """Ask a worker to submit the document. Asked twice, the job is the same one; after a
    failure (the platform unreachable, an error it gave), the failed job is handed out again."""
    out_of_scope = einvoice_out_of_scope(document)
    if out_of_scope:
        raise ApplicationError(out_of_scope)
    submitted = EInvoiceSubmission.objects.filter(document=document).first()
    if submitted is not None:
        raise ApplicationError(
            _("Déjà transmise à la plateforme le %(date)s (flux %(flow)s).")
            % {
                "date": timezone.localtime(submitted.submitted_at).strftime("%d/%m/%Y %H:%M"),
                "flow": submitted.flow_id,
            }
        )
    latest = job_latest(SUBMIT_TASK, document_id=document.pk)
    if latest is not None and latest.state == Job.State.FAILED:
        return job_retry(job=latest)
    return job_enqueue(SUBMIT_TASK, document_id=document.pk)


@transaction.atomic
def einvoice_submit(
    *, document_id: int, connector: PlatformConnector | None = None
) -> EInvoiceSubmission:
    """Submit the document's Factur-X once. The document's row stays locked during the upload,
    so a second job for it waits, then finds the submission and does nothing."""
    document = (
        Document.objects.select_for_update(of=("self",))
        .select_related("customer")
        .get(pk=document_id)
    )
    existing = EInvoiceSubmission.objects.filter(document=document).first()
    if existing is not None:
        return existing
    out_of_scope = einvoice_out_of_scope(document)
    if out_of_scope:
        raise ApplicationError(out_of_scope)
    file = document_pdf_render(document_id=document.pk)
    with file.pdf.open("rb") as handle:
        content = handle.read()
    connector = connector or platform_connector()
    flow_id = connector.submit_invoice(
        invoice=OutgoingInvoice(
            tracking_id=str(document.pk), filename=f"{document.number}.pdf", content=content
        )
    )
    submission: EInvoiceSubmission = EInvoiceSubmission.objects.create(
        cooperative_id=document.cooperative_id,
        document=document,
        flow_id=flow_id[:100],
        sha256=file.sha256,
    )
    # Statuses 212 recorded before the invoice reached the platform can go now.
    waiting = LifecycleStatus.objects.filter(
        document=document, origin=LifecycleStatus.Origin.COOPERATIVE, sent_at__isnull=True
    )
    for status in waiting:
        job_enqueue(STATUS_SEND_TASK, status_id=status.pk)
    return submission


def _matched(message: LifecycleMessage, cooperative: Cooperative) -> tuple[Document | None, str]:
    """The invoice a platform status is about, and when there is none for sure, why.

    First by the flow's identifiers: the platform's flow id of the invoice (recorded at the
    submission) or the `trackingId` we gave it (the document's id), as long as the status names
    the same number. Otherwise by number, issue date and seller SIREN together: a number is
    unique in the cooperative (series and year are part of it, the database numbers it), but
    the same number exists at every other seller, so the SIREN must be ours and the date must
    agree."""
    submission = None
    if message.invoice_flow_id:
        submission = (
            EInvoiceSubmission.objects.filter(flow_id=message.invoice_flow_id)
            .select_related("document")
            .first()
        )
    if submission is None and message.tracking_id.isdigit():
        submission = (
            EInvoiceSubmission.objects.filter(document_id=int(message.tracking_id))
            .select_related("document")
            .first()
        )
    if submission is not None:
        document = submission.document
        if message.invoice_number and message.invoice_number != document.number:
            return None, _(
                "Le flux désigne la facture %(document)s, le statut la facture %(number)s."
            ) % {"document": document.number, "number": message.invoice_number}
        return document, ""
    if not message.seller_siren:
        return None, _("Le statut ne donne ni le flux de la facture ni le SIREN du vendeur.")
    if message.seller_siren != cooperative.siren:
        return None, _("Le vendeur %(siren)s n'est pas la coopérative.") % {
            "siren": message.seller_siren
        }
    if message.issue_date is None:
        return None, _("Le statut ne donne pas la date de la facture.")
    documents = list(
        Document.objects.filter(
            number=message.invoice_number,
            kind__in=E_INVOICED_KINDS,
            issue_date=message.issue_date,
        ).exclude(status__in=(Document.Status.DRAFT, Document.Status.PENDING))[:2]
    )
    if len(documents) != 1:
        return None, _("Aucune facture %(number)s du %(date)s.") % {
            "number": message.invoice_number,
            "date": message.issue_date.strftime("%d/%m/%Y"),
        }
    return documents[0], ""


def _record(message: LifecycleMessage, report: LifecycleReport, cooperative: Cooperative) -> None:
    if not message.code:
        report.unreadable.append(message.reason)
        return
    if (
        LifecycleStatus.objects.filter(flow_id=message.flow_id).exists()
        or UnmatchedLifecycleStatus.objects.filter(flow_id=message.flow_id).exists()
    ):
        return
    document, why = _matched(message, cooperative)
    if document is None:
        UnmatchedLifecycleStatus.objects.create(
            cooperative_id=cooperative.pk,
            flow_id=message.flow_id[:100],
            code=message.code[:3],
            invoice_number=message.invoice_number[:100],
            invoice_flow_id=message.invoice_flow_id[:100],
            tracking_id=message.tracking_id[:36],
            issue_date=message.issue_date,
            seller_siren=message.seller_siren[:9],
            reason=message.reason,
            why=why,
        )
        report.unknown.append(message.invoice_number)
        return
    LifecycleStatus.objects.create(
        cooperative_id=document.cooperative_id,
        document=document,
        code=message.code,
        origin=LifecycleStatus.Origin.PLATFORM,
        reason=message.reason,
        amount=message.amount if message.amount and message.amount > 0 else None,
        flow_id=message.flow_id[:100],
        occurred_at=message.at or timezone.now(),
    )
    report.recorded += 1


def lifecycle_statuses_sync(*, connector: PlatformConnector | None = None) -> LifecycleReport:
    """Record the statuses the platform has for the issued invoices since the last sync. Each
    flow is recorded with the cursor that passes it, in one transaction: an interrupted sync
    resumes after the last flow recorded. A cooperative without a platform does nothing."""
    report = LifecycleReport()
    if connector is None:
        if not platform_configured():
            return report
        connector = platform_connector()
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    cursor, _created = LifecycleCursor.objects.get_or_create(cooperative_id=cooperative.pk)
    for message in connector.fetch_lifecycle(since=cursor.updated_after):
        with transaction.atomic():
            _record(message, report, cooperative)
            cursor.updated_after = message.updated_at
            cursor.save(update_fields=["updated_after"])
    if report.unknown or report.unreadable:
        # Passed by the cursor: the unmatched ones are kept (`UnmatchedLifecycleStatus`), the
        # log says which, with the unreadable ones, to look them up at the platform.
        logger.warning(
            "platform statuses not attached: unknown invoices %s, unreadable %s (cooperative %s)",
            report.unknown,
            report.unreadable,
            cooperative.pk,
        )
    return report


def einvoice_receipt_due(invoice: Document) -> bool:
    """Whether a payment of `invoice` is told to the platform (212): a B2B domestic invoice
    of services (VAT due on receipts; a mixed invoice has a services part)."""
    return (
        invoice.kind == Document.Kind.INVOICE
        and invoice.category != OperationCategory.GOODS
        and not einvoice_out_of_scope(invoice)
    )


def payment_status_record(*, payment: Payment) -> LifecycleStatus | None:
    """Status 212 Encaissée for `payment`, sent by a job once the invoice is on the platform.
    Called in the payment's transaction; a second call for the same payment adds nothing."""
    invoice = payment.invoice
    if not einvoice_receipt_due(invoice):
        return None
    status, created = LifecycleStatus.objects.get_or_create(
        cooperative_id=payment.cooperative_id,
        payment=payment,
        code=LifecycleCode.CASHED,
        defaults={
            "document": invoice,
            "origin": LifecycleStatus.Origin.COOPERATIVE,
            "amount": payment.amount,
            "occurred_at": timezone.now(),
        },
    )
    if created and EInvoiceSubmission.objects.filter(document=invoice).exists():
        job_enqueue(STATUS_SEND_TASK, status_id=status.pk)
    return status


def received_by_rate(document: Document, amount: Decimal | None) -> list[tuple[Decimal, Decimal]]:
    """An amount received on `document` shared among its VAT rates in proportion to each
    rate's total including VAT (the cent's residue on the largest), for a 212 that states the
    amount received per rate (French rule BR-FR-CDV-14)."""
    if amount is None:
        return []
    breakdown = document_totals(document).breakdown
    shares = split_by_weights(amount, [b.taxable + b.vat for b in breakdown])
    return [(share, b.rate) for share, b in zip(shares, breakdown, strict=True)]


@transaction.atomic
def lifecycle_status_send(
    *, status_id: int, connector: PlatformConnector | None = None
) -> LifecycleStatus:
    """Send one of the cooperative's statuses as a CDAR; a status already sent is left, here
    (`sent_at`) or at the platform (its `trackingId`, in case our commit was lost)."""
    status = (
        LifecycleStatus.objects.select_for_update(of=("self",))
        .select_related("document__customer")
        .get(pk=status_id)
    )
    if status.sent_at is not None:
        return status
    document = status.document
    submission = EInvoiceSubmission.objects.filter(document=document).first()
    if submission is None:
        raise ApplicationError(
            _(
                "La facture %(number)s n'est pas encore sur la plateforme : "
                "le statut %(code)s partira après elle."
            )
            % {"number": document.number, "code": status.code}
        )
    cooperative = Cooperative.objects.get(pk=status.cooperative_id)
    connector = connector or platform_connector()
    connector.send_status(
        invoice=InvoiceReference(
            platform_id=submission.flow_id,
            number=document.number,
            issue_date=document.issue_date or timezone.localdate(),
            seller_siren=cooperative.siren,
            seller_name=cooperative.name,
            buyer_siren=customer_siren(document.customer),
            buyer_name=document.customer.name,
            type_code=document.type_code,
        ),
        code=status.code,
        sender_role=SELLER,
        amount=status.amount,
        amounts_by_rate=received_by_rate(document, status.amount),
        tracking_id=f"status-{status.pk}",
    )
    status.sent_at = timezone.now()
    status.save(update_fields=["sent_at"])
    return status
