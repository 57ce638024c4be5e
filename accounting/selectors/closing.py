"""Year-end closing: each section's result and the opening entries of the next year."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Prefetch

from accounting.models import (
    Entry,
    EntryLine,
    FiscalYear,
    Journal,
)
from accounting.selectors.balances import accounts_by_id
from accounting.selectors.statements import pnl_account_ids
from accounting.selectors.sums import ZERO, sums
from entrepreneurs.models import Activity


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
    accounts = accounts_by_id()
    totals = sums(
        group_by=["activity_id", "account_id"],
        date_from=fiscal_year.start_date,
        date_to=fiscal_year.end_date,
        account_ids=pnl_account_ids(accounts),
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
