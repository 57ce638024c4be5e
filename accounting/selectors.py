"""Reads of the ledger: balances, ledgers, P&L and treasury statements.

Balances come from the monthly balances (one row per account, activity and month, kept by the
validation trigger) for whole months, and from the validated lines for the days of a partial month
at either end of a range, so no statement scans a year of lines. `*_from_lines` recompute the same
figures from the lines alone: the property tests and `ledger_verify` compare both.

Opening entries (à-nouveaux, generated when the previous year closes, or imported) restate the
balance-sheet balances at the start of a year. So a balance at a date sums the lines from the
start of the latest year that has opening entries (`balance_start`), theirs included, and the
movements of a range leave them out unless asked (`openings=True`, the trial balance): a running
total across a year boundary then counts nothing twice.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, OuterRef, Prefetch, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth
from django.shortcuts import get_object_or_404

from accounting.models import (
    Account,
    Entry,
    EntryLine,
    FiscalYear,
    Journal,
    MonthlyBalance,
    Period,
    ThirdParty,
    TreasuryGroup,
)
from accounting.permissions import sees_whole_ledger
from accounting.services.chart import TREASURY_DEFAULTS
from accounting.services.fiscal import add_months, month_end
from entrepreneurs.models import Activity
from perspectives.tenancy.models import Membership, Role

ZERO = Decimal("0.00")

# None: every activity and the structure. Otherwise the visible activity ids (None inside the set
# stands for the cooperative's own section).
Scope = frozenset[int | None] | None


# --- Who sees what ---------------------------------------------------------------------------


def activities_visible(*, membership: Membership) -> QuerySet[Activity]:
    """The activities whose ledger this member may read: all for the accounting team and
    managers; their portfolio's for support staff; their own for an entrepreneur."""
    activities = Activity.objects.select_related("sector").order_by("analytic_code")
    if sees_whole_ledger(membership):
        return activities
    condition = Q(pk__in=[])
    if membership.has_role(Role.ENTREPRENEUR):
        condition |= Q(members__entrepreneur__user_id=membership.user_id)
    if membership.has_role(Role.SUPPORT):
        condition |= Q(members__entrepreneur__referent_id=membership.user_id)
    return activities.filter(condition).distinct()


def activity_get_for_member(*, membership: Membership, activity_id: int) -> Activity:
    """404 alike for a missing activity and for someone else's."""
    return get_object_or_404(activities_visible(membership=membership), pk=activity_id)


# --- Date ranges -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Split:
    """A date range as whole months (from the monthly balances) and partial months (lines)."""

    first_month: dt.date | None
    last_month: dt.date | None
    partial: tuple[tuple[dt.date, dt.date], ...]


def split_range(date_from: dt.date | None, date_to: dt.date) -> Split:
    """`date_from` None: from the beginning of the ledger."""
    partial: list[tuple[dt.date, dt.date]] = []
    last_full = date_to.replace(day=1) if date_to == month_end(date_to) else None
    if last_full is None:
        start = date_to.replace(day=1)
        if date_from is not None and date_from > start:
            return Split(None, None, ((date_from, date_to),))
        partial.append((start, date_to))
        last_full = add_months(date_to.replace(day=1), -1)
    if date_from is None:
        return Split(None, last_full, tuple(partial))
    first_full = date_from if date_from.day == 1 else add_months(date_from, 1)
    if date_from.day != 1:
        end = min(month_end(date_from), date_to)
        partial.insert(0, (date_from, end))
    if first_full > last_full:
        return Split(None, None, tuple(partial)) if partial else Split(None, None, ())
    return Split(first_full, last_full, tuple(partial))


# --- Sums ------------------------------------------------------------------------------------

Key = tuple[Any, ...]
Sums = dict[Key, tuple[Decimal, Decimal]]


def _scope_q(scope: Scope, field_name: str = "activity") -> Q:
    if scope is None:
        return Q()
    ids = [i for i in scope if i is not None]
    condition = Q(**{f"{field_name}_id__in": ids})
    if None in scope:
        condition |= Q(**{f"{field_name}__isnull": True})
    return condition


def _add(target: dict[Key, list[Decimal]], key: Key, debit: Decimal, credit: Decimal) -> None:
    slot = target.setdefault(key, [ZERO, ZERO])
    slot[0] += debit or ZERO
    slot[1] += credit or ZERO


def _validated_lines() -> QuerySet[EntryLine]:
    """Lines of validated entries: all lines but those of the (few) drafts, an anti-join on the
    drafts' small partial index rather than a join to every entry."""
    drafts = Entry.objects.filter(status=Entry.Status.DRAFT).values("pk")
    return EntryLine.objects.exclude(entry_id__in=drafts)


def ledger_version(*, scope: Scope) -> tuple[int, int, int]:
    """Changes whenever a validated line enters the scope, whatever its date: validated lines
    are never changed or deleted, and each one adds 1 to its monthly balance's line count. For
    caching figures computed from the ledger (one index scan of the monthly balances)."""
    row = MonthlyBalance.objects.filter(_scope_q(scope)).aggregate(
        lines=Sum("line_count"), rows=Count("pk"), top=Max("pk")
    )
    return (row["lines"] or 0, row["rows"], row["top"] or 0)


def balance_start(day: dt.date) -> dt.date | None:
    """The start of the latest fiscal year whose opening entries are dated on or before `day`:
    balances at `day` sum the lines from there (None: from the ledger's first line)."""
    # A backward walk of the (cooperative, journal, date) index per opening journal, stopping at
    # its first row. Filtering entries on their journal's kind instead walks every entry of the
    # cooperative when it has no opening entry yet (seconds on millions of entries).
    latest = Entry.objects.filter(
        journal=OuterRef("pk"), status=Entry.Status.VALIDATED, date__lte=day
    ).order_by("-date")
    start: dt.date | None = (
        Journal.objects.filter(kind=Journal.Kind.OPENING)
        .annotate(
            last=Subquery(latest.values("date")[:1]),
            start=Subquery(latest.values("fiscal_year__start_date")[:1]),
        )
        .filter(last__isnull=False)
        .order_by("-last")
        .values_list("start", flat=True)
        .first()
    )
    return start


def _opening_lines(date_from: dt.date, date_to: dt.date) -> QuerySet[EntryLine] | None:
    """Lines of the opening entries dated in the range (None when there is none). Opening
    entries fall on a few days, each year's first: the lines are found on those days through
    the date indexes, the entries (hundreds after years of closings) by a subquery."""
    # By journal ids, not a join on the kind: the (cooperative, journal, date) index then finds
    # the days even when the planner knows nothing of the cooperative's entries.
    journals = list(Journal.objects.filter(kind=Journal.Kind.OPENING).values_list("pk", flat=True))
    if not journals:
        return None
    entries = Entry.objects.filter(
        journal_id__in=journals,
        status=Entry.Status.VALIDATED,
        date__gte=date_from,
        date__lte=date_to,
    )
    days = list(entries.order_by().values_list("date", flat=True).distinct())
    if not days:
        return None
    # The entries' subquery on those days too: planned blind (a cooperative the statistics do
    # not know yet), it was run again for each line over the whole range (minutes).
    on_days = entries.filter(date__in=days).values("pk")
    return EntryLine.objects.filter(date__in=days, entry_id__in=on_days)


def sums(
    *,
    group_by: Sequence[str],
    date_from: dt.date | None,
    date_to: dt.date,
    scope: Scope = None,
    account_ids: Iterable[int] | None = None,
    source: str = "balances",
    openings: bool = False,
) -> Sums:
    """Σ debit and Σ credit of validated lines dated in [date_from, date_to], grouped by
    `group_by` (among "account_id", "activity_id", "month"). `date_from=None`: balances at
    `date_to`, from `balance_start` on, opening entries included. Otherwise the movements of the
    range, without the opening entries unless `openings`. `source="lines"` recomputes from the
    lines only (the reference the monthly balances are checked against)."""
    if date_from is None:
        date_from = balance_start(date_to)
        openings = True
    totals = _sums(
        group_by=group_by,
        date_from=date_from,
        date_to=date_to,
        scope=scope,
        account_ids=account_ids,
        source=source,
    )
    opening_lines = None if openings or date_from is None else _opening_lines(date_from, date_to)
    if opening_lines is None:
        return totals
    line_fields = ["m" if f == "month" else f for f in group_by]
    account_filter = Q() if account_ids is None else Q(account_id__in=list(account_ids))
    restated = list(
        opening_lines.filter(_scope_q(scope), account_filter)
        .annotate(m=TruncMonth("date"))
        .values(*line_fields)
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    if not restated:
        return totals
    result = {k: [v[0], v[1]] for k, v in totals.items()}
    for row in restated:
        _add(result, tuple(row[f] for f in line_fields), -row["d"], -row["c"])
    return {k: (v[0], v[1]) for k, v in result.items() if v[0] or v[1]}


def _sums(
    *,
    group_by: Sequence[str],
    date_from: dt.date | None,
    date_to: dt.date,
    scope: Scope,
    account_ids: Iterable[int] | None,
    source: str,
) -> Sums:
    result: dict[Key, list[Decimal]] = {}
    balance_fields = list(group_by)
    line_fields = ["m" if f == "month" else f for f in group_by]
    account_filter = Q() if account_ids is None else Q(account_id__in=list(account_ids))
    if source == "lines":
        lines = _validated_lines().filter(_scope_q(scope), account_filter, date__lte=date_to)
        if date_from is not None:
            lines = lines.filter(date__gte=date_from)
        rows = (
            lines.annotate(m=TruncMonth("date"))
            .values(*line_fields)
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .order_by()
        )
        for row in rows:
            _add(result, tuple(row[f] for f in line_fields), row["d"], row["c"])
        return {k: (v[0], v[1]) for k, v in result.items()}

    split = split_range(date_from, date_to)
    if split.last_month is not None:
        balances = MonthlyBalance.objects.filter(
            _scope_q(scope), account_filter, month__lte=split.last_month
        )
        if split.first_month is not None:
            balances = balances.filter(month__gte=split.first_month)
        for row in (
            balances.values(*balance_fields).annotate(d=Sum("debit"), c=Sum("credit")).order_by()
        ):
            _add(result, tuple(row[f] for f in balance_fields), row["d"], row["c"])
    if split.partial:
        days = Q()
        for start, end in split.partial:
            days |= Q(date__gte=start, date__lte=end)
        rows = (
            _validated_lines()
            .filter(days, _scope_q(scope), account_filter)
            .annotate(m=TruncMonth("date"))
            .values(*line_fields)
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .order_by()
        )
        for row in rows:
            _add(result, tuple(row[f] for f in line_fields), row["d"], row["c"])
    return {k: (v[0], v[1]) for k, v in result.items()}


# --- Trial balance ---------------------------------------------------------------------------


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


def _accounts() -> dict[int, Account]:
    return {a.pk: a for a in Account.objects.all()}


def trial_balance(
    *,
    date_from: dt.date | None,
    date_to: dt.date,
    scope: Scope = None,
    source: str = "balances",
) -> TrialBalance:
    """Movements per account over the range (balance générale), opening entries included."""
    accounts = _accounts()
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


# --- Ledgers ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class LedgerLine:
    line_id: int
    date: dt.date
    journal: str
    reference: str
    piece_ref: str
    label: str
    account_code: str
    activity_code: str
    third_party: str
    debit: Decimal
    credit: Decimal
    balance: Decimal
    lettering: str


@dataclass
class LedgerSection:
    code: str
    label: str
    opening: Decimal
    lines: list[LedgerLine] = field(default_factory=list)

    @property
    def total_debit(self) -> Decimal:
        return sum((line.debit for line in self.lines), ZERO)

    @property
    def total_credit(self) -> Decimal:
        return sum((line.credit for line in self.lines), ZERO)

    @property
    def closing(self) -> Decimal:
        return self.opening + self.total_debit - self.total_credit


def ledger_lines(
    *,
    date_from: dt.date,
    date_to: dt.date,
    scope: Scope = None,
    account_ids: Iterable[int] | None = None,
    third_party_id: int | None = None,
    limit: int | None = None,
) -> QuerySet[EntryLine]:
    lines = (
        _validated_lines()
        .filter(_scope_q(scope), date__gte=date_from, date__lte=date_to)
        # No join to the entries here: the planner, blind to the cooperative under row-level
        # security, would drive the query from them. `with_entries` attaches them by chunks.
        .select_related("account", "activity", "third_party")
        # Index order (cooperative, account, date): a long ledger's first page needs no sort of
        # the whole range; sections are put in account-code order afterwards.
        .order_by("account_id", "date", "entry_id", "line_no")
    )
    if account_ids is not None:
        lines = lines.filter(account_id__in=list(account_ids))
    if third_party_id is not None:
        lines = lines.filter(third_party_id=third_party_id)
    if limit is not None:
        lines = lines[:limit]
    return lines


def with_entries(lines: Iterable[EntryLine], chunk: int = 2000) -> Iterator[EntryLine]:
    """The lines, each with its entry and journal loaded (one query per chunk)."""
    batch: list[EntryLine] = []
    for line in lines:
        batch.append(line)
        if len(batch) >= chunk:
            yield from _attach_entries(batch)
            batch = []
    if batch:
        yield from _attach_entries(batch)


def _attach_entries(batch: list[EntryLine]) -> Iterator[EntryLine]:
    entries = Entry.objects.select_related("journal").in_bulk({line.entry_id for line in batch})
    for line in batch:
        line.entry = entries[line.entry_id]
        yield line


# Long on purpose: one ordered pass over the lines, with opening balances and section totals, so
# that a ledger of a million lines streams.
def general_ledger(
    *,
    date_from: dt.date,
    date_to: dt.date,
    scope: Scope = None,
    account_ids: Iterable[int] | None = None,
    third_party_id: int | None = None,
    limit: int | None = None,
) -> list[LedgerSection]:
    """Lines per account with opening balance and running balance (grand livre). With
    `limit`, only the first lines (the totals of a truncated section are then partial)."""
    accounts = _accounts()
    wanted = None if account_ids is None else set(account_ids)
    day_before = date_from - dt.timedelta(days=1)
    openings: dict[int, Decimal] = defaultdict(lambda: ZERO)
    # Balance sheet accounts from the latest opening entries (the range shows them when it
    # starts on their day), P&L accounts from the year's start.
    start = balance_start(date_from)
    if third_party_id is None:
        if start is None or start < date_from:
            for key, (debit, credit) in sums(
                group_by=["account_id"],
                date_from=start,
                date_to=day_before,
                scope=scope,
                account_ids=wanted,
                openings=True,
            ).items():
                if accounts[key[0]].pcg_class not in (6, 7):
                    openings[key[0]] += debit - credit
        year = FiscalYear.objects.filter(start_date__lte=date_from, end_date__gte=date_from).first()
        if year is not None and year.start_date < date_from:
            for key, (debit, credit) in sums(
                group_by=["account_id"],
                date_from=year.start_date,
                date_to=day_before,
                scope=scope,
                account_ids=wanted,
            ).items():
                if accounts[key[0]].pcg_class in (6, 7):
                    openings[key[0]] += debit - credit
    else:
        before = _validated_lines().filter(
            _scope_q(scope), third_party_id=third_party_id, date__lt=date_from
        )
        if start is not None:
            before = before.filter(date__gte=start)
        for row in before.values("account_id").annotate(d=Sum("debit"), c=Sum("credit")).order_by():
            if wanted is None or row["account_id"] in wanted:
                openings[row["account_id"]] += row["d"] - row["c"]
    sections: dict[int, LedgerSection] = {}
    for account_id, opening in openings.items():
        if opening:
            account = accounts[account_id]
            sections[account_id] = LedgerSection(account.code, account.label, opening)
    for line in with_entries(
        ledger_lines(
            date_from=date_from,
            date_to=date_to,
            scope=scope,
            account_ids=wanted,
            third_party_id=third_party_id,
            limit=limit,
        )
    ):
        section = sections.get(line.account_id)
        if section is None:
            section = sections[line.account_id] = LedgerSection(
                line.account.code, line.account.label, ZERO
            )
        previous = section.lines[-1].balance if section.lines else section.opening
        section.lines.append(
            LedgerLine(
                line_id=line.pk,
                date=line.date,
                journal=line.entry.journal.code,
                reference=line.entry.reference,
                piece_ref=line.entry.piece_ref,
                label=line.label or line.entry.label,
                account_code=line.account.code,
                activity_code=line.activity.analytic_code if line.activity else "STRUCTURE",
                third_party=line.third_party.code if line.third_party else "",
                debit=line.debit,
                credit=line.credit,
                balance=previous + line.debit - line.credit,
                lettering=line.lettering or "",
            )
        )
    return sorted(sections.values(), key=lambda s: s.code)


# --- Activity P&L and treasury ---------------------------------------------------------------


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


def _pnl_account_ids(accounts: dict[int, Account]) -> list[int]:
    return [pk for pk, a in accounts.items() if a.pcg_class in (6, 7)]


def activity_pnl(*, scope: Scope, date_from: dt.date, date_to: dt.date) -> Pnl:
    """Income (class 7) and expenses (class 6) of the activities in scope, per account and per
    month (compte de résultat analytique)."""
    accounts = _accounts()
    totals = sums(
        group_by=["account_id", "month"],
        date_from=date_from,
        date_to=date_to,
        scope=scope,
        account_ids=_pnl_account_ids(accounts),
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
    accounts = _accounts()
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


# --- Lookups for pages -----------------------------------------------------------------------


def journal_list() -> QuerySet[Journal]:
    return Journal.objects.order_by("code")


def account_list() -> QuerySet[Account]:
    return Account.objects.order_by("code")


def account_by_code(*, code: str) -> Account | None:
    account: Account | None = Account.objects.filter(code=code.strip().upper()).first()
    return account


def third_party_by_code(*, code: str) -> ThirdParty | None:
    third_party: ThirdParty | None = (
        ThirdParty.objects.filter(code=code.strip().upper()).select_related("account").first()
    )
    return third_party


def account_get(*, code: str) -> Account:
    account: Account = get_object_or_404(Account.objects.all(), code=code)
    return account


def third_party_get(*, third_party_id: int) -> ThirdParty:
    third_party: ThirdParty = get_object_or_404(
        ThirdParty.objects.select_related("account"), pk=third_party_id
    )
    return third_party


def fiscal_year_list() -> QuerySet[FiscalYear]:
    return FiscalYear.objects.order_by("-start_date")


def fiscal_year_get(*, fiscal_year_id: int) -> FiscalYear:
    year: FiscalYear = get_object_or_404(FiscalYear.objects.all(), pk=fiscal_year_id)
    return year


def fiscal_year_current(*, today: dt.date) -> FiscalYear | None:
    year: FiscalYear | None = (
        FiscalYear.objects.filter(start_date__lte=today, end_date__gte=today).first()
        or FiscalYear.objects.order_by("-start_date").first()
    )
    return year


def fiscal_year_earlier_open(*, fiscal_year: FiscalYear) -> FiscalYear | None:
    """The first earlier year not closed yet: it must close first."""
    earlier: FiscalYear | None = (
        FiscalYear.objects.filter(start_date__lt=fiscal_year.start_date)
        .exclude(status=FiscalYear.Status.CLOSED)
        .order_by("start_date")
        .first()
    )
    return earlier


def period_list(*, fiscal_year: FiscalYear) -> QuerySet[Period]:
    return Period.objects.filter(fiscal_year=fiscal_year).order_by("start_date")


# --- Closing ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SectionResult:
    code: str  # the activity's analytic code, "STRUCTURE" for the cooperative's own section
    name: str
    income: Decimal
    expenses: Decimal

    @property
    def result(self) -> Decimal:
        return self.income - self.expenses


def year_results(*, fiscal_year: FiscalYear) -> list[SectionResult]:
    """Income, expenses and result of the year per analytic section (from the monthly
    balances), the cooperative's own section first."""
    accounts = _accounts()
    totals = sums(
        group_by=["activity_id", "account_id"],
        date_from=fiscal_year.start_date,
        date_to=fiscal_year.end_date,
        account_ids=_pnl_account_ids(accounts),
    )
    per_section: dict[int | None, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for (activity_id, account_id), (debit, credit) in totals.items():
        if accounts[account_id].pcg_class == 7:
            per_section[activity_id][0] += credit - debit
        else:
            per_section[activity_id][1] += debit - credit
    activities = Activity.objects.in_bulk([k for k in per_section if k is not None])
    rows = [
        SectionResult(
            activities[key].analytic_code if key else "STRUCTURE",
            activities[key].name if key else "",
            income,
            expenses,
        )
        for key, (income, expenses) in per_section.items()
    ]
    return sorted(rows, key=lambda r: (r.code != "STRUCTURE", r.code))


def opening_entries(*, fiscal_year: FiscalYear) -> list[Entry]:
    """The opening entries generated when `fiscal_year` closed (in the next year), with their
    lines, in number order."""
    entries: list[Entry] = list(
        Entry.objects.filter(
            journal__kind=Journal.Kind.OPENING,
            date=fiscal_year.end_date + dt.timedelta(days=1),
            idempotency_key__startswith=f"opening:{fiscal_year.pk}:",
            status=Entry.Status.VALIDATED,
        )
        .select_related("journal")
        .prefetch_related(
            Prefetch(
                "lines",
                queryset=EntryLine.objects.select_related(
                    "account", "activity", "third_party"
                ).order_by("line_no"),
            )
        )
        .order_by("number")
    )
    return entries
