"""Paid leave: acquisition, balance and indemnity (Code du travail L3141-3 to L3141-28)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_CEILING, Decimal

from payroll.engine.money import HUNDRED, ZERO, cents
from payroll.engine.parameters import Parameters
from perspectives.core.exceptions import ApplicationError


def leave_acquired(params: Parameters, *, months_worked: Decimal, months_sick: Decimal) -> Decimal:
    """Working days (ouvrables) acquired over a reference period: 2.5 per month of work, 2 per
    month of non-work sick leave (loi 2024-364) which cannot lift the total above 24 days; at
    most 30; a fraction of a day counts as a whole day (L3141-7)."""
    if months_worked < ZERO or months_sick < ZERO or months_worked + months_sick > 12:
        raise ApplicationError("Les mois de travail et d'arrêt doivent totaliser au plus 12.")
    work = months_worked * params.decimal("leave.days_per_month")
    sick = months_sick * params.decimal("leave.sick_days_per_month")
    total = work
    if sick > ZERO:
        total = max(work, min(work + sick, params.decimal("leave.sick_days_yearly_cap")))
    total = min(total, params.decimal("leave.yearly_cap"))
    return total.quantize(Decimal(1), rounding=ROUND_CEILING)


@dataclass(frozen=True)
class LeaveBalance:
    acquired: Decimal
    taken: Decimal

    @property
    def remaining(self) -> Decimal:
        return self.acquired - self.taken


@dataclass(frozen=True)
class LeaveIndemnity:
    tenth: Decimal  # 1/10 of the reference period's gross, prorated to the days taken
    maintenance: Decimal  # the pay the employee would have earned
    amount: Decimal  # the larger one (L3141-24)

    @property
    def method(self) -> str:
        return "tenth" if self.tenth > self.maintenance else "maintenance"


def leave_indemnity(
    params: Parameters,
    *,
    days_taken: Decimal,
    days_acquired: Decimal,
    reference_gross: Decimal,
    monthly_gross: Decimal,
    working_days_in_month: Decimal,
) -> LeaveIndemnity:
    """Indemnity for `days_taken` out of `days_acquired`: max(1/10 rule, salary maintenance).
    The same function gives the compensatory indemnity at exit (L3141-28) for the remaining days."""
    if days_taken < ZERO or days_acquired <= ZERO or days_taken > days_acquired:
        raise ApplicationError("Jours de congés pris incohérents avec les jours acquis.")
    if working_days_in_month <= ZERO:
        raise ApplicationError("Le nombre de jours ouvrables du mois doit être positif.")
    tenth = cents(
        reference_gross * params.decimal("leave.tenth_rate") / HUNDRED * days_taken / days_acquired
    )
    maintenance = cents(monthly_gross * days_taken / working_days_in_month)
    return LeaveIndemnity(tenth=tenth, maintenance=maintenance, amount=max(tenth, maintenance))
