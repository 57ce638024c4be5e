"""Factories of the entrepreneurs app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from entrepreneurs import models as m
from perspectives.tenancy.models import Cooperative
from tests.factories.core import CooperativeFactory, UserFactory

_parent_coop = factory.SelfAttribute("..cooperative")


class SectorFactory(factory.django.DjangoModelFactory[m.Sector]):
    class Meta:
        model = m.Sector

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Pôle {n}")
    position = factory.Sequence(lambda n: n)


class EstablishmentFactory(factory.django.DjangoModelFactory[m.Establishment]):
    class Meta:
        model = m.Establishment

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Établissement {n}")


class EntrepreneurFactory(factory.django.DjangoModelFactory[m.Entrepreneur]):
    class Meta:
        model = m.Entrepreneur

    sector = factory.SubFactory(SectorFactory)
    cooperative = factory.SelfAttribute("sector.cooperative")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"entrepreneur{n}@example.org")


class _EntrepreneurChild(factory.django.DjangoModelFactory[Any]):
    """Base of the factories whose rows hang off an entrepreneur."""

    class Meta:
        abstract = True

    entrepreneur = factory.SubFactory(EntrepreneurFactory)
    cooperative = factory.SelfAttribute("entrepreneur.cooperative")


class PathStepFactory(_EntrepreneurChild):
    class Meta:
        model = m.PathStep

    kind = m.PathStep.Kind.INFO_SESSION
    date = dt.date(2025, 1, 6)


class ActivityFactory(factory.django.DjangoModelFactory[m.Activity]):
    class Meta:
        model = m.Activity

    sector = factory.SubFactory(SectorFactory)
    cooperative = factory.SelfAttribute("sector.cooperative")
    analytic_code = factory.Sequence(lambda n: f"ACT{n:04d}")
    name = factory.Sequence(lambda n: f"Activité {n}")
    start_date = dt.date(2025, 1, 1)


class ActivityMemberFactory(factory.django.DjangoModelFactory[m.ActivityMember]):
    class Meta:
        model = m.ActivityMember

    activity = factory.SubFactory(ActivityFactory)
    cooperative = factory.SelfAttribute("activity.cooperative")
    entrepreneur = factory.SubFactory(
        EntrepreneurFactory, sector=factory.SelfAttribute("..activity.sector")
    )
    share = Decimal("100.00")


class AppointmentFactory(_EntrepreneurChild):
    class Meta:
        model = m.Appointment

    starts_at = factory.LazyFunction(lambda: timezone.now().replace(microsecond=0))
    duration_minutes = 60
    mode = m.Appointment.Mode.IN_PERSON
    kind = m.Appointment.Kind.FOLLOW_UP


class NoteFactory(_EntrepreneurChild):
    class Meta:
        model = m.Note

    visibility = m.Note.Visibility.SHARED
    body = "Point d'étape."


class GoalFactory(_EntrepreneurChild):
    class Meta:
        model = m.Goal

    title = "Trouver trois clients"


class ActionFactory(factory.django.DjangoModelFactory[m.Action]):
    class Meta:
        model = m.Action

    goal = factory.SubFactory(GoalFactory)
    cooperative = factory.SelfAttribute("goal.cooperative")
    title = "Relancer les devis"


class WorkshopFactory(factory.django.DjangoModelFactory[m.Workshop]):
    class Meta:
        model = m.Workshop

    cooperative = factory.SubFactory(CooperativeFactory)
    title = "Fixer ses prix"
    starts_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + dt.timedelta(hours=3))
    capacity = 12


class WorkshopRegistrationFactory(factory.django.DjangoModelFactory[m.WorkshopRegistration]):
    class Meta:
        model = m.WorkshopRegistration

    workshop = factory.SubFactory(WorkshopFactory)
    cooperative = factory.SelfAttribute("workshop.cooperative")
    entrepreneur = factory.SubFactory(
        EntrepreneurFactory, sector__cooperative=factory.SelfAttribute("...cooperative")
    )


class DocumentFactory(_EntrepreneurChild):
    class Meta:
        model = m.Document

    kind = m.Document.Kind.LIABILITY_INSURANCE
    title = "Attestation RC Pro"
    file = factory.LazyFunction(lambda: ContentFile(b"%PDF-1.4\n%test\n", name="rc.pdf"))
    original_name = "rc.pdf"
    content_type = "application/pdf"
    size = 15


class SkillOfferFactory(_EntrepreneurChild):
    class Meta:
        model = m.SkillOffer

    title = "Identité visuelle"


class CollaborationRequestFactory(factory.django.DjangoModelFactory[m.CollaborationRequest]):
    class Meta:
        model = m.CollaborationRequest

    sender = factory.SubFactory(EntrepreneurFactory)
    cooperative = factory.SelfAttribute("sender.cooperative")
    subject = "Chantier de rénovation"
    message = "Je cherche un·e électricien·ne pour un chantier en mars."


class CollaborationRecipientFactory(factory.django.DjangoModelFactory[m.CollaborationRecipient]):
    class Meta:
        model = m.CollaborationRecipient

    request = factory.SubFactory(CollaborationRequestFactory)
    cooperative = factory.SelfAttribute("request.cooperative")
    entrepreneur = factory.SubFactory(
        EntrepreneurFactory, sector__cooperative=factory.SelfAttribute("...cooperative")
    )


class AccompanimentSettingsFactory(factory.django.DjangoModelFactory[m.AccompanimentSettings]):
    class Meta:
        model = m.AccompanimentSettings
        django_get_or_create = ("cooperative",)

    cooperative = factory.SubFactory(CooperativeFactory)


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    m.Sector: lambda c: SectorFactory.create(cooperative=c),
    m.Establishment: lambda c: EstablishmentFactory.create(cooperative=c),
    m.Entrepreneur: lambda c: EntrepreneurFactory.create(sector__cooperative=c),
    m.PathStep: lambda c: PathStepFactory.create(entrepreneur__sector__cooperative=c),
    m.Activity: lambda c: ActivityFactory.create(sector__cooperative=c),
    m.ActivityMember: lambda c: ActivityMemberFactory.create(activity__sector__cooperative=c),
    m.Appointment: lambda c: AppointmentFactory.create(entrepreneur__sector__cooperative=c),
    m.Note: lambda c: NoteFactory.create(entrepreneur__sector__cooperative=c),
    m.Goal: lambda c: GoalFactory.create(entrepreneur__sector__cooperative=c),
    m.Action: lambda c: ActionFactory.create(goal__entrepreneur__sector__cooperative=c),
    m.Workshop: lambda c: WorkshopFactory.create(cooperative=c),
    m.WorkshopRegistration: lambda c: WorkshopRegistrationFactory.create(workshop__cooperative=c),
    m.Document: lambda c: DocumentFactory.create(entrepreneur__sector__cooperative=c),
    m.SkillOffer: lambda c: SkillOfferFactory.create(entrepreneur__sector__cooperative=c),
    m.CollaborationRequest: lambda c: CollaborationRequestFactory.create(
        sender__sector__cooperative=c
    ),
    m.CollaborationRecipient: lambda c: CollaborationRecipientFactory.create(
        request__sender__sector__cooperative=c
    ),
    m.AccompanimentSettings: lambda c: AccompanimentSettingsFactory.create(cooperative=c),
}

__all__ = ["UserFactory"]


class AlertNoticeFactory(factory.django.DjangoModelFactory[m.AlertNotice]):
    class Meta:
        model = m.AlertNotice

    cooperative = factory.SubFactory(CooperativeFactory)
    user = factory.SubFactory(UserFactory)
    kind = m.AlertNotice.Kind.WEEKLY_DIGEST
    period = "2026-W48"


TENANT_FACTORIES[m.AlertNotice] = lambda c: AlertNoticeFactory.create(cooperative=c)
