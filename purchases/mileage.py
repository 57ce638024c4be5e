"""The official mileage allowance scale (barème kilométrique) read from
`purchases/parameters/mileage.toml`, and the allowance of a claim on the year's cumulative
distance."""

from __future__ import annotations

import datetime as dt
import tomllib
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from functools import cache
from pathlib import Path

from django.utils.translation import gettext as _

from perspectives.core.exceptions import ApplicationError

SCALE_FILE = Path(__file__).resolve().parent / "parameters" / "mileage.toml"
ELECTRIC_UPLIFT = Decimal("1.20")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Band:
    upper_km: Decimal | None  # None: no upper bound
    rate: Decimal
    fixed: Decimal


@dataclass(frozen=True)
class ScaleRow:
    valid_from: dt.date
    vehicle: str
    max_cv: int | None  # None: this power and above
    bands: tuple[Band, ...]
    reference: str

    def yearly_amount(self, distance: Decimal, *, electric: bool = False) -> Decimal:
        """The allowance for `distance` business km in a year (unrounded)."""
        if distance <= 0:
            return Decimal(0)
        band = next(b for b in self.bands if b.upper_km is None or distance <= b.upper_km)
        amount = distance * band.rate + band.fixed
        return amount * ELECTRIC_UPLIFT if electric else amount


@cache
def scale_rows() -> tuple[ScaleRow, ...]:
    with SCALE_FILE.open("rb") as handle:
        document = tomllib.load(handle)
    rows: list[ScaleRow] = []
    for block in document["row"]:
        for row in block["rows"]:
            rows.append(
                ScaleRow(
                    valid_from=block["valid_from"],
                    vehicle=row["vehicle"],
                    max_cv=row["max_cv"] or None,
                    bands=tuple(
                        Band(Decimal(upper) if upper else None, Decimal(rate), Decimal(fixed))
                        for upper, rate, fixed in row["bands"]
                    ),
                    reference=block["reference"],
                )
            )
    return tuple(rows)


def scale_row_for(*, vehicle: str, fiscal_power: int, day: dt.date) -> ScaleRow:
    """The row in force on `day` for this vehicle class and power (powers above the last
    row's take it: 7 CV and more for cars)."""
    dated = [r for r in scale_rows() if r.vehicle == vehicle and r.valid_from <= day]
    if not dated:
        raise ApplicationError(_("Aucun barème kilométrique en vigueur à cette date."))
    latest = max(r.valid_from for r in dated)
    candidates = sorted(
        (r for r in dated if r.valid_from == latest),
        key=lambda r: r.max_cv if r.max_cv is not None else 10_000,
    )
    return next(
        (r for r in candidates if r.max_cv is None or fiscal_power <= r.max_cv), candidates[-1]
    )


def allowance(
    *,
    vehicle: str,
    fiscal_power: int,
    electric: bool,
    day: dt.date,
    km_before: Decimal,
    km: Decimal,
) -> tuple[Decimal, ScaleRow]:
    """What a claim of `km` pays when `km_before` were already claimed this year:
    f(before + km) − f(before), so that crossing a band is paid at the right rate."""
    row = scale_row_for(vehicle=vehicle, fiscal_power=fiscal_power, day=day)

    def rounded(distance: Decimal) -> Decimal:
        return row.yearly_amount(distance, electric=electric).quantize(CENT, ROUND_HALF_UP)

    return rounded(km_before + km) - rounded(km_before), row
