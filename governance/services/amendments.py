"""Amendments: a proposed new text for a resolution on the agenda, voted before it.

An amendment is a `Resolution` that `amends` another of the same assembly, with its author and
the full text it proposes. It is voted like any resolution (same decision class, so the same
quorum and majority; secret if the amended one is), and always before the resolution it amends:
that one cannot open while one of its amendments is not closed. When an amendment is adopted, its
text becomes the text put to the vote; the text first placed on the agenda is kept
(`original_text`), and every amendment stays on the agenda with its own result, so the minutes
can show the history.

Amendments are filed while the assembly is prepared (they then travel with the convocation) or
in session, on a resolution no vote by correspondence has reached yet (those votes were cast
on the text sent). Between the convocation and the session the texts sent stay as they are;
written consultations have no amendments (there is no debate to amend in).
"""

from __future__ import annotations

import hashlib

from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from governance.models import Assembly, AuditEvent, Candidacy, Participation, Resolution
from governance.services.audit import audit_record
from perspectives.core.exceptions import ApplicationError


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


@transaction.atomic
def amendment_propose(
    *,
    resolution: Resolution,
    text: str,
    proposed_by: str,
    management_supported: bool = False,
) -> Resolution:
    """File an amendment to `resolution`. Blank proxies vote for it only if the management
    supports it (as for any resolution)."""
    assembly: Assembly = Assembly.objects.select_for_update().get(pk=resolution.assembly_id)
    target = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if assembly.mode == Assembly.Mode.WRITTEN:
        raise ApplicationError(_("Une consultation écrite ne s'amende pas : consultez à nouveau."))
    if assembly.status == Assembly.Status.CONVENED:
        raise ApplicationError(
            _(
                "Les textes envoyés avec la convocation ne changent pas avant la séance : "
                "déposez l'amendement en séance."
            )
        )
    if assembly.status != Assembly.Status.DRAFT and assembly.status != Assembly.Status.OPEN:
        raise ApplicationError(_("L'assemblée est close : plus d'amendement."))
    if target.amends_id is not None:
        raise ApplicationError(_("On amende une résolution, pas un amendement."))
    if target.status != Resolution.Status.PENDING:
        raise ApplicationError(_("Le vote sur cette résolution est ouvert ou clos : trop tard."))
    if Candidacy.objects.filter(resolution=target).exists():
        raise ApplicationError(_("Une élection entre candidat·es ne s'amende pas."))
    if Participation.objects.filter(resolution=target).exists():
        raise ApplicationError(
            _(
                "Des votes par correspondance portent déjà sur le texte envoyé : cette "
                "résolution ne peut plus être amendée."
            )
        )
    text, proposed_by = text.strip(), proposed_by.strip()
    if not proposed_by:
        raise ApplicationError(_("Indiquez l'auteur·rice de l'amendement."))
    if not text or text == target.text:
        raise ApplicationError(_("L'amendement propose un texte différent de la résolution."))
    number = target.amendments.count() + 1
    position = (assembly.resolutions.aggregate(m=Max("position"))["m"] or 0) + 1
    amendment: Resolution = Resolution.objects.create(
        cooperative_id=assembly.cooperative_id,
        assembly=assembly,
        position=position,
        title=_("Amendement n° %(number)s à la résolution %(position)s")
        % {"number": number, "position": target.position},
        text=text,
        decision_class=target.decision_class,
        secret=target.secret,
        management_supported=management_supported,
        amends=target,
        proposed_by=proposed_by,
    )
    audit_record(
        kind=AuditEvent.Kind.AMENDMENT_PROPOSED,
        assembly=assembly,
        payload={
            "amendment": amendment.pk,
            "amends": target.pk,
            "text_sha256": _sha256(text),
            "proposed_by": proposed_by,
        },
    )
    return amendment


def amendments_pending(*, resolution: Resolution) -> list[int]:
    """Positions of the amendments to `resolution` still to be voted."""
    return list(
        resolution.amendments.exclude(status=Resolution.Status.CLOSED)
        .order_by("position")
        .values_list("position", flat=True)
    )


def amendment_apply(*, amendment: Resolution) -> Resolution:
    """An adopted amendment's text becomes its resolution's (run in the amendment's closing
    transaction); the first text is kept."""
    if amendment.amends_id is None:
        raise ApplicationError(_("Cette résolution n'est pas un amendement."))
    target = Resolution.objects.select_for_update().get(pk=amendment.amends_id)
    if target.status != Resolution.Status.PENDING:  # defensive: it opens after its amendments
        raise ApplicationError(_("Anomalie : la résolution amendée est déjà soumise au vote."))
    if not target.original_text:
        target.original_text = target.text
    target.text = amendment.text
    target.save(update_fields=["original_text", "text"])
    audit_record(
        kind=AuditEvent.Kind.RESOLUTION_AMENDED,
        assembly=amendment.assembly,
        payload={
            "resolution": target.pk,
            "amendment": amendment.pk,
            "text_sha256": _sha256(target.text),
        },
    )
    return target
