"""Workshops (collective sessions): registrations within capacity, attendance."""

from __future__ import annotations

import datetime as dt

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from entrepreneurs.models import Entrepreneur, Stage, Workshop, WorkshopRegistration
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id


@transaction.atomic
def workshop_create(
    *,
    title: str,
    starts_at: dt.datetime,
    ends_at: dt.datetime,
    capacity: int,
    created_by: User | None,
    description: str = "",
    place: str = "",
    link: str = "",
) -> Workshop:
    if ends_at <= starts_at:
        raise ApplicationError(_("La fin de l'atelier doit suivre son début."))
    if not 1 <= capacity <= 500:
        raise ApplicationError(_("Le nombre de places doit être compris entre 1 et 500."))
    if not place.strip() and not link.strip():
        raise ApplicationError(_("Indiquez un lieu ou un lien de visio."))
    workshop = Workshop(
        cooperative_id=require_cooperative_id(),
        title=title,
        description=description,
        starts_at=starts_at,
        ends_at=ends_at,
        capacity=capacity,
        place=place,
        link=link,
        created_by=created_by,
    )
    workshop.full_clean()
    workshop.save()
    return workshop


@transaction.atomic
def workshop_register(
    *, workshop: Workshop, entrepreneur: Entrepreneur, registered_by: User | None
) -> WorkshopRegistration:
    """Register within capacity. The workshop row is locked, so concurrent registrations for the
    last seat cannot both succeed."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop.pk)
    entrepreneur = Entrepreneur.objects.get(pk=entrepreneur.pk)
    if entrepreneur.stage == Stage.EXITED:
        raise ApplicationError(_("Cette personne a quitté la coopérative."))
    if WorkshopRegistration.objects.filter(workshop=workshop, entrepreneur=entrepreneur).exists():
        raise ApplicationError(_("Cette personne est déjà inscrite."))
    if WorkshopRegistration.objects.filter(workshop=workshop).count() >= workshop.capacity:
        raise ApplicationError(_("L'atelier est complet."))
    try:
        with transaction.atomic():
            return WorkshopRegistration.objects.create(
                cooperative_id=workshop.cooperative_id,
                workshop=workshop,
                entrepreneur=entrepreneur,
                registered_by=registered_by,
            )
    except IntegrityError as error:
        raise ApplicationError(_("Cette personne est déjà inscrite.")) from error


@transaction.atomic
def workshop_unregister(*, registration: WorkshopRegistration) -> None:
    registration.delete()


@transaction.atomic
def workshop_attendance_set(*, workshop: Workshop, present_ids: set[int]) -> int:
    """Record who attended (the others are marked absent); returns how many were present."""
    registrations = WorkshopRegistration.objects.filter(workshop=workshop)
    registrations.filter(entrepreneur_id__in=present_ids).update(attended=True)
    registrations.exclude(entrepreneur_id__in=present_ids).update(attended=False)
    return registrations.filter(attended=True).count()
