"""Lookups for pages: journals, accounts, third parties, fiscal years, periods."""

from __future__ import annotations

import datetime as dt

from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from accounting.models import (
    Account,
    FiscalYear,
    Journal,
    Period,
    ThirdParty,
)


def journal_list() -> QuerySet[Journal]:
    return Journal.objects.order_by("code")


def account_list() -> QuerySet[Account]:
    return Account.objects.order_by("code")


def account_by_code(*, code: str) -> Account | None:
    account: Account | None = Account.objects.filter(code=code.strip().upper()).first()
    return account


def third_party_by_code(*, code: str) -> ThirdParty | None:
    third_party: ThirdParty | None = (
        ThirdParty.objects.filter(code=code.strip().upper()).select_related("account").first()
    )
    return third_party


def account_get(*, code: str) -> Account:
    account: Account = get_object_or_404(Account.objects.all(), code=code)
    return account


def third_party_get(*, third_party_id: int) -> ThirdParty:
    third_party: ThirdParty = get_object_or_404(
        ThirdParty.objects.select_related("account"), pk=third_party_id
    )
    return third_party


def fiscal_year_list() -> QuerySet[FiscalYear]:
    return FiscalYear.objects.order_by("-start_date")


def fiscal_year_get(*, fiscal_year_id: int) -> FiscalYear:
    year: FiscalYear = get_object_or_404(FiscalYear.objects.all(), pk=fiscal_year_id)
    return year


def fiscal_year_current(*, today: dt.date) -> FiscalYear | None:
    year: FiscalYear | None = (
        FiscalYear.objects.filter(start_date__lte=today, end_date__gte=today).first()
        or FiscalYear.objects.order_by("-start_date").first()
    )
    return year


def fiscal_year_earlier_open(*, fiscal_year: FiscalYear) -> FiscalYear | None:
    """The first earlier year not closed yet: it must close first."""
    earlier: FiscalYear | None = (
        FiscalYear.objects.filter(start_date__lt=fiscal_year.start_date)
        .exclude(status=FiscalYear.Status.CLOSED)
        .order_by("start_date")
        .first()
    )
    return earlier


def period_list(*, fiscal_year: FiscalYear) -> QuerySet[Period]:
    return Period.objects.filter(fiscal_year=fiscal_year).order_by("start_date")
