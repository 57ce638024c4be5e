"""The skills directory and collaboration requests between entrepreneurs."""

from __future__ import annotations

from django.core.mail import send_mass_mail
from django.db import transaction
from django.utils.translation import gettext as _

from entrepreneurs.models import (
    CollaborationRecipient,
    CollaborationRequest,
    Entrepreneur,
    SkillOffer,
    Stage,
)
from perspectives.core.exceptions import ApplicationError


@transaction.atomic
def skill_offer_create(
    *, entrepreneur: Entrepreneur, title: str, description: str = "", keywords: str = ""
) -> SkillOffer:
    if not title.strip():
        raise ApplicationError(_("Donnez un intitulé à votre compétence."))
    return SkillOffer.objects.create(
        cooperative_id=entrepreneur.cooperative_id,
        entrepreneur=entrepreneur,
        title=title.strip(),
        description=description.strip(),
        keywords=keywords.strip(),
    )


@transaction.atomic
def collaboration_request_send(
    *, sender: Entrepreneur, recipient_ids: list[int], subject: str, message: str
) -> CollaborationRequest:
    """Ask chosen entrepreneurs to work together on a job; each is notified by e-mail."""
    recipients = list(
        Entrepreneur.objects.filter(pk__in=recipient_ids)
        .exclude(pk=sender.pk)
        .exclude(stage=Stage.EXITED)
    )
    if not recipients or len(recipients) != len(set(recipient_ids) - {sender.pk}):
        raise ApplicationError(_("Choisissez au moins un·e entrepreneur·e de la coopérative."))
    if not subject.strip() or not message.strip():
        raise ApplicationError(_("L'objet et le message sont obligatoires."))
    request = CollaborationRequest.objects.create(
        cooperative_id=sender.cooperative_id,
        sender=sender,
        subject=subject.strip(),
        message=message.strip(),
    )
    CollaborationRecipient.objects.bulk_create(
        CollaborationRecipient(
            cooperative_id=sender.cooperative_id, request=request, entrepreneur=r
        )
        for r in recipients
    )
    mails = [
        (
            _("Proposition de collaboration : %(subject)s") % {"subject": request.subject},
            _("%(sender)s (%(email)s) vous propose de travailler ensemble :\n\n%(message)s")
            % {"sender": sender, "email": sender.email, "message": request.message},
            None,
            [recipient.email],
        )
        for recipient in recipients
        if recipient.email
    ]
    transaction.on_commit(lambda: send_mass_mail(mails))
    return request
