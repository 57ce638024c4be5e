"""Documents e-mailed to their customer with the PDF attached: a quote or an invoice when it is
sent, a payment reminder when an invoice is overdue.

Each e-mail is a `DocumentEmail` row first (who, to whom, what), then a job: the worker renders
the PDF if it is not yet (Factur-X for an invoice), sends, and records the time. A refused
sending leaves the row failed with its error, shown on the document's page, where it is sent
again on request; a failure before (the PDF, the database) fails the job, which the jobs page
and the sweeper hand out again. A sent row is never sent twice (state guard under a row lock).
"""

from __future__ import annotations

from email.utils import make_msgid
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import EmailMessage
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.jobs import job_enqueue
from sales.models import Document, DocumentEmail
from sales.services.customers import settings_get
from sales.services.rendering import document_pdf_render

EMAIL_TASK = "sales.tasks.document_email_send_task"
ERROR_LENGTH = 300


def _recipient(address: str) -> str:
    address = (address or "").strip()
    if not address:
        raise ApplicationError(
            _("Indiquez l'adresse du destinataire (le client n'a pas de courriel).")
        )
    try:
        validate_email(address)
    except ValidationError:
        raise ApplicationError(
            _("« %(address)s » n'est pas une adresse e-mail valide.") % {"address": address}
        ) from None
    return address


def default_subject(document: Document) -> str:
    cooperative = document.activity.cooperative.name
    if document.kind == Document.Kind.QUOTE:
        return _("Devis %(number)s – %(seller)s") % {
            "number": document.number,
            "seller": document.activity.name or cooperative,
        }
    return _("%(kind)s %(number)s – %(seller)s") % {
        "kind": document.get_type_code_display(),
        "number": document.number,
        "seller": document.activity.name or cooperative,
    }


@transaction.atomic
def document_email_request(
    *,
    document: Document,
    recipient: str = "",
    message: str = "",
    user: User | None = None,
    kind: str = DocumentEmail.Kind.SEND,
    step: int | None = None,
    subject: str = "",
) -> DocumentEmail:
    """Record the e-mail of a numbered document (a sent quote, a validated invoice or credit
    note) to `recipient` (the customer's address by default) and hand it to a worker."""
    if not document.is_numbered:
        raise ApplicationError(
            _("Un brouillon ne s'envoie pas : validez la facture ou envoyez le devis d'abord.")
        )
    email: DocumentEmail = DocumentEmail.objects.create(
        cooperative_id=document.cooperative_id,
        document=document,
        kind=kind,
        step=step,
        recipient=_recipient(recipient or document.customer.email),
        subject=(subject or default_subject(document))[:200],
        message=message.strip(),
        requested_by=user,
    )
    job_enqueue(EMAIL_TASK, email_id=email.pk)
    return email


@transaction.atomic
def document_email_retry(*, email: DocumentEmail) -> DocumentEmail:
    """A failed e-mail handed to a worker again."""
    email = DocumentEmail.objects.select_for_update().get(pk=email.pk)
    if email.state != DocumentEmail.State.FAILED:
        raise ApplicationError(_("Seul un envoi en échec se relance."))
    email.state = DocumentEmail.State.PENDING
    email.error = ""
    email.save(update_fields=["state", "error"])
    job_enqueue(EMAIL_TASK, email_id=email.pk)
    return email


def _body(email: DocumentEmail) -> str:
    from sales.services.acceptance import quote_link_path
    from sales.services.payments import invoice_outstanding

    document = email.document
    context: dict[str, Any] = {
        "email": email,
        "document": document,
        "customer": document.customer,
        "activity": document.activity,
        "cooperative": document.activity.cooperative,
        "settings": settings_get(),
    }
    if document.kind == Document.Kind.QUOTE and document.status == Document.Status.SENT:
        context["link"] = settings.SITE_URL + quote_link_path(quote=document)
    if document.kind == Document.Kind.INVOICE:
        context["outstanding"] = invoice_outstanding(invoice=document)
    if email.kind == DocumentEmail.Kind.REMINDER:
        from sales.services.reminders import is_formal_notice, reminder_steps

        context["formal_notice"] = is_formal_notice(
            step=email.step, steps=reminder_steps(context["settings"])
        )
    return render_to_string(f"sales/email/{email.kind}.txt", context)


def _settled(invoice: Document) -> bool:
    from sales.services.payments import invoice_outstanding

    return invoice_outstanding(invoice=invoice) <= 0


def document_email_send(*, email_id: int) -> DocumentEmail:
    """Send one recorded e-mail with the document's PDF. Idempotent: a sent e-mail is left as
    it is. A refused sending marks the row failed with its error."""
    email = (
        DocumentEmail.objects.select_related(
            "document__activity__cooperative", "document__customer"
        )
        .filter(pk=email_id)
        .first()
    )
    if email is None or email.state == DocumentEmail.State.SENT:
        return email  # type: ignore[return-value]
    if email.kind == DocumentEmail.Kind.REMINDER and _settled(email.document):
        DocumentEmail.objects.filter(pk=email.pk).update(
            state=DocumentEmail.State.CANCELLED, error=_("Facture réglée avant l'envoi.")
        )
        email.refresh_from_db()
        return email
    pdf = document_pdf_render(document_id=email.document_id)
    sales_settings = settings_get()
    message_id = make_msgid(domain="perspectives.coop")
    message = EmailMessage(
        subject=email.subject,
        body=_body(email),
        to=[email.recipient],
        reply_to=[sales_settings.email] if sales_settings.email else None,
        headers={"Message-ID": message_id},
    )
    pdf.pdf.open("rb")
    try:
        message.attach(f"{email.document.number}.pdf", pdf.pdf.read(), "application/pdf")
    finally:
        pdf.pdf.close()
    try:
        message.send()
    except OSError as error:  # smtplib's errors are OSErrors (a refused address, no server)
        # Recorded, not raised: the task's transaction would roll the record back. The
        # document's page shows the error and sends again on request.
        DocumentEmail.objects.filter(pk=email.pk).update(
            state=DocumentEmail.State.FAILED, error=str(error)[:ERROR_LENGTH] or repr(error)
        )
    else:
        DocumentEmail.objects.filter(pk=email.pk).update(
            state=DocumentEmail.State.SENT,
            sent_at=timezone.now(),
            message_id=message_id,
            error="",
        )
    email.refresh_from_db()
    return email
