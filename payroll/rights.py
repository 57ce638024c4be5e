"""An entrepreneur's replacement-income rights, from their issued payslips (read only), and,
for a person whose payroll moved here, the paid-leave counters their previous software left."""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from payroll.engine.absences import LeaveState
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
class OpeningLeave:
    """The paid-leave counters of the opening balance (the last payslip of the previous
    software): days acquired and taken, and the start of the reference period (1 June to 31 May)
    in which the payroll moved here, the one those acquired days count towards."""

    period_start: dt.date
    acquired: Decimal
    taken: Decimal


@dataclass(frozen=True)
class Rights:
    leave_days: Decimal
    leave_period_start: dt.date
    sick: SickPay
    unemployment_now: UnemploymentProjection
    unemployment_in_6_months: UnemploymentProjection | None
    quarter_threshold: Decimal
    quarter_gross: Decimal
    # Of `leave_days`, those acquired before the payroll moved here.
    leave_brought: Decimal = ZERO
    # Days left to take; None when neither a payslip here nor an opening balance states it.
    leave_remaining: Decimal | None = None


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
    opening_leave: OpeningLeave | None = None,
    leave_counters: LeaveState | None = None,
) -> Rights:
    """`leave_counters`: the running counters of the last payslip issued here (they carry the
    opening balance's on); `opening_leave`: the previous software's, for a person whose payroll
    moved here."""
    this_month = today.replace(day=1)
    by_month = dict(history)
    # Paid leave: the reference period runs from 1 June to 31 May.
    start = dt.date(today.year if today.month >= 6 else today.year - 1, 6, 1)
    worked = sum(1 for month, gross in history if month >= start and gross > 0)
    leave = leave_acquired(params, months_worked=Decimal(worked), months_sick=ZERO)
    brought = ZERO
    if opening_leave is not None and opening_leave.period_start == start:
        # Days acquired elsewhere over this same reference period add to those acquired here,
        # within the yearly cap (L3141-3).
        # A fraction of a day counts as a whole one (L3141-7).
        brought = opening_leave.acquired
        with_brought = (leave + brought).quantize(Decimal(1), rounding=ROUND_CEILING)
        leave = min(with_brought, params.decimal("leave.yearly_cap"))
    remaining: Decimal | None = None
    if leave_counters is not None:
        remaining = leave_counters.remaining
    elif opening_leave is not None:
        remaining = opening_leave.acquired - opening_leave.taken

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
        leave_brought=brought,
        leave_remaining=remaining,
    )
