"""The batch posting function (`accounting_post_batch`, the import path) holds the ledger's rules
in the database: called with raw SQL as the application role, it refuses what a validation
refuses and writes nothing; its shortcut (validated rows written directly) is closed to everyone
else, even with its setting turned on."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accounting import services
from accounting.integrity import ledger_verify
from accounting.models import Entry, MonthlyBalance
from accounting.services import EntryInput, LineInput
from accounting.services.batch import _POST_BATCH, batch_columns
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import Ledger, build_ledger, one, raw_entry, refused, sql
from tests.factories import CooperativeFactory

D = Decimal
MARCH = dt.date(2025, 3, 10)


def _ids(code_or_table: str, code: str) -> int:
    return int(one(f"SELECT id FROM {code_or_table} WHERE code = %s", [code]))


def call(ledger: Ledger, entries: list[dict[str, Any]], lines: list[dict[str, Any]]) -> list[int]:
    """accounting_post_batch with the columns as the service sends them."""
    entry_columns = [
        [e.get("journal", _ids("accounting_journal", "OD")) for e in entries],
        [e.get("year", ledger.fiscal_year.pk) for e in entries],
        [e.get("date", MARCH).isoformat() for e in entries],
        ["" for _ in entries],
        [None for _ in entries],
        [e.get("label", "Lot") for e in entries],
        [e.get("key") for e in entries],
        [e.get("payload", "") for e in entries],
        ["" for _ in entries],
        [e.get("reverses") for e in entries],
    ]
    line_columns = [
        [line["entry"] for line in lines],
        [line["no"] for line in lines],
        [line["account"] for line in lines],
        [line.get("activity", ledger.a1.pk) for line in lines],
        [line.get("third_party") for line in lines],
        [line.get("debit", "0.00") for line in lines],
        [line.get("credit", "0.00") for line in lines],
        ["" for _ in lines],
    ]
    params = batch_columns((*entry_columns, *line_columns))
    return list(one(_POST_BATCH, [*params, None]))


def pair(entry: int, account_debit: int, account_credit: int, amount: str, **kw: Any) -> list[Any]:
    return [
        {"entry": entry, "no": 1, "account": account_debit, "debit": amount, **kw},
        {"entry": entry, "no": 2, "account": account_credit, "credit": amount, **kw},
    ]


def snapshot() -> tuple[int, int, list[Any]]:
    return (
        one("SELECT count(*) FROM accounting_entry"),
        one("SELECT count(*) FROM accounting_entryline"),
        sql("SELECT * FROM accounting_monthlybalance ORDER BY id"),
    )


def test_a_batch_is_numbered_after_the_existing_entries_chained_and_balanced(
    ledger: Ledger,
) -> None:
    bank, cash = _ids("accounting_account", "512"), _ids("accounting_account", "580")
    first = ledger.post(
        [
            LineInput("512", debit="5.00", activity=ledger.a1),
            LineInput("580", credit="5.00", activity=ledger.a1),
        ]
    )
    ids = call(
        ledger,
        [{"date": MARCH}, {"date": dt.date(2025, 4, 2)}],
        pair(1, bank, cash, "10.00") + pair(2, cash, bank, "2.50"),
    )
    assert ids == sorted(ids)
    assert ids[0] > first.pk
    posted = list(Entry.objects.filter(pk__in=ids).order_by("pk"))
    assert [(e.status, e.number, e.chain_seq) for e in posted] == [
        ("validated", 2, 2),
        ("validated", 3, 3),
    ]
    assert posted[0].prev_hash == Entry.objects.get(pk=first.pk).hash
    assert posted[1].prev_hash == posted[0].hash
    assert ledger_verify(fiscal_year=ledger.fiscal_year).ok
    balances = {
        (b.account_id, b.month): (b.debit, b.credit, b.line_count)
        for b in MonthlyBalance.objects.all()
    }
    assert balances == {
        (bank, dt.date(2025, 3, 1)): (D("15.00"), D("0.00"), 2),
        (cash, dt.date(2025, 3, 1)): (D("0.00"), D("15.00"), 2),
        (bank, dt.date(2025, 4, 1)): (D("0.00"), D("2.50"), 1),
        (cash, dt.date(2025, 4, 1)): (D("2.50"), D("0.00"), 1),
    }


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("unbalanced", "déséquilibrée \\(débit 10.00, crédit 9.00\\)"),
        ("one_line", "au moins deux lignes"),
        ("zero", "ligne\\(s\\) à zéro"),
        ("per_activity", "déséquilibrée pour l'activité A[12]"),
        ("foreign_account", "visent un compte, une activité ou un tiers inconnu"),
        ("no_third_party", "compte collectif sans tiers"),
        ("outside_year", "hors de l'exercice"),
        ("hard_locked", "verrouillée définitivement"),
    ],
)
def test_a_batch_breaking_a_rule_is_refused_whole(ledger: Ledger, change: str, message: str):
    bank, cash = _ids("accounting_account", "512"), _ids("accounting_account", "580")
    good = pair(1, bank, cash, "10.00")
    entries: list[dict[str, Any]] = [{}, {}]
    bad = pair(2, bank, cash, "10.00")
    if change == "unbalanced":
        bad[1]["credit"] = "9.00"
    elif change == "one_line":
        bad = bad[:1]
    elif change == "zero":
        bad = [*bad, {"entry": 2, "no": 3, "account": bank}]
    elif change == "per_activity":
        bad[1]["activity"] = ledger.a2.pk
    elif change == "foreign_account":
        other = CooperativeFactory.create()
        with cooperative_context(other.pk):
            build_ledger(other)
            bad[0]["account"] = _ids("accounting_account", "512")
    elif change == "no_third_party":
        bad[0]["account"] = _ids("accounting_account", "411")
    elif change == "outside_year":
        entries[1]["date"] = dt.date(2026, 1, 5)
    elif change == "hard_locked":
        sql("UPDATE accounting_period SET lock = 'hard' WHERE start_date = '2025-04-01'")
        entries[1]["date"] = dt.date(2025, 4, 5)
    before = snapshot()
    with refused(message):
        call(ledger, entries, good + bad)
    assert snapshot() == before


def test_a_reversal_in_a_batch_must_cancel_its_entry(ledger: Ledger) -> None:
    bank, cash = _ids("accounting_account", "512"), _ids("accounting_account", "580")
    original = ledger.post(
        [
            LineInput("512", debit="7.00", activity=ledger.a1),
            LineInput("580", credit="7.00", activity=ledger.a1),
        ]
    )
    before = snapshot()
    with refused("n'annule pas exactement"):
        call(ledger, [{"reverses": original.pk}], pair(1, cash, bank, "6.00"))
    assert snapshot() == before
    (reversal,) = call(ledger, [{"reverses": original.pk}], pair(1, cash, bank, "7.00"))
    assert Entry.objects.get(pk=reversal).reverses_id == original.pk
    with refused("entry_one_reversal"):
        call(ledger, [{"reverses": original.pk}], pair(1, cash, bank, "7.00"))


def test_the_shortcut_is_closed_to_the_application_role(ledger: Ledger) -> None:
    """Only the owner, inside the function, writes validated rows directly: the application
    role turning the setting on changes nothing."""
    sql("SELECT set_config('accounting.batch', 'on', true)")
    assert one("SELECT accounting_batch_active()") is False
    before = snapshot()
    with refused("créée en brouillard"):
        sql(
            "INSERT INTO accounting_entry (cooperative_id, journal_id, fiscal_year_id, date, "
            "piece_ref, label, status, number, chain_seq, validated_at, prev_hash, hash, "
            "payload_hash, source, created_at) VALUES (%s, %s, %s, %s, '', 'brut', 'validated', "
            "1, 1, now(), repeat('0', 64), repeat('1', 64), '', '', now())",
            [ledger.cooperative.pk, _ids("accounting_journal", "OD"), ledger.fiscal_year.pk, MARCH],
        )
    with refused("ne s'écrivent qu'à la validation"):
        sql(
            "INSERT INTO accounting_monthlybalance (cooperative_id, account_id, activity_id, "
            "month, debit, credit, line_count) VALUES (%s, %s, NULL, '2025-03-01', 1, 0, 1)",
            [ledger.cooperative.pk, _ids("accounting_account", "512")],
        )
    assert snapshot() == before
    entry = raw_entry(ledger)
    with refused("au moins deux lignes"):
        sql("UPDATE accounting_entry SET status = 'validated' WHERE id = %s", [entry])
    assert one("SELECT status FROM accounting_entry WHERE id = %s", [entry]) == "draft"


def test_the_bulk_service_and_a_later_single_posting_share_one_chain(ledger: Ledger) -> None:
    result = services.entries_post_bulk(
        entries=[
            EntryInput(
                "OD",
                dt.date(2025, 3, day),
                f"Import {day}",
                [
                    LineInput("512", debit=D(day), activity=ledger.a1),
                    LineInput("580", credit=D(day), activity=ledger.a1),
                ],
                idempotency_key=f"import:{day}",
            )
            for day in (3, 1, 2)
        ]
    )
    later = ledger.post(
        [
            LineInput("512", debit="1.00", activity=ledger.a2),
            LineInput("580", credit="1.00", activity=ledger.a2),
        ]
    )
    posted = Entry.objects.filter(pk__in=[*result.created, later.pk]).order_by("number")
    assert [(e.date.day, e.number, e.chain_seq) for e in posted] == [
        (1, 1, 1),
        (2, 2, 2),
        (3, 3, 3),
        (10, 4, 4),
    ]
    assert ledger_verify().ok


def test_a_bulk_posting_over_two_years_in_several_chunks_keeps_each_years_chain(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Chunks overlap (the next one is checked while the database posts this one): the numbers,
    chains and balances come out as from one call, each year's chain continuing its head."""
    from accounting.services import batch as batch_module

    monkeypatch.setattr(batch_module, "_CHUNK", 2)
    next_year = services.fiscal_year_ensure(day=dt.date(2026, 6, 30))
    ledger.post(
        [
            LineInput("512", debit="1.00", activity=ledger.a1),
            LineInput("580", credit="1.00", activity=ledger.a1),
        ]
    )
    days = [dt.date(2026, 1, 3), dt.date(2025, 5, 2), dt.date(2026, 1, 2), dt.date(2025, 5, 1)]
    days += [dt.date(2025, 6, 1)]
    result = services.entries_post_bulk(
        entries=[
            EntryInput(
                "OD",
                day,
                f"Import {n}",
                [
                    LineInput("512", debit=D(n), activity=ledger.a1),
                    LineInput("580", credit=D(n), activity=ledger.a1),
                ],
                idempotency_key=f"import:{n}",
            )
            for n, day in enumerate(days, start=1)
        ]
    )
    posted = Entry.objects.filter(pk__in=result.created).order_by("pk")
    assert [(e.date, e.fiscal_year_id, e.number, e.chain_seq) for e in posted] == [
        (dt.date(2025, 5, 1), ledger.fiscal_year.pk, 2, 2),
        (dt.date(2025, 5, 2), ledger.fiscal_year.pk, 3, 3),
        (dt.date(2025, 6, 1), ledger.fiscal_year.pk, 4, 4),
        (dt.date(2026, 1, 2), next_year.pk, 1, 1),
        (dt.date(2026, 1, 3), next_year.pk, 2, 2),
    ]
    assert [e.prev_hash for e in posted][3] == "0" * 64
    assert posted[1].prev_hash == posted[0].hash
    assert ledger_verify(fiscal_year=ledger.fiscal_year).ok
    assert ledger_verify(fiscal_year=next_year).ok
    assert MonthlyBalance.objects.filter(month=dt.date(2026, 1, 1)).count() == 2


def test_a_refusal_in_a_later_chunk_leaves_nothing_of_the_earlier_ones(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch
) -> None:
    from accounting.services import batch as batch_module

    monkeypatch.setattr(batch_module, "_CHUNK", 1)
    before = Entry.objects.count()

    def entry(n: int, credit: str) -> EntryInput:
        return EntryInput(
            "OD",
            dt.date(2025, 3, n),
            f"Import {n}",
            [
                LineInput("512", debit=D(n), activity=ledger.a1),
                LineInput("580", credit=D(credit), activity=ledger.a1),
            ],
        )

    with pytest.raises(ApplicationError, match="Écriture 3 \\(Import 3\\) : Écriture déséq"):
        services.entries_post_bulk(entries=[entry(1, "1"), entry(2, "2"), entry(3, "4")])
    assert Entry.objects.count() == before
    # A refusal by the database itself (the service's own check of locks skipped) too.
    monkeypatch.setattr(batch_module, "entry_check_postable", lambda *args, **kwargs: None)
    sql("UPDATE accounting_period SET lock = 'hard' WHERE start_date = '2025-03-01'")
    with pytest.raises(ApplicationError, match="écriture 1 du lot : la période du 2025-03-0"):
        services.entries_post_bulk(entries=[entry(1, "1"), entry(2, "2")])
    assert Entry.objects.count() == before
