"""Support staff reconcile the bank lines of their portfolio's activities, and nothing else."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from accounting.models import Entry
from bank import services
from bank.demo import CamtEntry
from bank.models import BankLine, Reconciliation
from entrepreneurs.models import Entrepreneur
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import Ledger, build_ledger
from tests.bank.conftest import march_statement
from tests.conftest import World
from tests.factories.bank import IBANS
from tests.factories.entrepreneurs import ActivityMemberFactory, EntrepreneurFactory

D = Decimal
PAGES = "/c/coop-a/bank/"
API = "/api/v1/c/coop-a/bank/"


@pytest.fixture
def portfolio(world: World) -> dict[str, Any]:
    """Alice (bob follows her) works in A1, someone else in A2; the cooperative's account, one
    dedicated to A1 and one to A2, each with a statement."""
    with cooperative_context(world.coop_a.pk):
        ledger: Ledger = build_ledger(world.coop_a)
        ActivityMemberFactory.create(
            activity=ledger.a1, entrepreneur=Entrepreneur.objects.get(user=world.alice)
        )
        ActivityMemberFactory.create(
            activity=ledger.a2, entrepreneur=EntrepreneurFactory.create(sector=ledger.a2.sector)
        )
        ledger.sale("1200.00", date=dt.date(2025, 2, 20), piece_ref="F2025-0001")
        ledger.sale("300.00", activity=ledger.a2, date=dt.date(2025, 2, 21), piece_ref="F2025-0002")
        shared = services.bank_account_create(iban=IBANS[0], name="Compte commun")
        mine = services.bank_account_create(iban=IBANS[1], name="Graphisme", activity=ledger.a1)
        other = services.bank_account_create(iban=IBANS[2], name="Menuiserie", activity=ledger.a2)
        day = dt.date(2025, 3, 10)
        services.statement_import(
            bank_account=mine,
            data=march_statement(
                mine.iban,
                CamtEntry(day, D("1200.00"), "CLIENT UN", "FACTURE F2025-0001"),
                CamtEntry(day, D("300.00"), "CLIENT UN", "FACTURE F2025-0002"),
                CamtEntry(day, D("-8.40"), additional="FRAIS CB"),
            ),
        )
        services.statement_import(
            bank_account=other,
            data=march_statement(other.iban, CamtEntry(day, D("-12.00"), additional="FRAIS CB")),
        )
        lines = {(line.bank_account_id, line.amount): line.pk for line in BankLine.objects.all()}
        return {
            "ledger": ledger,
            "shared": shared,
            "mine": mine,
            "other": other,
            "payment": lines[(mine.pk, D("1200.00"))],
            "foreign_payment": lines[(mine.pk, D("300.00"))],
            "fee": lines[(mine.pk, D("-8.40"))],
            "other_fee": lines[(other.pk, D("-12.00"))],
        }


def _state(world: World) -> tuple[int, int, list[str]]:
    with cooperative_context(world.coop_a.pk):
        return (
            Entry.objects.count(),
            Reconciliation.objects.count(),
            list(BankLine.objects.order_by("pk").values_list("state", flat=True)),
        )


def test_support_sees_and_reconciles_their_portfolio_s_account(
    world: World, portfolio: dict[str, Any], client: Client
) -> None:
    client.force_login(world.bob)
    home = client.get(PAGES).content.decode()
    assert "Graphisme" in home
    assert "Menuiserie" not in home
    assert "Compte commun" not in home
    assert "Ajouter un compte bancaire" not in home
    account = client.get(f"{PAGES}accounts/{portfolio['mine'].pk}/").content.decode()
    assert "Importer un relevé" not in account
    page = client.get(f"{PAGES}lines/{portfolio['payment']}/").content.decode()
    assert "Pièces F2025-0001" in page
    accepted = client.post(f"{PAGES}lines/{portfolio['payment']}/reconcile/", {"suggestion": "0"})
    assert accepted.status_code == 302
    # The other activity's invoice is not offered, and a split onto it is refused.
    page = client.get(f"{PAGES}lines/{portfolio['foreign_payment']}/").content.decode()
    assert "F2025-0002" not in page.split("Suggestions")[1]
    before = _state(world)
    refused = client.post(
        f"{PAGES}lines/{portfolio['foreign_payment']}/reconcile/",
        {
            "account_0": "411",
            "activity_0": portfolio["ledger"].a2.pk,
            "third_party_0": "CLIENT1",
            "amount_0": "300.00",
        },
    )
    assert refused.status_code == 400
    assert "sort des activités de votre portefeuille" in refused.content.decode()
    assert _state(world) == before
    token = Token.objects.create(user=world.bob)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    done = client.post(
        f"{API}lines/{portfolio['fee']}/reconcile/",
        {
            "allocations": [
                {"account": "627", "amount": "-8.40", "activity_id": portfolio["ledger"].a1.pk}
            ]
        },
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 201, done.content
    with cooperative_context(world.coop_a.pk):
        assert sorted(
            BankLine.objects.filter(state="reconciled").values_list("amount", flat=True)
        ) == [D("-8.40"), D("1200.00")]
    listed = client.get(f"{API}accounts/", **auth).json()["results"]
    assert [a["name"] for a in listed] == ["Graphisme"]


def test_support_cannot_touch_other_accounts_nor_manage_the_bank(
    world: World, portfolio: dict[str, Any], client: Client
) -> None:
    client.force_login(world.bob)
    before = _state(world)
    other, shared = portfolio["other"].pk, portfolio["shared"].pk
    for url in (
        f"{PAGES}accounts/{other}/",
        f"{PAGES}accounts/{shared}/",
        f"{PAGES}lines/{portfolio['other_fee']}/",
        f"{API}accounts/{other}/lines/",
        f"{API}accounts/{other}/statements/",
        f"{API}lines/{portfolio['other_fee']}/suggestions/",
    ):
        assert client.get(url).status_code == 404, url
    assert (
        client.post(f"{PAGES}lines/{portfolio['other_fee']}/reconcile/", {"suggestion": "0"})
    ).status_code == 404
    assert client.post(f"{PAGES}lines/{portfolio['other_fee']}/undo/").status_code == 404
    assert (
        client.post(
            f"{API}lines/{portfolio['other_fee']}/reconcile/",
            {"allocations": [{"account": "627", "amount": "-12.00"}]},
            content_type="application/json",
        ).status_code
        == 404
    )
    # Importing, adding accounts, rules, entries by hand and VAT stay the accounting team's.
    upload = SimpleUploadedFile("m.xml", march_statement(IBANS[1]))
    mine = portfolio["mine"].pk
    assert client.post(f"{PAGES}accounts/{mine}/statements/", {"file": upload}).status_code == 403
    assert client.post(f"{API}accounts/{mine}/statements/", {"file": upload}).status_code == 403
    assert client.post(PAGES, {"iban": IBANS[3]}).status_code == 403
    assert client.post(f"{API}accounts/", {"iban": IBANS[3]}).status_code == 403
    for page in ("rules/", "vat/", "entries/"):
        assert client.get(f"{PAGES}{page}").status_code == 403
    assert _state(world) == before


def test_support_cannot_undo_what_reaches_beyond_their_portfolio(
    world: World, portfolio: dict[str, Any], client: Client
) -> None:
    ledger = portfolio["ledger"]
    with cooperative_context(world.coop_a.pk):
        line = BankLine.objects.get(pk=portfolio["fee"])
        services.reconciliation_confirm(
            line=line,
            allocations=[
                services.Allocation(account="627", amount=D("-4.20"), activity=ledger.a1),
                services.Allocation(account="627", amount=D("-4.20"), activity=ledger.a2),
            ],
        )
    before = _state(world)
    client.force_login(world.bob)
    response = client.post(f"{PAGES}lines/{portfolio['fee']}/undo/", follow=True)
    assert "sort des activités de votre portefeuille" in response.content.decode()
    token = Token.objects.create(user=world.bob)
    api = client.post(
        f"{API}lines/{portfolio['fee']}/undo/", HTTP_AUTHORIZATION=f"Token {token.key}"
    )
    assert api.status_code == 400
    assert _state(world) == before


def test_another_cooperative_gets_404(
    world: World, portfolio: dict[str, Any], client: Client
) -> None:
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-b/bank/accounts/{portfolio['mine'].pk}/").status_code == 404
    assert client.get(f"/c/coop-b/bank/lines/{portfolio['payment']}/").status_code == 404
    assert (
        client.post(f"/api/v1/c/coop-b/bank/lines/{portfolio['payment']}/undo/").status_code == 404
    )
