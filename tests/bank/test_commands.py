"""The contract commands, run exactly as written in the issue."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from bank.models import BankAccount, BankLine, Statement
from perspectives.tenancy.context import cooperative_context
from tests.bank.conftest import FILES
from tests.factories import CooperativeFactory
from tests.factories.bank import IBANS


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def cooperative(db: None):
    return CooperativeFactory.create(slug="coop-cli")


def _count(cooperative) -> tuple[int, int, int]:
    with cooperative_context(cooperative.pk):
        return (BankAccount.objects.count(), Statement.objects.count(), BankLine.objects.count())


def test_create_import_and_list(cooperative) -> None:
    out = _run(
        "bank_account_create",
        "--cooperative",
        "coop-cli",
        "--iban",
        IBANS[0],
        "--name",
        "Crédit Agricole",
    )
    assert out == (
        "Compte bancaire créé : Crédit Agricole FR7630006000011234567890189 "
        "(compte 512, journal BQ).\n"
    )
    again = _run("bank_account_create", "--cooperative", "coop-cli", "--iban", IBANS[0])
    assert again == "Le compte bancaire FR7630006000011234567890189 existe déjà : rien à faire.\n"
    assert _count(cooperative) == (1, 0, 0)

    path = str(FILES / "camt053-001-02-2025-03.xml")
    imported = _run(
        "bank_import", "--cooperative", "coop-cli", "--account", IBANS[0], "--file", path
    )
    assert imported == "camt053-001-02-2025-03.xml : 4 ligne(s) ajoutée(s), 0 déjà connue(s).\n"
    again = _run("bank_import", "--cooperative", "coop-cli", "--account", IBANS[0], "--file", path)
    assert again == "camt053-001-02-2025-03.xml : 0 ligne(s) ajoutée(s), 4 déjà connue(s).\n"

    listed = _run(
        "bank_lines", "--cooperative", "coop-cli", "--account", IBANS[0], "--format", "csv"
    )
    assert listed == (
        "booking_date,value_date,amount,currency,counterparty,label,reference\n"
        "2025-03-05,2025-03-05,1200.00,EUR,ATELIER DUPONT SARL,REGLEMENT FACTURE F2025-0001,\n"
        "2025-03-10,2025-03-10,-8.40,EUR,,FRAIS CB COMMISSION CARTE 4974XXXXXXXX1234,\n"
        "2025-03-15,2025-03-15,-760.00,EUR,,REMISE VIREMENTS SEPA PAY-2025-03,PAY-2025-03\n"
        "2025-03-20,2025-03-21,600.00,EUR,CLIENT DEUX,CLIENT DEUX,RF18539007547034\n"
    )
    assert _count(cooperative) == (1, 1, 4)


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("broken-camt-unbalanced.xml", "ne s'équilibre pas"),
        ("broken-camt-unknown-iban.xml", "concerne le compte FR7610107001011234567890129"),
        ("broken-camt-entities.xml", "DOCTYPE"),
        ("broken-camt-truncated.xml", "incomplet ou mal formé"),
    ],
)
def test_a_refused_file_exits_non_zero_and_writes_nothing(
    cooperative, name: str, reason: str
) -> None:
    _run("bank_account_create", "--cooperative", "coop-cli", "--iban", IBANS[0])
    with pytest.raises(CommandError) as refused:
        _run(
            "bank_import",
            "--cooperative",
            "coop-cli",
            "--account",
            IBANS[0],
            "--file",
            str(FILES / name),
        )
    assert str(refused.value).startswith("Relevé refusé, rien n'a été importé : ")
    assert reason in str(refused.value)
    assert _count(cooperative) == (1, 0, 0)


def test_unknown_account_or_cooperative(cooperative) -> None:
    with pytest.raises(CommandError, match="Aucun compte bancaire n'a l'IBAN"):
        _run("bank_lines", "--cooperative", "coop-cli", "--account", IBANS[1], "--format", "csv")
    with pytest.raises(CommandError, match="Coopérative « nulle » inconnue"):
        _run("bank_lines", "--cooperative", "nulle", "--account", IBANS[1], "--format", "csv")
    with pytest.raises(CommandError, match="n'est pas valide"):
        _run("bank_account_create", "--cooperative", "coop-cli", "--iban", "FR00123")
