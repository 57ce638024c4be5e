"""Every ledger rule holds in the database itself: raw SQL, as the application role, cannot break
it. Each test tries, fails, and checks that nothing changed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction

from accounting import services
from accounting.models import Entry, EntryLine, FiscalYear, MonthlyBalance, Period
from accounting.services import LineInput
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import Ledger, build_ledger, one, raw_entry, refused, sql
from tests.factories import CooperativeFactory

D = Decimal
MARCH = dt.date(2025, 3, 10)


def raw_line(
    ledger: Ledger,
    entry_id: int,
    account: str,
    debit: str = "0",
    credit: str = "0",
    *,
    activity: int | None = None,
    third_party: int | None = None,
    line_no: int | None = None,
    account_id: int | None = None,
) -> int:
    if line_no is None:
        line_no = one(
            "SELECT count(*) + 1 FROM accounting_entryline WHERE entry_id = %s", [entry_id]
        )
    return int(
        one(
            "INSERT INTO accounting_entryline (cooperative_id, entry_id, line_no, date, "
            "account_id, activity_id, third_party_id, debit, credit, label) VALUES (%s, %s, %s, "
            "(SELECT date FROM accounting_entry WHERE id = %s), "
            "coalesce(%s, (SELECT id FROM accounting_account WHERE code = %s)), "
            "%s, %s, %s, %s, '') RETURNING id",
            [
                ledger.cooperative.pk,
                entry_id,
                line_no,
                entry_id,
                account_id,
                account,
                activity,
                third_party,
                debit,
                credit,
            ],
        )
    )


def validate(entry_id: int) -> None:
    sql("UPDATE accounting_entry SET status = 'validated' WHERE id = %s", [entry_id])


def status(entry_id: int) -> str:
    return str(one("SELECT status FROM accounting_entry WHERE id = %s", [entry_id]))


def balanced_draft(ledger: Ledger, amount: str = "100.00", **kwargs) -> int:
    entry = raw_entry(ledger, **kwargs)
    raw_line(ledger, entry, "512", debit=amount, activity=ledger.a1.pk)
    raw_line(ledger, entry, "580", credit=amount, activity=ledger.a1.pk)
    return entry


# --- Balance and line shape -----------------------------------------------------------------------


def test_an_unbalanced_entry_cannot_be_validated(ledger: Ledger) -> None:
    entry = raw_entry(ledger)
    raw_line(ledger, entry, "512", debit="100.00", activity=ledger.a1.pk)
    raw_line(ledger, entry, "580", credit="90.00", activity=ledger.a1.pk)

    with refused("déséquilibrée \\(débit 100.00, crédit 90.00\\)"):
        validate(entry)

    assert status(entry) == "draft"
    assert MonthlyBalance.objects.count() == 0


def test_a_draft_may_be_unbalanced(ledger: Ledger) -> None:
    entry = raw_entry(ledger)
    raw_line(ledger, entry, "512", debit="100.00")
    assert status(entry) == "draft"


@pytest.mark.parametrize("count", [0, 1])
def test_a_validated_entry_has_at_least_two_lines(ledger: Ledger, count: int) -> None:
    entry = raw_entry(ledger)
    if count:
        raw_line(ledger, entry, "512", debit="0")

    with refused("au moins deux lignes"):
        validate(entry)
    assert status(entry) == "draft"


def test_a_zero_line_cannot_be_validated(ledger: Ledger) -> None:
    entry = balanced_draft(ledger)
    raw_line(ledger, entry, "471", debit="0", credit="0", activity=ledger.a1.pk)

    with refused("1 ligne\\(s\\) à zéro"):
        validate(entry)
    assert status(entry) == "draft"


@pytest.mark.parametrize(
    ("debit", "credit", "constraint"),
    [
        ("10.00", "10.00", "entryline_one_side"),
        ("-10.00", "0", "entryline_amounts_not_negative"),
        ("0", "-5.00", "entryline_amounts_not_negative"),
    ],
)
def test_a_line_is_on_one_side_and_positive(
    ledger: Ledger, debit: str, credit: str, constraint: str
) -> None:
    entry = raw_entry(ledger)
    with refused(constraint):
        raw_line(ledger, entry, "512", debit=debit, credit=credit)
    assert one("SELECT count(*) FROM accounting_entryline WHERE entry_id = %s", [entry]) == 0


def test_amounts_are_exact_numerics(ledger: Ledger) -> None:
    assert sql(
        "SELECT data_type, numeric_precision, numeric_scale FROM information_schema.columns "
        "WHERE table_name = 'accounting_entryline' AND column_name IN ('debit', 'credit')"
    ) == [("numeric", 14, 2), ("numeric", 14, 2)]


# --- Balance per activity -------------------------------------------------------------------------


def test_each_activity_must_balance(ledger: Ledger) -> None:
    entry = raw_entry(ledger)
    raw_line(ledger, entry, "512", debit="100.00", activity=ledger.a1.pk)
    raw_line(ledger, entry, "512", credit="100.00", activity=ledger.a2.pk)

    with refused("déséquilibrée pour l'activité A(1|2) \\(écart -?100.00\\)"):
        validate(entry)
    assert status(entry) == "draft"


def test_the_structure_section_is_an_activity_too(ledger: Ledger) -> None:
    entry = raw_entry(ledger)
    raw_line(ledger, entry, "512", debit="100.00", activity=ledger.a1.pk)
    raw_line(ledger, entry, "512", credit="100.00", activity=None)

    with refused("activité (A1|STRUCTURE)"):
        validate(entry)


def test_an_exempt_journal_balances_in_total_only(ledger: Ledger) -> None:
    sql(
        "INSERT INTO accounting_journal (cooperative_id, code, label, kind, "
        "exempt_from_activity_balance) VALUES (%s, 'OC', 'Coopérative', 'miscellaneous', true)",
        [ledger.cooperative.pk],
    )
    entry = raw_entry(ledger, journal="OC")
    raw_line(ledger, entry, "512", debit="100.00", activity=ledger.a1.pk)
    raw_line(ledger, entry, "512", credit="100.00", activity=ledger.a2.pk)

    validate(entry)

    assert status(entry) == "validated"


def test_an_exempt_journal_still_balances_in_total(ledger: Ledger) -> None:
    sql(
        "INSERT INTO accounting_journal (cooperative_id, code, label, kind, "
        "exempt_from_activity_balance) VALUES (%s, 'OC', 'Coopérative', 'miscellaneous', true)",
        [ledger.cooperative.pk],
    )
    entry = raw_entry(ledger, journal="OC")
    raw_line(ledger, entry, "512", debit="100.00", activity=ledger.a1.pk)
    raw_line(ledger, entry, "512", credit="99.99", activity=ledger.a2.pk)
    with refused("déséquilibrée \\(débit"):
        validate(entry)


def test_the_exemption_cannot_be_granted_after_use(ledger: Ledger) -> None:
    validate(balanced_draft(ledger))
    with refused("OD : déjà utilisé"):
        sql("UPDATE accounting_journal SET exempt_from_activity_balance = true WHERE code = 'OD'")


# --- References -----------------------------------------------------------------------------------


def test_lines_cannot_use_another_cooperatives_account_or_activity(ledger: Ledger) -> None:
    other = CooperativeFactory.create()
    with cooperative_context(other.pk):
        theirs = build_ledger(other)
        their_bank = one("SELECT id FROM accounting_account WHERE code = '512'")
        their_activity = theirs.a1.pk
        their_customer = one("SELECT id FROM accounting_thirdparty LIMIT 1")
    # Row-level security hides the other cooperative's rows: the line joins to nothing.
    entry = raw_entry(ledger)
    with refused("compte, activité ou tiers inconnu"):
        raw_line(ledger, entry, "", debit="10.00", account_id=their_bank, activity=ledger.a1.pk)
    with refused("compte, activité ou tiers inconnu"):
        raw_line(ledger, entry, "512", debit="10.00", activity=their_activity)
    with refused("compte, activité ou tiers inconnu"):
        raw_line(ledger, entry, "411", debit="10.00", third_party=their_customer)
    assert one("SELECT count(*) FROM accounting_entryline WHERE entry_id = %s", [entry]) == 0


def test_lines_and_entries_cannot_point_to_missing_rows(ledger: Ledger) -> None:
    """No foreign-key constraint on the ledger's big tables: the triggers check references."""
    entry = raw_entry(ledger)
    with refused("compte, activité ou tiers inconnu"):
        raw_line(ledger, entry, "", debit="10.00", account_id=10**12)
    with refused("compte, activité ou tiers inconnu"):
        raw_line(ledger, entry, "512", debit="10.00", activity=10**12)
    with refused("écriture introuvable"):
        sql(
            "INSERT INTO accounting_entryline (cooperative_id, entry_id, line_no, date, "
            "account_id, debit, credit, label) VALUES (%s, %s, 1, %s, "
            "(SELECT id FROM accounting_account WHERE code = '512'), 10, 0, '')",
            [ledger.cooperative.pk, 10**12, MARCH],
        )
    line = raw_line(ledger, entry, "512", debit="10.00", activity=ledger.a1.pk)
    for column in ("account_id", "activity_id", "third_party_id"):
        with refused("introuvable"):
            sql(f"UPDATE accounting_entryline SET {column} = %s WHERE id = %s", [10**12, line])
    with refused("journal introuvable"):
        sql("UPDATE accounting_entry SET journal_id = %s WHERE id = %s", [10**12, entry])
    with refused("écriture extournée introuvable"):
        sql("UPDATE accounting_entry SET reverses_id = %s WHERE id = %s", [10**12, entry])
    with refused("exercice introuvable"):
        raw_entry(ledger, fiscal_year=10**12)
    with refused("écriture extournée introuvable"):
        raw_entry(ledger, reverses=10**12)
    assert one("SELECT account_id FROM accounting_entryline WHERE id = %s", [line]) == one(
        "SELECT id FROM accounting_account WHERE code = '512'"
    )


def test_rows_the_ledger_uses_cannot_be_deleted(ledger: Ledger) -> None:
    entry = balanced_draft(ledger)
    validate(entry)
    draft = balanced_draft(ledger)
    bank = one("SELECT id FROM accounting_account WHERE code = '512'")
    journal = one("SELECT journal_id FROM accounting_entry WHERE id = %s", [entry])
    for statement, params, message in (
        ("DELETE FROM accounting_account WHERE id = %s", [bank], "compte"),
        ("DELETE FROM entrepreneurs_activity WHERE id = %s", [ledger.a1.pk], "activité"),
        ("DELETE FROM accounting_journal WHERE id = %s", [journal], "journal"),
        ("DELETE FROM accounting_entry WHERE id = %s", [draft], "écriture"),
    ):
        with refused(f"{message} \\d+ : encore utilisé en écriture"):
            sql(statement, params)
    assert one("SELECT count(*) FROM accounting_account WHERE id = %s", [bank]) == 1
    # Once its lines are gone, a draft goes; an unused account too.
    sql("DELETE FROM accounting_entryline WHERE entry_id = %s", [draft])
    sql("DELETE FROM accounting_entry WHERE id = %s", [draft])
    unused = one(
        "INSERT INTO accounting_account (cooperative_id, code, label, requires_third_party, "
        "is_active) VALUES (%s, '471999', 'attente', false, true) RETURNING id",
        [ledger.cooperative.pk],
    )
    sql("DELETE FROM accounting_account WHERE id = %s", [unused])
    assert one("SELECT count(*) FROM accounting_entry WHERE id = %s", [draft]) == 0


@pytest.mark.parametrize("validated_entry", [True, False], ids=["validated", "draft"])
def test_a_fiscal_year_with_an_entry_cannot_be_deleted(
    ledger: Ledger, validated_entry: bool
) -> None:
    entry = balanced_draft(ledger)
    if validated_entry:
        validate(entry)
    year = ledger.fiscal_year.pk
    sql("DELETE FROM accounting_period WHERE fiscal_year_id = %s", [year])
    with refused("exercice \\d+ : encore utilisé en écriture"):
        sql("DELETE FROM accounting_fiscalyear WHERE id = %s", [year])
    assert one("SELECT count(*) FROM accounting_fiscalyear WHERE id = %s", [year]) == 1
    # Without entries, the year goes.
    empty = one(
        "INSERT INTO accounting_fiscalyear (cooperative_id, start_date, end_date, status, "
        "chain_head, chain_length, fec_sha256) VALUES (%s, '2030-01-01', '2030-12-31', 'open', "
        "'', 0, '') RETURNING id",
        [ledger.cooperative.pk],
    )
    sql("DELETE FROM accounting_fiscalyear WHERE id = %s", [empty])
    assert one("SELECT count(*) FROM accounting_fiscalyear WHERE id = %s", [empty]) == 0


def test_a_collective_account_needs_a_third_party(ledger: Ledger) -> None:
    entry = raw_entry(ledger, journal="VT")
    raw_line(ledger, entry, "411", debit="10.00", activity=ledger.a1.pk)
    raw_line(ledger, entry, "706", credit="10.00", activity=ledger.a1.pk)
    with refused("compte collectif sans tiers"):
        validate(entry)


# --- Immutability ---------------------------------------------------------------------------------


@pytest.fixture
def validated(ledger: Ledger) -> int:
    entry = balanced_draft(ledger)
    validate(entry)
    return entry


@pytest.mark.parametrize(
    "change",
    [
        "debit = 200",
        "credit = credit",  # a no-op on the amounts, but with…
        "account_id = (SELECT id FROM accounting_account WHERE code = '471')",
        "activity_id = NULL",
        "label = 'changé'",
        "line_no = line_no + 10",
        "date = date + 1",
    ],
)
def test_validated_lines_are_immutable(ledger: Ledger, validated: int, change: str) -> None:
    before = sql("SELECT * FROM accounting_entryline WHERE entry_id = %s ORDER BY id", [validated])
    statement = f"UPDATE accounting_entryline SET {change} WHERE entry_id = %s"
    if change == "credit = credit":
        statement = (
            "UPDATE accounting_entryline SET credit = credit, debit = debit + 1 WHERE entry_id = %s"
        )
    with refused("seul le lettrage peut changer"):
        sql(statement, [validated])
    after = sql("SELECT * FROM accounting_entryline WHERE entry_id = %s ORDER BY id", [validated])
    assert after == before


def test_lines_cannot_be_added_to_or_removed_from_a_validated_entry(
    ledger: Ledger, validated: int
) -> None:
    with refused("on n'y ajoute pas de ligne"):
        raw_line(ledger, validated, "512", debit="1.00", activity=ledger.a1.pk)
    with refused("suppression interdite"):
        sql("DELETE FROM accounting_entryline WHERE entry_id = %s", [validated])
    with refused("une ligne ne change pas d'écriture"):
        draft = raw_entry(ledger)
        sql(
            "UPDATE accounting_entryline SET entry_id = %s WHERE entry_id = %s",
            [draft, validated],
        )
    assert one("SELECT count(*) FROM accounting_entryline WHERE entry_id = %s", [validated]) == 2


@pytest.mark.parametrize(
    "change",
    [
        "label = 'changé'",
        "date = date + 1",
        "status = 'draft'",
        "number = number + 1",
        "validated_at = now()",
        "hash = repeat('0', 64)",
        "journal_id = (SELECT id FROM accounting_journal WHERE code = 'VT')",
        "idempotency_key = 'après-coup', payload_hash = 'x'",
    ],
)
def test_validated_entries_are_immutable(ledger: Ledger, validated: int, change: str) -> None:
    before = sql("SELECT * FROM accounting_entry WHERE id = %s", [validated])
    with refused("ne peut plus être modifiée"):
        sql(f"UPDATE accounting_entry SET {change} WHERE id = %s", [validated])
    assert sql("SELECT * FROM accounting_entry WHERE id = %s", [validated]) == before


def test_validated_entries_are_never_deleted(ledger: Ledger, validated: int) -> None:
    with refused("ne peut être supprimée, seulement extournée"):
        sql("DELETE FROM accounting_entry WHERE id = %s", [validated])
    assert status(validated) == "validated"


def test_drafts_can_be_deleted(ledger: Ledger) -> None:
    entry = balanced_draft(ledger)
    sql("DELETE FROM accounting_entryline WHERE entry_id = %s", [entry])
    sql("DELETE FROM accounting_entry WHERE id = %s", [entry])
    assert one("SELECT count(*) FROM accounting_entry") == 0


def test_an_entry_is_inserted_as_a_draft(ledger: Ledger) -> None:
    with refused("créée en brouillard"):
        sql(
            "INSERT INTO accounting_entry (cooperative_id, journal_id, fiscal_year_id, date, "
            "piece_ref, label, status, number, chain_seq, validated_at, prev_hash, hash, "
            "payload_hash, source, created_at) VALUES (%s, (SELECT id FROM accounting_journal "
            "WHERE code = 'OD'), %s, '2025-03-01', '', 'x', 'validated', 1, 1, now(), "
            "repeat('0', 64), repeat('0', 64), '', '', now())",
            [ledger.cooperative.pk, ledger.fiscal_year.pk],
        )
    assert one("SELECT count(*) FROM accounting_entry") == 0


def test_validation_changes_nothing_but_the_status(ledger: Ledger) -> None:
    entry = balanced_draft(ledger)
    with refused("la validation ne modifie que le statut"):
        sql("UPDATE accounting_entry SET status = 'validated', label = 'x' WHERE id = %s", [entry])
    assert status(entry) == "draft"


def test_a_line_carries_its_entrys_date(ledger: Ledger) -> None:
    entry = raw_entry(ledger)
    with refused("sa date \\(2025-03-11\\) doit être celle de l'écriture \\(2025-03-10\\)"):
        sql(
            "INSERT INTO accounting_entryline (cooperative_id, entry_id, line_no, date, "
            "account_id, debit, credit, label) VALUES (%s, %s, 1, '2025-03-11', "
            "(SELECT id FROM accounting_account WHERE code = '512'), 1, 0, '')",
            [ledger.cooperative.pk, entry],
        )


def test_draft_lines_follow_their_entry_date_and_cannot_be_lettered(ledger: Ledger) -> None:
    entry = balanced_draft(ledger)
    assert sql("SELECT DISTINCT date FROM accounting_entryline WHERE entry_id = %s", [entry]) == [
        (MARCH,)
    ]
    sql("UPDATE accounting_entry SET date = '2025-04-02' WHERE id = %s", [entry])
    assert sql("SELECT DISTINCT date FROM accounting_entryline WHERE entry_id = %s", [entry]) == [
        (dt.date(2025, 4, 2),)
    ]
    with refused("seules les lignes validées se lettrent"):
        sql(
            "UPDATE accounting_entryline SET lettering = 'A', lettering_date = '2025-04-02' "
            "WHERE entry_id = %s",
            [entry],
        )


# --- Lettering ------------------------------------------------------------------------------------


def _sale_and_payment(ledger: Ledger) -> tuple[int, int, int]:
    sale = raw_entry(ledger, journal="VT")
    receivable = raw_line(
        ledger,
        sale,
        "411",
        debit="120.00",
        activity=ledger.a1.pk,
        third_party=ledger.customer.pk,
    )
    raw_line(ledger, sale, "706", credit="120.00", activity=ledger.a1.pk)
    payment = raw_entry(ledger, journal="BQ")
    raw_line(ledger, payment, "512", debit="100.00", activity=ledger.a1.pk)
    paid = raw_line(
        ledger,
        payment,
        "411",
        credit="100.00",
        activity=ledger.a1.pk,
        third_party=ledger.customer.pk,
    )
    validate(sale)
    validate(payment)
    return sale, receivable, paid


def test_lettering_is_the_one_change_allowed_and_must_settle(ledger: Ledger) -> None:
    _sale, receivable, paid = _sale_and_payment(ledger)
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    # 120 against 100: the group does not settle.
    with refused("lettrage A : les lignes ne se soldent pas \\(écart 20.00\\)"):
        sql(
            "UPDATE accounting_entryline SET lettering = 'A', lettering_date = '2025-04-01' "
            "WHERE id IN (%s, %s)",
            [receivable, paid],
        )
    assert one("SELECT count(*) FROM accounting_entryline WHERE lettering IS NOT NULL") == 0


def test_lettering_is_checked_at_commit_so_groups_build_line_by_line(ledger: Ledger) -> None:
    _sale, receivable, _paid = _sale_and_payment(ledger)
    payment = raw_entry(ledger, journal="BQ")
    raw_line(ledger, payment, "512", debit="120.00", activity=ledger.a1.pk)
    full = raw_line(
        ledger,
        payment,
        "411",
        credit="120.00",
        activity=ledger.a1.pk,
        third_party=ledger.customer.pk,
    )
    validate(payment)
    for line in (receivable, full):  # one line at a time: unbalanced in between
        sql(
            "UPDATE accounting_entryline SET lettering = 'B', lettering_date = '2025-04-01' "
            "WHERE id = %s",
            [line],
        )
    sql("SET CONSTRAINTS ALL IMMEDIATE")  # the deferred check runs now, and passes
    assert one("SELECT count(*) FROM accounting_entryline WHERE lettering = 'B'") == 2
    # Unlettering one line of the group leaves the other alone: refused.
    with refused("lettrage B : les lignes ne se soldent pas"):
        sql(
            "UPDATE accounting_entryline SET lettering = NULL, lettering_date = NULL WHERE id = %s",
            [full],
        )


def test_lettering_groups_one_third_party(ledger: Ledger) -> None:
    other = services.third_party_create(kind="customer", code="CLIENT2", name="Client Deux")
    sale = raw_entry(ledger, journal="VT")
    a = raw_line(
        ledger, sale, "411", debit="50.00", activity=ledger.a1.pk, third_party=ledger.customer.pk
    )
    b = raw_line(ledger, sale, "411", credit="50.00", activity=ledger.a1.pk, third_party=other.pk)
    validate(sale)
    sql("SET CONSTRAINTS ALL IMMEDIATE")
    with refused("plusieurs tiers"):
        sql(
            "UPDATE accounting_entryline SET lettering = 'C', lettering_date = '2025-04-01' "
            "WHERE id IN (%s, %s)",
            [a, b],
        )


# --- Reversals ------------------------------------------------------------------------------------


def _reversal_of(ledger: Ledger, original: int, amount: str = "100.00") -> int:
    entry = raw_entry(ledger, reverses=original)
    raw_line(ledger, entry, "512", credit=amount, activity=ledger.a1.pk)
    raw_line(ledger, entry, "580", debit=amount, activity=ledger.a1.pk)
    return entry


def test_a_reversal_is_linked_and_there_is_at_most_one(ledger: Ledger, validated: int) -> None:
    reversal = _reversal_of(ledger, validated)
    validate(reversal)
    assert status(reversal) == "validated"

    with refused("entry_one_reversal"):
        raw_entry(ledger, reverses=validated)
    assert one("SELECT count(*) FROM accounting_entry WHERE reverses_id = %s", [validated]) == 1


def test_a_reversal_must_cancel_the_original_exactly(ledger: Ledger, validated: int) -> None:
    reversal = _reversal_of(ledger, validated, amount="90.00")
    with refused("n'annule pas exactement"):
        validate(reversal)


def test_only_a_validated_entry_is_reversed_and_never_a_reversal(
    ledger: Ledger, validated: int
) -> None:
    draft = balanced_draft(ledger)
    reversal = _reversal_of(ledger, draft)
    with refused("l'écriture extournée doit être validée"):
        validate(reversal)

    first = _reversal_of(ledger, validated)
    validate(first)
    second = raw_entry(ledger, reverses=first)
    raw_line(ledger, second, "512", debit="100.00", activity=ledger.a1.pk)
    raw_line(ledger, second, "580", credit="100.00", activity=ledger.a1.pk)
    with refused("on n'extourne pas une extourne"):
        validate(second)


def test_an_entry_is_not_its_own_reversal(ledger: Ledger) -> None:
    entry = balanced_draft(ledger)
    with refused("entry_not_its_own_reversal"):
        sql("UPDATE accounting_entry SET reverses_id = id WHERE id = %s", [entry])


# --- Numbering, timestamps, chain -----------------------------------------------------------------


def test_numbers_are_gapless_per_journal_and_year_and_set_by_the_database(ledger: Ledger) -> None:
    ids = [balanced_draft(ledger) for _ in range(3)]
    bank = raw_entry(ledger, journal="BQ")
    raw_line(ledger, bank, "512", debit="5.00", activity=ledger.a1.pk)
    raw_line(ledger, bank, "580", credit="5.00", activity=ledger.a1.pk)
    for entry in ids[:2]:
        validate(entry)
    # Numbers, timestamps and hashes given by the client are replaced by the database's.
    sql(
        "UPDATE accounting_entry SET status = 'validated', number = 99, "
        "validated_at = '2000-01-01', hash = 'forged' WHERE id = %s",
        [ids[2]],
    )
    validate(bank)

    rows = sql(
        "SELECT j.code, e.number, e.chain_seq, e.validated_at > now() - interval '1 hour', "
        "e.hash <> 'forged' FROM accounting_entry e JOIN accounting_journal j "
        "ON j.id = e.journal_id ORDER BY e.chain_seq"
    )
    assert rows == [
        ("OD", 1, 1, True, True),
        ("OD", 2, 2, True, True),
        ("OD", 3, 3, True, True),
        ("BQ", 1, 4, True, True),
    ]


def test_numbering_restarts_each_fiscal_year(ledger: Ledger) -> None:
    next_year = services.fiscal_year_create(start_date=dt.date(2026, 1, 1))
    validate(balanced_draft(ledger))
    later = balanced_draft(ledger, date=dt.date(2026, 2, 1), fiscal_year=next_year.pk)
    validate(later)
    assert one("SELECT number FROM accounting_entry WHERE id = %s", [later]) == 1


def test_validation_timestamps_never_go_backwards_and_chain_links(ledger: Ledger) -> None:
    for _ in range(4):
        validate(balanced_draft(ledger))
    rows = sql("SELECT validated_at, prev_hash, hash FROM accounting_entry ORDER BY chain_seq")
    assert [r[0] for r in rows] == sorted(r[0] for r in rows)
    assert rows[0][1] == "0" * 64
    assert [r[1] for r in rows[1:]] == [r[2] for r in rows[:-1]]
    # The hash is sha256(previous hash + canonical text), recomputable by anyone.
    import hashlib

    canonical = one(
        "SELECT accounting_entry_canonical(e) FROM accounting_entry e WHERE chain_seq = 2"
    )
    assert hashlib.sha256((rows[0][2] + canonical).encode()).hexdigest() == rows[1][2]


def test_the_date_must_be_inside_the_fiscal_year(ledger: Ledger) -> None:
    entry = balanced_draft(ledger, date=dt.date(2026, 1, 5))
    with refused("hors de l'exercice"):
        validate(entry)


# --- Locks and closing ----------------------------------------------------------------------------


def test_no_posting_into_a_hard_locked_period_and_the_lock_is_final(ledger: Ledger) -> None:
    entry = balanced_draft(ledger)
    sql("UPDATE accounting_period SET lock = 'hard' WHERE start_date = '2025-03-01'")
    with refused("verrouillée définitivement"):
        validate(entry)
    with refused("un verrouillage définitif ne se lève pas"):
        sql("UPDATE accounting_period SET lock = 'open' WHERE start_date = '2025-03-01'")
    with refused("une période verrouillée ne se supprime pas"):
        sql("DELETE FROM accounting_period WHERE start_date = '2025-03-01'")
    with refused("seul le verrou d'une période peut changer"):
        sql("UPDATE accounting_period SET end_date = '2025-03-30' WHERE start_date = '2025-03-01'")
    assert status(entry) == "draft"


def test_a_soft_lock_lets_through_only_when_the_service_says_so(ledger: Ledger) -> None:
    entry = balanced_draft(ledger)
    sql("UPDATE accounting_period SET lock = 'soft' WHERE start_date = '2025-03-01'")
    with refused("la période du 2025-03-10 est verrouillée"):
        validate(entry)
    sql("SELECT set_config('accounting.allow_soft_locked', 'on', true)")
    validate(entry)
    sql("SELECT set_config('accounting.allow_soft_locked', '', true)")
    assert status(entry) == "validated"


def test_no_period_no_posting(ledger: Ledger) -> None:
    entry = balanced_draft(ledger)
    sql("DELETE FROM accounting_period WHERE start_date = '2025-03-01'")
    with refused("aucune période ne couvre"):
        validate(entry)


def test_closing_a_year_seals_it_and_nothing_is_posted_after(ledger: Ledger) -> None:
    validate(balanced_draft(ledger))
    head = one("SELECT hash FROM accounting_entry WHERE chain_seq = 1")
    leftover = balanced_draft(ledger)
    year = ledger.fiscal_year.pk
    with refused("passe en clôture avant"):
        sql("UPDATE accounting_fiscalyear SET status = 'closed' WHERE id = %s", [year])
    sql("UPDATE accounting_fiscalyear SET status = 'closing' WHERE id = %s", [year])
    with refused("toutes les périodes doivent être verrouillées"):
        sql("UPDATE accounting_fiscalyear SET status = 'closed' WHERE id = %s", [year])
    sql("UPDATE accounting_period SET lock = 'hard' WHERE fiscal_year_id = %s", [year])
    with refused("des brouillards restent"):
        sql("UPDATE accounting_fiscalyear SET status = 'closed' WHERE id = %s", [year])
    sql("DELETE FROM accounting_entryline WHERE entry_id = %s", [leftover])
    sql("DELETE FROM accounting_entry WHERE id = %s", [leftover])
    with refused("le sceau d'un exercice s'écrit à sa clôture"):
        sql("UPDATE accounting_fiscalyear SET chain_head = 'x' WHERE id = %s", [year])

    sql(
        "UPDATE accounting_fiscalyear SET status = 'closed', chain_head = 'forged', "
        "chain_length = 42 WHERE id = %s",
        [year],
    )

    assert sql(
        "SELECT status, chain_length, chain_head, closed_at IS NOT NULL "
        "FROM accounting_fiscalyear WHERE id = %s",
        [year],
    ) == [("closed", 1, head, True)]
    with refused("exercice clôturé : il ne peut plus être modifié"):
        sql("UPDATE accounting_fiscalyear SET status = 'open' WHERE id = %s", [year])
    with refused("un exercice clôturé ne se supprime pas"):
        sql("DELETE FROM accounting_fiscalyear WHERE id = %s", [year])
    with refused("exercice introuvable ou clôturé"):
        raw_entry(ledger)


def test_fiscal_years_and_periods_never_overlap(ledger: Ledger) -> None:
    with refused("fiscalyear_no_overlap"):
        sql(
            "INSERT INTO accounting_fiscalyear (cooperative_id, start_date, end_date, status, "
            "chain_head, chain_length, fec_sha256) VALUES (%s, '2025-07-01', '2026-06-30', "
            "'open', '', 0, '')",
            [ledger.cooperative.pk],
        )
    with refused("period_no_overlap|period_unique"):
        sql(
            "INSERT INTO accounting_period (cooperative_id, fiscal_year_id, start_date, "
            "end_date, lock) VALUES (%s, %s, '2025-03-15', '2025-04-14', 'open')",
            [ledger.cooperative.pk, ledger.fiscal_year.pk],
        )
    with refused("dans son exercice"):
        sql(
            "INSERT INTO accounting_period (cooperative_id, fiscal_year_id, start_date, "
            "end_date, lock) VALUES (%s, %s, '2026-01-01', '2026-01-31', 'open')",
            [ledger.cooperative.pk, ledger.fiscal_year.pk],
        )


def test_a_year_is_created_open_and_unsealed(ledger: Ledger) -> None:
    with refused("un exercice est créé ouvert"):
        sql(
            "INSERT INTO accounting_fiscalyear (cooperative_id, start_date, end_date, status, "
            "chain_head, chain_length, fec_sha256, closed_at) VALUES (%s, '2030-01-01', "
            "'2030-12-31', 'closed', 'x', 3, '', now())",
            [ledger.cooperative.pk],
        )


# --- Idempotency ----------------------------------------------------------------------------------


def test_an_idempotency_key_is_used_once(ledger: Ledger) -> None:
    raw_entry(ledger, key="facture-1:émise", payload="a" * 64)
    with refused("entry_unique_idempotency_key"):
        raw_entry(ledger, key="facture-1:émise", payload="a" * 64)
    with refused("entry_key_has_payload_hash"):
        raw_entry(ledger, key="facture-2:émise", payload="")
    assert one("SELECT count(*) FROM accounting_entry") == 1


# --- Monthly balances -----------------------------------------------------------------------------


def test_monthly_balances_are_written_by_validation_only(ledger: Ledger, validated: int) -> None:
    before = sql("SELECT * FROM accounting_monthlybalance ORDER BY id")
    assert len(before) == 2
    with refused("ne s'écrivent qu'à la validation"):
        sql("UPDATE accounting_monthlybalance SET debit = debit + 1")
    with refused("ne s'écrivent qu'à la validation"):
        sql("DELETE FROM accounting_monthlybalance")
    with refused("ne s'écrivent qu'à la validation"):
        sql(
            "INSERT INTO accounting_monthlybalance (cooperative_id, account_id, activity_id, "
            "month, debit, credit, line_count) SELECT cooperative_id, account_id, NULL, "
            "'2025-05-01', 1, 0, 1 FROM accounting_monthlybalance LIMIT 1"
        )
    assert sql("SELECT * FROM accounting_monthlybalance ORDER BY id") == before


def test_monthly_balances_equal_the_lines(ledger: Ledger) -> None:
    ids = [balanced_draft(ledger, amount=f"{n}.25") for n in range(1, 6)]
    sql(
        "UPDATE accounting_entry SET status = 'validated' WHERE id = ANY(%s)", [ids]
    )  # one statement, five entries
    from_lines = sql(
        "SELECT account_id, activity_id, date_trunc('month', date)::date, sum(debit), "
        "sum(credit), count(*) FROM accounting_entryline GROUP BY 1, 2, 3 ORDER BY 1, 2, 3"
    )
    from_balances = sql(
        "SELECT account_id, activity_id, month, debit, credit, line_count "
        "FROM accounting_monthlybalance ORDER BY 1, 2, 3"
    )
    assert from_balances == from_lines
    assert [row[3] + row[4] for row in from_balances] == [D("16.25"), D("16.25")]


def test_codes_printed_in_the_fec_do_not_change_once_used(ledger: Ledger, validated: int) -> None:
    with refused("512 : déjà utilisé"):
        sql("UPDATE accounting_account SET code = '5121' WHERE code = '512'")
    with refused("OD : déjà utilisé"):
        sql("UPDATE accounting_journal SET code = 'ODX' WHERE code = 'OD'")
    sql("UPDATE accounting_account SET code = '5129' WHERE code = '530'")  # unused: free


def test_the_orm_path_meets_the_same_rules(ledger: Ledger) -> None:
    entry = ledger.post([LineInput("512", debit="10.00"), LineInput("580", credit="10.00")])
    entry.label = "changé"
    with pytest.raises(IntegrityError, match="ne peut plus être modifiée"), transaction.atomic():
        entry.save()
    with pytest.raises(IntegrityError, match="suppression interdite"), transaction.atomic():
        EntryLine.objects.filter(entry=entry).delete()
    # The ORM deletes the lines first (cascade): the first line stops it.
    with pytest.raises(IntegrityError, match="suppression interdite"), transaction.atomic():
        Entry.objects.filter(pk=entry.pk).delete()
    assert Entry.objects.filter(pk=entry.pk, status="validated").exists()
    Period.objects.filter(start_date=dt.date(2025, 3, 1)).update(lock="hard")
    with pytest.raises(IntegrityError, match="verrouillage définitif"), transaction.atomic():
        Period.objects.filter(start_date=dt.date(2025, 3, 1)).update(lock="soft")
    assert FiscalYear.objects.get().status == "open"
