"""Synthetic but plausible ledger history for an activity, month by month: invoices and their
payments, purchases, payroll, the contribution coopérative and the VAT return. Used by the demo
seeder and the benchmark; every entry balances per activity and carries an idempotency key, so
generating a month twice posts nothing twice.

`month_revenue` is the revenue model (sector, size, season, building's fall): the sales app's demo
follows it when it invoices the months the demo leaves to real documents, and
`settlement_entries` posts those months' contribution and VAT return from what the ledger then
holds.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from accounting.services import EntryInput, LineInput

CENT = Decimal("0.01")
VAT = Decimal("0.20")

# Monthly revenue multipliers by sector (January first): gardens in spring and summer, training
# quiet in summer, commerce and well-being busy before Christmas, building steady but falling
# this year (the interview: "this year building activity fell").
SEASONALITY: dict[str, tuple[float, ...]] = {
    "Bâtiment": (0.7, 0.8, 1.0, 1.1, 1.2, 1.2, 1.1, 0.7, 1.1, 1.1, 1.0, 0.8),
    "Espaces verts et jardinage": (0.3, 0.4, 0.9, 1.4, 1.7, 1.6, 1.3, 1.0, 1.2, 1.1, 0.6, 0.3),
    "Formation et conseil": (1.1, 1.2, 1.2, 1.1, 1.0, 1.1, 0.4, 0.2, 1.2, 1.3, 1.3, 0.9),
    "Bien-être": (0.9, 0.9, 1.0, 1.0, 1.0, 0.9, 0.8, 0.7, 1.0, 1.1, 1.2, 1.5),
    "Communication": (0.9, 1.0, 1.1, 1.0, 1.0, 1.0, 0.8, 0.6, 1.1, 1.2, 1.2, 1.1),
    "Services": (1.0, 1.0, 1.0, 1.0, 1.0, 1.0, 0.9, 0.8, 1.0, 1.0, 1.1, 1.2),
    "Commerce": (0.8, 0.8, 0.9, 1.0, 1.0, 1.0, 1.1, 1.0, 0.9, 1.0, 1.2, 1.9),
}
FLAT = (1.0,) * 12
# Typical monthly revenue (excl. VAT) of an activity per sector.
BASE_REVENUE = {
    "Bâtiment": 6500,
    "Espaces verts et jardinage": 3200,
    "Formation et conseil": 4200,
    "Bien-être": 2400,
    "Communication": 3300,
    "Services": 2600,
    "Commerce": 4800,
}
NO_VAT_SECTORS = frozenset({"Formation et conseil"})  # training: exempt (art. 261-4-4° CGI)
EXPENSE_ACCOUNTS = {
    "Bâtiment": ("604", "6063", "611", "625"),
    "Espaces verts et jardinage": ("6063", "6061", "615", "625"),
    "Formation et conseil": ("6064", "618", "625", "626"),
    "Bien-être": ("6063", "613", "616", "626"),
    "Communication": ("6064", "622", "623", "626"),
    "Services": ("6064", "613", "625", "626"),
    "Commerce": ("607", "607", "613", "623"),
}


@dataclass(frozen=True)
class ActivityProfile:
    activity_id: int
    code: str
    sector: str
    level: float  # this activity's size relative to its sector's typical revenue
    customers: tuple[str, ...]
    suppliers: tuple[str, ...]
    contribution_rate: Decimal
    start: dt.date
    end: dt.date | None = None
    decline_from: dt.date | None = None  # building: revenue falls from here on


def money(value: float | Decimal) -> Decimal:
    return Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)


def _day(month: dt.date, rng: random.Random, *, last: int = 28) -> dt.date:
    return month.replace(day=rng.randint(1, last))


def _next_month(month: dt.date, months: int = 1) -> dt.date:
    index = month.year * 12 + month.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def _month_end(month: dt.date) -> dt.date:
    return _next_month(month) - dt.timedelta(days=1)


def active_in(profile: ActivityProfile, month: dt.date) -> bool:
    """Whether the activity runs in `month` (its first day)."""
    return month >= profile.start.replace(day=1) and not (profile.end and month > profile.end)


def month_revenue(profile: ActivityProfile, month: dt.date) -> float:
    """The activity's typical revenue (excl. VAT) in `month`: its sector's, times its size,
    the sector's season and, for building, this year's fall."""
    season = SEASONALITY.get(profile.sector, FLAT)[month.month - 1]
    trend = 1.0
    if profile.decline_from and month >= profile.decline_from:
        trend = 0.7
    return BASE_REVENUE.get(profile.sector, 3000) * profile.level * season * trend


def history_key(profile: ActivityProfile, month: dt.date) -> str:
    return f"hist:{profile.code}:{month:%Y-%m}"


# Long on purpose: one month of an activity's generated history (sales, purchases, payments,
# payroll, contribution and VAT), yielded in that order.
def month_entries(
    profile: ActivityProfile,
    month: dt.date,
    rng: random.Random,
    *,
    today: dt.date,
    invoices: int = 2,
    purchases: int = 2,
    payroll: bool = True,
    settle: bool = True,
    settled_by: dt.date | None = None,
) -> Iterator[EntryInput]:
    """One month of an activity. Payments fall due later; those after `today` are not posted
    (they show as customers to collect and suppliers to pay). `payroll=False` leaves the
    month's salary to the payroll app; `settle=False` leaves the contribution and the VAT
    return to `settlement_entries`; customers pay by `settled_by` at the latest (the day before
    another software takes the invoicing over)."""
    if not active_in(profile, month):
        return
    activity = profile.activity_id
    key = history_key(profile, month)
    revenue_total = month_revenue(profile, month)
    vat_rate = Decimal(0) if profile.sector in NO_VAT_SECTORS else VAT
    income_account = "707" if profile.sector == "Commerce" else "706"
    collected = deductible = Decimal(0)
    revenue = Decimal(0)

    def due(day: dt.date) -> bool:
        return day <= today

    for n in range(invoices):
        net = money(revenue_total / invoices * rng.uniform(0.6, 1.4))
        if net <= 0:
            continue
        vat = money(net * vat_rate)
        customer = rng.choice(profile.customers)
        day = _day(month, rng)
        if not due(day):
            continue
        revenue += net
        collected += vat
        lines = [
            LineInput("411", debit=net + vat, activity=activity, third_party=customer),
            LineInput(income_account, credit=net, activity=activity),
        ]
        if vat:
            lines.append(LineInput("44571", credit=vat, activity=activity))
        yield EntryInput(
            "VT",
            day,
            f"Facture {profile.code}-{month:%y%m}-{n + 1}",
            lines,
            idempotency_key=f"{key}:invoice:{n}",
            piece_ref=f"F{profile.code}{month:%y%m}{n + 1}",
            piece_date=day,
        )
        paid = day + dt.timedelta(days=rng.choice((15, 30, 30, 45, 60)))
        if settled_by is not None:
            paid = max(day, min(paid, settled_by))
        if due(paid):
            yield EntryInput(
                "BQ",
                paid,
                f"Règlement client F{profile.code}{month:%y%m}{n + 1}",
                [
                    LineInput("512", debit=net + vat, activity=activity),
                    LineInput("411", credit=net + vat, activity=activity, third_party=customer),
                ],
                idempotency_key=f"{key}:receipt:{n}",
            )
    for n in range(purchases):
        net = money(revenue_total * rng.uniform(0.05, 0.16))
        vat = money(net * VAT)
        supplier = rng.choice(profile.suppliers)
        day = _day(month, rng)
        if not due(day):
            continue
        deductible += vat
        account = rng.choice(EXPENSE_ACCOUNTS.get(profile.sector, ("604", "625")))
        yield EntryInput(
            "AC",
            day,
            f"Facture fournisseur {supplier}",
            [
                LineInput(account, debit=net, activity=activity),
                LineInput("44566", debit=vat, activity=activity),
                LineInput("401", credit=net + vat, activity=activity, third_party=supplier),
            ],
            idempotency_key=f"{key}:purchase:{n}",
        )
        paid = day + dt.timedelta(days=30)
        if due(paid):
            yield EntryInput(
                "BQ",
                paid,
                f"Paiement {supplier}",
                [
                    LineInput("401", debit=net + vat, activity=activity, third_party=supplier),
                    LineInput("512", credit=net + vat, activity=activity),
                ],
                idempotency_key=f"{key}:payment:{n}",
            )
    end = _month_end(month)
    if not due(end):
        return
    if payroll:
        yield from _payroll(profile, month, activity, key, revenue_total, due)
    if settle:
        yield from settlement_entries(
            profile, month, revenue=revenue, collected=collected, deductible=deductible, today=today
        )


def _payroll(
    profile: ActivityProfile,
    month: dt.date,
    activity: int,
    key: str,
    revenue_total: float,
    due: Callable[[dt.date], bool],
) -> Iterator[EntryInput]:
    end = _month_end(month)
    # Payroll: a salary funded by the margin (about half of the revenue, smoothed).
    gross = money(max(600.0, revenue_total * 0.42))
    employee = money(gross * Decimal("0.22"))
    employer = money(gross * Decimal("0.27"))
    net_pay = gross - employee
    yield EntryInput(
        "PAIE",
        end,
        f"Salaire {month:%m/%Y}",
        [
            LineInput("6411", debit=gross, activity=activity),
            LineInput("6451", debit=employer, activity=activity),
            LineInput("421", credit=net_pay, activity=activity),
            LineInput("431", credit=employee + employer, activity=activity),
        ],
        idempotency_key=f"{key}:payroll",
    )
    yield EntryInput(
        "BQ",
        end,
        f"Virement du salaire {month:%m/%Y}",
        [
            LineInput("421", debit=net_pay, activity=activity),
            LineInput("512", credit=net_pay, activity=activity),
        ],
        idempotency_key=f"{key}:salary",
    )
    social_day = _next_month(month).replace(day=15)
    if due(social_day):
        yield EntryInput(
            "BQ",
            social_day,
            f"URSSAF {month:%m/%Y}",
            [
                LineInput("431", debit=employee + employer, activity=activity),
                LineInput("512", credit=employee + employer, activity=activity),
            ],
            idempotency_key=f"{key}:urssaf",
        )


def settlement_entries(
    profile: ActivityProfile,
    month: dt.date,
    *,
    revenue: Decimal,
    collected: Decimal,
    deductible: Decimal,
    today: dt.date,
) -> Iterator[EntryInput]:
    """The month's contribution coopérative on its revenue (excl. VAT), at the month's end, and
    its VAT return (VAT collected less VAT deductible), paid on the 20th of the next month;
    nothing dated after `today`."""
    activity = profile.activity_id
    key = history_key(profile, month)
    end = _month_end(month)
    if end > today:
        return

    def due(day: dt.date) -> bool:
        return day <= today

    # Contribution coopérative: a transfer between the activity's and the structure's sections.
    contribution = money(revenue * profile.contribution_rate / 100)
    if contribution > 0:
        yield EntryInput(
            "OD",
            end,
            f"Contribution coopérative {month:%m/%Y}",
            [
                LineInput("6288", debit=contribution, activity=activity),
                LineInput("512", credit=contribution, activity=activity),
                LineInput("512", debit=contribution, activity=None),
                LineInput("7088", credit=contribution, activity=None),
            ],
            idempotency_key=f"{key}:contribution",
        )
    # VAT return of the month, paid on the 20th of the next.
    vat_day = _next_month(month).replace(day=20)
    if (collected or deductible) and due(vat_day):
        lines = []
        if collected:
            lines.append(LineInput("44571", debit=collected, activity=activity))
        if deductible:
            lines.append(LineInput("44566", credit=deductible, activity=activity))
        balance = collected - deductible
        if balance > 0:
            lines.append(LineInput("512", credit=balance, activity=activity))
        elif balance < 0:
            lines.append(LineInput("44567", debit=-balance, activity=activity))
        if len(lines) >= 2:
            yield EntryInput(
                "OD", vat_day, f"TVA {month:%m/%Y}", lines, idempotency_key=f"{key}:vat"
            )
