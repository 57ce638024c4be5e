"""Ledgers: lines with their entries, the general ledger streamed with its totals."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import QuerySet, Sum

from accounting.models import (
    Entry,
    EntryLine,
    FiscalYear,
)
from accounting.selectors.balances import accounts_by_id
from accounting.selectors.sums import ZERO, Scope, balance_start, scope_q, sums, validated_lines


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
        validated_lines()
        .filter(scope_q(scope), date__gte=date_from, date__lte=date_to)
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
    accounts = accounts_by_id()
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
        before = validated_lines().filter(
            scope_q(scope), third_party_id=third_party_id, date__lt=date_from
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
