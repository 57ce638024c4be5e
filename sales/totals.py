"""Amounts of a sales document, computed as EN 16931 says (its BR-CO business rules).

- BT-131 line net amount = quantity × unit price, less the line's discount, rounded to the cent;
- BT-106 sum of line net amounts = Σ BT-131 (BR-CO-10);
- a document-level discount is one allowance per VAT rate (BG-20, each with its rate), rounded
  to the cent per rate; BT-107 = Σ allowances (BR-CO-11);
- BT-109 total without VAT = BT-106 − BT-107 (BR-CO-13);
- per VAT rate (BG-23): taxable amount BT-116 = Σ lines of the rate − allowances of the rate,
  and VAT BT-117 = BT-116 × rate, rounded to the cent once per rate (never line by line);
- BT-110 VAT total = Σ BT-117 (BR-CO-14); BT-112 = BT-109 + BT-110 (BR-CO-15);
- BT-115 amount due = BT-112 − BT-113 prepaid (BR-CO-16).

Rounding is half up (commercial rounding), to the cent.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
HUNDRED = Decimal(100)


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


@dataclass(frozen=True)
class LineAmounts:
    quantity: Decimal
    unit_price: Decimal
    discount_percent: Decimal
    vat_rate: Decimal

    @property
    def gross(self) -> Decimal:
        return self.quantity * self.unit_price

    @property
    def net(self) -> Decimal:
        """BT-131, with the line discount (BT-136) rounded to the cent first."""
        gross = money(self.gross)
        allowance = money(self.gross * self.discount_percent / HUNDRED)
        return gross - allowance


@dataclass(frozen=True)
class VatBreakdown:
    rate: Decimal
    lines_total: Decimal
    allowance: Decimal
    taxable: Decimal
    vat: Decimal


@dataclass(frozen=True)
class Totals:
    lines_total: Decimal
    allowance_total: Decimal
    total_without_vat: Decimal
    vat_total: Decimal
    total_with_vat: Decimal
    prepaid_total: Decimal
    amount_due: Decimal
    breakdown: tuple[VatBreakdown, ...] = field(default=())

    def vat_for(self, rate: Decimal) -> Decimal:
        return next((b.vat for b in self.breakdown if b.rate == rate), ZERO)


def compute(
    lines: Iterable[LineAmounts],
    *,
    discount_percent: Decimal = ZERO,
    prepaid_total: Decimal = ZERO,
) -> Totals:
    per_rate: dict[Decimal, Decimal] = {}
    for line in lines:
        rate = line.vat_rate.quantize(CENT)
        per_rate[rate] = per_rate.get(rate, ZERO) + line.net
    breakdown: list[VatBreakdown] = []
    for rate in sorted(per_rate, reverse=True):
        lines_total = per_rate[rate]
        allowance = money(lines_total * discount_percent / HUNDRED)
        taxable = lines_total - allowance
        breakdown.append(
            VatBreakdown(
                rate=rate,
                lines_total=lines_total,
                allowance=allowance,
                taxable=taxable,
                vat=money(taxable * rate / HUNDRED),
            )
        )
    lines_total = sum((b.lines_total for b in breakdown), ZERO)
    allowance_total = sum((b.allowance for b in breakdown), ZERO)
    total_without_vat = lines_total - allowance_total
    vat_total = sum((b.vat for b in breakdown), ZERO)
    total_with_vat = total_without_vat + vat_total
    return Totals(
        lines_total=lines_total,
        allowance_total=allowance_total,
        total_without_vat=total_without_vat,
        vat_total=vat_total,
        total_with_vat=total_with_vat,
        prepaid_total=prepaid_total,
        amount_due=total_with_vat - prepaid_total,
        breakdown=tuple(breakdown),
    )


def split_by_weights(amount: Decimal, weights: Sequence[Decimal]) -> list[Decimal]:
    """`amount` shared in proportion to `weights`, each to the cent, the rounding residue on the
    largest share so that the parts sum exactly to `amount`."""
    total = sum(weights, ZERO)
    if not weights:
        return []
    if not total:
        return [amount] + [ZERO] * (len(weights) - 1)
    parts = [money(amount * w / total) for w in weights]
    residue = amount - sum(parts, ZERO)
    if residue:
        largest = max(range(len(weights)), key=lambda i: abs(weights[i]))
        parts[largest] += residue
    return parts
