"""Unemployment projection (ARE): affiliation, SJR and daily allowance (convention of
15 November 2024). A projection for the entrepreneur, not France Travail's decision."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from payroll.engine.money import HUNDRED, ZERO, cents
from payroll.engine.parameters import Parameters
from perspectives.core.exceptions import ApplicationError

DAYS_WORKED_PER_WEEK = Decimal(5)
HOURS_PER_DAY = Decimal(7)


@dataclass(frozen=True)
class PaidMonth:
    month: dt.date  # first day of the month
    gross: Decimal
    contract_days: int  # calendar days under contract in that month


@dataclass(frozen=True)
class UnemploymentProjection:
    reference_months: int
    days_worked: Decimal
    hours_worked: Decimal
    eligible: bool
    required_days: Decimal
    sjr: Decimal
    daily_allowance: Decimal
    monthly_allowance: Decimal  # paid on 30 days since 1 April 2025


def _months_back(end: dt.date, months: int) -> dt.date:
    year, month = divmod(end.year * 12 + end.month - 1 - months + 1, 12)
    return dt.date(year, month + 1, 1)


def daily_allowance(params: Parameters, sjr: Decimal) -> Decimal:
    """max(40.4 % SJR + fixed part, 57 % SJR), at least the floor, at most 75 % of the SJR."""
    amount = max(
        sjr * params.decimal("are.rate_with_fixed_part") / HUNDRED
        + params.decimal("are.fixed_part"),
        sjr * params.decimal("are.rate_alone") / HUNDRED,
    )
    amount = max(amount, params.decimal("are.floor"))
    return cents(min(amount, sjr * params.decimal("are.cap_rate") / HUNDRED))


def unemployment_project(
    params: Parameters,
    *,
    history: Sequence[PaidMonth],
    end: dt.date,
    age: int,
    first_claim: bool = False,
) -> UnemploymentProjection:
    """Project the rights if the contract ended on the last day of `end`'s month."""
    if any(month.gross < ZERO or month.contract_days < 0 for month in history):
        raise ApplicationError("Historique de salaires invalide (montant ou jours négatifs).")
    senior = age >= int(params.decimal("are.senior_age"))
    months = int(
        params.decimal("are.senior_reference_months" if senior else "are.reference_months")
    )
    start = _months_back(end, months)
    last = dt.date(end.year, end.month, calendar.monthrange(end.year, end.month)[1])
    window = [m for m in history if start <= m.month <= last]
    contract_days = sum(m.contract_days for m in window)
    days_worked = (Decimal(contract_days) * DAYS_WORKED_PER_WEEK / 7).quantize(Decimal("0.01"))
    hours_worked = days_worked * HOURS_PER_DAY
    prefix = "are.first_claim_affiliation" if first_claim else "are.affiliation"
    required_days = params.decimal(f"{prefix}_days")
    eligible = days_worked >= required_days or hours_worked >= params.decimal(f"{prefix}_hours")

    sjr = daily = ZERO
    worked = [m for m in window if m.contract_days > 0]
    if worked:
        first, final = worked[0].month, worked[-1].month
        span = (
            dt.date(final.year, final.month, calendar.monthrange(final.year, final.month)[1])
            - first
        ).days + 1
        non_worked = Decimal(span - contract_days)
        cap = Decimal(contract_days) * params.decimal("are.non_worked_days_cap") / HUNDRED
        divisor = Decimal(contract_days) + min(non_worked, cap)
        sjr = cents(sum((m.gross for m in window), ZERO) / divisor)
        daily = daily_allowance(params, sjr) if eligible else ZERO
    return UnemploymentProjection(
        reference_months=months,
        days_worked=days_worked,
        hours_worked=hours_worked,
        eligible=eligible,
        required_days=required_days,
        sjr=sjr,
        daily_allowance=daily,
        monthly_allowance=daily * 30,
    )


def steady_history(*, first_month: dt.date, months: int, gross: Decimal) -> list[PaidMonth]:
    """`months` full months of the same gross from `first_month` (for "if you keep this salary")."""
    result = []
    for index in range(months):
        year, month = divmod(first_month.year * 12 + first_month.month - 1 + index, 12)
        day = dt.date(year, month + 1, 1)
        result.append(PaidMonth(day, gross, calendar.monthrange(day.year, day.month)[1]))
    return result
