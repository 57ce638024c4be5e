"""Factories of the entrepreneurs app."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import factory

from entrepreneurs.models import Entrepreneur, Sector
from perspectives.tenancy.models import Cooperative
from tests.factories.core import CooperativeFactory


class SectorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Sector

    cooperative = factory.SubFactory(CooperativeFactory)
    name = factory.Sequence(lambda n: f"Pôle {n}")
    position = factory.Sequence(lambda n: n)


class EntrepreneurFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Entrepreneur

    sector = factory.SubFactory(SectorFactory)
    cooperative = factory.SelfAttribute("sector.cooperative")
    first_name = factory.Faker("first_name", locale="fr_FR")
    last_name = factory.Faker("last_name", locale="fr_FR")
    email = factory.Sequence(lambda n: f"entrepreneur{n}@example.org")


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    Sector: lambda cooperative: SectorFactory(cooperative=cooperative),
    Entrepreneur: lambda cooperative: EntrepreneurFactory(sector__cooperative=cooperative),
}
