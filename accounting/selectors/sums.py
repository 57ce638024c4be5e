"""Sums of the ledger: date ranges split into whole months and days, balances by key.


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
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Count, Max, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import TruncMonth

from accounting.models import (
    Entry,
    EntryLine,
    Journal,
    MonthlyBalance,
)
from accounting.services.fiscal import add_months, month_end

ZERO = Decimal("0.00")

# None: every activity and the structure. Otherwise the visible activity ids (None inside the set
# stands for the cooperative's own section).
Scope = frozenset[int | None] | None


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


def scope_q(scope: Scope, field_name: str = "activity") -> Q:
    if scope is None:
        return Q()
    ids = [i for i in scope if i is not None]
    condition = Q(**{f"{field_name}_id__in": ids})
    if None in scope:
        condition |= Q(**{f"{field_name}__isnull": True})
    return condition


def add_to(target: dict[Key, list[Decimal]], key: Key, debit: Decimal, credit: Decimal) -> None:
    slot = target.setdefault(key, [ZERO, ZERO])
    slot[0] += debit or ZERO
    slot[1] += credit or ZERO


def validated_lines() -> QuerySet[EntryLine]:
    """Lines of validated entries: all lines but those of the (few) drafts, an anti-join on the
    drafts' small partial index rather than a join to every entry."""
    drafts = Entry.objects.filter(status=Entry.Status.DRAFT).values("pk")
    return EntryLine.objects.exclude(entry_id__in=drafts)


def ledger_version(*, scope: Scope) -> tuple[int, int, int]:
    """Changes whenever a validated line enters the scope, whatever its date: validated lines
    are never changed or deleted, and each one adds 1 to its monthly balance's line count. For
    caching figures computed from the ledger (one index scan of the monthly balances)."""
    row = MonthlyBalance.objects.filter(scope_q(scope)).aggregate(
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
        opening_lines.filter(scope_q(scope), account_filter)
        .annotate(m=TruncMonth("date"))
        .values(*line_fields)
        .annotate(d=Sum("debit"), c=Sum("credit"))
        .order_by()
    )
    if not restated:
        return totals
    result = {k: [v[0], v[1]] for k, v in totals.items()}
    for row in restated:
        add_to(result, tuple(row[f] for f in line_fields), -row["d"], -row["c"])
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
        lines = validated_lines().filter(scope_q(scope), account_filter, date__lte=date_to)
        if date_from is not None:
            lines = lines.filter(date__gte=date_from)
        rows = (
            lines.annotate(m=TruncMonth("date"))
            .values(*line_fields)
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .order_by()
        )
        for row in rows:
            add_to(result, tuple(row[f] for f in line_fields), row["d"], row["c"])
        return {k: (v[0], v[1]) for k, v in result.items()}

    split = split_range(date_from, date_to)
    if split.last_month is not None:
        balances = MonthlyBalance.objects.filter(
            scope_q(scope), account_filter, month__lte=split.last_month
        )
        if split.first_month is not None:
            balances = balances.filter(month__gte=split.first_month)
        for row in (
            balances.values(*balance_fields).annotate(d=Sum("debit"), c=Sum("credit")).order_by()
        ):
            add_to(result, tuple(row[f] for f in balance_fields), row["d"], row["c"])
    if split.partial:
        days = Q()
        for start, end in split.partial:
            days |= Q(date__gte=start, date__lte=end)
        rows = (
            validated_lines()
            .filter(days, scope_q(scope), account_filter)
            .annotate(m=TruncMonth("date"))
            .values(*line_fields)
            .annotate(d=Sum("debit"), c=Sum("credit"))
            .order_by()
        )
        for row in rows:
            add_to(result, tuple(row[f] for f in line_fields), row["d"], row["c"])
    return {k: (v[0], v[1]) for k, v in result.items()}
