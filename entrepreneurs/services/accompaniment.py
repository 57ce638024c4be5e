"""Support staff's daily work: appointments, notes, action plans."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurs.models import Action, Appointment, Entrepreneur, Goal, Note
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError

# Appointments and path steps are dated within this span: a typo such as 0202 is refused.
FIRST_YEAR, LAST_YEAR = 1990, 2100


@transaction.atomic
def appointment_create(
    *,
    entrepreneur: Entrepreneur,
    staff: User | None,
    starts_at: dt.datetime,
    duration_minutes: int,
    mode: str,
    kind: str,
    shared_note: str = "",
    staff_note: str = "",
) -> Appointment:
    """An appointment, with optional notes: one shared with the entrepreneur, one staff-only."""
    if timezone.is_naive(starts_at):
        raise ApplicationError(_("La date du rendez-vous doit préciser son fuseau horaire."))
    if not FIRST_YEAR <= starts_at.year <= LAST_YEAR:
        raise ApplicationError(
            _("La date du rendez-vous doit être comprise entre %(first)s et %(last)s.")
            % {"first": FIRST_YEAR, "last": LAST_YEAR}
        )
    if not 5 <= duration_minutes <= 600:
        raise ApplicationError(_("La durée doit être comprise entre 5 minutes et 10 heures."))
    if mode not in Appointment.Mode.values or kind not in Appointment.Kind.values:
        raise ApplicationError(_("Modalité ou type de rendez-vous inconnu."))
    entrepreneur = Entrepreneur.objects.get(pk=entrepreneur.pk)
    appointment = Appointment.objects.create(
        cooperative_id=entrepreneur.cooperative_id,
        entrepreneur=entrepreneur,
        staff=staff,
        starts_at=starts_at,
        duration_minutes=duration_minutes,
        mode=mode,
        kind=kind,
    )
    for body, visibility in (
        (shared_note, Note.Visibility.SHARED),
        (staff_note, Note.Visibility.STAFF),
    ):
        if body.strip():
            note_add(
                entrepreneur=entrepreneur,
                author=staff,
                body=body,
                visibility=visibility,
                appointment=appointment,
            )
    return appointment


@transaction.atomic
def appointment_cancel(*, appointment: Appointment) -> Appointment:
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    appointment.cancelled = True
    appointment.save(update_fields=["cancelled"])
    return appointment


@transaction.atomic
def note_add(
    *,
    entrepreneur: Entrepreneur,
    author: User | None,
    body: str,
    visibility: str,
    appointment: Appointment | None = None,
) -> Note:
    if visibility not in Note.Visibility.values:
        raise ApplicationError(_("Choisissez qui peut lire la note."))
    if not body.strip():
        raise ApplicationError(_("La note est vide."))
    if appointment is not None and appointment.entrepreneur_id != entrepreneur.pk:
        raise ApplicationError(_("Ce rendez-vous concerne un·e autre entrepreneur·e."))
    return Note.objects.create(
        cooperative_id=entrepreneur.cooperative_id,
        entrepreneur=entrepreneur,
        appointment=appointment,
        author=author,
        body=body.strip(),
        visibility=visibility,
    )


@transaction.atomic
def goal_create(*, entrepreneur: Entrepreneur, title: str) -> Goal:
    if not title.strip():
        raise ApplicationError(_("Donnez un intitulé à l'objectif."))
    return Goal.objects.create(
        cooperative_id=entrepreneur.cooperative_id, entrepreneur=entrepreneur, title=title.strip()
    )


@transaction.atomic
def action_create(
    *, goal: Goal, title: str, owner: User | None = None, due_date: dt.date | None = None
) -> Action:
    if not title.strip():
        raise ApplicationError(_("Donnez un intitulé à l'action."))
    return Action.objects.create(
        cooperative_id=goal.cooperative_id,
        goal=goal,
        title=title.strip(),
        owner=owner,
        due_date=due_date,
    )


@transaction.atomic
def action_set_status(*, action: Action, status: str) -> Action:
    if status not in Action.Status.values:
        raise ApplicationError(_("Statut d'action inconnu."))
    action = Action.objects.select_for_update().get(pk=action.pk)
    action.status = status
    action.done_at = timezone.now() if status == Action.Status.DONE else None
    action.save(update_fields=["status", "done_at"])
    return action
