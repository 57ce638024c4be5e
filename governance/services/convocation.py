"""Sending the convocations (and written consultations) by e-mail, with a proof of sending per
associate."""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Assembly, ConvocationDispatch, RollEntry


def convocation_send(*, assembly_id: int) -> int:
    """Send the convocation to every associate of the frozen roll not yet sent to; returns how
    many were sent. Idempotent: each associate's dispatch row is created once, and a sent one is
    never sent again. Associates without an e-mail address are recorded for a postal
    convocation."""
    assembly = Assembly.objects.select_related("cooperative").get(pk=assembly_id)
    if assembly.status == Assembly.Status.DRAFT:
        return 0
    resolutions = list(assembly.resolutions.order_by("position"))
    url = settings.SITE_URL + reverse(
        "governance_assembly",
        kwargs={"cooperative_slug": assembly.cooperative.slug, "assembly_id": assembly.pk},
    )
    if assembly.mode == Assembly.Mode.WRITTEN:
        subject = _("Consultation écrite : %(title)s") % {"title": assembly.title}
        template = "governance/email/consultation.txt"
    else:
        subject = _("Convocation : %(title)s") % {"title": assembly.title}
        template = "governance/email/convocation.txt"
    documents = [
        (
            document.title,
            settings.SITE_URL
            + reverse(
                "governance_document",
                kwargs={
                    "cooperative_slug": assembly.cooperative.slug,
                    "assembly_id": assembly.pk,
                    "document_id": document.pk,
                },
            ),
        )
        for document in assembly.documents.order_by("uploaded_at", "pk")
    ]
    sent = 0
    entries = RollEntry.objects.filter(assembly=assembly).select_related("user").order_by("pk")
    for entry in entries:
        dispatch, _created = ConvocationDispatch.objects.get_or_create(
            cooperative_id=assembly.cooperative_id, assembly=assembly, entry=entry
        )
        if dispatch.sent_at is not None:
            continue
        email = entry.user.email if entry.user is not None else ""
        if not email:
            dispatch.error = _("Pas d'adresse e-mail : convocation postale à envoyer.")
            dispatch.save(update_fields=["error"])
            continue
        message_id = make_msgid(domain="perspectives.coop")
        message = EmailMessage(
            subject=subject,
            body=render_to_string(
                template,
                {
                    "assembly": assembly,
                    "entry": entry,
                    "resolutions": resolutions,
                    "documents": documents,
                    "url": url,
                },
            ),
            to=[email],
            headers={"Message-ID": message_id},
        )
        message.send()
        dispatch.email = email
        dispatch.message_id = message_id
        dispatch.sent_at = timezone.now()
        dispatch.error = ""
        dispatch.save(update_fields=["email", "message_id", "sent_at", "error"])
        sent += 1
    return sent
