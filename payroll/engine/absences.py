"""A month's absences on the payslip: paid leave taken (absence deduction offset by the indemnity),
sick leave (absence deduction, IJSS estimate, employer top-up, subrogation), and at exit the
salary no longer due and the compensatory leave indemnity (L3141-28). Pure functions on Decimal.

Days off are counted in jours ouvrables (Monday to Saturday, public holidays excluded), the unit
in which paid leave is acquired; the absence deduction is the month's gross × days off ÷ the
month's jours ouvrables, so that it equals the "maintien de salaire" of the same days.
"""

from __future__ import annotations

import calendar
import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from functools import cache

from payroll.engine.leave import leave_indemnity
from payroll.engine.money import ZERO, cents
from payroll.engine.parameters import Parameters
from payroll.engine.sick import sick_pay_estimate
from perspectives.core.exceptions import ApplicationError

PAID_LEAVE = "paid_leave"
SICK = "sick"
KINDS = (PAID_LEAVE, SICK)
LEAVE_METHODS = ("best", "tenth", "maintenance")


def _easter(year: int) -> dt.date:
    """Easter Sunday (anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = b // 4, b % 4
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = c // 4, c % 4
    m = (32 + 2 * e + 2 * i - h - k) % 7
    n = (a + 11 * h + 19 * m) // 433
    month = (h + m - 7 * n + 90) // 25
    return dt.date(year, month, (h + m - 7 * n + 33 * month + 19) % 32)


@cache
def public_holidays(year: int) -> frozenset[dt.date]:
    """The eleven public holidays of metropolitan France (Code du travail L3133-1)."""
    easter = _easter(year)
    fixed = [(1, 1), (5, 1), (5, 8), (7, 14), (8, 15), (11, 1), (11, 11), (12, 25)]
    movable = [easter + dt.timedelta(days=n) for n in (1, 39, 50)]  # Monday, Ascension, Whit Monday
    return frozenset([dt.date(year, month, day) for month, day in fixed] + movable)


def working_days(start: dt.date, end: dt.date) -> int:
    """Jours ouvrables from `start` to `end` included: every day but Sundays and public holidays."""
    count, day = 0, start
    while day <= end:
        if day.weekday() != 6 and day not in public_holidays(day.year):
            count += 1
        day += dt.timedelta(days=1)
    return count


def month_end(period: dt.date) -> dt.date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


@dataclass(frozen=True)
class AbsencePeriod:
    kind: str
    start: dt.date
    end: dt.date
    spell_start: dt.date  # a sick leave's first day, possibly in an earlier month
    subrogation: bool = False  # the cooperative receives the IJSS and keeps paying


@dataclass(frozen=True)
class LeaveState:
    """Running paid-leave counters, in jours ouvrables."""

    acquired: Decimal = ZERO
    taken: Decimal = ZERO

    @property
    def remaining(self) -> Decimal:
        return self.acquired - self.taken


@dataclass(frozen=True)
class LeaveReference:
    """The reference period of the 1/10 rule: its gross pay and the days acquired over it."""

    gross: Decimal
    days: Decimal


@dataclass(frozen=True)
class SickReference:
    gross_last_3_months: Decimal
    gross_last_6_months: Decimal
    seniority_years: int


@dataclass(frozen=True)
class MonthAbsences:
    items: tuple[tuple[str, Decimal], ...]  # gross items: deductions negative, indemnities positive
    ijss_subrogation: Decimal  # gross IJSS the cooperative receives and pays on
    ijss_estimate: Decimal  # IJSS of the month's sick days, whoever receives them
    leave: LeaveState  # after this month
    leave_acquired: Decimal  # this month
    leave_taken: Decimal  # this month
    sick_days: int  # calendar days
    warnings: tuple[str, ...]


def _span(start: dt.date, end: dt.date) -> str:
    return f"du {start:%d/%m} au {end:%d/%m}"


# Long on purpose: the month's absences valued in the legal order (unpaid, sick pay and its waiting
# days, paid leave by both methods).
def month_absences(
    params: Parameters,
    *,
    period: dt.date,
    base_gross: Decimal,
    absences: tuple[AbsencePeriod, ...],
    leave_before: LeaveState,
    leave_reference: LeaveReference,
    sick_reference: SickReference | None = None,
    leave_method: str = "best",
    exit_on: dt.date | None = None,
) -> MonthAbsences:
    """The gross items, IJSS and leave counters that a month's absences put on the payslip."""
    first, last = period.replace(day=1), month_end(period)
    if leave_method not in LEAVE_METHODS:
        raise ApplicationError(f"Méthode d'indemnité de congés inconnue « {leave_method} ».")
    for absence in absences:
        if absence.kind not in KINDS:
            raise ApplicationError(f"Nature d'absence inconnue « {absence.kind} ».")
        if not first <= absence.start <= absence.end <= last:
            raise ApplicationError(
                f"L'absence {_span(absence.start, absence.end)} sort du mois de la paie."
            )
    if exit_on is not None and not first <= exit_on <= last:
        exit_on = None
    month_days = working_days(first, last)
    items: list[tuple[str, Decimal]] = []
    warnings: list[str] = []

    def deduction(days: int) -> Decimal:
        return cents(base_gross * days / month_days)

    # Paid leave taken: one deduction for the days, offset by the indemnity (L3141-24).
    leaves = [a for a in absences if a.kind == PAID_LEAVE]
    leave_days = sum(working_days(a.start, a.end) for a in leaves)
    sick = [a for a in absences if a.kind == SICK]
    sick_days = sum((a.end - a.start).days + 1 for a in sick)
    days_in_month = (last - first).days + 1
    # 2.5 days per month of work, 2 per month of non-work sick leave (loi 2024-364), pro rata.
    sick_share = Decimal(sick_days) / days_in_month
    acquired = cents(
        params.decimal("leave.days_per_month") * (1 - sick_share)
        + params.decimal("leave.sick_days_per_month") * sick_share
    )
    available = leave_before.remaining + acquired
    if leave_days > available:
        # Refused when entered; here (a previous payslip corrected since) the payslip still
        # computes, as leave taken in advance, and says so.
        warnings.append(
            f"Congés posés au-delà du solde : {available} jours disponibles, "
            f"{leave_days} jours posés (congés pris par anticipation)."
        )
    if leave_days:
        spans = ", ".join(_span(a.start, a.end) for a in leaves)
        items.append((f"Absence congés payés {spans} ({leave_days} j)", -deduction(leave_days)))
        indemnity = leave_indemnity(
            params,
            days_taken=Decimal(leave_days),
            days_acquired=max(leave_reference.days, Decimal(leave_days)),
            reference_gross=leave_reference.gross,
            monthly_gross=base_gross,
            working_days_in_month=Decimal(month_days),
        )
        method = indemnity.method if leave_method == "best" else leave_method
        amount = indemnity.tenth if method == "tenth" else indemnity.maintenance
        rule = "règle du dixième" if method == "tenth" else "maintien de salaire"
        items.append((f"Indemnité de congés payés ({leave_days} j, {rule})", amount))

    # Sick leave: the month's share of the spell, which may have started in an earlier month.
    ijss_subrogation = ijss_month = ZERO
    for absence in sick:
        items.append(
            (
                f"Absence maladie {_span(absence.start, absence.end)} "
                f"({(absence.end - absence.start).days + 1} j calendaires)",
                -deduction(working_days(absence.start, absence.end)),
            )
        )
        if sick_reference is None:
            continue
        estimates = [
            sick_pay_estimate(
                params,
                gross_last_3_months=sick_reference.gross_last_3_months,
                gross_last_6_months=sick_reference.gross_last_6_months,
                days_off=(day - absence.spell_start).days,
                seniority_years=sick_reference.seniority_years,
            )
            for day in (absence.start, absence.end + dt.timedelta(days=1))
        ]
        ijss = estimates[1].ijss_total - estimates[0].ijss_total
        top_up = estimates[1].employer_top_up - estimates[0].employer_top_up
        ijss_month += ijss
        if absence.subrogation:
            ijss_subrogation += ijss
        if top_up > ZERO:
            items.append(("Indemnité complémentaire maladie (maintien employeur)", top_up))
        if not estimates[1].eligible:
            warnings.append(
                "Salaires des six derniers mois sous le seuil de 1 015 fois le SMIC horaire : "
                "pas d'indemnités journalières de la Sécurité sociale."
            )
        elif sick_reference.seniority_years < 1:
            warnings.append("Moins d'un an d'ancienneté : pas de complément employeur légal.")

    leave_after = LeaveState(leave_before.acquired + acquired, leave_before.taken + leave_days)
    if exit_on is not None:
        if exit_on < last:
            items.append(
                (
                    f"Salaire non dû après la sortie du {exit_on:%d/%m/%Y}",
                    -deduction(working_days(exit_on + dt.timedelta(days=1), last)),
                )
            )
        remaining = leave_after.remaining
        if remaining > ZERO:
            compensatory = leave_indemnity(
                params,
                days_taken=remaining,
                days_acquired=max(leave_reference.days, remaining),
                reference_gross=leave_reference.gross,
                monthly_gross=base_gross,
                working_days_in_month=Decimal(month_days),
            )
            items.append(
                (
                    f"Indemnité compensatrice de congés payés ({remaining} j)",
                    compensatory.tenth
                    if leave_method == "tenth"
                    else compensatory.maintenance
                    if leave_method == "maintenance"
                    else compensatory.amount,
                )
            )
            leave_after = LeaveState(leave_after.acquired, leave_after.acquired)

    # Deductions never take the month's pay below zero.
    total = sum((amount for _label, amount in items), ZERO)
    if base_gross + total < ZERO:
        label, amount = items[-1]
        items[-1] = (label, amount - (base_gross + total))
    return MonthAbsences(
        items=tuple(items),
        ijss_subrogation=ijss_subrogation,
        ijss_estimate=ijss_month,
        leave=leave_after,
        leave_acquired=acquired,
        leave_taken=Decimal(leave_days),
        sick_days=sick_days,
        warnings=tuple(dict.fromkeys(warnings)),
    )
