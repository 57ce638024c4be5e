"""Factories of the dashboards."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import factory

from perspectives.tenancy.models import Cooperative
from tests.factories.core import CooperativeFactory
from tests.factories.entrepreneurs import ActivityFactory, EntrepreneurFactory
from top.dashboards import models as m


class DashboardSettingsFactory(factory.django.DjangoModelFactory[m.DashboardSettings]):
    class Meta:
        model = m.DashboardSettings
        django_get_or_create = ("cooperative",)

    cooperative = factory.SubFactory(CooperativeFactory)


class ForecastItemFactory(factory.django.DjangoModelFactory[m.ForecastItem]):
    class Meta:
        model = m.ForecastItem

    activity = factory.SubFactory(ActivityFactory)
    cooperative = factory.SelfAttribute("activity.cooperative")
    label = "Rénovation cuisine"
    expected_on = dt.date(2027, 1, 15)
    amount = Decimal("4800.00")
    probability = 80


class ReserveTargetFactory(factory.django.DjangoModelFactory[m.ReserveTarget]):
    class Meta:
        model = m.ReserveTarget

    activity = factory.SubFactory(ActivityFactory)
    cooperative = factory.SelfAttribute("activity.cooperative")
    amount = Decimal("6000.00")


class ReportSnapshotFactory(factory.django.DjangoModelFactory[m.ReportSnapshot]):
    class Meta:
        model = m.ReportSnapshot

    entrepreneur = factory.SubFactory(EntrepreneurFactory)
    cooperative = factory.SelfAttribute("entrepreneur.cooperative")
    kind = m.ReportSnapshot.Kind.ENTREPRENEUR
    month = dt.date(2026, 10, 1)


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    m.DashboardSettings: lambda c: DashboardSettingsFactory.create(cooperative=c),
    m.ForecastItem: lambda c: ForecastItemFactory.create(activity__sector__cooperative=c),
    m.ReserveTarget: lambda c: ReserveTargetFactory.create(activity__sector__cooperative=c),
    m.ReportSnapshot: lambda c: ReportSnapshotFactory.create(entrepreneur__sector__cooperative=c),
}
