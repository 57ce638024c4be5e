"""Factories of the payroll app."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import factory

from payroll import models as m
from perspectives.tenancy.models import Cooperative
from tests.factories.core import CooperativeFactory


class PayrollSettingsFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = m.PayrollSettings

    cooperative = factory.SubFactory(CooperativeFactory)
    valid_from = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))
    headcount = 30
    at_rate = Decimal("1.00")


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    m.PayrollSettings: lambda coop: PayrollSettingsFactory(cooperative=coop),
}
