"""Factories of the governance app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import factory
from django.utils import timezone

from governance import models as m
from perspectives.tenancy.models import Cooperative
from tests.factories.core import CooperativeFactory


class CollegeFactory(factory.django.DjangoModelFactory[m.College]):
    class Meta:
        model = m.College

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Collège {n}")
    weight_numerator = 1
    weight_denominator = 3


class AssociateFactory(factory.django.DjangoModelFactory[m.Associate]):
    class Meta:
        model = m.Associate

    cooperative = factory.SubFactory(CooperativeFactory)
    full_name = factory.Sequence(lambda n: f"Associé·e {n}")
    category = m.AssociateCategory.OTHER
    admitted_on = dt.date(2024, 6, 1)


class ShareRefundFactory(factory.django.DjangoModelFactory[m.ShareRefund]):
    class Meta:
        model = m.ShareRefund

    associate = factory.SubFactory("tests.factories.governance.AssociateFactory")
    cooperative = factory.SelfAttribute("associate.cooperative")
    refunded_on = dt.date(2026, 1, 15)
    number = 1
    amount = Decimal("25.00")


class ShareSubscriptionFactory(factory.django.DjangoModelFactory[m.ShareSubscription]):
    class Meta:
        model = m.ShareSubscription

    associate = factory.SubFactory(AssociateFactory)
    cooperative = factory.SelfAttribute("associate.cooperative")
    subscribed_on = dt.date(2024, 6, 1)
    number = 2
    nominal_value = Decimal("50.00")
    paid_amount = Decimal("100.00")


class AdmissionApplicationFactory(factory.django.DjangoModelFactory[m.AdmissionApplication]):
    class Meta:
        model = m.AdmissionApplication

    cooperative = factory.SubFactory(CooperativeFactory)
    full_name = factory.Sequence(lambda n: f"Candidat·e {n}")
    category = m.AssociateCategory.OTHER
    applied_on = dt.date(2025, 3, 1)


class StatuteProfileFactory(factory.django.DjangoModelFactory[m.StatuteProfile]):
    class Meta:
        model = m.StatuteProfile

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Profil {n}")
    legal_form = "scop_sarl"


class StatuteRuleFactory(factory.django.DjangoModelFactory[m.StatuteRule]):
    class Meta:
        model = m.StatuteRule

    profile = factory.SubFactory(StatuteProfileFactory)
    cooperative = factory.SelfAttribute("profile.cooperative")
    decision_class = m.DecisionClass.ORDINARY
    convocation = m.Convocation.FIRST
    quorum_base = m.QuorumBase.NONE
    majority_base = m.MajorityBase.VOTES_CAST
    citation = "Statuts, art. 20"


class AssemblyFactory(factory.django.DjangoModelFactory[m.Assembly]):
    class Meta:
        model = m.Assembly

    profile = factory.SubFactory(StatuteProfileFactory)
    cooperative = factory.SelfAttribute("profile.cooperative")
    title = "Assemblée générale ordinaire 2026"
    kind = m.Assembly.Kind.ORDINARY
    mode = m.Assembly.Mode.HYBRID
    scheduled_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(days=30))


class AssemblyDocumentFactory(factory.django.DjangoModelFactory[m.AssemblyDocument]):
    class Meta:
        model = m.AssemblyDocument

    assembly = factory.SubFactory(AssemblyFactory)
    cooperative = factory.SelfAttribute("assembly.cooperative")
    title = factory.Sequence(lambda n: f"Rapport {n}")
    file = factory.django.FileField(filename="rapport.pdf", data=b"%PDF-1.4 rapport")
    original_name = "rapport.pdf"
    content_type = "application/pdf"
    size = 16
    sha256 = "0" * 64


class ResolutionFactory(factory.django.DjangoModelFactory[m.Resolution]):
    class Meta:
        model = m.Resolution

    assembly = factory.SubFactory(AssemblyFactory)
    cooperative = factory.SelfAttribute("assembly.cooperative")
    position = factory.Sequence(lambda n: n + 1)
    title = "Approbation des comptes"
    text = "L'assemblée approuve les comptes de l'exercice."


class RollEntryFactory(factory.django.DjangoModelFactory[m.RollEntry]):
    class Meta:
        model = m.RollEntry

    assembly = factory.SubFactory(AssemblyFactory)
    cooperative = factory.SelfAttribute("assembly.cooperative")
    associate = factory.SubFactory(
        AssociateFactory, cooperative=factory.SelfAttribute("..cooperative")
    )
    full_name = factory.SelfAttribute("associate.full_name")


class ProxyFactory(factory.django.DjangoModelFactory[m.Proxy]):
    class Meta:
        model = m.Proxy

    grantor = factory.SubFactory(RollEntryFactory)
    assembly = factory.SelfAttribute("grantor.assembly")
    cooperative = factory.SelfAttribute("grantor.cooperative")
    holder = None


class AttendanceFactory(factory.django.DjangoModelFactory[m.Attendance]):
    class Meta:
        model = m.Attendance

    entry = factory.SubFactory(RollEntryFactory)
    assembly = factory.SelfAttribute("entry.assembly")
    cooperative = factory.SelfAttribute("entry.cooperative")
    mode = m.PresenceMode.ROOM


class ParticipationFactory(factory.django.DjangoModelFactory[m.Participation]):
    class Meta:
        model = m.Participation

    voter = factory.SubFactory(RollEntryFactory)
    cooperative = factory.SelfAttribute("voter.cooperative")
    resolution = factory.SubFactory(
        ResolutionFactory, assembly=factory.SelfAttribute("..voter.assembly")
    )
    cast_by = factory.SelfAttribute("voter")
    channel = m.Participation.Channel.ONLINE


class BallotFactory(factory.django.DjangoModelFactory[m.Ballot]):
    class Meta:
        model = m.Ballot

    resolution = factory.SubFactory(ResolutionFactory)
    cooperative = factory.SelfAttribute("resolution.cooperative")
    choice = m.Choice.FOR


class CandidacyFactory(factory.django.DjangoModelFactory[m.Candidacy]):
    class Meta:
        model = m.Candidacy

    resolution = factory.SubFactory(ResolutionFactory, decision_class=m.DecisionClass.ELECTION)
    cooperative = factory.SelfAttribute("resolution.cooperative")
    entry = factory.SubFactory(
        RollEntryFactory, assembly=factory.SelfAttribute("..resolution.assembly")
    )
    employee = True


class BallotMarkFactory(factory.django.DjangoModelFactory[m.BallotMark]):
    class Meta:
        model = m.BallotMark

    candidacy = factory.SubFactory(CandidacyFactory)
    cooperative = factory.SelfAttribute("candidacy.cooperative")
    resolution = factory.SelfAttribute("candidacy.resolution")
    ballot = factory.SubFactory(BallotFactory, resolution=factory.SelfAttribute("..resolution"))


class AuditEventFactory(factory.django.DjangoModelFactory[m.AuditEvent]):
    class Meta:
        model = m.AuditEvent

    cooperative = factory.SubFactory(CooperativeFactory)
    seq = factory.Sequence(lambda n: n + 1)
    kind = m.AuditEvent.Kind.OPENED
    prev_hash = "0" * 64
    hash = "f" * 64


class ConvocationDispatchFactory(factory.django.DjangoModelFactory[m.ConvocationDispatch]):
    class Meta:
        model = m.ConvocationDispatch

    entry = factory.SubFactory(RollEntryFactory)
    assembly = factory.SelfAttribute("entry.assembly")
    cooperative = factory.SelfAttribute("entry.cooperative")


class VoteNoticeFactory(factory.django.DjangoModelFactory[m.VoteNotice]):
    class Meta:
        model = m.VoteNotice

    entry = factory.SubFactory(RollEntryFactory)
    assembly = factory.SelfAttribute("entry.assembly")
    cooperative = factory.SelfAttribute("entry.cooperative")
    email = "associe@example.org"
    message_id = factory.Sequence(lambda n: f"<notice-{n}@perspectives.coop>")


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    m.College: lambda c: CollegeFactory.create(cooperative=c),
    m.Associate: lambda c: AssociateFactory.create(cooperative=c),
    m.ShareSubscription: lambda c: ShareSubscriptionFactory.create(associate__cooperative=c),
    m.ShareRefund: lambda c: ShareRefundFactory.create(associate__cooperative=c),
    m.AdmissionApplication: lambda c: AdmissionApplicationFactory.create(cooperative=c),
    m.StatuteProfile: lambda c: StatuteProfileFactory.create(cooperative=c),
    m.StatuteRule: lambda c: StatuteRuleFactory.create(profile__cooperative=c),
    m.Assembly: lambda c: AssemblyFactory.create(profile__cooperative=c),
    m.AssemblyDocument: lambda c: AssemblyDocumentFactory.create(assembly__profile__cooperative=c),
    m.Resolution: lambda c: ResolutionFactory.create(assembly__profile__cooperative=c),
    m.RollEntry: lambda c: RollEntryFactory.create(assembly__profile__cooperative=c),
    m.Proxy: lambda c: ProxyFactory.create(grantor__assembly__profile__cooperative=c),
    m.Attendance: lambda c: AttendanceFactory.create(entry__assembly__profile__cooperative=c),
    m.Participation: lambda c: ParticipationFactory.create(voter__assembly__profile__cooperative=c),
    m.Ballot: lambda c: BallotFactory.create(resolution__assembly__profile__cooperative=c),
    m.Candidacy: lambda c: CandidacyFactory.create(resolution__assembly__profile__cooperative=c),
    m.BallotMark: lambda c: BallotMarkFactory.create(
        candidacy__resolution__assembly__profile__cooperative=c
    ),
    m.AuditEvent: lambda c: AuditEventFactory.create(cooperative=c),
    m.ConvocationDispatch: lambda c: ConvocationDispatchFactory.create(
        entry__assembly__profile__cooperative=c
    ),
    m.VoteNotice: lambda c: VoteNoticeFactory.create(entry__assembly__profile__cooperative=c),
}
