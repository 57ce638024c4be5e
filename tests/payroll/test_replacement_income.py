"""Paid leave, sick pay and unemployment projections, from the official 2025-2026 figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from payroll.engine.leave import LeaveBalance, leave_acquired, leave_indemnity
from payroll.engine.sick import employer_top_up_days, ijss_eligible, sick_pay_estimate
from payroll.engine.unemployment import (
    PaidMonth,
    daily_allowance,
    steady_history,
    unemployment_project,
)
from payroll.parameter_files import parameters_from_files
from perspectives.core.exceptions import ApplicationError

D = Decimal
P2026 = parameters_from_files(dt.date(2026, 1, 15))


@pytest.mark.parametrize(
    ("worked", "sick", "days"),
    [
        ("12", "0", "30"),
        ("5.5", "0", "14"),  # 13.75 rounded up (L3141-7)
        ("6", "6", "24"),  # 15 + 12 = 27, capped at 24 by L3141-5-1
        ("11", "1", "28"),  # the sick cap never removes days earned by work: 27.5 → 28
        ("0", "12", "24"),
    ],
)
def test_leave_acquisition(worked: str, sick: str, days: str) -> None:
    assert leave_acquired(P2026, months_worked=D(worked), months_sick=D(sick)) == D(days)


def test_leave_acquisition_refuses_more_than_a_year() -> None:
    with pytest.raises(ApplicationError, match="au plus 12"):
        leave_acquired(P2026, months_worked=D(10), months_sick=D(3))


def test_leave_indemnity_is_the_larger_of_the_tenth_and_maintenance() -> None:
    tenth = leave_indemnity(
        P2026,
        days_taken=D(5),
        days_acquired=D(30),
        reference_gross=D("24000"),
        monthly_gross=D("2000"),
        working_days_in_month=D(26),
    )
    # 10 % × 24,000 × 5/30 = 400.00 against 2,000 × 5/26 = 384.62.
    assert (tenth.tenth, tenth.maintenance, tenth.amount, tenth.method) == (
        D("400.00"),
        D("384.62"),
        D("400.00"),
        "tenth",
    )
    raised = leave_indemnity(
        P2026,
        days_taken=D(5),
        days_acquired=D(30),
        reference_gross=D("24000"),
        monthly_gross=D("2600"),
        working_days_in_month=D(26),
    )
    assert (raised.amount, raised.method) == (D("500.00"), "maintenance")
    assert LeaveBalance(acquired=D(30), taken=D(5)).remaining == D(25)
    with pytest.raises(ApplicationError, match="incohérents"):
        leave_indemnity(
            P2026,
            days_taken=D(31),
            days_acquired=D(30),
            reference_gross=D(1),
            monthly_gross=D(1),
            working_days_in_month=D(26),
        )


def test_ijss_with_waiting_days_and_employer_top_up() -> None:
    pay = sick_pay_estimate(
        P2026,
        gross_last_3_months=D("7500"),
        gross_last_6_months=D("15000"),
        days_off=10,
        seniority_years=2,
    )
    # 7,500 / 91.25 = 82.1918 → IJ 41.10 for the 7 days after the 3 waiting days.
    assert (pay.daily_base, pay.daily_ijss, pay.paid_days, pay.ijss_total) == (
        D("82.19"),
        D("41.10"),
        7,
        D("287.70"),
    )
    # Days 8-10 at 90 % of 82.1918 = 73.9726, minus 41.10 of IJ: 3 × 32.8726 = 98.62.
    assert pay.employer_top_up == D("98.62")
    assert pay.eligible


def test_ijss_is_capped_at_1_4_smic() -> None:
    pay = sick_pay_estimate(
        P2026,
        gross_last_3_months=D("9000"),
        gross_last_6_months=D("18000"),
        days_off=4,
        seniority_years=0,
    )
    # 3 × 1.4 × 1,823.0333 / 91.25 × 50 % = 41.9548 → 41.95 (reference note §2.2).
    assert (pay.daily_ijss, pay.ijss_total, pay.employer_top_up) == (
        D("41.95"),
        D("41.95"),
        D("0.00"),
    )


def test_low_pay_fails_the_ijss_threshold() -> None:
    # 1,015 × 12.02 = 12,200.30 over six months; no hours for pay without working time.
    assert not ijss_eligible(P2026, gross_last_6_months=D("12200.29"), hours_last_3_months=None)
    assert ijss_eligible(P2026, gross_last_6_months=D("12200.30"), hours_last_3_months=None)
    assert ijss_eligible(P2026, gross_last_6_months=D("0"), hours_last_3_months=D("150"))
    pay = sick_pay_estimate(
        P2026,
        gross_last_3_months=D("3000"),
        gross_last_6_months=D("6000"),
        days_off=10,
        seniority_years=1,
    )
    assert (pay.eligible, pay.ijss_total) == (False, D("0"))


def test_employer_top_up_durations_grow_with_seniority() -> None:
    assert employer_top_up_days(P2026, seniority_years=0) == (0, 0)
    assert employer_top_up_days(P2026, seniority_years=1) == (30, 30)
    assert employer_top_up_days(P2026, seniority_years=6) == (40, 40)
    assert employer_top_up_days(P2026, seniority_years=40) == (90, 90)


def test_unemployment_after_two_steady_years() -> None:
    history = steady_history(first_month=dt.date(2024, 7, 1), months=24, gross=D("2000"))
    result = unemployment_project(P2026, history=history, end=dt.date(2026, 6, 1), age=40)
    # 730 contract days; SJR = 48,000 / 730 = 65.75; max(40.4 % + 13.18, 57 %) = 39.74.
    assert (result.days_worked, result.eligible, result.sjr) == (D("521.43"), True, D("65.75"))
    assert (result.daily_allowance, result.monthly_allowance) == (D("39.74"), D("1192.20"))


def test_a_low_salary_gets_75_percent_of_the_sjr_not_the_floor() -> None:
    history = steady_history(first_month=dt.date(2024, 7, 1), months=24, gross=D("600"))
    result = unemployment_project(P2026, history=history, end=dt.date(2026, 6, 1), age=40)
    assert (result.sjr, result.daily_allowance) == (D("19.73"), D("14.80"))
    assert daily_allowance(P2026, D("50")) == D("33.38")  # 20.20 + 13.18 above the floor


def test_affiliation_and_the_first_claimant_rule() -> None:
    history = steady_history(first_month=dt.date(2026, 1, 1), months=6, gross=D("2000"))
    ordinary = unemployment_project(P2026, history=history, end=dt.date(2026, 6, 1), age=30)
    first = unemployment_project(
        P2026, history=history, end=dt.date(2026, 6, 1), age=30, first_claim=True
    )
    # 181 days × 5/7 = 129.29 worked days: short of 130, above the 108 of first claimants.
    assert (ordinary.days_worked, ordinary.eligible, ordinary.daily_allowance) == (
        D("129.29"),
        False,
        D("0"),
    )
    assert (first.eligible, first.daily_allowance > 0) == (True, True)


def test_unpaid_months_dilute_the_sjr_within_the_70_percent_cap() -> None:
    history = steady_history(first_month=dt.date(2026, 1, 1), months=6, gross=D("2000"))
    history[3] = PaidMonth(dt.date(2026, 4, 1), D("0"), 0)
    result = unemployment_project(P2026, history=history, end=dt.date(2026, 6, 1), age=30)
    # 10,000 € over 151 contract days + 30 non-worked days (under 70 % × 151) = 181 days.
    assert result.sjr == D("55.25")


def test_seniors_look_back_36_months() -> None:
    history = steady_history(first_month=dt.date(2023, 7, 1), months=36, gross=D("2000"))
    assert (
        unemployment_project(
            P2026, history=history, end=dt.date(2026, 6, 1), age=56
        ).reference_months
        == 36
    )
    assert (
        unemployment_project(
            P2026, history=history, end=dt.date(2026, 6, 1), age=40
        ).reference_months
        == 24
    )
