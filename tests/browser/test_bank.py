"""Carl (manager) imports March's camt.053 statement, accepts the suggestion that matches the
invoice it pays, splits the card-fee line across two activities, imports the same file again
(nothing added), and the bank's balance is the ledger's on the reconciled lines. Screenshots
under test-results/screenshots/."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from bank import services
from bank.models import BankLine
from bank.selectors import ledger_balance
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import build_ledger
from tests.bank.conftest import FILES
from tests.conftest import World
from tests.factories.bank import IBANS
from tests.helpers.browser import log_in

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.mark.django_db(transaction=True)
def test_import_reconcile_split_and_reimport(world: World, live_server: Any, browser: Any) -> None:
    try:
        with cooperative_context(world.coop_a.pk):
            ledger = build_ledger(world.coop_a)
            ledger.sale("1200.00", date=dt.date(2025, 2, 20), piece_ref="F2025-0001")
            account = services.bank_account_create(iban=IBANS[0], name="Crédit Agricole")
            a1, a2 = ledger.a1.pk, ledger.a2.pk
    finally:
        connection.close()
    base = live_server.url
    page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
    log_in(page, base, "carl@a.example", totp=True)
    page.goto(f"{base}/c/coop-a/bank/accounts/{account.pk}/")
    page.locator("#id_file").set_input_files(str(FILES / "camt053-001-02-2025-03.xml"))
    page.get_by_role("button", name="Importer").click()
    page.get_by_text("4 ligne(s) ajoutée(s), 0 déjà connue(s).").wait_for()
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "bank-statement-imported.png"), full_page=True)

    page.get_by_role("row", name="ATELIER DUPONT SARL").get_by_role(
        "link", name="Rapprocher"
    ).click()
    page.get_by_text("Pièces F2025-0001").wait_for()
    page.screenshot(path=str(SHOTS / "bank-line-suggestions.png"), full_page=True)
    page.get_by_role("button", name="Accepter").first.click()
    page.get_by_text("Ligne rapprochée.").wait_for()

    page.goto(f"{base}/c/coop-a/bank/accounts/{account.pk}/?state=open")
    page.get_by_role("row", name="FRAIS CB").get_by_role("link", name="Rapprocher").click()
    page.locator("#id_account_0").fill("627")
    page.locator("#id_activity_0").select_option(str(a1))
    page.locator("#id_amount_0").fill("4.20")
    page.locator("#id_account_1").fill("627")
    page.locator("#id_activity_1").select_option(str(a2))
    page.locator("#id_amount_1").fill("4.20")
    page.get_by_role("button", name="Rapprocher").click()
    page.get_by_text("Ligne rapprochée.").wait_for()

    page.goto(f"{base}/c/coop-a/bank/accounts/{account.pk}/")
    page.locator("#id_file").set_input_files(str(FILES / "camt053-001-02-2025-03.xml"))
    page.get_by_role("button", name="Importer").click()
    page.get_by_text("0 ligne(s) ajoutée(s), 4 déjà connue(s).").wait_for()
    page.screenshot(path=str(SHOTS / "bank-reimport.png"), full_page=True)
    page.close()
    try:
        with cooperative_context(world.coop_a.pk):
            assert BankLine.objects.count() == 4
            assert BankLine.objects.filter(state="reconciled").count() == 2
            balance = ledger_balance(bank_account=account, as_of=dt.date(2025, 3, 31))
    finally:
        connection.close()
    assert balance == Decimal("1191.60")  # 1200.00 received, 8.40 of card fees
