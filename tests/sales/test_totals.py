"""EN 16931 amounts: VAT rounded once per rate on the taxable amount (BR-CO-14, BR-S-09), never
line by line; the totals' equations (BR-CO-10, -13, -15, -16)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sales.totals import LineAmounts, compute, split_by_weights

D = Decimal


def test_vat_is_rounded_per_rate_not_per_line() -> None:
    # Three lines of 0.33 at 20 %: per line 0.066 → 0.07 each (0.21); per rate 0.99 × 20 % = 0.198
    # → 0.20.
    lines = [LineAmounts(D("1"), D("0.33"), D("0"), D("20.00"))] * 3

    totals = compute(lines)

    assert totals.lines_total == D("0.99")
    assert totals.vat_total == D("0.20")
    assert totals.total_with_vat == D("1.19")


def test_several_rates_line_discounts_document_discount_and_prepaid() -> None:
    lines = [
        LineAmounts(D("3"), D("33.3333"), D("10"), D("20.00")),  # 100.00 − 10.00 = 90.00
        LineAmounts(D("1.5"), D("12.99"), D("0"), D("5.50")),  # 19.485 → 19.49
        LineAmounts(D("2"), D("7.125"), D("0"), D("20.00")),  # 14.25
    ]

    totals = compute(lines, discount_percent=D("5"), prepaid_total=D("30.00"))

    high, low = totals.breakdown
    assert (high.rate, high.lines_total, high.allowance, high.taxable, high.vat) == (
        D("20.00"),
        D("104.25"),
        D("5.21"),
        D("99.04"),
        D("19.81"),
    )
    assert (low.rate, low.lines_total, low.allowance, low.taxable, low.vat) == (
        D("5.50"),
        D("19.49"),
        D("0.97"),
        D("18.52"),
        D("1.02"),
    )
    assert totals.lines_total == D("123.74")
    assert totals.allowance_total == D("6.18")
    assert totals.total_without_vat == D("117.56")
    assert totals.vat_total == D("20.83")
    assert totals.total_with_vat == D("138.39")
    assert totals.amount_due == D("108.39")


def test_half_cents_round_up() -> None:
    totals = compute([LineAmounts(D("1"), D("0.125"), D("0"), D("20.00"))])
    assert totals.lines_total == D("0.13")
    assert totals.vat_total == D("0.03")


prices = st.decimals(min_value=0, max_value=10_000, places=4)
quantities = st.decimals(min_value=D("0.0001"), max_value=1000, places=4)
rates = st.sampled_from([D("0.00"), D("2.10"), D("5.50"), D("10.00"), D("20.00")])
percents = st.decimals(min_value=0, max_value=100, places=2)


# A shared machine may generate slowly: no deadline, no health check on generation time.
@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.tuples(quantities, prices, percents, rates), min_size=1, max_size=8),
    percents,
)
def test_the_br_co_equations_always_hold(lines: list[tuple[Any, ...]], discount: Decimal) -> None:
    totals = compute([LineAmounts(*line) for line in lines], discount_percent=discount)

    assert totals.lines_total == sum(b.lines_total for b in totals.breakdown)  # BR-CO-10
    assert totals.allowance_total == sum(b.allowance for b in totals.breakdown)  # BR-CO-11
    assert totals.total_without_vat == totals.lines_total - totals.allowance_total  # BR-CO-13
    assert totals.vat_total == sum(b.vat for b in totals.breakdown)  # BR-CO-14
    assert totals.total_with_vat == totals.total_without_vat + totals.vat_total  # BR-CO-15
    for b in totals.breakdown:
        assert b.taxable == b.lines_total - b.allowance
        assert abs(b.vat - b.taxable * b.rate / 100) <= D("0.005")
        assert b.vat == b.vat.quantize(D("0.01"))


def test_split_by_weights_sums_exactly() -> None:
    assert split_by_weights(D("100.00"), [D("1"), D("1"), D("1")]) == [
        D("33.34"),
        D("33.33"),
        D("33.33"),
    ]
    assert split_by_weights(D("10.00"), [D("0"), D("0")]) == [D("10.00"), D("0.00")]
