"""VAT on receipts: the bank's reconciliations release the pending VAT (44574 → 44571) as the
customers pay, and the CA3 counts it in the month of the payment with the base cashed."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from accounting.services import LineInput, account_create
from bank import services, vat
from bank.demo import CamtEntry
from bank.models import BankLine, Reconciliation
from entrepreneurs.models import Activity
from perspectives.tenancy.models import Role
from tests.accounting.conftest import Ledger
from tests.bank.conftest import entry_rows, march_statement
from tests.conftest import activate_totp
from tests.factories import MembershipFactory, UserFactory
from tests.factories.bank import IBANS

D = Decimal
MARCH = {"date_from": dt.date(2025, 3, 1), "date_to": dt.date(2025, 3, 31)}


def _invoice(
    ledger: Ledger,
    number: str,
    total: str,
    vat_amount: str,
    *,
    activity: Activity | None = None,
    date: dt.date = dt.date(2025, 2, 20),
) -> None:
    """A service invoiced without the debit option: its VAT waits on 44574."""
    activity = activity or ledger.a1
    ledger.post(
        [
            LineInput("411", debit=D(total), activity=activity, third_party=ledger.customer),
            LineInput("706", credit=D(total) - D(vat_amount), activity=activity),
            LineInput("44574", credit=D(vat_amount), activity=activity),
        ],
        journal="VT",
        date=date,
        label=f"Facture {number}",
        piece_ref=number,
    )


@pytest.fixture
def paid(ledger: Ledger) -> dict[str, BankLine]:
    """Two invoices on receipts in February; in March a sale on debits, the first invoice paid
    in full and the second in two parts."""
    account_create(code="44574", label="TVA collectée en attente d'encaissement")
    _invoice(ledger, "F2025-0001", "1200.00", "200.00")
    _invoice(ledger, "F2025-0002", "360.00", "60.00", activity=ledger.a2)
    ledger.sale("150.00", date=dt.date(2025, 3, 3), piece_ref="F2025-0003")
    account = services.bank_account_create(iban=IBANS[0])
    entries = [
        CamtEntry(dt.date(2025, 3, 5), D("1200.00"), "CLIENT UN", "FACTURE F2025-0001"),
        CamtEntry(dt.date(2025, 3, 10), D("120.00"), "CLIENT UN", "ACOMPTE F2025-0002"),
        CamtEntry(dt.date(2025, 3, 25), D("240.00"), "CLIENT UN", "SOLDE F2025-0002"),
    ]
    services.statement_import(bank_account=account, data=march_statement(account.iban, *entries))
    lines = {str(line.amount): line for line in BankLine.objects.select_related("bank_account")}
    for amount in ("1200.00", "120.00", "240.00"):
        line = lines[amount]
        best = services.suggestions_for(line)[0]
        services.reconciliation_confirm(line=line, allocations=best.allocations)
    return lines


def _released() -> list[tuple[str, list[list[object]]]]:
    return [
        (str(r.bank_line.amount), r.vat_released)
        for r in Reconciliation.objects.filter(undone_at__isnull=True)
        .select_related("bank_line")
        .order_by("bank_line__booking_date")
    ]


def test_each_payment_releases_its_share_of_the_pending_vat(
    ledger: Ledger, paid: dict[str, BankLine]
) -> None:
    full = Reconciliation.objects.get(bank_line=paid["1200.00"])
    assert entry_rows(full.entry) == [
        ("512", D("1200.00"), D("0.00"), "A1"),
        ("411", D("0.00"), D("1200.00"), "A1"),
        ("44574", D("200.00"), D("0.00"), "A1"),
        ("44571", D("0.00"), D("200.00"), "A1"),
    ]
    items = {
        r.bank_line.amount: r.vat_released[0][0]
        for r in Reconciliation.objects.select_related("bank_line")
    }
    assert _released() == [
        ("1200.00", [[items[D("1200.00")], "200.00"]]),
        ("120.00", [[items[D("120.00")], "20.00"]]),
        ("240.00", [[items[D("120.00")], "40.00"]]),
    ]


def test_the_ca3_counts_the_vat_cashed_in_the_month(
    ledger: Ledger, paid: dict[str, BankLine]
) -> None:
    march = vat.vat_return_compute(**MARCH)
    # Sale on debits 125 + 25; cashed: 1000 + 200 (A1), 100 + 20 and 200 + 40 (A2).
    assert {code: march.amounts[code] for code in ("A1", "08", "08T", "9B", "16", "TD")} == {
        "A1": D("1425"),
        "08": D("1425"),
        "08T": D("285"),
        "9B": D("0"),
        "16": D("285"),
        "TD": D("285"),
    }
    february = vat.vat_return_compute(date_from=dt.date(2025, 2, 1), date_to=dt.date(2025, 2, 28))
    assert (february.amounts["A1"], february.amounts["16"]) == (D("0"), D("0"))
    behind = vat.box_lines(code="08", **MARCH)
    assert sorted((line.account.code, line.debit, line.credit) for line in behind) == [
        ("44574", D("20.00"), D("0.00")),
        ("44574", D("40.00"), D("0.00")),
        ("44574", D("200.00"), D("0.00")),
        ("706", D("0.00"), D("125.00")),
    ]


def test_undoing_a_payment_gives_its_vat_back_to_pending(
    ledger: Ledger, paid: dict[str, BankLine]
) -> None:
    last = Reconciliation.objects.get(bank_line=paid["240.00"])
    services.reconciliation_undo(reconciliation=last)
    undone = vat.vat_return_compute(**MARCH).amounts
    assert (undone["A1"], undone["08T"]) == (D("1225"), D("245"))
    line = BankLine.objects.select_related("bank_account").get(pk=paid["240.00"].pk)
    again = services.reconciliation_confirm(
        line=line, allocations=services.suggestions_for(line)[0].allocations
    )
    assert again.vat_released[0][1] == "40.00"
    redone = vat.vat_return_compute(**MARCH).amounts
    assert (redone["A1"], redone["08T"]) == (D("1425"), D("285"))


def test_the_api_and_the_pages_show_the_vat_released(
    ledger: Ledger, paid: dict[str, BankLine], client: Client
) -> None:
    user = UserFactory.create(email="compta@bank.example")
    activate_totp(user)
    MembershipFactory.create(cooperative=ledger.cooperative, user=user, roles=[Role.ACCOUNTANT])
    token = Token.objects.create(user=user)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    line = paid["240.00"]
    undone = client.post(f"/api/v1/c/coop-bank/bank/lines/{line.pk}/undo/", **auth)
    assert undone.status_code == 201
    done = client.post(
        f"/api/v1/c/coop-bank/bank/lines/{line.pk}/reconcile/",
        {"suggestion": 0},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 201, done.content
    assert done.json()["vat_released"][0][1] == "40.00"
    client.force_login(user)
    page = client.get(f"/c/coop-bank/bank/lines/{line.pk}/").content.decode()
    assert "TVA sur les encaissements rendue exigible" in page
    base = "/c/coop-bank/bank/vat/?from=2025-03-01&to=2025-03-31"
    assert client.get(base).status_code == 200
    ca3 = client.get(base + "&format=csv").getvalue().decode()
    assert "A1;CA;Ventes, prestations de services (base HT);1425;1425,00" in ca3
    assert "16;GH;Total de la TVA brute due;285;285,00" in ca3
