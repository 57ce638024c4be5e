"""Convocations (and written consultations): the channel of each associate, the e-mails, the
registered letters and their tracking.

The law requires a registered letter (R.223-20 al. 1 for a SARL; a postal sending for an SA,
R.225-68) unless the associate has given their written consent to e-mail convocation
(R.223-20 al. 2 and 3: at least twenty days before the assembly in a SARL; R.225-63 in an SA).
So, when the assembly is convened, each associate on the frozen roll gets one dispatch row whose
channel is decided once: e-mail, to the address they indicated, when their consent is recorded
in time; otherwise a registered letter, printed from the letters PDF (rendered by a worker) and
tracked by its posting date and registered-post number, and, where a delay runs from receipt
(R.223-22), the date on the notice of receipt. An associate without a recorded consent is
never convened by e-mail only.
"""

from __future__ import annotations

import datetime as dt
import secrets

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import EmailMessage
from django.core.mail.message import make_msgid
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.law import law_for
from governance.models import (
    Assembly,
    Associate,
    AuditEvent,
    Convocation,
    ConvocationDispatch,
    RollEntry,
)
from governance.services.audit import audit_record
from governance.services.statutes import statutes_of
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.core.pdf import render_pdf

MAX_LETTER_NUMBER = 40


def _postal_address(associate: Associate) -> str:
    if associate.postal_address.strip():
        return associate.postal_address.strip()
    entrepreneur = associate.entrepreneur
    if entrepreneur is None:
        return ""
    lines = [entrepreneur.address_line, f"{entrepreneur.postal_code} {entrepreneur.city}".strip()]
    return "\n".join(line for line in lines if line)


def email_consent_effective(*, associate: Associate, legal_form: str, day: dt.date) -> bool:
    """Whether the associate's written consent to e-mail convocation covers an assembly held on
    `day`: recorded, and (SARL) given at least twenty days before (R.223-20 al. 2)."""
    if associate.email_consent_on is None or not associate.email_consent_address:
        return False
    lead = law_for(legal_form).email_consent_lead_days
    return associate.email_consent_on <= day - dt.timedelta(days=lead)


def dispatches_create(*, assembly: Assembly) -> None:
    """One dispatch per associate of the just frozen roll, with the channel the law allows."""
    statutes = statutes_of(assembly)
    day = timezone.localdate(assembly.scheduled_at)
    rows = []
    for entry in RollEntry.objects.filter(assembly=assembly).select_related(
        "associate", "associate__entrepreneur"
    ):
        associate = entry.associate
        if email_consent_effective(associate=associate, legal_form=statutes.legal_form, day=day):
            rows.append(
                ConvocationDispatch(
                    cooperative_id=assembly.cooperative_id,
                    assembly=assembly,
                    entry=entry,
                    channel=ConvocationDispatch.Channel.EMAIL,
                    email=associate.email_consent_address,
                    consent_on=associate.email_consent_on,
                )
            )
        else:
            rows.append(
                ConvocationDispatch(
                    cooperative_id=assembly.cooperative_id,
                    assembly=assembly,
                    entry=entry,
                    channel=ConvocationDispatch.Channel.REGISTERED_LETTER,
                    postal_address=_postal_address(associate),
                )
            )
    ConvocationDispatch.objects.bulk_create(rows)


def convocation_delay_days(assembly: Assembly) -> int:
    statutes = statutes_of(assembly)
    if assembly.mode == Assembly.Mode.WRITTEN:
        return statutes.written_answer_delay_days
    if assembly.convocation == Convocation.FIRST:
        return statutes.convocation_delay_days
    return statutes.second_convocation_delay_days


def convocation_problems(*, assembly: Assembly) -> list[str]:
    """What makes the convocation of a convened assembly irregular so far (French; empty when
    every associate was convened, by an allowed channel, in time). A written consultation's
    delay runs from receipt and is checked when it closes (`consultation_delay_problems`)."""
    if assembly.status == Assembly.Status.DRAFT:
        return []
    delay = convocation_delay_days(assembly)
    day = timezone.localdate(assembly.scheduled_at)
    problems = []
    missing = RollEntry.objects.filter(assembly=assembly).exclude(
        pk__in=ConvocationDispatch.objects.filter(assembly=assembly).values("entry_id")
    )
    for entry in missing.order_by("full_name"):
        problems.append(_("%(name)s : aucune convocation.") % {"name": entry.full_name})
    written = assembly.mode == Assembly.Mode.WRITTEN
    for dispatch in (
        ConvocationDispatch.objects.filter(assembly=assembly)
        .select_related("entry")
        .order_by("entry__full_name", "pk")
    ):
        name = dispatch.entry.full_name
        sent_on = dispatch.sent_on
        if dispatch.channel == ConvocationDispatch.Channel.UNCONSENTED_EMAIL:
            problems.append(
                _("%(name)s : convocation par e-mail sans accord écrit enregistré.")
                % {"name": name}
            )
        elif written:
            continue  # delays run from receipt: `consultation_delay_problems`
        elif sent_on is None and dispatch.channel == ConvocationDispatch.Channel.EMAIL:
            problems.append(
                _("%(name)s : e-mail pas encore envoyé.") % {"name": name}
                if not dispatch.error
                else _(
                    "%(name)s : l'e-mail n'a pas pu partir (%(error)s) : envoyez une lettre "
                    "recommandée."
                )
                % {"name": name, "error": dispatch.error}
            )
        elif sent_on is None:
            problems.append(_("%(name)s : lettre recommandée pas encore postée.") % {"name": name})
        elif (day - sent_on).days < delay:
            problems.append(
                _(
                    "%(name)s : convocation envoyée le %(sent)s, moins de %(days)s jours avant "
                    "l'assemblée."
                )
                % {"name": name, "sent": sent_on.strftime("%d/%m/%Y"), "days": delay}
            )
    return problems


def convocation_send(*, assembly_id: int) -> int:
    """E-mail the convocation to every associate whose dispatch is by e-mail and not yet sent;
    returns how many were sent. Idempotent: a sent dispatch is never sent again. Registered
    letters are printed from the letters PDF (`convocation_letters_render`)."""
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
    documents = _documents(assembly)
    sent = 0
    pending = ConvocationDispatch.objects.filter(
        assembly=assembly, channel=ConvocationDispatch.Channel.EMAIL, sent_at__isnull=True
    ).select_related("entry")
    for dispatch in pending.order_by("pk"):
        message_id = make_msgid(domain="perspectives.coop")
        message = EmailMessage(
            subject=subject,
            body=render_to_string(
                template,
                {
                    "assembly": assembly,
                    "entry": dispatch.entry,
                    "resolutions": resolutions,
                    "documents": documents,
                    "url": url,
                },
            ),
            to=[dispatch.email],
            headers={"Message-ID": message_id},
        )
        try:
            message.send()
        except OSError as error:
            dispatch.error = str(error)[:250]
            dispatch.save(update_fields=["error"])
            continue
        dispatch.message_id = message_id
        dispatch.sent_at = timezone.now()
        dispatch.error = ""
        dispatch.save(update_fields=["message_id", "sent_at", "error"])
        sent += 1
    return sent


def _documents(assembly: Assembly) -> list[tuple[str, str]]:
    return [
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


def letters_path(assembly: Assembly) -> str:
    """Under the cooperative's folder; a random name, so a path reveals nothing."""
    return (
        f"cooperatives/{assembly.cooperative_id}/governance/letters/"
        f"{assembly.pk}-{secrets.token_hex(8)}.pdf"
    )


@transaction.atomic
def convocation_letters_render(*, assembly_id: int, force: bool = False) -> Assembly:
    """The letters to print and send by registered post: one page per associate convened by
    letter, with the agenda and the texts. Idempotent unless `force`."""
    assembly: Assembly = (
        Assembly.objects.select_for_update().select_related("cooperative").get(pk=assembly_id)
    )
    if assembly.status == Assembly.Status.DRAFT:
        raise ApplicationError(_("Les lettres se préparent une fois l'assemblée convoquée."))
    if assembly.letters_file and not force:
        return assembly
    letters = list(
        ConvocationDispatch.objects.filter(
            assembly=assembly, channel=ConvocationDispatch.Channel.REGISTERED_LETTER
        )
        .select_related("entry")
        .order_by("entry__full_name", "pk")
    )
    if not letters:
        return assembly
    html = render_to_string(
        "governance/pdf/convocation_letters.html",
        {
            "assembly": assembly,
            "cooperative": assembly.cooperative,
            "letters": letters,
            "resolutions": list(assembly.resolutions.order_by("position")),
            "documents": _documents(assembly),
            "url": settings.SITE_URL
            + reverse(
                "governance_assembly",
                kwargs={"cooperative_slug": assembly.cooperative.slug, "assembly_id": assembly.pk},
            ),
            "written": assembly.mode == Assembly.Mode.WRITTEN,
            "today": timezone.localdate(),
        },
    )
    pdf = render_pdf(html)
    if assembly.letters_file:
        assembly.letters_file.delete(save=False)
    assembly.letters_file.save(letters_path(assembly), ContentFile(pdf), save=False)
    assembly.letters_generated_at = timezone.now()
    assembly.save(update_fields=["letters_file", "letters_generated_at"])
    return assembly


@transaction.atomic
def convocation_letters_record(
    *,
    assembly: Assembly,
    posted_on: dt.date,
    numbers: dict[int, str],
    by: User | None,
) -> list[ConvocationDispatch]:
    """Record registered letters posted on `posted_on`: `numbers` maps dispatch ids to their
    registered-post numbers. An e-mail convocation not sent (or failed) may be replaced by a
    letter. Refused, nothing recorded, for a letter already recorded, a date in the future or
    before the convocation, or a missing number."""
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.status not in (Assembly.Status.CONVENED, Assembly.Status.OPEN):
        raise ApplicationError(
            _("Les lettres se consignent entre la convocation et la clôture de l'assemblée.")
        )
    if not numbers:
        raise ApplicationError(_("Indiquez au moins un numéro de recommandé."))
    if posted_on > timezone.localdate():
        raise ApplicationError(_("Une lettre ne peut être postée dans le futur."))
    if assembly.convened_at is not None and posted_on < timezone.localdate(assembly.convened_at):
        raise ApplicationError(_("Une lettre ne peut être postée avant la convocation."))
    dispatches = {
        d.pk: d
        for d in ConvocationDispatch.objects.select_for_update()
        .filter(assembly=assembly, pk__in=list(numbers))
        .select_related("entry")
    }
    if set(dispatches) != set(numbers):
        raise ApplicationError(_("Convocation inconnue pour cette assemblée."))
    for pk, number in numbers.items():
        dispatch = dispatches[pk]
        number = number.strip().replace(" ", "")
        if not number or len(number) > MAX_LETTER_NUMBER:
            raise ApplicationError(
                _("%(name)s : indiquez le numéro du recommandé (40 caractères au plus).")
                % {"name": dispatch.entry.full_name}
            )
        if dispatch.posted_on is not None or dispatch.sent_at is not None:
            raise ApplicationError(
                _("%(name)s : la convocation est déjà partie.") % {"name": dispatch.entry.full_name}
            )
        dispatch.channel = ConvocationDispatch.Channel.REGISTERED_LETTER
        dispatch.email = ""
        dispatch.consent_on = None
        dispatch.posted_on = posted_on
        dispatch.registered_number = number
        dispatch.save(
            update_fields=["channel", "email", "consent_on", "posted_on", "registered_number"]
        )
    audit_record(
        kind=AuditEvent.Kind.LETTERS_SENT,
        assembly=assembly,
        payload={
            "posted_on": posted_on.isoformat(),
            "letters": [
                [pk, dispatches[pk].entry_id, numbers[pk].strip()] for pk in sorted(numbers)
            ],
            "by": None if by is None else by.pk,
        },
    )
    return [dispatches[pk] for pk in sorted(numbers)]


@transaction.atomic
def convocation_receipt_record(
    *, dispatch: ConvocationDispatch, received_on: dt.date, by: User | None
) -> ConvocationDispatch:
    """The date on a registered letter's notice of receipt (a written consultation's answer
    delay runs from it, R.223-22)."""
    dispatch = (
        ConvocationDispatch.objects.select_for_update().select_related("entry").get(pk=dispatch.pk)
    )
    if (
        dispatch.channel != ConvocationDispatch.Channel.REGISTERED_LETTER
        or dispatch.posted_on is None
    ):
        raise ApplicationError(_("Consignez d'abord l'envoi de la lettre recommandée."))
    if dispatch.received_on is not None:
        raise ApplicationError(_("La réception de cette lettre est déjà consignée."))
    if received_on < dispatch.posted_on or received_on > timezone.localdate():
        raise ApplicationError(
            _("La réception se situe entre l'envoi (%(posted)s) et aujourd'hui.")
            % {"posted": dispatch.posted_on.strftime("%d/%m/%Y")}
        )
    dispatch.received_on = received_on
    dispatch.save(update_fields=["received_on"])
    audit_record(
        kind=AuditEvent.Kind.LETTER_RECEIVED,
        assembly=dispatch.assembly,
        payload={
            "dispatch": dispatch.pk,
            "entry": dispatch.entry_id,
            "received_on": received_on.isoformat(),
            "by": None if by is None else by.pk,
        },
    )
    return dispatch
