"""Bank fees suggested against 627 without a rule of the cooperative."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from bank import services
from bank.models import BankLine
from bank.services.fees import is_bank_fee
from tests.accounting.conftest import Ledger
from tests.bank.conftest import entry_rows, sample
from tests.factories.bank import IBANS

D = Decimal


def _line(amount: str) -> BankLine:
    return BankLine.objects.select_related("bank_account").get(amount=D(amount))


def _suggested(line: BankLine) -> list[tuple[str, str, int, list[tuple[str, Decimal, object]]]]:
    return [
        (
            s.kind,
            s.label,
            s.score,
            [
                (a.account if isinstance(a.account, str) else a.account.code, a.amount, a.activity)
                for a in s.allocations
            ],
        )
        for s in services.suggestions_for(line)
    ]


def test_a_camt_charge_is_suggested_on_627_for_the_structure(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[0])
    services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
    line = _line("-8.40")  # ACMT/MDOP/CHRG, "FRAIS CB COMMISSION CARTE 4974XXXXXXXX1234"
    assert line.bank_code == "ACMT/MDOP/CHRG"
    assert _suggested(line) == [
        ("fees", "Frais bancaires → 627", 52, [("627", D("-8.40"), None)]),
    ]
    best = services.suggestions_for(line)[0]
    reconciliation = services.reconciliation_confirm(line=line, allocations=best.allocations)
    assert entry_rows(reconciliation.entry) == [
        ("512", D("0.00"), D("8.40"), None),
        ("627", D("8.40"), D("0.00"), None),
    ]
    assert reconciliation.entry is not None
    assert list(reconciliation.entry.lines.values_list("label", flat=True)) == [
        "FRAIS CB COMMISSION CARTE 4974XXXXXXXX1234",
        "FRAIS CB COMMISSION CARTE 4974XXXXXXXX1234",
    ]
    # Neither a customer's payment nor a SEPA batch is taken for a fee.
    assert all(s.kind != "fees" for s in services.suggestions_for(_line("1200.00")))
    assert all(s.kind != "fees" for s in services.suggestions_for(_line("-760.00")))


def test_a_fee_on_an_activitys_own_account_goes_to_that_activity(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[0], activity=ledger.a2)
    services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
    line = _line("-8.40")
    assert _suggested(line) == [
        ("fees", "Frais bancaires → 627", 52, [("627", D("-8.40"), ledger.a2.pk)]),
    ]
    reconciliation = services.reconciliation_confirm(
        line=line, allocations=services.suggestions_for(line)[0].allocations
    )
    assert entry_rows(reconciliation.entry) == [
        ("512", D("0.00"), D("8.40"), "A2"),
        ("627", D("8.40"), D("0.00"), "A2"),
    ]


def test_cfonb_and_ofx_fees_are_known_by_their_label(ledger: Ledger) -> None:
    cfonb = services.bank_account_create(iban=IBANS[1])
    services.statement_import(bank_account=cfonb, data=sample("cfonb120-2025-04-05.txt"))
    fees = BankLine.objects.filter(bank_account=cfonb, amount=D("-12.50")).select_related(
        "bank_account"
    )
    assert [(line.label, line.bank_code) for line in fees] == [
        ("FRAIS CB", "62"),
        ("FRAIS CB", "62"),
    ]
    assert [_suggested(line) for line in fees] == [
        [("fees", "Frais bancaires → 627", 52, [("627", D("-12.50"), None)])],
        [("fees", "Frais bancaires → 627", 52, [("627", D("-12.50"), None)])],
    ]
    urssaf = BankLine.objects.select_related("bank_account").get(label="PRLV SEPA URSSAF")
    assert all(s.kind != "fees" for s in services.suggestions_for(urssaf))
    ofx = services.bank_account_create(iban=IBANS[2])
    services.statement_import(bank_account=ofx, data=sample("bnp-2025-04.ofx"))
    card = BankLine.objects.select_related("bank_account").get(bank_account=ofx, amount=D("-8.40"))
    assert _suggested(card) == [
        ("fees", "Frais bancaires → 627", 52, [("627", D("-8.40"), None)]),
    ]
    supplier = BankLine.objects.select_related("bank_account").get(
        bank_account=ofx, amount=D("-360.00")
    )
    assert all(s.kind != "fees" for s in services.suggestions_for(supplier))


def test_a_rule_of_the_cooperative_takes_the_place_of_the_built_in_suggestion(
    ledger: Ledger,
) -> None:
    account = services.bank_account_create(iban=IBANS[0])
    services.rule_create(
        name="Carte de A1", label_contains="FRAIS CB", account="627", activity=ledger.a1
    )
    services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
    assert _suggested(_line("-8.40")) == [
        ("rule", "Règle « Carte de A1 » → 627", 60, [("627", D("-8.40"), ledger.a1.pk)]),
    ]


def test_an_item_of_the_same_amount_comes_after_the_fee(ledger: Ledger) -> None:
    from accounting.services import LineInput

    ledger.post(
        [
            LineInput("627", debit="12.00"),
            LineInput("401", credit="12.00", third_party=ledger.supplier),
        ],
        journal="AC",
        date=dt.date(2025, 4, 1),
        piece_ref="FP-12",
    )
    account = services.bank_account_create(iban=IBANS[0])
    services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
    services.statement_import(bank_account=account, data=sample("camt053-001-08-2025-04.xml"))
    line = _line("-12.00")  # ACMT/MDOP/CHRG "COMMISSION TENUE DE COMPTE"
    assert [(s.kind, s.label, s.score) for s in services.suggestions_for(line)] == [
        ("fees", "Frais bancaires → 627", 52),
        ("amount", "Fournisseur Un, FP-12 du 01/04/2025", 50),
    ]


def _bare(amount: str, label: str = "", **fields: object) -> BankLine:
    return BankLine(amount=D(amount), label=label, **fields)


@pytest.mark.parametrize(
    ("line", "fee"),
    [
        (_bare("-3.00", "AGIOS TRIMESTRIELS"), True),
        (_bare("-45.00", "COTISATION CARTE BUSINESS"), True),
        (_bare("-18.20", "INTERETS DEBITEURS 1T2025"), True),
        (_bare("-30.00", "COMMISSIONS D'INTERVENTION"), True),
        (_bare("-1.50", "", bank_code="SRVCHG"), True),
        (_bare("-1.50", "", bank_code="PMNT/CCRD/COMT"), True),
        # An expense report paid, a supplier whose name holds the word, a refund of fees.
        (_bare("-84.00", "VIR NOTE DE FRAIS LEA MARTIN"), False),
        (_bare("-84.00", "FRAIS DE PORT", counterparty_iban=IBANS[1]), False),
        (_bare("8.40", "REMBOURSEMENT FRAIS CB"), False),
        (_bare("-8.40", "FRAISIERS ET CIE"), False),
        (_bare("-8.40", "", bank_code="PMNT/ICDT/ESCT"), False),
    ],
)
def test_what_counts_as_a_bank_fee(line: BankLine, fee: bool) -> None:
    assert is_bank_fee(line) is fee
