"""Who collects what: the share of the réduction générale imputed on AGIRC-ARRCO."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from payroll.bodies import AGIRC_ARRCO, URSSAF, amounts_by_body, reduction_retirement_share
from payroll.engine import Company, PayslipInput, payslip_compute
from payroll.parameter_files import parameters_from_files


@pytest.mark.parametrize(
    ("day", "headcount", "t_max"),
    [
        (dt.date(2026, 1, 1), 30, "0.3981"),  # RGDU: 0.02 + 0.3781
        (dt.date(2026, 1, 1), 50, "0.4021"),  # 0.02 + 0.3821
        (dt.date(2025, 6, 1), 10, "0.3193"),  # réduction générale 2025, T
        (dt.date(2025, 6, 1), 200, "0.3233"),
    ],
)
def test_the_retirement_share_is_its_rate_over_t(day: dt.date, headcount: int, t_max: str) -> None:
    share = reduction_retirement_share(parameters_from_files(day), headcount=headcount)
    assert share == Decimal("0.0601") / Decimal(t_max)


def test_at_the_smic_both_bodies_are_owed_a_positive_amount_that_adds_up() -> None:
    """At the SMIC the RGDU (39.81 % of the pay) is more than URSSAF's employer contributions
    alone: imputing 6.01 / 39.81 of it on AGIRC-ARRCO is what keeps each body's part positive."""
    params = parameters_from_files(dt.date(2026, 1, 1))
    slip = payslip_compute(
        params,
        PayslipInput(
            period=dt.date(2026, 1, 1),
            gross=Decimal("1823.03"),
            company=Company(headcount=10, at_rate=Decimal("0.50")),
        ),
    )
    data = slip.as_json()
    share = reduction_retirement_share(params, headcount=10)
    amounts = amounts_by_body(
        data, {rule.code: rule.body for rule in params.contributions()}, retirement_share=share
    )
    # RGDU 39.81 % of 1,823.03 = 725.75, of which 725.75 × 0.0601 / 0.3981 = 109.56 imputed on
    # AGIRC-ARRCO's employer T1 (86.05) and CEG (23.52) lines.
    assert slip.reduction == Decimal("725.75")
    assert amounts[AGIRC_ARRCO][1] == Decimal("86.05") + Decimal("23.52") - Decimal("109.56")
    assert amounts[URSSAF][1] >= 0
    assert amounts[AGIRC_ARRCO][1] >= 0
    assert sum((e + r for e, r in amounts.values()), Decimal(0)) == (
        slip.employer_cost - slip.net_paid
    )
