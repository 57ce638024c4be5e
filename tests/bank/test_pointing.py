"""Payments the ledger already holds (a SEPA batch sent, salaries paid), supplier invoices and
expense reports: suggested, pointed in one click, never posted twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from accounting.models import Entry, EntryLine
from accounting.services import LineInput, third_party_create
from bank import services
from bank.demo import CamtEntry
from bank.models import BankAccount, BankLine, PointedLine, Reconciliation
from perspectives.core.exceptions import ApplicationError
from tests.accounting.conftest import Ledger
from tests.bank.conftest import entry_rows, march_statement, sample
from tests.factories.bank import IBANS

D = Decimal
DAY = dt.date(2025, 3, 14)


def _payment(
    ledger: Ledger, amount: str, *, source: str, piece_ref: str, account: str = "401", **kw: Any
) -> int:
    """A payment posted when it left (D 401/421/467, C 512), as purchases and payroll do; the
    id of its 512 line."""
    activity = kw.pop("activity", ledger.a1)
    third_party = kw.pop("third_party", ledger.supplier if account == "401" else None)
    entry = ledger.post(
        [
            LineInput(account, debit=D(amount), activity=activity, third_party=third_party),
            LineInput(kw.pop("bank", "512"), credit=D(amount), activity=activity),
        ],
        journal="BQ",
        date=kw.pop("date", DAY),
        label=f"Virement {piece_ref}",
        piece_ref=piece_ref,
        source=source,
    )
    return int(entry.lines.get(credit=D(amount)).pk)


def _import(account: BankAccount, *entries: CamtEntry) -> None:
    services.statement_import(bank_account=account, data=march_statement(account.iban, *entries))


@pytest.fixture
def account(ledger: Ledger) -> BankAccount:
    account = services.bank_account_create(iban=IBANS[0])
    services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
    return account


def _line(amount: str) -> BankLine:
    return BankLine.objects.select_related("bank_account").get(amount=D(amount))


def test_a_sepa_batch_is_pointed_against_its_payments_and_nothing_is_posted(
    ledger: Ledger, account: BankAccount
) -> None:
    first = _payment(ledger, "360.00", source="purchases", piece_ref="PAY-2025-03")
    second = _payment(ledger, "400.00", source="purchases", piece_ref="PAY-2025-03")
    line = _line("-760.00")
    best = services.suggestions_for(line)[0]
    assert (best.kind, best.label, best.score) == (
        "batch",
        "Lot de virements PAY-2025-03 (2 virements)",
        95,
    )
    assert (best.allocations, sorted(best.pointed)) == ([], sorted([first, second]))
    entries = Entry.objects.count()
    reconciliation = services.reconciliation_confirm(
        line=line, allocations=best.allocations, pointed=best.pointed
    )
    assert reconciliation.entry is None
    assert Entry.objects.count() == entries
    assert sorted(
        PointedLine.objects.filter(is_active=True).values_list("entry_line_id", "amount")
    ) == sorted([(first, D("-360.00")), (second, D("-400.00"))])
    line.refresh_from_db()
    assert line.state == "reconciled"
    # Pointed once: no other line is offered them (the card fee is only a fee).
    assert [s.kind for s in services.suggestions_for(_line("-8.40"))] == ["fees"]


def test_undoing_a_pointing_frees_the_payments_and_reverses_nothing(
    ledger: Ledger, account: BankAccount
) -> None:
    _payment(ledger, "360.00", source="purchases", piece_ref="PAY-2025-03")
    _payment(ledger, "400.00", source="purchases", piece_ref="PAY-2025-03")
    line = _line("-760.00")
    best = services.suggestions_for(line)[0]
    reconciliation = services.reconciliation_confirm(
        line=line, allocations=[], pointed=best.pointed
    )
    entries = Entry.objects.count()
    assert services.reconciliation_undo(reconciliation=reconciliation) is None
    assert Entry.objects.count() == entries
    reconciliation.refresh_from_db()
    assert (reconciliation.undone_at is not None, reconciliation.reversal) == (True, None)
    assert PointedLine.objects.filter(is_active=True).count() == 0
    line.refresh_from_db()
    assert line.state == "open"
    again = services.suggestions_for(line)[0]
    assert (again.kind, sorted(again.pointed)) == ("batch", sorted(best.pointed))
    services.reconciliation_confirm(line=line, allocations=[], pointed=again.pointed)
    assert PointedLine.objects.filter(is_active=True).count() == 2


def test_a_batch_without_its_reference_matches_transaction_by_transaction(
    ledger: Ledger, account: BankAccount
) -> None:
    salary = _payment(
        ledger, "400.00", source="payroll", piece_ref="VIR-12-1", account="421", activity=ledger.a2
    )
    invoice = _payment(ledger, "360.00", source="purchases", piece_ref="VIR-20250314-001-093000")
    best = services.suggestions_for(_line("-760.00"))[0]
    assert (best.kind, best.label, best.score) == (
        "batch",
        "Lot de 2 virements déjà comptabilisés",
        90,
    )
    assert best.pointed == [salary, invoice]


def test_the_month_s_net_salaries_paid_as_one_transfer(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[0])
    _import(
        account,
        CamtEntry(booking_date=dt.date(2025, 3, 28), amount=D("-3456.78"), additional="SALAIRES"),
    )
    day = dt.date(2025, 3, 27)
    ids = [
        _payment(ledger, "1456.78", source="payroll", piece_ref="VIR-1-1", account="421", date=day),
        _payment(ledger, "2000.00", source="payroll", piece_ref="VIR-2-1", account="421", date=day),
    ]
    line = _line("-3456.78")
    (best,) = services.suggestions_for(line)
    assert (best.kind, best.label, best.score, best.pointed) == (
        "payroll",
        "Salaires nets virés le 27/03/2025 (2 virements)",
        85,
        ids,
    )


def test_a_payment_on_the_generic_512_is_transferred_to_the_bank_s_own_account(
    ledger: Ledger,
) -> None:
    services.bank_account_create(iban=IBANS[1], account_code="512")
    account = services.bank_account_create(iban=IBANS[0], account_code="5121")
    services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
    pointed = _payment(ledger, "760.00", source="purchases", piece_ref="PAY-2025-03", bank="5121")
    # A payment on another bank's own account is not this line's.
    other = _payment(ledger, "8.40", source="purchases", piece_ref="VIR-X", bank="512")
    assert [s.kind for s in services.suggestions_for(_line("-8.40"))] == ["fees"]
    with pytest.raises(ApplicationError, match="compte d'une autre banque"):
        services.reconciliation_confirm(line=_line("-8.40"), allocations=[], pointed=[other])
    assert Reconciliation.objects.count() == 0
    assert services.suggestions_for(_line("-760.00"))[0].pointed == [pointed]


def test_the_generic_512_is_moved_onto_the_bank_account(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[0], account_code="5121")
    services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
    first = _payment(ledger, "360.00", source="purchases", piece_ref="PAY-2025-03")
    second = _payment(
        ledger, "400.00", source="purchases", piece_ref="PAY-2025-03", activity=ledger.a2
    )
    line = _line("-760.00")
    best = services.suggestions_for(line)[0]
    assert best.pointed == [first, second]
    reconciliation = services.reconciliation_confirm(
        line=line, allocations=[], pointed=best.pointed
    )
    assert entry_rows(reconciliation.entry) == [
        ("5121", D("0.00"), D("360.00"), "A1"),
        ("5121", D("0.00"), D("400.00"), "A2"),
        ("512", D("360.00"), D("0.00"), "A1"),
        ("512", D("400.00"), D("0.00"), "A2"),
    ]
    services.reconciliation_undo(reconciliation=reconciliation)
    assert Entry.objects.filter(reverses=reconciliation.entry).count() == 1


def test_a_wrong_pointing_is_refused_and_nothing_changes(
    ledger: Ledger, account: BankAccount
) -> None:
    first = _payment(ledger, "360.00", source="purchases", piece_ref="PAY-2025-03")
    line = _line("-760.00")
    entries = Entry.objects.count()
    with pytest.raises(ApplicationError, match=r"La répartition \(-360.00\) ne fait pas"):
        services.reconciliation_confirm(line=line, allocations=[], pointed=[first])
    with pytest.raises(ApplicationError, match="n'est plus à pointer"):
        services.reconciliation_confirm(line=line, allocations=[], pointed=[first, 999999])
    services.reconciliation_confirm(
        line=line,
        pointed=[first],
        allocations=[services.Allocation(account="627", amount=D("-400.00"), activity=ledger.a1)],
    )
    assert Entry.objects.count() == entries + 1
    with pytest.raises(ApplicationError, match="n'est plus à pointer"):
        services.reconciliation_confirm(line=_line("-8.40"), allocations=[], pointed=[first])
    assert Reconciliation.objects.count() == 1


def test_supplier_invoices_and_expense_reports_are_suggested_and_lettered(
    ledger: Ledger,
) -> None:
    entrepreneur = third_party_create(kind="employee", code="ENT-LEA", name="Léa Martin")
    ledger.post(
        [
            LineInput("6064", debit=D("300.00"), activity=ledger.a1),
            LineInput("44566", debit=D("60.00"), activity=ledger.a1),
            LineInput("401", credit=D("360.00"), activity=ledger.a1, third_party=ledger.supplier),
        ],
        journal="AC",
        date=dt.date(2025, 3, 2),
        piece_ref="FP-2025-118",
    )
    ledger.post(
        [
            LineInput("625", debit=D("84.50"), activity=ledger.a2),
            LineInput("467", credit=D("84.50"), activity=ledger.a2, third_party=entrepreneur),
        ],
        date=dt.date(2025, 2, 28),
        piece_ref="NDF-7",
    )
    account = services.bank_account_create(iban=IBANS[0])
    _import(
        account,
        CamtEntry(
            booking_date=dt.date(2025, 3, 12),
            amount=D("-360.00"),
            counterparty="FOURNITURES PRO",
            remittance="FACTURE FP-2025-118",
        ),
        CamtEntry(
            booking_date=dt.date(2025, 3, 13),
            amount=D("-84.50"),
            counterparty="LEA MARTIN",
            remittance="REMBOURSEMENT NDF-7",
        ),
    )
    invoice = services.suggestions_for(_line("-360.00"))[0]
    assert (invoice.kind, invoice.label, invoice.score) == ("reference", "Pièces FP-2025-118", 100)
    report = services.suggestions_for(_line("-84.50"))[0]
    assert (report.kind, report.label, report.score) == ("reference", "Pièces NDF-7", 100)
    for line, chosen in ((_line("-360.00"), invoice), (_line("-84.50"), report)):
        done = services.reconciliation_confirm(line=line, allocations=chosen.allocations)
        assert done.entry is not None
    assert list(
        EntryLine.objects.filter(lettering__isnull=False)
        .order_by("account__code", "debit")
        .values_list("account__code", "debit", "credit", "lettering")
    ) == [
        ("401", D("0.00"), D("360.00"), "A"),
        ("401", D("360.00"), D("0.00"), "A"),
        ("467", D("0.00"), D("84.50"), "A"),
        ("467", D("84.50"), D("0.00"), "A"),
    ]


def test_only_recent_payments_are_offered(ledger: Ledger, account: BankAccount) -> None:
    _payment(ledger, "8.40", source="history", piece_ref="ANCIEN", date=dt.date(2025, 1, 10))
    line = _line("-8.40")
    assert [s.kind for s in services.suggestions_for(line)] == ["fees"]
    recent = _payment(ledger, "8.40", source="", piece_ref="CB-0308", date=dt.date(2025, 3, 8))
    found, fee = services.suggestions_for(line)
    assert (fee.kind, fee.score) == ("fees", 52)
    assert (found.kind, found.score, found.pointed) == ("payment", 55, [recent])
