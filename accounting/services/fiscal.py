"""Fiscal years, their monthly periods and locks, and the start of closing (the close itself
is in `closing`)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils.translation import gettext as _

from accounting.models import FiscalYear, Period
from accounting.services.errors import db_errors
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Cooperative


def add_months(day: dt.date, months: int) -> dt.date:
    """The first day of the month `months` after `day`'s month."""
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_end(day: dt.date) -> dt.date:
    return add_months(day, 1) - dt.timedelta(days=1)


@transaction.atomic
def fiscal_year_create(*, start_date: dt.date, end_date: dt.date | None = None) -> FiscalYear:
    """A fiscal year (twelve months by default) and its monthly periods, all open."""
    if start_date.day != 1:
        raise ApplicationError(_("Un exercice commence le premier jour d'un mois."))
    end_date = end_date or add_months(start_date, 12) - dt.timedelta(days=1)
    if end_date <= start_date or end_date != month_end(end_date):
        raise ApplicationError(_("Un exercice finit le dernier jour d'un mois, après son début."))
    if (end_date.year * 12 + end_date.month) - (start_date.year * 12 + start_date.month) >= 24:
        raise ApplicationError(_("Un exercice dure au plus 24 mois."))
    if FiscalYear.objects.filter(start_date__lte=end_date, end_date__gte=start_date).exists():
        raise ApplicationError(_("Cet exercice chevauche un exercice existant."))
    cooperative_id = require_cooperative_id()
    with db_errors():
        fiscal_year: FiscalYear = FiscalYear.objects.create(
            cooperative_id=cooperative_id, start_date=start_date, end_date=end_date
        )
        periods = []
        month = start_date
        while month <= end_date:
            periods.append(
                Period(
                    cooperative_id=cooperative_id,
                    fiscal_year=fiscal_year,
                    start_date=month,
                    end_date=month_end(month),
                )
            )
            month = add_months(month, 1)
        Period.objects.bulk_create(periods)
    return fiscal_year


def fiscal_year_for_date(day: dt.date) -> FiscalYear | None:
    return FiscalYear.objects.filter(start_date__lte=day, end_date__gte=day).first()


@transaction.atomic
def fiscal_year_ensure(*, day: dt.date) -> FiscalYear:
    """The fiscal year that covers `day`, created (aligned on the cooperative's first month)
    when missing."""
    existing = fiscal_year_for_date(day)
    if existing is not None:
        return existing
    first_month = Cooperative.objects.get(pk=require_cooperative_id()).fiscal_year_start_month
    year = day.year if day.month >= first_month else day.year - 1
    return fiscal_year_create(start_date=dt.date(year, first_month, 1))


@transaction.atomic
def period_lock_set(*, period: Period, lock: str) -> Period:
    if lock not in Period.Lock.values:
        raise ApplicationError(_("Verrou inconnu."))
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.lock == Period.Lock.HARD and lock != Period.Lock.HARD:
        raise ApplicationError(_("Un verrouillage définitif ne se lève pas."))
    with db_errors():
        Period.objects.filter(pk=period.pk).update(lock=lock)
    period.refresh_from_db()
    return period


@transaction.atomic
def periods_lock_until(*, day: dt.date, lock: str) -> int:
    """Lock every period that ends on or before `day` (never weakening a lock)."""
    weaker: list[str] | None = {
        "soft": [Period.Lock.OPEN.value],
        "hard": [Period.Lock.OPEN.value, Period.Lock.SOFT.value],
    }.get(lock)
    if weaker is None:
        raise ApplicationError(_("Verrou inconnu."))
    with db_errors():
        return Period.objects.filter(end_date__lte=day, lock__in=weaker).update(lock=lock)


@transaction.atomic
def fiscal_year_start_closing(*, fiscal_year: FiscalYear) -> FiscalYear:
    """Closing starts: every period is soft-locked (only the accounting team may still post)."""
    fiscal_year = FiscalYear.objects.select_for_update().get(pk=fiscal_year.pk)
    if fiscal_year.status != FiscalYear.Status.OPEN:
        raise ApplicationError(_("Seul un exercice ouvert passe en clôture."))
    with db_errors():
        Period.objects.filter(fiscal_year=fiscal_year, lock=Period.Lock.OPEN).update(
            lock=Period.Lock.SOFT
        )
        FiscalYear.objects.filter(pk=fiscal_year.pk).update(status=FiscalYear.Status.CLOSING)
    fiscal_year.refresh_from_db()
    return fiscal_year
