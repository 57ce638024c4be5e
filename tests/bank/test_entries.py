"""Entries by hand: the page and the API post through the ledger's services and rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from accounting.models import Entry
from bank import services
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import Ledger, build_ledger
from tests.conftest import World

D = Decimal


def test_rent_split_between_two_activities(ledger: Ledger) -> None:
    lines = [
        {"account": "613", "activity": ledger.a1, "debit": D("300.00"), "credit": D("0")},
        {"account": "512", "activity": ledger.a1, "debit": D("0"), "credit": D("300.00")},
        {"account": "613", "activity": ledger.a2, "debit": D("200.00"), "credit": D("0")},
        {"account": "512", "activity": ledger.a2, "debit": D("0"), "credit": D("200.00")},
    ]
    balance = services.entry_balance(lines)
    assert (balance.debit, balance.credit, balance.unbalanced_activities) == (
        D("500.00"),
        D("500.00"),
        [],
    )
    draft = services.manual_entry_save(
        journal="OD", date=dt.date(2025, 4, 1), label="Loyer d'avril", lines=lines
    )
    assert (draft.status, draft.number) == ("draft", None)
    entry = services.manual_entry_validate(entry=draft)
    assert (entry.status, entry.reference) == ("validated", "OD000001")
    reversal = services.manual_entry_reverse(entry=entry)
    assert (reversal.reverses_id, reversal.reference) == (entry.pk, "OD000002")


def test_an_entry_unbalanced_per_activity_is_refused(ledger: Ledger) -> None:
    lines = [
        {"account": "613", "activity": ledger.a1, "debit": D("500.00"), "credit": D("0")},
        {"account": "512", "activity": ledger.a2, "debit": D("0"), "credit": D("500.00")},
    ]
    assert services.entry_balance(lines).unbalanced_activities == [ledger.a1.pk, ledger.a2.pk]
    with pytest.raises(ApplicationError, match="activité"):
        services.manual_entry_save(
            journal="OD", date=dt.date(2025, 4, 1), label="Loyer", lines=lines, validate=True
        )
    assert Entry.objects.count() == 0


def test_the_page_and_the_api(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        ledger = build_ledger(world.coop_a)
    client.force_login(world.carl)
    page = client.post(
        "/c/coop-a/bank/entries/",
        {
            "journal": ledger.fiscal_year and _journal_id(world, "OD"),
            "date": "2025-04-01",
            "label": "Assurance",
            "action": "validate",
            "account_0": "616",
            "debit_0": "120.00",
            "account_1": "512",
            "credit_1": "100.00",
        },
    )
    assert page.status_code == 400
    assert "Écriture déséquilibrée : débit 120.00, crédit 100.00." in page.content.decode()
    token = Token.objects.create(user=world.carl)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    created = client.post(
        "/api/v1/c/coop-a/bank/entries/",
        {
            "journal": "OD",
            "date": "2025-04-01",
            "label": "Assurance",
            "validated": True,
            "lines": [
                {"account": "616", "debit": "120.00"},
                {"account": "512", "credit": "120.00"},
            ],
        },
        content_type="application/json",
        **auth,
    )
    assert created.status_code == 201, created.content
    assert (created.json()["status"], created.json()["reference"]) == ("validated", "OD000001")
    reversed_ = client.post(
        f"/api/v1/c/coop-a/bank/entries/{created.json()['id']}/reverse/", **auth
    )
    assert (reversed_.status_code, reversed_.json()["reference"]) == (201, "OD000002")
    client.force_login(world.charlie)
    assert (
        client.post(f"/api/v1/c/coop-b/bank/entries/{created.json()['id']}/reverse/").status_code
        == 404
    )
    client.force_login(world.alice)
    assert client.get("/c/coop-a/bank/entries/").status_code == 403


def _journal_id(world: World, code: str) -> int:
    from accounting.models import Journal

    with cooperative_context(world.coop_a.pk):
        return Journal.objects.get(code=code).pk
