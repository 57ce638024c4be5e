"""Factories of the accounting app. Ledger rows are made through the services where the database
allows nothing else (validated entries, monthly balances)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from typing import Any

import factory

from accounting import models as m
from accounting import services
from accounting.services import LineInput
from perspectives.tenancy.models import Cooperative
from tests.factories.core import CooperativeFactory


class AccountFactory(factory.django.DjangoModelFactory[m.Account]):
    class Meta:
        model = m.Account

    cooperative = factory.SubFactory(CooperativeFactory)
    code = factory.Sequence(lambda n: f"471{n:04d}")
    label = factory.Sequence(lambda n: f"Compte d'attente {n}")


class JournalFactory(factory.django.DjangoModelFactory[m.Journal]):
    class Meta:
        model = m.Journal

    cooperative = factory.SubFactory(CooperativeFactory)
    code = factory.Sequence(lambda n: f"J{n}")
    label = factory.Sequence(lambda n: f"Journal {n}")
    kind = m.Journal.Kind.MISCELLANEOUS


class FiscalYearFactory(factory.django.DjangoModelFactory[m.FiscalYear]):
    class Meta:
        model = m.FiscalYear

    cooperative = factory.SubFactory(CooperativeFactory)
    start_date = factory.Sequence(lambda n: dt.date(1900 + n % 100, 1, 1))
    end_date = factory.LazyAttribute(lambda o: dt.date(o.start_date.year, 12, 31))


class PeriodFactory(factory.django.DjangoModelFactory[m.Period]):
    class Meta:
        model = m.Period

    fiscal_year = factory.SubFactory(FiscalYearFactory)
    cooperative = factory.SelfAttribute("fiscal_year.cooperative")
    start_date = factory.LazyAttribute(lambda o: o.fiscal_year.start_date)
    end_date = factory.LazyAttribute(lambda o: o.start_date.replace(day=31))


class ThirdPartyFactory(factory.django.DjangoModelFactory[m.ThirdParty]):
    class Meta:
        model = m.ThirdParty

    account = factory.SubFactory(AccountFactory)
    cooperative = factory.SelfAttribute("account.cooperative")
    kind = m.ThirdParty.Kind.CUSTOMER
    code = factory.Sequence(lambda n: f"C{n:05d}")
    name = factory.Sequence(lambda n: f"Client {n}")


class EntryFactory(factory.django.DjangoModelFactory[m.Entry]):
    """A draft entry (validated entries come from the posting services)."""

    class Meta:
        model = m.Entry

    journal = factory.SubFactory(JournalFactory)
    cooperative = factory.SelfAttribute("journal.cooperative")
    fiscal_year = factory.SubFactory(
        FiscalYearFactory, cooperative=factory.SelfAttribute("..cooperative")
    )
    date = factory.LazyAttribute(lambda o: o.fiscal_year.start_date)
    label = "Brouillard"


class EntryLineFactory(factory.django.DjangoModelFactory[m.EntryLine]):
    class Meta:
        model = m.EntryLine

    entry = factory.SubFactory(EntryFactory)
    cooperative = factory.SelfAttribute("entry.cooperative")
    line_no = factory.Sequence(lambda n: n % 30000 + 1)
    date = factory.SelfAttribute("entry.date")
    account = factory.SubFactory(AccountFactory, cooperative=factory.SelfAttribute("..cooperative"))
    debit = Decimal("10.00")


class TreasuryGroupFactory(factory.django.DjangoModelFactory[m.TreasuryGroup]):
    class Meta:
        model = m.TreasuryGroup
        django_get_or_create = ("cooperative", "key")

    cooperative = factory.SubFactory(CooperativeFactory)
    key = m.TreasuryGroup.Key.CASH
    prefixes = "51,53"


def ledger_ready(year: int = 2025) -> m.FiscalYear:
    """In the active cooperative: the default chart and journals, and an open fiscal year."""
    services.chart_seed_defaults()
    existing = services.fiscal_year_for_date(dt.date(year, 6, 1))
    return existing or services.fiscal_year_create(start_date=dt.date(year, 1, 1))


def monthly_balance(cooperative: Cooperative) -> m.MonthlyBalance:
    ledger_ready()
    services.entry_post(
        journal="OD",
        date=dt.date(2025, 1, 15),
        label="Virement interne",
        lines=[LineInput("512", debit="10.00"), LineInput("580", credit="10.00")],
    )
    balance = m.MonthlyBalance.objects.order_by("pk").first()
    assert balance is not None
    return balance


TENANT_FACTORIES: dict[type, Callable[[Cooperative], Any]] = {
    m.Account: lambda c: AccountFactory.create(cooperative=c),
    m.Journal: lambda c: JournalFactory.create(cooperative=c),
    m.FiscalYear: lambda c: FiscalYearFactory.create(cooperative=c),
    m.Period: lambda c: PeriodFactory.create(fiscal_year__cooperative=c),
    m.ThirdParty: lambda c: ThirdPartyFactory.create(account__cooperative=c),
    m.Entry: lambda c: EntryFactory.create(journal__cooperative=c),
    m.EntryLine: lambda c: EntryLineFactory.create(entry__journal__cooperative=c),
    m.MonthlyBalance: monthly_balance,
    m.TreasuryGroup: lambda c: TreasuryGroupFactory.create(cooperative=c),
}
