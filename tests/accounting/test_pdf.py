"""PDF versions of the statements: real PDFs (WeasyPrint), their text read back with pdftotext,
the same access rules as the pages."""

from __future__ import annotations

import re
import subprocess
from typing import Any

import pytest
from django.test import Client

from accounting import pdf
from perspectives.tenancy.models import Role
from tests.accounting.conftest import Books
from tests.conftest import World, activate_totp
from tests.factories import MembershipFactory, UserFactory

BASE = "/c/coop-a/accounting/"
YEAR = "from=2025-01-01&to=2025-12-31"


def pdf_text(response: Any) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    body = response.content
    assert body.startswith(b"%PDF")
    # poppler-utils' pdftotext, fixed arguments: the PDF's text as a reader would copy it.
    command = ["pdftotext", "-layout", "-", "-"]
    result = subprocess.run(command, input=body, capture_output=True, check=True)  # noqa: S603
    return str(result.stdout.decode("utf-8"))


@pytest.fixture
def accountant(world: World):
    user = UserFactory.create(email="nadia@a.example")
    activate_totp(user)
    MembershipFactory.create(cooperative=world.coop_a, user=user, roles=[Role.ACCOUNTANT])
    return user


def test_the_trial_balance_pdf(books: Books, accountant, world: World, client: Client) -> None:
    client.force_login(accountant)
    response = client.get(BASE + f"trial-balance/?{YEAR}&format=pdf")
    assert 'filename="balance-20250101-20251231.pdf"' in response["Content-Disposition"]
    text = pdf_text(response)
    assert "Balance générale" in text
    assert world.coop_a.name in text
    assert f"SIREN {world.coop_a.siren}" in text
    assert "Du 01/01/2025 au 31/12/2025" in text
    assert "Page 1 / 1" in text
    # 411: 1 800,00 debit, 1 000,00 credit; totals of the movements, then of the balances
    # (debit: 411 800 + 512 600 + 44566 60 + 604 300 + 6411 500 + 6451 200).
    assert "411 Clients 1 800,00 1 000,00 800,00" in flat(text)
    assert "Totaux 4 260,00 4 260,00 2 460,00 2 460,00" in flat(text)


def flat(text: str) -> str:
    """One space between words: pdftotext lays columns out with runs of spaces, and French
    amounts group thousands with a narrow no-break space."""
    return " ".join(text.split())


def test_the_general_account_and_third_party_ledgers_in_pdf(
    books: Books, accountant, client: Client
) -> None:
    client.force_login(accountant)
    whole = flat(pdf_text(client.get(BASE + f"general-ledger/?{YEAR}&format=pdf")))
    assert "Grand livre" in whole
    assert "Total général des mouvements Débit 4 260,00 Crédit 4 260,00" in whole
    assert "Total 411 et solde de clôture 1 800,00 1 000,00 800,00" in whole
    pages = re.findall(r"Page (\d+) / (\d+)", whole)
    assert [int(n) for n, _total in pages] == list(range(1, len(pages) + 1))
    assert {int(total) for _n, total in pages} == {len(pages)}

    response = client.get(
        BASE + "general-ledger/?account=512&from=2025-02-01&to=2025-03-31&format=pdf"
    )
    assert 'filename="grand-livre-512-20250201-20250331.pdf"' in response["Content-Disposition"]
    bank = flat(pdf_text(response))
    assert "Grand livre du compte 512 · Banques" in bank
    assert "Du 01/02/2025 au 31/03/2025" in bank
    assert "Total 512 et solde de clôture 1 000,00 400,00 600,00" in bank
    assert "Clients" not in bank

    customer = flat(
        pdf_text(client.get(BASE + f"general-ledger/?third_party=CLIENT1&{YEAR}&format=pdf"))
    )
    assert "Compte auxiliaire CLIENT1 · Client Un" in customer
    assert "15/01/2025 VT000001 Facture A1 CLIENT1 1 200,00 1 200,00" in customer
    assert "Total 411 et solde de clôture 1 800,00 1 000,00 800,00" in customer


def test_the_activity_statements_in_pdf(books: Books, world: World, client: Client) -> None:
    client.force_login(world.alice)
    mine = books.alice_activity.pk
    ledger = flat(pdf_text(client.get(BASE + f"activities/{mine}/ledger/?{YEAR}&format=pdf")))
    assert "Grand livre analytique · A1 Graphisme" in ledger
    # a1's lines only: a2's sale (600,00 to customer 411) is not there.
    assert "Total général des mouvements Débit 3 660,00 Crédit 3 660,00" in ledger
    assert "Total 411 et solde de clôture 1 200,00 1 000,00 200,00" in ledger

    pnl = flat(pdf_text(client.get(BASE + f"activities/{mine}/pnl/?{YEAR}&format=pdf")))
    assert "Compte de résultat · A1 Graphisme" in pnl
    assert "Total des produits 1 000,00" in pnl
    assert "Total des charges 1 000,00" in pnl
    assert "Résultat : 0,00 €" in pnl
    assert "janvier 2025 1 000,00 300,00 700,00" in pnl
    assert "février 2025 0,00 700,00 -700,00" in pnl

    response = client.get(BASE + f"activities/{mine}/treasury/?as_of=2025-03-31&format=pdf")
    assert 'filename="tresorerie-A1-20250331.pdf"' in response["Content-Disposition"]
    treasury = flat(pdf_text(response))
    assert "État de trésorerie · A1 Graphisme" in treasury
    assert "Au 31/03/2025" in treasury
    for line in (
        "Trésorerie disponible 600,00",
        "− Fournisseurs à payer 360,00",
        "= Trésorerie de référence 100,00",
        "+ Clients à encaisser 200,00",
        "= Trésorerie future 0,00",
    ):
        assert line in treasury


def test_a_ledger_too_long_for_a_pdf_is_refused_with_the_csv_offered(
    books: Books, accountant, world: World, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(pdf, "PDF_MAX_LINES", 3)
    client.force_login(accountant)
    response = client.get(BASE + f"general-ledger/?{YEAR}&format=pdf")
    assert response.status_code == 400
    page = response.content.decode()
    assert "Ce grand livre compte 17 lignes sur la période : le PDF est limité à 3 lignes." in page
    assert "from=2025-01-01&amp;to=2025-12-31&amp;format=csv" in page
    client.force_login(world.alice)
    mine = books.alice_activity.pk
    response = client.get(BASE + f"activities/{mine}/ledger/?{YEAR}&format=pdf")
    assert response.status_code == 400
    assert "compte 14 lignes" in response.content.decode()


PDF_PATHS = (
    "trial-balance/?format=pdf",
    "general-ledger/?format=pdf",
    "general-ledger/?account=512&format=pdf",
    "general-ledger/?third_party=CLIENT1&format=pdf",
)


def _activity_pdf_paths(activity_id: int) -> list[str]:
    return [
        f"activities/{activity_id}/pnl/?format=pdf",
        f"activities/{activity_id}/treasury/?format=pdf",
        f"activities/{activity_id}/ledger/?format=pdf",
    ]


def test_pdfs_follow_the_pages_access_rules(books: Books, world: World, client: Client) -> None:
    client.force_login(world.alice)  # entrepreneur of a1 only
    for path in _activity_pdf_paths(books.other_activity.pk):
        assert client.get(BASE + path).status_code == 404, path
    for path in PDF_PATHS:
        assert client.get(BASE + path).status_code == 403, path
    client.force_login(world.bob)  # support, alice's referent
    assert client.get(BASE + _activity_pdf_paths(books.alice_activity.pk)[1]).status_code == 200
    for path in _activity_pdf_paths(books.other_activity.pk):
        assert client.get(BASE + path).status_code == 404, path
    client.force_login(world.charlie)  # another cooperative
    for path in (*PDF_PATHS, *_activity_pdf_paths(books.alice_activity.pk)):
        assert client.get(BASE + path).status_code == 404, path
    # In his own cooperative, with A's activity ids and A's third party: 404 too.
    for path in (
        "general-ledger/?third_party=CLIENT1&format=pdf",
        *_activity_pdf_paths(books.alice_activity.pk),
    ):
        assert client.get("/c/coop-b/accounting/" + path).status_code == 404, path
