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
from tests.factories.entrepreneurs import EntrepreneurFactory


class PayrollSettingsFactory(factory.django.DjangoModelFactory[m.PayrollSettings]):
    class Meta:
        model = m.PayrollSettings

    cooperative = factory.SubFactory(CooperativeFactory)
    valid_from = factory.Sequence(lambda n: dt.date(2026, 1, 1) + dt.timedelta(days=n))
    headcount = 30
    at_rate = Decimal("1.00")


class PayProfileFactory(factory.django.DjangoModelFactory[m.PayProfile]):
    class Meta:
        model = m.PayProfile

    entrepreneur = factory.SubFactory(EntrepreneurFactory)
    cooperative = factory.SelfAttribute("entrepreneur.cooperative")
    monthly_gross = Decimal("2500.00")


class PayrollRunFactory(factory.django.DjangoModelFactory[m.PayrollRun]):
    class Meta:
        model = m.PayrollRun

    cooperative = factory.SubFactory(CooperativeFactory)
    period = factory.Sequence(lambda n: dt.date(2030 + n // 12, n % 12 + 1, 1))


class PayslipFactory(factory.django.DjangoModelFactory[m.Payslip]):
    class Meta:
        model = m.Payslip

    run = factory.SubFactory(PayrollRunFactory)
    cooperative = factory.SelfAttribute("run.cooperative")
    entrepreneur = factory.SubFactory(
        EntrepreneurFactory, sector__cooperative=factory.SelfAttribute("...cooperative")
    )
    period = factory.SelfAttribute("run.period")
    status = "non-cadre"
    gross = Decimal("2500.00")
    net_social = Decimal("1978.99")
    net_before_tax = Decimal("1978.99")
    net_paid = Decimal("1907.23")
    employer_cost = Decimal("3126.90")
    reduction = Decimal("429.75")
    data: dict[str, Any] = {}


class SalaryProposalFactory(factory.django.DjangoModelFactory[m.SalaryProposal]):
    class Meta:
        model = m.SalaryProposal

    run = factory.SubFactory(PayrollRunFactory)
    cooperative = factory.SelfAttribute("run.cooperative")
    entrepreneur = factory.SubFactory(
        EntrepreneurFactory, sector__cooperative=factory.SelfAttribute("...cooperative")
    )
    budget = Decimal("3200.00")
    suggested_gross = Decimal("2558.70")
    chosen_gross = Decimal("2500.00")
    chosen_cost = Decimal("3126.90")


class AbsenceFactory(factory.django.DjangoModelFactory[m.Absence]):
    class Meta:
        model = m.Absence

    run = factory.SubFactory(PayrollRunFactory)
    cooperative = factory.SelfAttribute("run.cooperative")
    entrepreneur = factory.SubFactory(
        EntrepreneurFactory, sector__cooperative=factory.SelfAttribute("...cooperative")
    )
    kind = m.Absence.Kind.PAID_LEAVE
    start = factory.LazyAttribute(lambda o: o.run.period.replace(day=3))
    end = factory.LazyAttribute(lambda o: o.run.period.replace(day=5))
    spell_start = factory.SelfAttribute("start")


class OpeningBalanceFactory(factory.django.DjangoModelFactory[m.OpeningBalance]):
    class Meta:
        model = m.OpeningBalance

    entrepreneur = factory.SubFactory(EntrepreneurFactory)
    cooperative = factory.SelfAttribute("entrepreneur.cooperative")
    year = 2026
    gross = Decimal("7500.00")
    hours = Decimal("455.00")
    smic = Decimal("5429.15")
    reduction = Decimal("0.00")
    net_social = Decimal("5850.00")
    taxable = Decimal("6050.00")
    employer_cost = Decimal("10500.00")
    leave_acquired = Decimal("7.50")
    leave_taken = Decimal("2.00")


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    m.PayrollSettings: lambda coop: PayrollSettingsFactory.create(cooperative=coop),
    m.PayProfile: lambda coop: PayProfileFactory.create(entrepreneur__sector__cooperative=coop),
    m.PayrollRun: lambda coop: PayrollRunFactory.create(cooperative=coop),
    m.Payslip: lambda coop: PayslipFactory.create(run__cooperative=coop),
    m.SalaryProposal: lambda coop: SalaryProposalFactory.create(run__cooperative=coop),
    m.Absence: lambda coop: AbsenceFactory.create(run__cooperative=coop),
    m.OpeningBalance: lambda coop: OpeningBalanceFactory.create(
        entrepreneur__sector__cooperative=coop
    ),
}
