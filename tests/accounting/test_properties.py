"""Property-based tests (Hypothesis): whatever valid postings and reversals happen, in whatever
order, the ledger stays balanced in total and per activity, numbering stays gapless, the chain
links, and the monthly balances equal the lines over any date range."""

from __future__ import annotations

import datetime as dt
import itertools
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounting import selectors, services
from accounting.models import Entry
from accounting.services import EntryInput, LineInput
from tests.accounting.conftest import Ledger, sql

D = Decimal
CENT = D("0.01")
ACCOUNTS = ("512", "580", "604", "611", "6288", "706", "7088", "44571", "44566", "421", "471")
JOURNALS = ("VT", "AC", "BQ", "OD", "PAIE")
YEAR_DAYS = st.dates(min_value=dt.date(2025, 1, 1), max_value=dt.date(2026, 12, 31))


class _Rollback(Exception):
    pass


@dataclass(frozen=True)
class Leg:
    """One activity's balanced part of an entry: amounts in cents, debits then credits."""

    activity: int  # index into (a1, a2, structure)
    debits: tuple[tuple[str, int], ...]
    credits: tuple[tuple[str, int], ...]


def _split(total: int, parts: int, draw: st.DrawFn) -> list[int]:
    """`total` cents in `parts` positive amounts."""
    if parts == 1 or total < parts:
        return [total]
    cuts = sorted(draw(st.sets(st.integers(1, total - 1), min_size=parts - 1, max_size=parts - 1)))
    bounds = [0, *cuts, total]
    return [b - a for a, b in itertools.pairwise(bounds)]


@st.composite
def legs(draw: st.DrawFn) -> Leg:
    total = draw(st.integers(min_value=1, max_value=10_000_000))
    debit_accounts = draw(st.lists(st.sampled_from(ACCOUNTS), min_size=1, max_size=3))
    credit_accounts = draw(st.lists(st.sampled_from(ACCOUNTS), min_size=1, max_size=3))
    debits = _split(total, len(debit_accounts), draw)
    credits = _split(total, len(credit_accounts), draw)
    return Leg(
        activity=draw(st.integers(0, 2)),
        debits=tuple(zip(debit_accounts, debits, strict=False)),
        credits=tuple(zip(credit_accounts, credits, strict=False)),
    )


@st.composite
def postings(draw: st.DrawFn) -> EntryInput:
    """An entry: one to three balanced activity legs (so it balances per activity)."""
    parts = draw(st.lists(legs(), min_size=1, max_size=3))
    lines: list[tuple[int, str, int, int]] = []
    for leg in parts:
        lines += [(leg.activity, account, cents, 0) for account, cents in leg.debits]
        lines += [(leg.activity, account, 0, cents) for account, cents in leg.credits]
    return EntryInput(
        journal=draw(st.sampled_from(JOURNALS)),
        date=draw(YEAR_DAYS),
        label=draw(
            st.text(
                st.characters(blacklist_categories=("Cs", "Cc")), min_size=1, max_size=30
            ).filter(lambda s: s.strip())
        ),
        lines=[
            LineInput(
                account,
                debit=D(debit) * CENT,
                credit=D(credit) * CENT,
                activity=activity,  # resolved below
            )
            for activity, account, debit, credit in lines
        ],
    )


operations = st.lists(
    st.one_of(
        st.tuples(st.just("post"), postings()),
        st.tuples(st.just("reverse"), st.integers(min_value=0, max_value=50)),
        st.tuples(st.just("bulk"), st.lists(postings(), min_size=1, max_size=4)),
        st.tuples(st.just("draft"), postings()),
        st.tuples(st.just("validate_drafts"), st.booleans()),
    ),
    min_size=1,
    max_size=12,
)


def _resolve(data: EntryInput, activities: list[int | None]) -> EntryInput:
    return EntryInput(
        journal=data.journal,
        date=data.date,
        label=data.label,
        lines=[
            LineInput(
                line.account,
                debit=line.debit,
                credit=line.credit,
                activity=activities[int(line.activity)],  # type: ignore[arg-type]
            )
            for line in data.lines
        ],
    )


def _apply(ops: list[tuple[str, object]], activities: list[int | None]) -> None:
    posted: list[Entry] = []
    drafts: list[Entry] = []
    for kind, arg in ops:
        if kind == "post":
            data = _resolve(arg, activities)  # type: ignore[arg-type]
            posted.append(
                services.entry_post(
                    journal=data.journal, date=data.date, label=data.label, lines=data.lines
                )
            )
        elif kind == "bulk":
            result = services.entries_post_bulk(
                entries=[_resolve(d, activities) for d in arg]  # type: ignore[attr-defined]
            )
            posted += list(Entry.objects.filter(pk__in=result.created))
        elif kind == "draft":
            data = _resolve(arg, activities)  # type: ignore[arg-type]
            drafts.append(
                services.entry_draft_create(
                    journal=data.journal, date=data.date, label=data.label, lines=data.lines
                )
            )
        elif kind == "validate_drafts":
            for draft in reversed(drafts) if arg else drafts:
                posted.append(services.entry_validate(entry=draft))
            drafts.clear()
        elif kind == "reverse" and posted:
            target = posted[int(arg) % len(posted)]  # type: ignore[call-overload]
            if target.reverses_id is None and not Entry.objects.filter(reverses=target).exists():
                posted.append(services.entry_reverse(entry=target, date=dt.date(2026, 12, 31)))


def _check_invariants(ranges: list[tuple[dt.date, dt.date]]) -> None:
    # Whole ledger and every range: Σ debit = Σ credit, in total and per activity, and the
    # monthly balances give exactly what the lines give.
    for date_from, date_to in [(dt.date(2025, 1, 1), dt.date(2026, 12, 31)), *ranges]:
        from_balances = selectors.sums(
            group_by=["account_id", "activity_id", "month"], date_from=date_from, date_to=date_to
        )
        from_lines = selectors.sums(
            group_by=["account_id", "activity_id", "month"],
            date_from=date_from,
            date_to=date_to,
            source="lines",
        )
        assert from_balances == from_lines
        trial = selectors.trial_balance(date_from=date_from, date_to=date_to)
        assert trial.total_debit == trial.total_credit
        assert trial.total_debit_balance == trial.total_credit_balance
        for activity, (debit, credit) in selectors.activity_balances(
            date_from=date_from, date_to=date_to
        ).items():
            assert debit == credit, activity

    # Gapless numbering per fiscal year and journal, chain linked in validation order.
    for year_id, journal_id, numbers in sql(
        "SELECT fiscal_year_id, journal_id, array_agg(number ORDER BY number) "
        "FROM accounting_entry WHERE status = 'validated' GROUP BY 1, 2"
    ):
        assert numbers == list(range(1, len(numbers) + 1)), (year_id, journal_id)
    for (year_id,) in sql("SELECT DISTINCT fiscal_year_id FROM accounting_entry"):
        chain = sql(
            "SELECT chain_seq, prev_hash, hash, validated_at FROM accounting_entry "
            "WHERE fiscal_year_id = %s AND status = 'validated' ORDER BY chain_seq",
            [year_id],
        )
        assert [row[0] for row in chain] == list(range(1, len(chain) + 1))
        links = [row[2] for row in chain[:-1]]
        assert [row[1] for row in chain] == (["0" * 64, *links] if chain else [])
        assert [row[3] for row in chain] == sorted(row[3] for row in chain)

    # An entry and its reversal cancel out exactly.
    assert (
        sql(
            "SELECT 1 FROM accounting_entry r JOIN accounting_entryline l "
            "ON l.entry_id IN (r.id, r.reverses_id) WHERE r.reverses_id IS NOT NULL "
            "GROUP BY r.id, l.account_id, l.activity_id HAVING sum(l.debit - l.credit) <> 0"
        )
        == []
    )


date_ranges = st.lists(
    st.tuples(YEAR_DAYS, YEAR_DAYS).map(lambda pair: (min(pair), max(pair))),
    min_size=1,
    max_size=4,
)


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(ops=operations, ranges=date_ranges)
def test_any_sequence_of_postings_keeps_the_ledger_balanced(
    ledger: Ledger, ops: list[tuple[str, object]], ranges: list[tuple[dt.date, dt.date]]
) -> None:
    services.fiscal_year_ensure(day=dt.date(2026, 1, 1))
    activities: list[int | None] = [ledger.a1.pk, ledger.a2.pk, None]
    # Each example starts from the same ledger: its postings are rolled back afterwards.
    try:
        with transaction.atomic():
            _apply(ops, activities)
            _check_invariants(ranges)
            raise _Rollback
    except _Rollback:
        pass


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    date_from=st.one_of(st.none(), YEAR_DAYS),
    date_to=YEAR_DAYS,
)
def test_a_range_splits_into_whole_and_partial_months_covering_it_exactly(
    date_from: dt.date | None, date_to: dt.date
) -> None:
    if date_from is not None and date_from > date_to:
        date_from, date_to = date_to, date_from
    split = selectors.split_range(date_from, date_to)
    days: list[dt.date] = []
    if split.last_month is not None:
        month = split.first_month or dt.date(2025, 1, 1)
        while month <= split.last_month:
            end = services.fiscal.month_end(month)
            days += [month + dt.timedelta(days=i) for i in range((end - month).days + 1)]
            month = services.fiscal.add_months(month, 1)
    for start, end in split.partial:
        days += [start + dt.timedelta(days=i) for i in range((end - start).days + 1)]
    start = date_from or dt.date(2025, 1, 1)
    expected = [start + dt.timedelta(days=i) for i in range((date_to - start).days + 1)]
    assert sorted(days) == expected
    assert len(days) == len(set(days))
