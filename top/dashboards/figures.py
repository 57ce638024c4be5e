"""Pure computations of the dashboards, on Decimal: monthly figures from ledger sums, the
seasonality of past years, the six-month treasury projection and the salary it can sustain."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

ZERO = Decimal("0.00")
CENT = Decimal("0.01")

# The categories of expenses shown on the dashboard, by the first digits of the PCG account.
EXPENSE_CATEGORIES = (
    ("60", "Achats"),
    ("61", "Services extérieurs"),
    ("62", "Autres services extérieurs"),
    ("63", "Impôts et taxes"),
    ("65", "Autres charges de gestion"),
    ("66", "Charges financières"),
    ("67", "Charges exceptionnelles"),
    ("68", "Dotations"),
)
CONTRIBUTION_ACCOUNT = "6288"
SALARY_PREFIX = "64"
GROSS_SALARY_PREFIX = "641"
REVENUE_PREFIX = "70"
CASH_PREFIXES = ("51", "53")


def money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


def add_months(day: dt.date, months: int) -> dt.date:
    index = day.year * 12 + day.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


def month_range(first: dt.date, last: dt.date) -> list[dt.date]:
    months, current = [], first.replace(day=1)
    while current <= last:
        months.append(current)
        current = add_months(current, 1)
    return months


@dataclass
class MonthFigures:
    month: dt.date
    revenue: Decimal = ZERO
    expenses: Decimal = ZERO
    contribution: Decimal = ZERO
    salary_cost: Decimal = ZERO
    gross_salaries: Decimal = ZERO
    cash_movement: Decimal = ZERO
    cash_end: Decimal = ZERO
    by_category: dict[str, Decimal] = field(default_factory=dict)

    @property
    def margin(self) -> Decimal:
        """What the month leaves for salaries: revenue − expenses − contribution."""
        return self.revenue - self.expenses - self.contribution


def classify(code: str) -> str | None:
    if code.startswith(REVENUE_PREFIX):
        return "revenue"
    if code.startswith(CONTRIBUTION_ACCOUNT):
        return "contribution"
    if code.startswith(SALARY_PREFIX):
        return "salary_cost"
    if code.startswith("6"):
        return "expenses"
    if code.startswith(CASH_PREFIXES):
        return "cash"
    return None


def monthly_figures(
    *,
    months: list[dt.date],
    movements: Iterable[tuple[str, dt.date, Decimal, Decimal]],
    opening_cash: Decimal,
) -> list[MonthFigures]:
    """`movements`: (account code, month, Σ debit, Σ credit) from the ledger's monthly sums."""
    figures = {month: MonthFigures(month) for month in months}
    for code, month, debit, credit in movements:
        target = figures.get(month)
        kind = classify(code)
        if target is None or kind is None:
            continue
        if kind == "revenue":
            target.revenue += credit - debit
        elif kind == "cash":
            target.cash_movement += debit - credit
        else:
            amount = debit - credit
            setattr(target, kind, getattr(target, kind) + amount)
            if code.startswith(GROSS_SALARY_PREFIX):
                target.gross_salaries += amount
            if kind == "expenses":
                category = code[:2]
                target.by_category[category] = target.by_category.get(category, ZERO) + amount
    cash = opening_cash
    for month in months:
        cash += figures[month].cash_movement
        figures[month].cash_end = cash
    return [figures[month] for month in months]


def total(figures: Iterable[MonthFigures], attribute: str) -> Decimal:
    return sum((getattr(f, attribute) for f in figures), ZERO)


def change_percent(current: Decimal, previous: Decimal) -> Decimal | None:
    if previous <= 0:
        return None
    return ((current - previous) / previous * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def fragile_months(history: list[MonthFigures], *, threshold: Decimal = Decimal("0.7")) -> set[int]:
    """Calendar months (1–12) whose revenue, over the complete past years, averaged below
    `threshold` × the monthly mean: the fragile periods to anticipate."""
    by_calendar: dict[int, list[Decimal]] = {m: [] for m in range(1, 13)}
    years: dict[int, int] = {}
    active: set[int] = set()
    for figure in history:
        years[figure.month.year] = years.get(figure.month.year, 0) + 1
        if figure.revenue:
            active.add(figure.month.year)
    # Whole years of activity only: a year before the activity began says nothing of seasons.
    complete = {year for year, count in years.items() if count == 12 and year in active}
    for figure in history:
        if figure.month.year in complete:
            by_calendar[figure.month.month].append(figure.revenue)
    if not complete:
        return set()
    averages = {m: sum(v, ZERO) / len(v) for m, v in by_calendar.items() if v}
    mean = sum(averages.values(), ZERO) / len(averages)
    if mean <= 0:
        return set()
    return {m for m, value in averages.items() if value < mean * threshold}


@dataclass(frozen=True)
class ProjectionMonth:
    month: dt.date
    expected_revenue: Decimal
    treasury: Decimal
    fragile: bool


@dataclass(frozen=True)
class Projection:
    months: list[ProjectionMonth]
    sustainable_budget: Decimal  # monthly total employer cost the activity can carry

    @property
    def lowest(self) -> Decimal:
        return min((m.treasury for m in self.months), default=ZERO)


def project(
    *,
    start: dt.date,
    treasury: Decimal,
    forecast: Iterable[tuple[dt.date, Decimal, int]],
    monthly_expenses: Decimal,
    contribution_rate: Decimal,
    salary_cost: Decimal,
    reserve_target: Decimal,
    fragile: set[int],
    horizon: int = 6,
) -> Projection:
    """Six months ahead: expected revenue (amount × probability), less expenses, the
    cooperative contribution and the current salary cost. The sustainable budget spreads what the
    activity can spend on salaries over the horizon while keeping the reserve."""
    months = [add_months(start, n) for n in range(1, horizon + 1)]
    expected = dict.fromkeys(months, ZERO)
    for day, amount, probability in forecast:
        key = day.replace(day=1)
        if key in expected:
            expected[key] += amount * Decimal(probability) / 100
    net_rate = 1 - contribution_rate / 100
    running = treasury
    rows = []
    for month in months:
        running += expected[month] * net_rate - monthly_expenses - salary_cost
        rows.append(
            ProjectionMonth(month, money(expected[month]), money(running), month.month in fragile)
        )
    available = treasury + sum(expected.values(), ZERO) * net_rate - monthly_expenses * horizon
    budget = max(ZERO, (available - reserve_target) / horizon)
    return Projection(rows, money(budget))
