""" "A vote is waiting for you", by e-mail.

When a vote opens (the first resolution of a session, or a written consultation sent), every
associate on the roll who can vote now and has not gets one e-mail per assembly with the link
to the ballot, on top of the notice on their home page. Only associates who gave an e-mail
address with their written consent hear from us this way; the others keep the convocation's
channel and the home page. An associate whose convocation e-mail just carried the texts and the
ballot link (a written consultation) is not written to twice, nor one who gave a proxy.
"""

from __future__ import annotations

from django.conf import settings
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    Assembly,
    ConvocationDispatch,
    Participation,
    Proxy,
    Resolution,
    RollEntry,
    VoteNotice,
)


def _waiting_resolutions(assembly: Assembly) -> list[Resolution]:
    resolutions = Resolution.objects.filter(assembly=assembly).exclude(
        status=Resolution.Status.CLOSED
    )
    if assembly.mode != Assembly.Mode.WRITTEN:
        resolutions = resolutions.filter(status=Resolution.Status.OPEN)
    return list(resolutions.order_by("position"))


def vote_notice_recipients(*, assembly: Assembly) -> list[tuple[RollEntry, list[Resolution]]]:
    """The roll entries to tell, with the resolutions waiting for each: a recorded e-mail
    consent, no proxy given, a resolution open to them not yet voted on, not told already."""
    if assembly.status != Assembly.Status.OPEN:
        return []
    resolutions = _waiting_resolutions(assembly)
    if not resolutions:
        return []
    voted: dict[int, set[int]] = {}
    for voter_id, resolution_id in Participation.objects.filter(
        resolution__in=resolutions
    ).values_list("voter_id", "resolution_id"):
        voted.setdefault(voter_id, set()).add(resolution_id)
    entries = (
        RollEntry.objects.filter(assembly=assembly)
        .exclude(associate__email_consent_address="")
        .exclude(associate__email_consent_on__isnull=True)
        .exclude(
            pk__in=Proxy.objects.filter(assembly=assembly, revoked_at__isnull=True).values(
                "grantor_id"
            )
        )
        .exclude(pk__in=VoteNotice.objects.filter(assembly=assembly).values("entry_id"))
        .select_related("associate")
        .order_by("full_name", "pk")
    )
    if assembly.mode == Assembly.Mode.WRITTEN:
        entries = entries.exclude(
            pk__in=ConvocationDispatch.objects.filter(
                assembly=assembly, channel=ConvocationDispatch.Channel.EMAIL
            ).values("entry_id")
        )
    recipients = []
    for entry in entries:
        waiting = [r for r in resolutions if r.pk not in voted.get(entry.pk, set())]
        if waiting:
            recipients.append((entry, waiting))
    return recipients


def vote_waiting_notify(*, assembly_id: int) -> int:
    """E-mail "a vote is waiting for you" to the associates `vote_notice_recipients` names;
    returns how many were sent. Idempotent: each associate is told at most once per assembly
    (the notice row is claimed before sending, released if the mail server refuses)."""
    assembly = Assembly.objects.select_related("cooperative").filter(pk=assembly_id).first()
    if assembly is None:
        return 0
    url = settings.SITE_URL + reverse(
        "governance_assembly",
        kwargs={"cooperative_slug": assembly.cooperative.slug, "assembly_id": assembly.pk},
    )
    subject = _("Un vote vous attend : %(title)s") % {"title": assembly.title}
    sent = 0
    for entry, resolutions in vote_notice_recipients(assembly=assembly):
        message_id = make_msgid(domain="perspectives.coop")
        address = entry.associate.email_consent_address
        try:
            with transaction.atomic():
                notice = VoteNotice.objects.create(
                    cooperative_id=assembly.cooperative_id,
                    assembly=assembly,
                    entry=entry,
                    email=address,
                    message_id=message_id,
                    sent_at=timezone.now(),
                )
        except IntegrityError:
            continue  # told by a concurrent run
        message = EmailMessage(
            subject=subject,
            body=render_to_string(
                "governance/email/vote_waiting.txt",
                {"assembly": assembly, "entry": entry, "resolutions": resolutions, "url": url},
            ),
            to=[address],
            headers={"Message-ID": message_id},
        )
        try:
            message.send()
        except OSError:
            notice.delete()  # told on the next run
            continue
        sent += 1
    return sent
