"""Reconciliation against the ledger's open items: suggestions, confirming, undoing, rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accounting.models import Entry, EntryLine
from accounting.services import LineInput
from bank import services
from bank.demo import CamtEntry
from bank.models import BankAccount, BankLine, Reconciliation, Statement
from bank.services import Allocation
from perspectives.core.exceptions import ApplicationError
from tests.accounting.conftest import Ledger
from tests.bank.conftest import march_statement, sample
from tests.factories.bank import IBANS

D = Decimal


def _lines_of(entry: Entry | None) -> list[tuple[Any, ...]]:
    assert entry is not None
    return [
        (
            line.account.code,
            line.debit,
            line.credit,
            line.activity.analytic_code if line.activity else None,
            line.third_party.code if line.third_party else None,
        )
        for line in entry.lines.select_related("account", "activity", "third_party").order_by(
            "line_no"
        )
    ]


@pytest.fixture
def account(ledger: Ledger) -> BankAccount:
    ledger.sale("1200.00", date=dt.date(2025, 2, 20), piece_ref="F2025-0001")
    ledger.sale("300.00", activity=ledger.a2, date=dt.date(2025, 3, 1), piece_ref="F2025-0002")
    account = services.bank_account_create(iban=IBANS[0])
    services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
    return account


def _line(amount: str) -> BankLine:
    return BankLine.objects.select_related("bank_account").get(amount=D(amount))


def test_the_invoice_named_in_the_remittance_is_suggested_first_and_lettered(
    ledger: Ledger, account: BankAccount
) -> None:
    line = _line("1200.00")
    suggestions = services.suggestions_for(line)
    best = suggestions[0]
    assert (best.kind, best.label, best.score) == ("reference", "Pièces F2025-0001", 100)
    (item,) = best.item_ids
    reconciliation = services.reconciliation_confirm(line=line, allocations=best.allocations)
    assert _lines_of(reconciliation.entry) == [
        ("512", D("1200.00"), D("0.00"), "A1", None),
        ("411", D("0.00"), D("1200.00"), "A1", "CLIENT1"),
    ]
    assert reconciliation.entry is not None
    assert reconciliation.entry.journal.code == "BQ"
    assert reconciliation.entry.date == dt.date(2025, 3, 5)
    lettered = EntryLine.objects.filter(lettering="A").values_list("pk", flat=True)
    assert sorted(lettered) == sorted(
        [item, reconciliation.entry.lines.get(account__code="411").pk]
    )
    line.refresh_from_db()
    assert line.state == "reconciled"
    with pytest.raises(ApplicationError, match="déjà rapprochée"):
        services.reconciliation_confirm(line=line, allocations=best.allocations)


def test_undo_reverses_and_clears_the_lettering(ledger: Ledger, account: BankAccount) -> None:
    line = _line("1200.00")
    reconciliation = services.reconciliation_confirm(
        line=line, allocations=services.suggestions_for(line)[0].allocations
    )
    reversal = services.reconciliation_undo(reconciliation=reconciliation)
    assert reversal is not None
    assert reversal.reverses_id == reconciliation.entry_id
    assert _lines_of(reversal) == [
        ("512", D("0.00"), D("1200.00"), "A1", None),
        ("411", D("1200.00"), D("0.00"), "A1", "CLIENT1"),
    ]
    assert EntryLine.objects.filter(lettering__isnull=False).count() == 0
    line.refresh_from_db()
    assert line.state == "open"
    # Confirmed again: a new entry (another idempotency key), lettered again.
    again = services.reconciliation_confirm(
        line=line, allocations=services.suggestions_for(line)[0].allocations
    )
    assert again.entry_id not in (reconciliation.entry_id, reversal.pk)
    assert Reconciliation.objects.filter(undone_at__isnull=True).count() == 1


def test_a_partial_payment_leaves_the_invoice_open(ledger: Ledger, account: BankAccount) -> None:
    services.statement_import(bank_account=account, data=sample("camt053-001-08-2025-04.xml"))
    line = _line("240.00")  # "FACTURE F2025-0002", an invoice of 300.00
    best = services.suggestions_for(line)[0]
    assert (best.kind, best.label, best.item_ids) == (
        "partial",
        "Paiement partiel de F2025-0002",
        [],
    )
    reconciliation = services.reconciliation_confirm(line=line, allocations=best.allocations)
    assert _lines_of(reconciliation.entry) == [
        ("512", D("240.00"), D("0.00"), "A2", None),
        ("411", D("0.00"), D("240.00"), "A2", "CLIENT1"),
    ]
    assert reconciliation.letterings == []


def test_several_invoices_of_the_customer_named_in_the_line(
    ledger: Ledger, account: BankAccount
) -> None:
    from accounting.services import LineInput, third_party_create

    third_party_create(kind="customer", code="CLIENT2", name="Client Deux")
    for day, amount, ref in ((2, "360.00", "F2025-0010"), (3, "240.00", "F2025-0011")):
        ledger.post(
            [
                LineInput("411", debit=amount, activity=ledger.a1, third_party="CLIENT2"),
                LineInput("706", credit=amount, activity=ledger.a1),
            ],
            journal="VT",
            date=dt.date(2025, 3, day),
            piece_ref=ref,
        )
    line = _line("600.00")  # from CLIENT DEUX, a structured reference only
    best = services.suggestions_for(line)[0]
    assert (best.kind, best.label) == ("third_party", "Toutes les pièces ouvertes de Client Deux")
    reconciliation = services.reconciliation_confirm(line=line, allocations=best.allocations)
    assert _lines_of(reconciliation.entry) == [
        ("512", D("600.00"), D("0.00"), "A1", None),
        ("411", D("0.00"), D("360.00"), "A1", "CLIENT2"),
        ("411", D("0.00"), D("240.00"), "A1", "CLIENT2"),
    ]
    assert EntryLine.objects.filter(third_party__code="CLIENT2", lettering="A").count() == 4


def test_a_single_item_of_the_amount(ledger: Ledger, account: BankAccount) -> None:
    from accounting.services import LineInput

    ledger.post(
        [
            LineInput("627", debit="8.40"),
            LineInput("401", credit="8.40", third_party=ledger.supplier),
        ],
        journal="AC",
        date=dt.date(2025, 3, 9),
        piece_ref="BQ-FRAIS",
    )
    suggestions = services.suggestions_for(_line("-8.40"))
    assert [(s.kind, s.label, s.score) for s in suggestions] == [
        ("fees", "Frais bancaires → 627", 52),
        ("amount", "Fournisseur Un, BQ-FRAIS du 09/03/2025", 50),
    ]


def test_a_card_fee_split_across_two_activities(ledger: Ledger, account: BankAccount) -> None:
    line = _line("-8.40")
    reconciliation = services.reconciliation_confirm(
        line=line,
        allocations=[
            Allocation(account="627", amount=D("-4.20"), activity=ledger.a1),
            Allocation(account="627", amount=D("-4.20"), activity=ledger.a2.pk),
        ],
    )
    assert _lines_of(reconciliation.entry) == [
        ("512", D("0.00"), D("4.20"), "A1", None),
        ("512", D("0.00"), D("4.20"), "A2", None),
        ("627", D("4.20"), D("0.00"), "A1", None),
        ("627", D("4.20"), D("0.00"), "A2", None),
    ]
    with pytest.raises(ApplicationError, match=r"La répartition \(-8.00\) ne fait pas"):
        services.reconciliation_confirm(
            line=_line("600.00"), allocations=[Allocation(account="627", amount=D("-8.00"))]
        )


def test_a_batch_paid_to_a_supplier_and_a_salary(ledger: Ledger, account: BankAccount) -> None:
    from accounting.services import LineInput

    invoice = ledger.post(
        [
            LineInput("604", debit="300.00", activity=ledger.a1),
            LineInput("44566", debit="60.00", activity=ledger.a1),
            LineInput("401", credit="360.00", activity=ledger.a1, third_party=ledger.supplier),
        ],
        journal="AC",
        date=dt.date(2025, 3, 2),
        piece_ref="FP-2025-118",
    )
    item = invoice.lines.get(account__code="401")
    line = _line("-760.00")
    reconciliation = services.reconciliation_confirm(
        line=line,
        allocations=[
            Allocation(
                account="401",
                amount=D("-360.00"),
                activity=ledger.a1,
                third_party="FOURN1",
                items=[item.pk],
            ),
            Allocation(account="421", amount=D("-400.00"), activity=ledger.a1),
        ],
    )
    assert _lines_of(reconciliation.entry) == [
        ("512", D("0.00"), D("760.00"), "A1", None),
        ("401", D("360.00"), D("0.00"), "A1", "FOURN1"),
        ("421", D("400.00"), D("0.00"), "A1", None),
    ]
    item.refresh_from_db()
    assert item.lettering == "A"


def test_rules_preview_and_apply_at_import(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[0])
    rule = services.rule_create(
        name="Frais CB",
        label_contains="frais cb",
        account="627",
        direction="debit",
        auto_apply=True,
    )
    result = services.statement_import(
        bank_account=account, data=sample("camt053-001-02-2025-03.xml")
    )
    assert (result.added, result.ruled) == (4, 1)
    assert (
        result.message == "4 ligne(s) ajoutée(s), 0 déjà connue(s). 1 rapprochée(s) par les règles."
    )
    fee = _line("-8.40")
    assert fee.state == "reconciled"
    reconciliation = fee.reconciliations.get()
    assert reconciliation.rule == rule
    assert _lines_of(reconciliation.entry) == [
        ("512", D("0.00"), D("8.40"), None, None),
        ("627", D("8.40"), D("0.00"), None, None),
    ]
    commission = services.rule_create(name="Commission", label_contains="COMMISSION", account="627")
    assert [line.amount for line in services.rule_preview(rule=commission)] == []
    with pytest.raises(ApplicationError, match="pas sur le collectif 411"):
        services.rule_create(name="Clients", label_contains="VIR", account="411")
    assert Statement.objects.get().state == "open"


def test_a_balance_invoice_deducting_a_deposit_is_found_by_its_number(ledger: Ledger) -> None:
    # The balance invoice's entry holds two open items under its number: the 900.00 still owed
    # on 411, and the 300.00 deposit deducted on 4191, lettered later against the deposit.
    ledger.post(
        [
            LineInput("411", debit=D("900.00"), activity=ledger.a1, third_party=ledger.customer),
            LineInput("4191", debit=D("300.00"), activity=ledger.a1, third_party=ledger.customer),
            LineInput("706", credit=D("1000.00"), activity=ledger.a1),
            LineInput("44571", credit=D("200.00"), activity=ledger.a1),
        ],
        journal="VT",
        label="Facture de solde",
        piece_ref="F2025-0009",
    )
    account = services.bank_account_create(iban=IBANS[0])
    services.statement_import(
        bank_account=account,
        data=march_statement(
            account.iban,
            CamtEntry(dt.date(2025, 3, 12), D("900.00"), "Client Un", "Solde F2025-0009"),
        ),
    )
    line = _line("900.00")
    best = services.suggestions_for(line)[0]
    assert (best.kind, best.label, best.score) == ("reference", "Pièces F2025-0009", 100)
    reconciliation = services.reconciliation_confirm(line=line, allocations=best.allocations)
    assert _lines_of(reconciliation.entry) == [
        ("512", D("900.00"), D("0.00"), "A1", None),
        ("411", D("0.00"), D("900.00"), "A1", "CLIENT1"),
    ]
    deposit = EntryLine.objects.get(account__code="4191", entry__piece_ref="F2025-0009")
    assert deposit.lettering is None
