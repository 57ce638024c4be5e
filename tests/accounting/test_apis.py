from __future__ import annotations

import pytest
from django.test import Client

from tests.accounting.conftest import Books
from tests.conftest import World

BASE = "/api/v1/c/coop-a/accounting/"


@pytest.fixture
def api(client: Client) -> Client:
    return client


def test_trial_balance_api(books: Books, world: World, api: Client) -> None:
    api.force_login(world.carl)
    data = api.get(BASE + "trial-balance/?from=2025-01-01&to=2025-12-31").json()
    assert data["total_debit"] == data["total_credit"] == "4260.00"
    assert {
        "account": "706",
        "account_label": "Prestations de services",
        "debit": "0.00",
        "credit": "1500.00",
        "balance": "-1500.00",
    } in data["rows"]


def test_activity_statements_api_for_the_entrepreneur(
    books: Books, world: World, api: Client
) -> None:
    api.force_login(world.alice)
    mine = books.alice_activity.pk
    activities = api.get(BASE + "activities/").json()
    assert [a["id"] for a in activities["results"]] == [mine]
    pnl = api.get(BASE + f"activities/{mine}/pnl/?from=2025-01-01&to=2025-12-31").json()
    assert (pnl["total_income"], pnl["total_expenses"], pnl["result"]) == (
        "1000.00",
        "1000.00",
        "0.00",
    )
    assert pnl["months"][0] == {
        "month": "2025-01",
        "income": "1000.00",
        "expenses": "300.00",
        "result": "700.00",
    }
    treasury = api.get(BASE + f"activities/{mine}/treasury/?as_of=2025-03-31").json()
    assert (treasury["reference"], treasury["future"]) == ("100.00", "0.00")
    ledger = api.get(BASE + f"activities/{mine}/ledger/?from=2025-01-01&to=2025-12-31").json()
    assert sum(len(section["lines"]) for section in ledger) == 14

    assert api.get(BASE + f"activities/{books.other_activity.pk}/pnl/").status_code == 404
    assert api.get(BASE + "trial-balance/").status_code == 403
    assert api.get(BASE + "general-ledger/").status_code == 403


def test_general_ledger_api(books: Books, world: World, api: Client) -> None:
    api.force_login(world.carl)
    (section,) = api.get(BASE + "general-ledger/?account=512&from=2025-01-01&to=2025-12-31").json()
    assert (section["account"], section["opening"], section["closing"]) == ("512", "0.00", "600.00")
    assert api.get(BASE + "general-ledger/?account=999").status_code == 404
    assert api.get(BASE + "trial-balance/?from=2025-13-01").status_code == 400


def test_api_of_another_cooperative_is_404(books: Books, world: World, api: Client) -> None:
    api.force_login(world.charlie)
    assert api.get(BASE + "trial-balance/").status_code == 404
    response = api.get(f"/api/v1/c/coop-b/accounting/activities/{books.alice_activity.pk}/pnl/")
    assert response.status_code == 404


def test_the_schema_lists_the_ledger_endpoints(db: None, api: Client) -> None:
    schema = api.get("/api/schema/").content.decode()
    assert "/accounting/trial-balance/" in schema
    assert "/accounting/activities/{activity_id}/treasury/" in schema
