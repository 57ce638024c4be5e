"""Statement import: each format from a real-looking file, the checks, and nothing twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from bank import services
from bank.importers.base import ImportRefused
from bank.models import BankAccount, BankLine, Statement
from tests.accounting.conftest import Ledger
from tests.bank.conftest import sample
from tests.factories.bank import IBANS

D = Decimal
CM_MAPPING: dict[str, object] = {
    "thousands_separator": " ",
    "value_date": "Date de valeur",
    "amount": "",
    "debit": "Débit",
    "credit": "Crédit",
    "balance": "Solde",
}


def _lines(account: BankAccount) -> list[tuple[Any, ...]]:
    return list(
        BankLine.objects.filter(bank_account=account)
        .order_by("booking_date", "pk")
        .values_list("booking_date", "amount", "counterparty", "reference", "bank_transaction_id")
    )


def test_bank_account_checks_iban_and_takes_512(ledger: Ledger) -> None:
    account = services.bank_account_create(
        iban="fr76 3000 6000 0112 3456 7890 189", name="Crédit Agricole"
    )
    assert (account.iban, account.bic, account.account.code, account.journal.code) == (
        IBANS[0],
        "AGRIFRPPXXX",
        "512",
        "BQ",
    )
    assert account.is_default
    second = services.bank_account_create(iban=IBANS[1])
    assert (second.account.code, second.is_default, second.bic, second.name) == (
        "5121",
        False,
        "BREDFRPP",
        "Compte 0129",
    )
    with pytest.raises(ImportRefused.__mro__[1], match="n'est pas valide"):
        services.bank_account_create(iban="FR7630006000011234567890188")
    with pytest.raises(ImportRefused.__mro__[1], match="existe déjà"):
        services.bank_account_create(iban=IBANS[0])
    assert BankAccount.objects.count() == 2


def test_camt053_001_02_is_imported_with_its_batch_details(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[0])
    result = services.statement_import(
        bank_account=account, data=sample("camt053-001-02-2025-03.xml"), file_name="mars.xml"
    )
    assert (result.added, result.duplicates) == (4, 0)
    (statement,) = result.statements
    assert (
        statement.format,
        statement.start_date,
        statement.end_date,
        statement.opening_balance,
        statement.closing_balance,
        statement.bank_reference,
    ) == (
        "camt053",
        dt.date(2025, 3, 1),
        dt.date(2025, 3, 31),
        D("1000.00"),
        D("2031.60"),
        "2025-03-FR7630006000011234567890189",
    )
    assert statement.file.read().startswith(b"<?xml")
    assert _lines(account) == [
        (dt.date(2025, 3, 5), D("1200.00"), "ATELIER DUPONT SARL", "", "2025030500001"),
        (dt.date(2025, 3, 10), D("-8.40"), "", "", "2025031000017"),
        (dt.date(2025, 3, 15), D("-760.00"), "", "PAY-2025-03", "2025031500042"),
        (dt.date(2025, 3, 20), D("600.00"), "CLIENT DEUX", "RF18539007547034", ""),
    ]
    batch = BankLine.objects.get(amount=D("-760.00"))
    assert batch.is_batch
    assert [(d["amount"], d["counterparty"], d["reference"]) for d in batch.details] == [
        ("400.00", "LEA MARTIN", "ALLOC-101"),
        ("360.00", "FOURNITURES PRO", "ALLOC-102"),
    ]
    first = BankLine.objects.get(amount=D("1200.00"))
    assert (first.label, first.value_date, first.counterparty_iban, first.bank_code) == (
        "REGLEMENT FACTURE F2025-0001",
        dt.date(2025, 3, 5),
        IBANS[1],
        "PMNT/RCDT/ESCT",
    )


def test_camt053_001_08_follows_on_and_reimport_adds_nothing(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[0])
    services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
    april = services.statement_import(
        bank_account=account, data=sample("camt053-001-08-2025-04.xml")
    )
    assert (april.added, april.statements[0].closing_balance) == (2, D("2259.60"))
    again = services.statement_import(
        bank_account=account, data=sample("camt053-001-02-2025-03.xml")
    )
    assert (again.added, again.duplicates, again.statements) == (0, 4, [])
    assert BankLine.objects.count() == 6
    assert Statement.objects.count() == 2


@pytest.mark.parametrize(
    ("name", "message"),
    [
        (
            "broken-camt-unbalanced.xml",
            "ne s'équilibre pas : solde initial 1000.00 + mouvements 1031.60 = 2031.60, "
            "mais le solde final annoncé est 2031.00",
        ),
        ("broken-camt-truncated.xml", "incomplet ou mal formé"),
        (
            "broken-camt-unknown-iban.xml",
            "concerne le compte FR7610107001011234567890129, pas FR7630006000011234567890189",
        ),
        ("broken-camt-entities.xml", "DOCTYPE ou des entités"),
        ("broken-ofx-truncated.ofx", "OFX est illisible ou incomplet"),
        ("broken-cfonb-truncated.txt", "tronqué"),
    ],
)
def test_broken_files_are_refused_and_nothing_is_written(
    ledger: Ledger, name: str, message: str
) -> None:
    account = services.bank_account_create(iban=IBANS[0])
    with pytest.raises(ImportRefused) as refused:
        services.statement_import(bank_account=account, data=sample(name))
    assert message in refused.value.message
    assert (Statement.objects.count(), BankLine.objects.count()) == (0, 0)


def test_a_statement_that_does_not_follow_on_is_refused(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[0])
    services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
    with pytest.raises(ImportRefused) as refused:
        services.statement_import(bank_account=account, data=sample("broken-camt-gap.xml"))
    assert refused.value.message == (
        "Ce relevé ne fait pas suite au précédent : il s'ouvre au 01/04/2025 sur un solde de "
        "2000.00, alors que les relevés déjà importés donnent 2031.60 ce jour-là. Importez "
        "d'abord les relevés manquants."
    )
    assert (Statement.objects.count(), BankLine.objects.count()) == (1, 4)


def test_ofx_1_sgml_by_national_account_number(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[2])
    result = services.statement_import(bank_account=account, data=sample("bnp-2025-04.ofx"))
    (statement,) = result.statements
    assert (statement.format, statement.opening_balance, statement.closing_balance) == (
        "ofx",
        D("5000.00"),
        D("6071.60"),
    )
    assert _lines(account) == [
        (
            dt.date(2025, 4, 7),
            D("1440.00"),
            "VIR SEPA ATELIER DUPONT",
            "FACTURE F2025-0042",
            "25097000123",
        ),
        (dt.date(2025, 4, 10), D("-8.40"), "FRAIS CB", "COMMISSION CARTE", "25100000456"),
        (
            dt.date(2025, 4, 15),
            D("-360.00"),
            "PRLV SEPA FOURNITURES PRO",
            "FACTURE FP-2025-118",
            "25105000789",
        ),
    ]
    assert (
        services.statement_import(bank_account=account, data=sample("bnp-2025-04.ofx")).added == 0
    )


def test_ofx_2_xml_keeps_two_identical_lines_apart(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[3])
    result = services.statement_import(bank_account=account, data=sample("lbp-2025-05.ofx"))
    assert (result.added, result.statements[0].closing_balance) == (3, D("1250.20"))
    assert [line[1] for line in _lines(account)] == [D("360.00"), D("-54.90"), D("-54.90")]


def test_cfonb_120_two_statements_and_identical_lines(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[1])
    result = services.statement_import(bank_account=account, data=sample("cfonb120-2025-04-05.txt"))
    assert [
        (s.start_date, s.opening_balance, s.closing_balance, s.line_count)
        for s in result.statements
    ] == [
        (dt.date(2025, 3, 31), D("3450.00"), D("4445.00"), 4),
        (dt.date(2025, 4, 30), D("4445.00"), D("5165.00"), 1),
    ]
    first = BankLine.objects.get(amount=D("1500.00"))
    assert (first.counterparty, first.label, first.reference, first.bank_code) == (
        "MAIRIE DE PRADES",
        "VIR SEPA RECU FACTURE F2025-0003 ATELIER",
        "F2025-0003",
        "05",
    )
    assert BankLine.objects.filter(amount=D("-12.50")).count() == 2
    again = services.statement_import(bank_account=account, data=sample("cfonb120-2025-04-05.txt"))
    assert (again.added, again.duplicates) == (0, 5)


def test_csv_with_the_banks_saved_mapping(ledger: Ledger) -> None:
    account = services.bank_account_create(iban=IBANS[0])
    with pytest.raises(ImportRefused, match="enregistrez d'abord le format CSV"):
        services.statement_import(bank_account=account, data=sample("credit-mutuel-2025-06.csv"))
    services.bank_account_csv_mapping_set(bank_account=account, mapping=CM_MAPPING)
    result = services.statement_import(
        bank_account=account, data=sample("credit-mutuel-2025-06.csv")
    )
    (statement,) = result.statements
    assert (statement.format, statement.opening_balance, statement.closing_balance) == (
        "csv",
        D("2000.00"),
        D("3071.60"),
    )
    assert [(line[0], line[1]) for line in _lines(account)] == [
        (dt.date(2025, 6, 2), D("1440.00")),
        (dt.date(2025, 6, 4), D("-8.40")),
        (dt.date(2025, 6, 10), D("-360.00")),
    ]
    with pytest.raises(ImportRefused, match="réglages inconnus colonne"):
        services.bank_account_csv_mapping_set(bank_account=account, mapping={"colonne": "x"})
