"""Pages and API of the bank: who may, what they show, and another cooperative's 404."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from bank import services
from bank.models import BankAccount, BankLine, Statement
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import build_ledger
from tests.bank.conftest import sample
from tests.conftest import World
from tests.factories.bank import IBANS

PAGES = "/c/coop-a/bank/"
API = "/api/v1/c/coop-a/bank/"


def _counts(world: World) -> tuple[int, int, int]:
    with cooperative_context(world.coop_a.pk):
        return BankAccount.objects.count(), Statement.objects.count(), BankLine.objects.count()


def test_the_accountant_uploads_a_statement_on_the_page(
    world: World, account: BankAccount, accountant, client: Client
) -> None:
    client.force_login(accountant)
    home = client.get(PAGES)
    assert home.status_code == 200
    assert "FR76 3000 6000 0112 3456 7890 189" in home.content.decode()
    upload = SimpleUploadedFile("mars.xml", sample("camt053-001-02-2025-03.xml"))
    response = client.post(f"{PAGES}accounts/{account.pk}/statements/", {"file": upload})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert "4 ligne(s) ajoutée(s), 0 déjà connue(s)." in page
    assert "ATELIER DUPONT SARL" in page
    assert "2\xa0031,60" in page  # the closing balance
    assert _counts(world) == (1, 1, 4)
    with cooperative_context(world.coop_a.pk):
        statement = Statement.objects.get()
        line = BankLine.objects.get(amount=Decimal("-760.00"))
    detail = client.get(f"{PAGES}statements/{statement.pk}/").content.decode()
    assert "Lignes restant à rapprocher" in detail
    line_page = client.get(f"{PAGES}lines/{line.pk}/").content.decode()
    assert "LEA MARTIN" in line_page
    assert "FOURNITURES PRO" in line_page


def test_a_refused_upload_shows_why_and_writes_nothing(
    world: World, account: BankAccount, accountant, client: Client
) -> None:
    client.force_login(accountant)
    upload = SimpleUploadedFile("faux.xml", sample("broken-camt-unbalanced.xml"))
    response = client.post(f"{PAGES}accounts/{account.pk}/statements/", {"file": upload})
    assert response.status_code == 400
    assert "Le relevé ne s&#x27;équilibre pas" in response.content.decode()
    assert _counts(world) == (1, 0, 0)


def test_an_account_is_added_on_the_page(world: World, accountant, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        build_ledger(world.coop_a)
    client.force_login(accountant)
    response = client.post(PAGES, {"iban": "FR76 1010 7001 0112 3456 7890 129", "name": "BRED"})
    assert response.status_code == 302
    with cooperative_context(world.coop_a.pk):
        created = BankAccount.objects.select_related("account").get()
    assert (created.iban, created.bic, created.account.code) == (IBANS[1], "BREDFRPP", "512")
    refused = client.post(PAGES, {"iban": "FR76 0000"})
    assert "n&#x27;est pas valide" in refused.content.decode()
    assert _counts(world) == (1, 0, 0)


def test_entrepreneurs_are_refused_and_support_sees_only_their_portfolio(
    world: World, account: BankAccount, client: Client
) -> None:
    client.force_login(world.alice)
    assert client.get(PAGES).status_code == 403
    assert client.get(f"{PAGES}accounts/{account.pk}/").status_code == 403
    assert client.get(f"{API}accounts/").status_code == 403
    # Bob's portfolio has no dedicated bank account: the cooperative's own is not his.
    client.force_login(world.bob)
    assert client.get(PAGES).status_code == 200
    assert client.get(f"{PAGES}accounts/{account.pk}/").status_code == 404
    assert client.get(f"{API}accounts/").json()["results"] == []


def test_the_manager_sees_the_bank(world: World, account: BankAccount, client: Client) -> None:
    client.force_login(world.carl)
    assert client.get(f"{PAGES}accounts/{account.pk}/").status_code == 200


def test_charlie_gets_404(world: World, account: BankAccount, client: Client) -> None:
    client.force_login(world.charlie)
    assert client.get(PAGES).status_code == 404
    assert client.get(f"/c/coop-b/bank/accounts/{account.pk}/").status_code == 404
    assert client.get(f"/api/v1/c/coop-b/bank/accounts/{account.pk}/lines/").status_code == 404
    upload = SimpleUploadedFile("mars.xml", sample("camt053-001-02-2025-03.xml"))
    response = client.post(
        f"/api/v1/c/coop-b/bank/accounts/{account.pk}/statements/", {"file": upload}
    )
    assert response.status_code == 404
    assert _counts(world) == (1, 0, 0)


def test_api_upload_and_lines_by_token(
    world: World, account: BankAccount, accountant, client: Client, django_assert_max_num_queries
) -> None:
    token = Token.objects.create(user=accountant)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    upload = SimpleUploadedFile("mars.xml", sample("camt053-001-02-2025-03.xml"))
    response = client.post(f"{API}accounts/{account.pk}/statements/", {"file": upload}, **auth)
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["added"], body["duplicates"]) == (4, 0)
    assert body["statements"][0]["closing_balance"] == "2031.60"
    again = client.post(
        f"{API}accounts/{account.pk}/statements/",
        {"file": SimpleUploadedFile("mars.xml", sample("camt053-001-02-2025-03.xml"))},
        **auth,
    )
    assert (again.status_code, again.json()["added"], again.json()["duplicates"]) == (201, 0, 4)
    refused = client.post(
        f"{API}accounts/{account.pk}/statements/",
        {"file": SimpleUploadedFile("x.xml", sample("broken-camt-entities.xml"))},
        **auth,
    )
    assert refused.status_code == 400
    assert "DOCTYPE" in refused.json()["detail"]
    with django_assert_max_num_queries(13):
        lines = client.get(f"{API}accounts/{account.pk}/lines/?state=open", **auth)
    assert lines.status_code == 200
    results = lines.json()["results"]
    assert [(r["booking_date"], r["amount"], r["reference"]) for r in results] == [
        ("2025-03-05", "1200.00", ""),
        ("2025-03-10", "-8.40", ""),
        ("2025-03-15", "-760.00", "PAY-2025-03"),
        ("2025-03-20", "600.00", "RF18539007547034"),
    ]
    assert len(results[2]["details"]) == 2
    accounts = client.get(f"{API}accounts/", **auth).json()["results"]
    assert [(a["iban"], a["account"], a["is_default"]) for a in accounts] == [
        (IBANS[0], "512", True)
    ]
    created = client.post(f"{API}accounts/", {"iban": IBANS[2], "name": "BNP"}, **auth)
    assert (created.status_code, created.json()["account"], created.json()["bic"]) == (
        201,
        "5121",
        "BNPAFRPP",
    )
    bad = client.post(f"{API}accounts/", {"iban": "FR00"}, **auth)
    assert bad.status_code == 400
    assert "n'est pas valide" in bad.json()["detail"]
    assert _counts(world) == (2, 1, 4)
    _ = dt


def test_the_schema_lists_the_bank_endpoints(client: Client, world: World) -> None:
    client.force_login(world.carl)
    schema = client.get("/api/schema/").content.decode()
    assert "/api/v1/c/{cooperative_slug}/bank/accounts/{account_id}/statements/" in schema


@pytest.fixture
def imported(world: World, account: BankAccount):
    from tests.accounting.conftest import Ledger  # noqa: F401

    with cooperative_context(world.coop_a.pk):
        from accounting.services import LineInput, entry_post
        from entrepreneurs.models import Activity

        a1 = Activity.objects.get(analytic_code="A1")
        entry_post(
            journal="VT",
            date=dt.date(2025, 2, 20),
            label="Facture",
            piece_ref="F2025-0001",
            lines=[
                LineInput("411", debit="1200.00", activity=a1, third_party="CLIENT1"),
                LineInput("706", credit="1000.00", activity=a1),
                LineInput("44571", credit="200.00", activity=a1),
            ],
        )
        services.statement_import(bank_account=account, data=sample("camt053-001-02-2025-03.xml"))
        return {
            "payment": BankLine.objects.get(amount=Decimal("1200.00")).pk,
            "fee": BankLine.objects.get(amount=Decimal("-8.40")).pk,
            "a1": a1.pk,
            "a2": Activity.objects.get(analytic_code="A2").pk,
        }


def test_accept_a_suggestion_split_a_fee_and_undo_on_the_page(
    world: World, imported, accountant, client: Client
) -> None:
    client.force_login(accountant)
    page = client.get(f"{PAGES}lines/{imported['payment']}/").content.decode()
    assert "Pièces F2025-0001" in page
    accepted = client.post(f"{PAGES}lines/{imported['payment']}/reconcile/", {"suggestion": "0"})
    assert accepted.status_code == 302
    split = client.post(
        f"{PAGES}lines/{imported['fee']}/reconcile/",
        {
            "account_0": "627",
            "activity_0": imported["a1"],
            "amount_0": "4.20",
            "account_1": "627",
            "activity_1": imported["a2"],
            "amount_1": "4.20",
        },
    )
    assert split.status_code == 302
    with cooperative_context(world.coop_a.pk):
        assert list(
            BankLine.objects.filter(state="reconciled")
            .values_list("amount", flat=True)
            .order_by("amount")
        ) == [
            Decimal("-8.40"),
            Decimal("1200.00"),
        ]
        from bank.selectors import ledger_balance

        assert ledger_balance(
            bank_account=BankAccount.objects.get(), as_of=dt.date(2025, 3, 31)
        ) == Decimal("1191.60")
    wrong = client.post(
        f"{PAGES}lines/{imported['fee']}/reconcile/", {"account_0": "627", "amount_0": "1.00"}
    )
    assert wrong.status_code == 400
    assert "déjà rapprochée" in wrong.content.decode()
    undone = client.post(f"{PAGES}lines/{imported['fee']}/undo/")
    assert undone.status_code == 302
    with cooperative_context(world.coop_a.pk):
        assert BankLine.objects.get(pk=imported["fee"]).state == "open"


def test_rules_page_previews_what_a_rule_would_take(
    world: World, imported, accountant, client: Client
) -> None:
    client.force_login(accountant)
    response = client.post(
        f"{PAGES}rules/",
        {"name": "Frais CB", "label_contains": "frais cb", "direction": "debit", "account": "627"},
    )
    assert response.status_code == 302
    preview = client.get(response["Location"]).content.decode()
    assert "FRAIS CB COMMISSION CARTE" in preview
    assert "REGLEMENT FACTURE" not in preview


def test_reconcile_through_the_api(world: World, imported, accountant, client: Client) -> None:
    token = Token.objects.create(user=accountant)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    suggestions = client.get(f"{API}lines/{imported['payment']}/suggestions/", **auth).json()
    assert [(s["kind"], s["label"]) for s in suggestions] == [("reference", "Pièces F2025-0001")]
    assert suggestions[0]["allocations"][0]["third_party"] == "CLIENT1"
    done = client.post(
        f"{API}lines/{imported['payment']}/reconcile/",
        {"suggestion": 0},
        content_type="application/json",
        **auth,
    )
    assert done.status_code == 201, done.content
    assert done.json()["letterings"][0][1] == "A"
    bad = client.post(
        f"{API}lines/{imported['fee']}/reconcile/",
        {"allocations": [{"account": "627", "amount": "-8.00"}]},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400
    assert "ne fait pas le montant" in bad.json()["detail"]
    undo = client.post(f"{API}lines/{imported['payment']}/undo/", **auth)
    assert undo.status_code == 201
    assert undo.json()["bank_line"] == imported["payment"]
    client.force_login(world.charlie)
    assert (
        client.get(f"/api/v1/c/coop-b/bank/lines/{imported['payment']}/suggestions/").status_code
        == 404
    )
    assert (
        client.post(
            f"/c/coop-b/bank/lines/{imported['fee']}/reconcile/", {"suggestion": "0"}
        ).status_code
        == 404
    )


def test_the_csv_mapping_is_saved_through_the_api(
    world: World, account: BankAccount, accountant, client: Client
) -> None:
    token = Token.objects.create(user=accountant)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    mapping = {
        "thousands_separator": " ",
        "amount": "",
        "debit": "Débit",
        "credit": "Crédit",
        "balance": "Solde",
    }
    saved = client.put(
        f"{API}accounts/{account.pk}/csv-mapping/",
        {"mapping": mapping},
        content_type="application/json",
        **auth,
    )
    assert saved.status_code == 200, saved.content
    upload = SimpleUploadedFile("juin.csv", sample("credit-mutuel-2025-06.csv"))
    imported = client.post(f"{API}accounts/{account.pk}/statements/", {"file": upload}, **auth)
    assert (imported.status_code, imported.json()["added"]) == (201, 3)
    bad = client.put(
        f"{API}accounts/{account.pk}/csv-mapping/",
        {"mapping": {"colonne": "x"}},
        content_type="application/json",
        **auth,
    )
    assert bad.status_code == 400
    assert "réglages inconnus colonne" in bad.json()["detail"]
    client.force_login(world.charlie)
    assert (
        client.put(
            f"/api/v1/c/coop-b/bank/accounts/{account.pk}/csv-mapping/",
            {"mapping": mapping},
            content_type="application/json",
        ).status_code
        == 404
    )


def test_a_sepa_batch_is_pointed_from_the_page_and_undone_through_the_api(
    world: World, imported, accountant, client: Client
) -> None:
    from accounting.models import Entry
    from accounting.services import LineInput, entry_post

    with cooperative_context(world.coop_a.pk):
        for amount in ("360.00", "400.00"):
            entry_post(
                journal="BQ",
                date=dt.date(2025, 3, 14),
                label="Virement PAY-2025-03",
                piece_ref="PAY-2025-03",
                source="purchases",
                lines=[
                    LineInput("401", debit=amount, activity=imported["a1"], third_party="FOURN1"),
                    LineInput("512", credit=amount, activity=imported["a1"]),
                ],
            )
        batch = BankLine.objects.get(amount=Decimal("-760.00")).pk
        entries = Entry.objects.count()
    client.force_login(accountant)
    page = client.get(f"{PAGES}lines/{batch}/").content.decode()
    assert "Lot de virements PAY-2025-03 (2 virements)" in page
    assert "2 paiements déjà comptabilisés, pointés" in page
    accepted = client.post(f"{PAGES}lines/{batch}/reconcile/", {"suggestion": "0"})
    assert accepted.status_code == 302
    shown = client.get(accepted["Location"]).content.decode()
    assert "Paiements pointés" in shown
    token = Token.objects.create(user=accountant)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    undo = client.post(f"{API}lines/{batch}/undo/", **auth)
    assert undo.status_code == 201
    assert (undo.json()["entry"], len(undo.json()["pointed"])) == (None, 2)
    suggestions = client.get(f"{API}lines/{batch}/suggestions/", **auth).json()
    assert (suggestions[0]["kind"], len(suggestions[0]["pointed"])) == ("batch", 2)
    again = client.post(
        f"{API}lines/{batch}/reconcile/",
        {"pointed": suggestions[0]["pointed"]},
        content_type="application/json",
        **auth,
    )
    assert again.status_code == 201, again.content
    assert (again.json()["entry"], sorted(again.json()["pointed"])) == (
        None,
        sorted(suggestions[0]["pointed"]),
    )
    with cooperative_context(world.coop_a.pk):
        assert Entry.objects.count() == entries
    client.force_login(world.charlie)
    assert client.post(f"/api/v1/c/coop-b/bank/lines/{batch}/undo/").status_code == 404
