"""Written consultations: decisions taken outside any meeting, where the statutes allow them.

A consultation is an `Assembly` in the "written" mode, so it reuses everything a vote rests on:
the agenda of resolutions, the voter roll frozen (and hashed) when it is sent, the e-mail with
proof of sending, the unlinked ballots with their receipts, the audit chain, the count with the
statute rule cited, the minutes and the recount of `governance_verify`. What differs:

- every resolution's decision class must allow written consultation in the statute profile
  (`StatuteRule.written_consultation_allowed`), checked when it is added and when sent;
- `scheduled_at` is the deadline for answers; each associate has at least the profile's answer
  delay counted from the day they received the texts (R.223-22 Code de commerce: fifteen days
  in a SARL): the day an e-mail went (sent only with their written consent), or the date on a
  registered letter's notice of receipt. Sending checks the delay from today; closing at the
  deadline checks it from each receipt, and the management extends the deadline if a letter
  arrived late;
- sending freezes the roll and opens every resolution at once; associates answer personally,
  online, until the deadline (no proxy, no room count);
- the quorum and majority are the profile's rules for the decision class (frozen when sent),
  counting the associates who answered as present; where the statutes and L.223-29 al. 2 call
  for it, a missed majority of all associates prepares a second consultation;
- the results are frozen at the deadline (a periodic task closes due consultations) or earlier
  by the management once every associate on the roll has answered every resolution.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.law import law_for
from governance.models import (
    Assembly,
    AuditEvent,
    Convocation,
    ConvocationDispatch,
    Participation,
    Resolution,
    RollEntry,
)
from governance.services.assemblies import roll_freeze
from governance.services.audit import audit_record
from governance.services.statutes import active_profile, assembly_rule, statutes_of
from governance.services.voting import Receipt, assembly_close_locked, vote_cast
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id


@transaction.atomic
def consultation_create(*, title: str, kind: str, response_deadline: dt.datetime) -> Assembly:
    """A draft written consultation under the active statute profile."""
    if kind not in Assembly.Kind.values:
        raise ApplicationError(_("Type de décision inconnu."))
    if not title.strip():
        raise ApplicationError(_("Donnez un intitulé à la consultation."))
    profile = active_profile()
    if not profile.rules.filter(
        convocation=Convocation.FIRST, written_consultation_allowed=True
    ).exists():
        raise ApplicationError(
            _(
                "Le profil statutaire « %(profile)s » n'admet aucune consultation écrite : "
                "réunissez une assemblée."
            )
            % {"profile": profile.name}
        )
    consultation: Assembly = Assembly.objects.create(
        cooperative_id=require_cooperative_id(),
        title=title.strip(),
        kind=kind,
        mode=Assembly.Mode.WRITTEN,
        scheduled_at=response_deadline,
        profile=profile,
    )
    return consultation


def _lock_consultation(consultation: Assembly) -> Assembly:
    locked: Assembly = (
        Assembly.objects.select_for_update().select_related("profile").get(pk=consultation.pk)
    )
    if locked.mode != Assembly.Mode.WRITTEN:
        raise ApplicationError(_("Cette assemblée n'est pas une consultation écrite."))
    return locked


@transaction.atomic
def consultation_send(*, consultation: Assembly, now: dt.datetime | None = None) -> Assembly:
    """Freeze the roll (and its hash) and open every resolution to answers. The e-mails go
    from a worker (`convocation_send_task`), each with its proof of sending."""
    now = now or timezone.now()
    consultation = _lock_consultation(consultation)
    resolutions = list(consultation.resolutions.order_by("position"))
    for resolution in resolutions:
        rule = assembly_rule(assembly=consultation, decision_class=resolution.decision_class)
        if not rule.written_consultation_allowed:
            raise ApplicationError(
                _(
                    "Résolution %(position)s : les statuts n'admettent pas la consultation "
                    "écrite pour ce type de décision (%(rule)s)."
                )
                % {"position": resolution.position, "rule": rule.reference}
            )
    consultation = roll_freeze(assembly=consultation, now=now)
    consultation.status = Assembly.Status.OPEN
    consultation.opened_at = now
    consultation.save(update_fields=["status", "opened_at"])
    audit_record(kind=AuditEvent.Kind.OPENED, assembly=consultation)
    for resolution in resolutions:
        resolution.status = Resolution.Status.OPEN
        resolution.save(update_fields=["status"])
        audit_record(
            kind=AuditEvent.Kind.RESOLUTION_OPENED,
            assembly=consultation,
            payload={"resolution": resolution.pk},
        )
    return consultation


@transaction.atomic
def consultation_answer(
    *, consultation: Assembly, entry: RollEntry, answers: dict[int, str]
) -> list[Receipt]:
    """An associate's answer to every resolution of the consultation, all or nothing: one
    ballot (and receipt) per resolution, through the same vote storage as assemblies."""
    if consultation.mode != Assembly.Mode.WRITTEN:
        raise ApplicationError(_("Cette assemblée n'est pas une consultation écrite."))
    if entry.assembly_id != consultation.pk:
        raise ApplicationError(
            _("Vous n'êtes pas sur la liste des associé·es consulté·es : pas de réponse possible.")
        )
    resolutions = list(Resolution.objects.filter(assembly=consultation).order_by("position"))
    missing = [r.position for r in resolutions if r.pk not in answers]
    unknown = set(answers) - {r.pk for r in resolutions}
    if unknown:
        raise ApplicationError(_("Résolution inconnue dans cette consultation."))
    if missing:
        raise ApplicationError(
            _("Répondez à chaque résolution (il manque : %(positions)s).")
            % {"positions": ", ".join(str(p) for p in missing)}
        )
    return [
        vote_cast(resolution=resolution, cast_by=entry, choice=answers[resolution.pk])
        for resolution in resolutions
    ]


@dataclass(frozen=True)
class ConsultationProgress:
    roll_size: int
    answered: int  # associates who answered every resolution

    @property
    def complete(self) -> bool:
        return self.roll_size > 0 and self.answered == self.roll_size


def consultation_progress(*, consultation: Assembly) -> ConsultationProgress:
    """How many associates have answered (never how)."""
    resolutions = consultation.resolutions.count()
    per_voter: dict[int, int] = {}
    for voter_id in Participation.objects.filter(resolution__assembly=consultation).values_list(
        "voter_id", flat=True
    ):
        per_voter[voter_id] = per_voter.get(voter_id, 0) + 1
    answered = sum(1 for n in per_voter.values() if n == resolutions)
    return ConsultationProgress(roll_size=consultation.roll_size, answered=answered)


@transaction.atomic
def consultation_close(*, consultation: Assembly, now: dt.datetime | None = None) -> Assembly:
    """Freeze the results: at the deadline, or earlier once every associate has answered
    everything (closing earlier would cut short the time the statutes give to answer)."""
    now = now or timezone.now()
    consultation = _lock_consultation(consultation)
    if consultation.status != Assembly.Status.OPEN:
        raise ApplicationError(_("Cette consultation n'est pas ouverte."))
    progress = consultation_progress(consultation=consultation)
    if now < consultation.scheduled_at and not progress.complete:
        raise ApplicationError(
            _(
                "La consultation reste ouverte jusqu'au %(deadline)s : %(missing)s "
                "associé·e(s) sur %(size)s n'ont pas encore répondu."
            )
            % {
                "deadline": timezone.localtime(consultation.scheduled_at).strftime(
                    "%d/%m/%Y %H:%M"
                ),
                "missing": progress.roll_size - progress.answered,
                "size": progress.roll_size,
            }
        )
    problems = [] if progress.complete else consultation_delay_problems(consultation=consultation)
    if problems:
        raise ApplicationError(
            _("Le délai de réponse court à compter de la réception (%(source)s) : %(problems)s")
            % {"source": _written_delay_source(consultation), "problems": " ".join(problems)}
        )
    return assembly_close_locked(assembly=consultation, now=now)


def consultations_close_due(*, now: dt.datetime | None = None) -> list[int]:
    """Close the active cooperative's consultations whose deadline has passed; returns their
    ids. Each closes in its own transaction, so one failure does not hold back the others."""
    now = now or timezone.now()
    due = Assembly.objects.filter(
        mode=Assembly.Mode.WRITTEN, status=Assembly.Status.OPEN, scheduled_at__lte=now
    ).order_by("scheduled_at", "pk")
    closed = []
    for consultation in due:
        try:
            consultation_close(consultation=consultation, now=now)
        except ApplicationError:
            continue  # closed meanwhile by the management
        closed.append(consultation.pk)
    return closed


def _written_delay_source(consultation: Assembly) -> str:
    statutes = statutes_of(consultation)
    article = statutes.articles.get("written_answer_delay_article", "")
    source = law_for(statutes.legal_form).written_answer_delay_source
    return f"{_('statuts')} {article} ; {source}" if article else source


def consultation_delay_problems(*, consultation: Assembly) -> list[str]:
    """The associates who have not answered everything and whose answer delay, counted from
    the day they received the texts, is not over by the deadline (or whose receipt is not
    known yet). Empty when the consultation may close at its deadline."""
    delay = statutes_of(consultation).written_answer_delay_days
    deadline = timezone.localdate(consultation.scheduled_at)
    resolutions = consultation.resolutions.count()
    answered: dict[int, int] = {}
    for voter_id in Participation.objects.filter(resolution__assembly=consultation).values_list(
        "voter_id", flat=True
    ):
        answered[voter_id] = answered.get(voter_id, 0) + 1
    problems = []
    for dispatch in (
        ConvocationDispatch.objects.filter(assembly=consultation)
        .select_related("entry")
        .order_by("entry__full_name", "pk")
    ):
        if answered.get(dispatch.entry_id, 0) == resolutions:
            continue
        received = dispatch.received
        name = dispatch.entry.full_name
        if received is None:
            problems.append(
                _(
                    "%(name)s : réception non consignée (e-mail non parti ou accusé de réception "
                    "attendu)."
                )
                % {"name": name}
            )
        elif (deadline - received).days < delay:
            problems.append(
                _(
                    "%(name)s : reçu le %(received)s, la date limite doit être au plus tôt le "
                    "%(earliest)s."
                )
                % {
                    "name": name,
                    "received": received.strftime("%d/%m/%Y"),
                    "earliest": (received + dt.timedelta(days=delay)).strftime("%d/%m/%Y"),
                }
            )
    return problems


@transaction.atomic
def consultation_deadline_extend(
    *,
    consultation: Assembly,
    deadline: dt.datetime,
    by: User | None,
    now: dt.datetime | None = None,
) -> Assembly:
    """Push the answer deadline back (never forward), for instance when a registered letter
    was received late: every associate keeps the full delay from their receipt."""
    now = now or timezone.now()
    consultation = _lock_consultation(consultation)
    if consultation.status != Assembly.Status.OPEN:
        raise ApplicationError(_("Cette consultation n'est pas ouverte."))
    if deadline <= consultation.scheduled_at or deadline <= now:
        raise ApplicationError(
            _("La nouvelle date limite suit l'actuelle (%(deadline)s) et aujourd'hui.")
            % {"deadline": timezone.localtime(consultation.scheduled_at).strftime("%d/%m/%Y %H:%M")}
        )
    previous = consultation.scheduled_at
    consultation.scheduled_at = deadline
    consultation.save(update_fields=["scheduled_at"])
    audit_record(
        kind=AuditEvent.Kind.DEADLINE_EXTENDED,
        assembly=consultation,
        payload={
            "from": previous.isoformat(),
            "to": deadline.isoformat(),
            "by": None if by is None else by.pk,
        },
    )
    return consultation
