from __future__ import annotations

import dataclasses
import datetime as dt
from decimal import Decimal

import pytest

from accounting import services
from accounting.models import Entry, EntryLine, FiscalYear, MonthlyBalance, Period
from accounting.services import EntryInput, LineInput
from perspectives.core.exceptions import ApplicationError
from tests.accounting.conftest import Ledger

D = Decimal


def _counts() -> tuple[int, int, int]:
    return Entry.objects.count(), EntryLine.objects.count(), MonthlyBalance.objects.count()


# --- entry_post -------------------------------------------------------------------------------


def test_post_validates_numbers_and_links_the_chain(ledger: Ledger) -> None:
    first = ledger.sale("120.00")
    second = ledger.sale("60.00", date=dt.date(2025, 3, 11))

    assert (first.status, first.reference, first.number, first.chain_seq) == (
        "validated",
        "VT000001",
        1,
        1,
    )
    assert second.reference == "VT000002"
    assert second.prev_hash == first.hash
    assert first.validated_at is not None
    assert second.validated_at >= first.validated_at
    lines = list(first.lines.order_by("line_no").values_list("account__code", "debit", "credit"))
    assert lines == [
        ("411", D("120.00"), D("0.00")),
        ("706", D("0.00"), D("100.00")),
        ("44571", D("0.00"), D("20.00")),
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([LineInput("512", debit="10.00")], "au moins deux lignes"),
        (
            [LineInput("512", debit="10.00"), LineInput("580", credit="9.99")],
            "déséquilibrée : débit 10.00, crédit 9.99",
        ),
        (
            [LineInput("512", debit="10.00"), LineInput("9999", credit="10.00")],
            "Ligne 2 : compte 9999 inconnu",
        ),
        (
            [LineInput("512", debit="10.001"), LineInput("580", credit="10.001")],
            "Ligne 1 : le montant au débit 10.001 n'est pas exact au centime",
        ),
        (
            [LineInput("512", debit="10.00", credit="1.00"), LineInput("580", credit="9.00")],
            "Ligne 1 : une ligne est au débit ou au crédit, pas les deux",
        ),
        (
            [LineInput("512", debit="-10.00"), LineInput("580", debit="10.00")],
            "Ligne 1 : montant au débit négatif",
        ),
        (
            [LineInput("512"), LineInput("580", credit="0")],
            "Ligne 1 : montant nul",
        ),
        (
            [LineInput("512", debit="abc"), LineInput("580", credit="1")],
            "Ligne 1 : montant au débit illisible",
        ),
        (
            [LineInput("411", debit="10.00"), LineInput("706", credit="10.00")],
            "Ligne 1 : le compte collectif 411 demande un tiers",
        ),
        (
            [
                LineInput("411", debit="10.00", third_party="NOBODY"),
                LineInput("706", credit="10.00"),
            ],
            "Ligne 1 : tiers NOBODY inconnu",
        ),
        (
            [LineInput("512", debit=10.0), LineInput("580", credit="10.00")],  # type: ignore[arg-type]
            "nombre flottant",
        ),
    ],
)
def test_post_refuses_bad_input_and_writes_nothing(
    ledger: Ledger, lines: list[LineInput], message: str
) -> None:
    with pytest.raises(ApplicationError, match=message):
        ledger.post(lines)
    assert _counts() == (0, 0, 0)


def test_post_refuses_an_entry_unbalanced_per_activity(ledger: Ledger) -> None:
    with pytest.raises(ApplicationError, match=r"par activité \(A1, A2\)"):
        ledger.post(
            [
                LineInput("512", debit="10.00", activity=ledger.a1),
                LineInput("512", credit="10.00", activity=ledger.a2),
            ]
        )
    assert _counts() == (0, 0, 0)


def test_flows_between_activities_go_through_a_clearing_account(ledger: Ledger) -> None:
    # Sub-contracting between two activities: each side balances through 580.
    entry = ledger.post(
        [
            LineInput("611", debit="300.00", activity=ledger.a1),
            LineInput("580", credit="300.00", activity=ledger.a1),
            LineInput("580", debit="300.00", activity=ledger.a2),
            LineInput("706", credit="300.00", activity=ledger.a2),
        ]
    )
    assert entry.status == "validated"


def test_post_outside_any_fiscal_year_or_into_locks_is_refused(ledger: Ledger) -> None:
    lines = [LineInput("512", debit="1.00"), LineInput("580", credit="1.00")]
    with pytest.raises(ApplicationError, match="Aucun exercice ne couvre le 05/01/2024"):
        ledger.post(lines, date=dt.date(2024, 1, 5))
    march = Period.objects.get(start_date=dt.date(2025, 3, 1))
    services.period_lock_set(period=march, lock="soft")
    with pytest.raises(ApplicationError, match="La période du 10/03/2025 est verrouillée"):
        ledger.post(lines)
    assert ledger.post(lines, allow_soft_locked=True).status == "validated"
    services.period_lock_set(period=march, lock="hard")
    with pytest.raises(ApplicationError, match="verrouillée"):
        ledger.post(lines, allow_soft_locked=True)
    with pytest.raises(ApplicationError, match="ne se lève pas"):
        services.period_lock_set(period=march, lock="open")
    assert Entry.objects.count() == 1


# --- Idempotency --------------------------------------------------------------------------------


def test_the_same_key_and_payload_give_the_same_entry(ledger: Ledger) -> None:
    first = ledger.sale("120.00", idempotency_key="invoice:42:issued")
    again = ledger.sale("120.00", idempotency_key="invoice:42:issued")

    assert again.pk == first.pk
    assert _counts() == (1, 3, 3)


def test_the_same_key_with_another_payload_is_refused(ledger: Ledger) -> None:
    ledger.sale("120.00", idempotency_key="invoice:42:issued")
    with pytest.raises(ApplicationError, match="a déjà servi pour une autre écriture"):
        ledger.sale("121.20", idempotency_key="invoice:42:issued")
    with pytest.raises(ApplicationError, match="a déjà servi"):
        ledger.sale("120.00", idempotency_key="invoice:42:issued", date=dt.date(2025, 3, 11))
    assert _counts() == (1, 3, 3)


# --- Drafts -------------------------------------------------------------------------------------


def test_a_draft_is_free_until_validated(ledger: Ledger) -> None:
    draft = services.entry_draft_create(
        journal="OD",
        date=dt.date(2025, 4, 2),
        label="Brouillard",
        lines=[LineInput("512", debit="10.00", activity=ledger.a1)],
    )
    assert (draft.status, draft.number) == ("draft", None)
    with pytest.raises(ApplicationError, match="au moins deux lignes"):
        services.entry_validate(entry=draft)

    services.entry_draft_update(
        entry=draft,
        date=dt.date(2025, 4, 3),
        label="Brouillard complété",
        lines=[
            LineInput("512", debit="10.00", activity=ledger.a1),
            LineInput("580", credit="10.00", activity=ledger.a1),
        ],
    )
    entry = services.entry_validate(entry=draft)

    assert (entry.status, entry.reference, entry.date) == (
        "validated",
        "OD000001",
        dt.date(2025, 4, 3),
    )
    assert set(entry.lines.values_list("date", flat=True)) == {dt.date(2025, 4, 3)}
    with pytest.raises(ApplicationError, match="ne se modifie plus"):
        services.entry_draft_update(entry=entry, date=entry.date, label="x", lines=[])
    with pytest.raises(ApplicationError, match="ne se supprime pas"):
        services.entry_draft_delete(entry=entry)


def test_drafts_are_numbered_in_validation_order(ledger: Ledger) -> None:
    lines = [LineInput("512", debit="1.00"), LineInput("580", credit="1.00")]
    early = services.entry_draft_create(
        journal="OD", date=dt.date(2025, 2, 1), label="Février", lines=lines
    )
    late = services.entry_draft_create(
        journal="OD", date=dt.date(2025, 5, 1), label="Mai", lines=lines
    )
    assert services.entry_validate(entry=late).number == 1
    assert services.entry_validate(entry=early).number == 2


# --- Reversals ----------------------------------------------------------------------------------


def test_a_reversal_cancels_the_entry_and_happens_once(ledger: Ledger) -> None:
    sale = ledger.sale("120.00")
    reversal = services.entry_reverse(entry=sale, date=dt.date(2025, 4, 1))

    assert reversal.reverses_id == sale.pk
    assert reversal.label == "Extourne de VT000001"
    assert list(
        reversal.lines.order_by("line_no").values_list("account__code", "debit", "credit")
    ) == [
        ("411", D("0.00"), D("120.00")),
        ("706", D("100.00"), D("0.00")),
        ("44571", D("20.00"), D("0.00")),
    ]
    with pytest.raises(ApplicationError, match="déjà extournée"):
        services.entry_reverse(entry=sale)
    with pytest.raises(ApplicationError, match="Une extourne ne s'extourne pas"):
        services.entry_reverse(entry=reversal)
    balances = MonthlyBalance.objects.filter(account__code="706").values_list(
        "month", "debit", "credit"
    )
    assert sorted(balances) == [
        (dt.date(2025, 3, 1), D("0.00"), D("100.00")),
        (dt.date(2025, 4, 1), D("100.00"), D("0.00")),
    ]


def test_reversing_with_a_key_is_idempotent(ledger: Ledger) -> None:
    sale = ledger.sale("120.00")
    first = services.entry_reverse(entry=sale, idempotency_key="cancel:1")
    assert services.entry_reverse(entry=sale, idempotency_key="cancel:1").pk == first.pk


# --- Bulk ---------------------------------------------------------------------------------------


def _bulk_input(ledger: Ledger, n: int, *, key_prefix: str | None = None) -> list[EntryInput]:
    return [
        EntryInput(
            journal="VT",
            date=dt.date(2025, 1 + (i * 5) % 12, 1 + i % 28),
            label=f"Facture {i}",
            lines=[
                LineInput("411", debit=f"{i + 1}.20", activity=ledger.a1, third_party="CLIENT1"),
                LineInput("706", credit=f"{i + 1}.00", activity=ledger.a1),
                LineInput("44571", credit="0.20", activity=ledger.a1),
            ],
            idempotency_key=f"{key_prefix}:{i}" if key_prefix else None,
        )
        for i in range(n)
    ]


def test_bulk_posting_numbers_in_date_order_and_keeps_balances(ledger: Ledger) -> None:
    result = services.entries_post_bulk(entries=_bulk_input(ledger, 30, key_prefix="import"))

    assert len(result.created) == 30
    entries = list(Entry.objects.order_by("number").values_list("number", "date"))
    assert [n for n, _ in entries] == list(range(1, 31))
    assert [d for _, d in entries] == sorted(d for _, d in entries)
    assert MonthlyBalance.objects.get(account__code="44571", month=dt.date(2025, 1, 1)).credit == D(
        "0.20"
    ) * sum(1 for i in range(30) if (i * 5) % 12 == 0)

    again = services.entries_post_bulk(entries=_bulk_input(ledger, 30, key_prefix="import"))
    assert (len(again.created), len(again.existing)) == (0, 30)
    assert Entry.objects.count() == 30


def test_bulk_keys_are_found_again_whatever_their_characters(ledger: Ledger) -> None:
    keys = ['fec:"AC",12', "fec:a\\b\\\\c", "fec:{x, y}", "fec:é NULL", "NULL", "fec: espace "]
    entries = [
        EntryInput(
            journal="OD",
            date=dt.date(2025, 3, 1 + n),
            label=f"Import {n}",
            lines=[
                LineInput("512", debit="1.00", activity=ledger.a1),
                LineInput("580", credit="1.00", activity=ledger.a1),
            ],
            idempotency_key=key,
        )
        for n, key in enumerate(keys)
    ]
    first = services.entries_post_bulk(entries=entries)
    assert sorted(
        k or "" for k in Entry.objects.values_list("idempotency_key", flat=True)
    ) == sorted(keys)

    again = services.entries_post_bulk(entries=entries)
    assert (again.created, again.existing) == ([], first.created)
    changed = [*entries[:2], dataclasses.replace(entries[2], label="Autre")]
    with pytest.raises(ApplicationError, match=r"Écriture 3 : la clé fec:\{x, y\} a déjà servi"):
        services.entries_post_bulk(entries=changed)
    assert Entry.objects.count() == len(keys)


def test_bulk_posting_is_all_or_nothing_and_names_the_entry(ledger: Ledger) -> None:
    entries = _bulk_input(ledger, 5)
    entries.append(
        EntryInput(
            journal="OD",
            date=dt.date(2025, 6, 1),
            label="Mauvaise",
            lines=[LineInput("512", debit="1.00"), LineInput("580", credit="2.00")],
        )
    )
    with pytest.raises(ApplicationError, match=r"Écriture 6 \(Mauvaise\) : Écriture déséquilibrée"):
        services.entries_post_bulk(entries=entries)
    assert _counts() == (0, 0, 0)


# --- Lettering ----------------------------------------------------------------------------------


def test_lettering_matches_a_sale_and_its_payments(ledger: Ledger) -> None:
    sale = ledger.sale("120.00")
    payments = [
        ledger.post(
            [
                LineInput("512", debit=amount, activity=ledger.a1),
                LineInput("411", credit=amount, activity=ledger.a1, third_party="CLIENT1"),
            ],
            journal="BQ",
        )
        for amount in ("100.00", "20.00")
    ]
    receivables = EntryLine.objects.filter(account__code="411").order_by("pk")
    ids = list(receivables.values_list("pk", flat=True))

    with pytest.raises(ApplicationError, match="ne se soldent pas"):
        services.lines_letter(line_ids=ids[:2])
    code = services.lines_letter(line_ids=ids, date=dt.date(2025, 4, 1))

    assert code == "A"
    assert set(receivables.values_list("lettering", "lettering_date")) == {
        ("A", dt.date(2025, 4, 1))
    }
    assert sale.pk
    assert len(payments) == 2
    with pytest.raises(ApplicationError, match="déjà lettrée"):
        services.lines_letter(line_ids=ids)
    assert services.lines_unletter(account=receivables[0].account, code="A") == 3


def test_lettering_codes_follow_each_other() -> None:
    from accounting.services.lettering import _next_code

    assert [_next_code(c) for c in (None, "A", "Z", "AZ", "ZZ")] == ["A", "B", "AA", "BA", "AAA"]


# --- Fiscal years -----------------------------------------------------------------------------


def test_a_fiscal_year_has_twelve_monthly_periods(ledger: Ledger) -> None:
    year = services.fiscal_year_create(start_date=dt.date(2026, 1, 1))
    periods = list(year.periods.order_by("start_date").values_list("start_date", "end_date"))
    assert len(periods) == 12
    assert periods[1] == (dt.date(2026, 2, 1), dt.date(2026, 2, 28))
    with pytest.raises(ApplicationError, match="chevauche"):
        services.fiscal_year_create(start_date=dt.date(2026, 7, 1))


def test_closing_a_year_seals_its_chain(ledger: Ledger) -> None:
    last = ledger.sale("120.00")
    year = ledger.fiscal_year
    with pytest.raises(ApplicationError, match="passer en clôture"):
        services.fiscal_year_close(fiscal_year=year)
    services.fiscal_year_start_closing(fiscal_year=year)
    # Closing soft-locks: only the accounting team still posts.
    with pytest.raises(ApplicationError, match="verrouillée"):
        ledger.sale("10.00")
    ledger.sale("12.00", allow_soft_locked=True)
    last = Entry.objects.order_by("-chain_seq").first()
    closed = services.fiscal_year_close(fiscal_year=year, fec_sha256="f" * 64)
    assert last is not None

    assert (closed.status, closed.chain_length, closed.chain_head, closed.fec_sha256) == (
        FiscalYear.Status.CLOSED,
        2,
        last.hash,
        "f" * 64,
    )
    assert not Period.objects.exclude(lock="hard").filter(fiscal_year=year).exists()
    with pytest.raises(ApplicationError, match="clôturé"):
        ledger.sale("10.00", allow_soft_locked=True)


def test_chart_seed_is_idempotent_and_keeps_edits(ledger: Ledger) -> None:
    from accounting.models import Account, Journal

    Account.objects.filter(code="706").update(label="Prestations (modifié)")
    before = Account.objects.count()
    services.chart_seed_defaults()
    assert Account.objects.count() == before
    assert Account.objects.get(code="706").label == "Prestations (modifié)"
    assert set(Journal.objects.values_list("code", flat=True)) == {
        "AN",
        "VT",
        "AC",
        "BQ",
        "OD",
        "PAIE",
    }
    assert set(
        Account.objects.filter(requires_third_party=True).values_list("code", flat=True)
    ) == {
        "401",
        "404",
        "411",
        "4191",
    }


# --- Contribution coopérative ---------------------------------------------------------------


def test_the_contribution_is_posted_per_activity_once(ledger: Ledger) -> None:
    from accounting import selectors
    from accounting.services.contribution import contribution_total

    ledger.sale("1200.00", date=dt.date(2025, 3, 3))  # a1: 1000 revenue
    ledger.sale("600.00", activity=ledger.a2, date=dt.date(2025, 3, 20))  # a2: 500 revenue
    ledger.a2.contribution_rate = D("8.00")
    ledger.a2.save()

    created = services.contribution_post(month=dt.date(2025, 3, 1))

    assert len(created) == 2
    assert services.contribution_post(month=dt.date(2025, 3, 1)) == []
    assert contribution_total(month=dt.date(2025, 3, 1)) == D("150.00")  # 110 + 40
    pnl = selectors.activity_pnl(
        scope=frozenset({ledger.a1.pk}), date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 31)
    )
    assert [(r.code, r.amount) for r in pnl.expenses] == [("6288", D("110.00"))]
    structure = selectors.activity_pnl(
        scope=frozenset({None}), date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 31)
    )
    assert structure.total_income == D("150.00")
    for activity, (debit, credit) in selectors.activity_balances(
        date_from=dt.date(2025, 3, 1), date_to=dt.date(2025, 3, 31)
    ).items():
        assert debit == credit, activity


def test_the_contribution_on_margin(ledger: Ledger) -> None:
    ledger.sale("1200.00", date=dt.date(2025, 3, 3))
    ledger.post(
        [
            LineInput("604", debit="400.00", activity=ledger.a1),
            LineInput("401", credit="400.00", activity=ledger.a1, third_party=ledger.supplier),
        ],
        journal="AC",
    )
    services.contribution_post(month=dt.date(2025, 3, 1), base="margin")
    line = EntryLine.objects.get(account__code="6288")
    assert line.debit == D("66.00")  # 11 % of 600


def test_the_contribution_task_takes_the_base_the_cooperative_chose(ledger: Ledger) -> None:
    from accounting.tasks import contribution_post_task

    ledger.sale("1200.00", date=dt.date(2025, 3, 3))
    ledger.post(
        [
            LineInput("604", debit="400.00", activity=ledger.a1),
            LineInput("401", credit="400.00", activity=ledger.a1, third_party=ledger.supplier),
        ],
        journal="AC",
    )
    ledger.cooperative.contribution_base = "margin"
    ledger.cooperative.save(update_fields=["contribution_base"])

    assert contribution_post_task.run(cooperative_id=ledger.cooperative.pk, month="2025-03-01") == 1
    assert EntryLine.objects.get(account__code="6288").debit == D("66.00")  # 11 % of 600


def test_a_contribution_already_in_the_ledger_is_not_posted_again(ledger: Ledger) -> None:
    ledger.sale("1200.00", date=dt.date(2025, 3, 3))
    ledger.post(
        [
            LineInput("6288", debit="110.00", activity=ledger.a1),
            LineInput("512", credit="110.00", activity=ledger.a1),
            LineInput("512", debit="110.00"),
            LineInput("7088", credit="110.00"),
        ],
        date=dt.date(2025, 3, 31),
        label="Contribution saisie à la main",
    )
    assert services.contribution_post(month=dt.date(2025, 3, 1)) == []


def test_the_contribution_task_runs_in_each_cooperative(ledger: Ledger) -> None:
    from accounting.tasks import contribution_post_task

    ledger.sale("1200.00", date=dt.date(2025, 3, 3))
    assert contribution_post_task.run(cooperative_id=ledger.cooperative.pk, month="2025-03-01") == 1
