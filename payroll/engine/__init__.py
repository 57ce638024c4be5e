"""The payroll engine: pure functions on Decimal, parameters passed in (no database access)."""

from __future__ import annotations

from payroll.engine.parameters import ContributionRule, ParameterRow, Parameters
from payroll.engine.payslip import (
    CADRE,
    NON_CADRE,
    Company,
    Line,
    Payslip,
    PayslipInput,
    YearToDate,
    gross_from_budget,
    payslip_compute,
    reduction_coefficient,
)

__all__ = [
    "CADRE",
    "NON_CADRE",
    "Company",
    "ContributionRule",
    "Line",
    "ParameterRow",
    "Parameters",
    "Payslip",
    "PayslipInput",
    "YearToDate",
    "gross_from_budget",
    "payslip_compute",
    "reduction_coefficient",
]
