"""An entrepreneur's replacement-income rights, from their issued payslips (read only)."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from payroll.engine.leave import leave_acquired
from payroll.engine.money import ZERO
from payroll.engine.parameters import Parameters
from payroll.engine.sick import SickPay, sick_pay_estimate
from payroll.engine.unemployment import (
    PaidMonth,
    UnemploymentProjection,
    steady_history,
    unemployment_project,
)

SICK_DAYS_EXAMPLE = 10


@dataclass(frozen=True)
class Rights:
    leave_days: Decimal
    leave_period_start: dt.date
    sick: SickPay
    unemployment_now: UnemploymentProjection
    unemployment_in_6_months: UnemploymentProjection | None
    quarter_threshold: Decimal
    quarter_gross: Decimal


def _months_before(month: dt.date, count: int) -> dt.date:
    year, index = divmod(month.year * 12 + month.month - 1 - count, 12)
    return dt.date(year, index + 1, 1)


def rights_compute(
    params: Parameters,
    *,
    history: list[tuple[dt.date, Decimal]],
    today: dt.date,
    age: int,
    seniority_years: int,
    planned_gross: Decimal | None,
) -> Rights:
    this_month = today.replace(day=1)
    by_month = dict(history)
    # Paid leave: the reference period runs from 1 June to 31 May.
    start = dt.date(today.year if today.month >= 6 else today.year - 1, 6, 1)
    worked = sum(1 for month, gross in history if month >= start and gross > 0)
    leave = leave_acquired(params, months_worked=Decimal(worked), months_sick=ZERO)

    def total(months: int) -> Decimal:
        return sum(
            (by_month.get(_months_before(this_month, n), ZERO) for n in range(1, months + 1)),
            ZERO,
        )

    sick = sick_pay_estimate(
        params,
        gross_last_3_months=total(3),
        gross_last_6_months=total(6),
        days_off=SICK_DAYS_EXAMPLE,
        seniority_years=seniority_years,
    )
    paid = [
        PaidMonth(month, gross, calendar.monthrange(month.year, month.month)[1] if gross else 0)
        for month, gross in history
        if month < this_month
    ]
    last_month = _months_before(this_month, 1)
    now = unemployment_project(params, history=paid, end=last_month, age=age)
    later = None
    if planned_gross is not None:
        future = steady_history(first_month=this_month, months=6, gross=planned_gross)
        later = unemployment_project(params, history=paid + future, end=future[-1].month, age=age)
    quarter_threshold = 150 * params.decimal("smic.hourly")
    return Rights(
        leave_days=leave,
        leave_period_start=start,
        sick=sick,
        unemployment_now=now,
        unemployment_in_6_months=later,
        quarter_threshold=quarter_threshold,
        quarter_gross=total(3),
    )
