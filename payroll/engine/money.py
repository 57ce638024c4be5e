"""Decimal helpers: every amount of the engine goes through them (never float)."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")
ZERO = Decimal("0")
HUNDRED = Decimal("100")


def cents(value: Decimal) -> Decimal:
    """Round half up to the cent, as payslip amounts are."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def of_percent(base: Decimal, rate_percent: Decimal) -> Decimal:
    """`rate_percent` % of `base`, to the cent."""
    return cents(base * rate_percent / HUNDRED)


def clamp(value: Decimal, low: Decimal, high: Decimal) -> Decimal:
    return max(low, min(high, value))
