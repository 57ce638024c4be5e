"""The trial balance and the balances of activities."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

from accounting.models import (
    Account,
)
from accounting.selectors.sums import ZERO, Scope, sums


@dataclass(frozen=True)
class TrialBalanceRow:
    code: str
    label: str
    debit: Decimal
    credit: Decimal

    @property
    def balance(self) -> Decimal:
        return self.debit - self.credit

    @property
    def debit_balance(self) -> Decimal:
        return max(self.balance, ZERO)

    @property
    def credit_balance(self) -> Decimal:
        return max(-self.balance, ZERO)


@dataclass
class TrialBalance:
    date_from: dt.date | None
    date_to: dt.date
    rows: list[TrialBalanceRow]

    @property
    def total_debit(self) -> Decimal:
        return sum((r.debit for r in self.rows), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((r.credit for r in self.rows), ZERO)

    @property
    def total_debit_balance(self) -> Decimal:
        return sum((r.debit_balance for r in self.rows), ZERO)

    @property
    def total_credit_balance(self) -> Decimal:
        return sum((r.credit_balance for r in self.rows), ZERO)


def accounts_by_id() -> dict[int, Account]:
    return {a.pk: a for a in Account.objects.all()}


def trial_balance(
    *,
    date_from: dt.date | None,
    date_to: dt.date,
    scope: Scope = None,
    source: str = "balances",
) -> TrialBalance:
    """Movements per account over the range (balance générale), opening entries included."""
    accounts = accounts_by_id()
    totals = sums(
        group_by=["account_id"],
        date_from=date_from,
        date_to=date_to,
        scope=scope,
        source=source,
        openings=True,
    )
    rows = [
        TrialBalanceRow(accounts[key[0]].code, accounts[key[0]].label, debit, credit)
        for key, (debit, credit) in totals.items()
        if debit or credit
    ]
    rows.sort(key=lambda r: r.code)
    return TrialBalance(date_from, date_to, rows)


def activity_balances(
    *, date_from: dt.date | None, date_to: dt.date, scope: Scope = None, source: str = "balances"
) -> dict[int | None, tuple[Decimal, Decimal]]:
    """Σ debit and Σ credit per activity: equal for every activity (each is a balanced
    sub-ledger), whatever the range."""
    totals = sums(
        group_by=["activity_id"], date_from=date_from, date_to=date_to, scope=scope, source=source
    )
    return {key[0]: value for key, value in totals.items()}
