"""An activity's P&L and the treasury statement."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from accounting.models import (
    Account,
    TreasuryGroup,
)
from accounting.selectors.balances import accounts_by_id
from accounting.selectors.sums import ZERO, Scope, sums
from accounting.services.chart import TREASURY_DEFAULTS


@dataclass(frozen=True)
class PnlRow:
    code: str
    label: str
    amount: Decimal  # positive: income for class 7, expense for class 6


@dataclass
class Pnl:
    income: list[PnlRow]
    expenses: list[PnlRow]
    months: list[tuple[dt.date, Decimal, Decimal, Decimal]]  # month, income, expenses, result

    @property
    def total_income(self) -> Decimal:
        return sum((r.amount for r in self.income), ZERO)

    @property
    def total_expenses(self) -> Decimal:
        return sum((r.amount for r in self.expenses), ZERO)

    @property
    def result(self) -> Decimal:
        return self.total_income - self.total_expenses


def pnl_account_ids(accounts: dict[int, Account]) -> list[int]:
    return [pk for pk, a in accounts.items() if a.pcg_class in (6, 7)]


def activity_pnl(*, scope: Scope, date_from: dt.date, date_to: dt.date) -> Pnl:
    """Income (class 7) and expenses (class 6) of the activities in scope, per account and per
    month (compte de résultat analytique)."""
    accounts = accounts_by_id()
    totals = sums(
        group_by=["account_id", "month"],
        date_from=date_from,
        date_to=date_to,
        scope=scope,
        account_ids=pnl_account_ids(accounts),
    )
    per_account: dict[int, Decimal] = defaultdict(lambda: ZERO)
    per_month: dict[dt.date, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for (account_id, month), (debit, credit) in totals.items():
        account = accounts[account_id]
        if account.pcg_class == 7:
            amount = credit - debit
            per_month[month][0] += amount
        else:
            amount = debit - credit
            per_month[month][1] += amount
        per_account[account_id] += amount
    income = [
        PnlRow(accounts[pk].code, accounts[pk].label, amount)
        for pk, amount in per_account.items()
        if accounts[pk].pcg_class == 7 and amount
    ]
    expenses = [
        PnlRow(accounts[pk].code, accounts[pk].label, amount)
        for pk, amount in per_account.items()
        if accounts[pk].pcg_class == 6 and amount
    ]
    months = sorted((m, v[0], v[1], v[0] - v[1]) for m, v in per_month.items())
    return Pnl(sorted(income, key=lambda r: r.code), sorted(expenses, key=lambda r: r.code), months)


@dataclass
class Treasury:
    as_of: dt.date
    groups: dict[str, Decimal]  # signed balances, debit positive

    def _due(self, key: str) -> Decimal:
        return -self.groups.get(key, ZERO)

    @property
    def cash(self) -> Decimal:
        return self.groups.get(TreasuryGroup.Key.CASH, ZERO)

    @property
    def taxes_due(self) -> Decimal:
        return self._due(TreasuryGroup.Key.TAXES_DUE)

    @property
    def suppliers_due(self) -> Decimal:
        return self._due(TreasuryGroup.Key.SUPPLIERS_DUE)

    @property
    def reference(self) -> Decimal:
        """Trésorerie de référence: cash less the taxes and suppliers due."""
        return self.cash - self.taxes_due - self.suppliers_due

    @property
    def salaries_due(self) -> Decimal:
        return self._due(TreasuryGroup.Key.SALARIES_DUE)

    @property
    def expenses_due(self) -> Decimal:
        return self._due(TreasuryGroup.Key.EXPENSES_TO_REIMBURSE)

    @property
    def customers_due(self) -> Decimal:
        return self.groups.get(TreasuryGroup.Key.CUSTOMERS_TO_COLLECT, ZERO)

    @property
    def future(self) -> Decimal:
        """Trésorerie future: the reference, less salaries and expenses to pay, plus what
        customers owe."""
        return self.reference - self.salaries_due - self.expenses_due + self.customers_due


def treasury_groups() -> dict[str, list[str]]:
    configured = {g.key: g.prefix_list() for g in TreasuryGroup.objects.all()}
    return {
        key: configured.get(key) or [p for p in default.split(",") if p]
        for key, default in TREASURY_DEFAULTS.items()
    }


def _group_of(code: str, groups: dict[str, list[str]]) -> str | None:
    """The group of the longest matching prefix."""
    best: tuple[int, str] | None = None
    for key, prefixes in groups.items():
        for prefix in prefixes:
            if code.startswith(prefix) and (best is None or len(prefix) > best[0]):
                best = (len(prefix), key)
    return best[1] if best else None


def treasury_statement(*, scope: Scope, as_of: dt.date) -> Treasury:
    """État de trésorerie of the activities in scope at the end of `as_of`."""
    accounts = accounts_by_id()
    groups = treasury_groups()
    membership = {pk: _group_of(a.code, groups) for pk, a in accounts.items()}
    wanted = [pk for pk, group in membership.items() if group]
    totals = sums(
        group_by=["account_id"], date_from=None, date_to=as_of, scope=scope, account_ids=wanted
    )
    result: dict[str, Decimal] = defaultdict(lambda: ZERO)
    for (account_id,), (debit, credit) in totals.items():
        group = membership[account_id]
        if group:
            result[group] += debit - credit
    return Treasury(as_of, dict(result))
