"""The budget inversion gives the largest gross whose employer cost fits, to the cent, whatever
the search path (false position with bisection fallback)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from payroll.engine import (
    CADRE,
    NON_CADRE,
    Company,
    PayslipInput,
    YearToDate,
    gross_from_budget,
    payslip_compute,
)
from payroll.parameter_files import parameters_from_files

D = Decimal
PERIOD = dt.date(2026, 3, 1)
PARAMS = parameters_from_files(PERIOD)
CONTRACTS = Company(
    headcount=80,
    at_rate=D("2.50"),
    mutuelle_employee=D("30.00"),
    mutuelle_employer=D("30.00"),
    prevoyance_employer_rate=D("1.50"),
)
# Budgets from below the SMIC's cost to far above the PMSS, with awkward cents.
BUDGETS = [D(cents) / 100 for cents in range(10_007, 4_000_000, 97_531)]


@pytest.mark.parametrize("status", [NON_CADRE, CADRE])
@pytest.mark.parametrize("company", [Company(headcount=30, at_rate=D("1.00")), CONTRACTS])
@pytest.mark.parametrize(
    "ytd", [YearToDate(), YearToDate(gross=D("5000"), smic=D("3646.06"), reduction=D("800"))]
)
def test_the_gross_is_the_largest_that_fits(status: str, company: Company, ytd: YearToDate) -> None:
    template = PayslipInput(period=PERIOD, gross=D(0), company=company, status=status, ytd=ytd)
    for budget in BUDGETS:
        slip = gross_from_budget(PARAMS, budget=budget, template=template)
        above = payslip_compute(PARAMS, replace(template, gross=slip.gross + D("0.01")))
        assert slip.employer_cost <= budget < above.employer_cost, budget
