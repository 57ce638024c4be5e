"""Sick leave: IJSS estimate, eligibility, employer top-up (CSS R323, C. trav. D1226)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from payroll.engine.money import HUNDRED, ZERO, cents
from payroll.engine.parameters import Parameters
from payroll.engine.payslip import smic_month
from perspectives.core.exceptions import ApplicationError


@dataclass(frozen=True)
class SickPay:
    daily_base: Decimal
    daily_ijss: Decimal
    paid_days: int  # after the waiting days
    ijss_total: Decimal
    employer_top_up: Decimal
    eligible: bool


def ijss_eligible(
    params: Parameters, *, gross_last_6_months: Decimal, hours_last_3_months: Decimal | None
) -> bool:
    """Contributions on at least 1,015 × the hourly SMIC over 6 months, or 150 hours over 3
    months. Pay without working time has no hours: only the first test applies."""
    threshold = params.decimal("ijss.eligibility_smic_hours_6_months") * params.decimal(
        "smic.hourly"
    )
    if gross_last_6_months >= threshold:
        return True
    return hours_last_3_months is not None and hours_last_3_months >= params.decimal(
        "ijss.eligibility_hours_3_months"
    )


def employer_top_up_days(params: Parameters, *, seniority_years: int) -> tuple[int, int]:
    """(days at 90 %, days at 66.66 %): 30 each from one year of seniority, +10 per 5 years,
    at most 90 each (D1226-2). None before one year."""
    if seniority_years < 1:
        return 0, 0
    base = int(params.decimal("sick.employer_base_days"))
    extra = int(params.decimal("sick.employer_days_per_5_years")) * ((seniority_years - 1) // 5)
    days = min(base + extra, 90)
    return days, days


def sick_pay_estimate(
    params: Parameters,
    *,
    gross_last_3_months: Decimal,
    gross_last_6_months: Decimal,
    days_off: int,
    seniority_years: int,
    hours_last_3_months: Decimal | None = None,
) -> SickPay:
    """IJSS = 50 % of (the last 3 months' gross, capped at 3 × 1.4 SMIC) / 91.25 per day after 3
    waiting days; the employer completes to 90 % then 66.66 % of the daily gross from the 8th day
    when the employee has a year of seniority (the CAE charges it to the activity)."""
    if days_off < 0 or gross_last_3_months < ZERO:
        raise ApplicationError("Durée d'arrêt ou salaires de référence négatifs.")
    cap = 3 * params.decimal("ijss.cap_smic_multiple") * smic_month(params)
    divisor = params.decimal("ijss.daily_base_divisor")
    # The IJ is rounded once, from the unrounded daily base (41.47 € maximum in 2025).
    exact_base = min(gross_last_3_months, cap) / divisor
    daily_base = cents(exact_base)
    eligible = ijss_eligible(
        params, gross_last_6_months=gross_last_6_months, hours_last_3_months=hours_last_3_months
    )
    daily_ijss = cents(exact_base * params.decimal("ijss.rate") / HUNDRED) if eligible else ZERO
    waiting = int(params.decimal("ijss.waiting_days"))
    paid_days = max(0, days_off - waiting)
    ijss_total = daily_ijss * paid_days

    first_days, second_days = employer_top_up_days(params, seniority_years=seniority_years)
    employer_waiting = int(params.decimal("sick.employer_waiting_days"))
    daily_gross = gross_last_3_months / divisor
    first_rate = params.decimal("sick.employer_first_rate") / HUNDRED
    second_rate = params.decimal("sick.employer_second_rate") / HUNDRED
    top_up = ZERO
    for day in range(employer_waiting + 1, days_off + 1):
        index = day - employer_waiting
        if index <= first_days:
            rate = first_rate
        elif index <= first_days + second_days:
            rate = second_rate
        else:
            break
        ijss_day = daily_ijss if day > waiting else ZERO
        top_up += max(ZERO, daily_gross * rate - ijss_day)
    return SickPay(
        daily_base=daily_base,
        daily_ijss=daily_ijss,
        paid_days=paid_days,
        ijss_total=ijss_total,
        employer_top_up=cents(top_up),
        eligible=eligible,
    )
