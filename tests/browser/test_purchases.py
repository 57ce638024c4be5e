"""A supplier's Factur-X arrives through the accredited platform and lands on the right
activity; the entrepreneur confirms it on a phone-sized screen, then fills an expense report
with a photo receipt and mileage and submits it; support staff validate both; a manager pays
them in a SEPA batch whose file validates against the pain.001 XSD; the ledger agrees.
Screenshots in test-results/screenshots/."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sepaxml
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.db.models import Sum
from django.utils import timezone
from lxml import etree

from accounting.models import EntryLine
from perspectives.core.secrets import encrypt
from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import PaymentBatch, PurchaseSettings, SupplierInvoice
from tests.conftest import PASSWORD, TOTP_SECRET, World, travel_to
from tests.helpers.fake_platform import fake_platform
from tests.purchases.conftest import COOP_A_SIREN, Purchases, purchases  # noqa: F401 (fixture)
from tests.purchases.einvoices_helpers import addressed_to, facturx

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
PHONE = {"width": 390, "height": 844}
XSD = Path(sepaxml.__file__).resolve().parent / "schemas" / "pain.001.001.09.xsd"
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000154a24f5d0000000049454e44ae426082"
)


def _login(page: Any, base: str, email: str, *, totp: bool = False) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    if totp:
        page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/$"))
        code = format_hotp_value(
            hotp_value(TOTP_SECRET, next(iter(yield_hotp_counters_from_time())))
        )
        page.locator("input[name=code]").fill(code)
        page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(r".*/c/coop-a/$"))


# Pinned: the expense sheet's month, the year's mileage and the execution date follow the clock.
@travel_to("2026-10-15T10:00")
@pytest.mark.django_db(transaction=True)
def test_einvoice_expenses_and_sepa_end_to_end(
    world: World,
    purchases: Purchases,  # noqa: F811 (fixture)
    live_server: Any,
    browser: Any,
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url
    address = f"{COOP_A_SIREN}_{purchases.activity.pk}"
    with fake_platform() as platform:
        platform.receive(
            "flow-1",
            "facture.pdf",
            facturx(addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=address)),
        )
        with cooperative_context(world.coop_a.pk):
            PurchaseSettings.objects.update(
                platform_url=platform.flow_url,
                platform_directory_url=platform.directory_url,
                platform_token=encrypt(platform.token),
            )
            report = services.platform_sync()
            invoice = SupplierInvoice.objects.get(pk=report.received[0])
    assert len(report.received) == 1
    assert invoice.activity_id == purchases.activity.pk

    alice = browser.new_page(locale="fr-FR", viewport=PHONE)
    _login(alice, base, "alice@a.example")
    alice.goto(f"{base}/c/coop-a/purchases/")
    alice.get_by_role("link", name="12115118").click()
    alice.get_by_text("ALICE · Atelier Alice").first.wait_for()
    alice.screenshot(path=str(SHOTS / "purchases-received-einvoice-phone.png"), full_page=True)
    alice.get_by_role("button", name="Confirmer la facture").click()
    alice.get_by_text("Facture confirmée : elle part en validation.").wait_for()

    today = timezone.localdate()
    alice.goto(f"{base}/c/coop-a/purchases/expenses/")
    alice.get_by_label("Mois (un jour du mois)").fill(today.isoformat())
    alice.get_by_role("button", name="Ouvrir la note du mois").click()
    alice.wait_for_url(re.compile(r".*/purchases/expenses/\d+/$"))
    lines = alice.locator("form[action$='/lines/']")
    lines.get_by_label("Activité").select_option(label="ALICE · Atelier Alice")
    lines.get_by_label("Date").fill(today.isoformat())
    lines.get_by_label("Catégorie").select_option("meals")
    lines.get_by_label("Libellé").fill("Déjeuner client")
    lines.get_by_label("Montant TTC").fill("22.00")
    lines.get_by_label("dont TVA récupérable").fill("2.00")
    lines.get_by_label("Justificatif (photo ou PDF)").set_input_files(
        {"name": "ticket.png", "mimeType": "image/png", "buffer": PNG}
    )
    alice.get_by_role("button", name="Ajouter la dépense").click()
    alice.get_by_text("Dépense ajoutée.").wait_for()
    trips = alice.locator("form[action$='/mileage/']")
    trips.get_by_label("Activité").select_option(label="ALICE · Atelier Alice")
    trips.get_by_label("Date").fill(today.isoformat())
    trips.get_by_label("Véhicule").select_option("car")
    trips.get_by_label("Puissance fiscale (CV)").fill("5")
    trips.get_by_label("Kilomètres").fill("120")
    trips.get_by_label("Motif").fill("Chantier à Céret")
    alice.get_by_role("button", name="Ajouter le trajet").click()
    alice.get_by_text("Indemnité kilométrique ajoutée.").wait_for()
    # 22.00 + 120 km × 0.636 (5 CV) = 22.00 + 76.32.
    assert alice.locator("#report-total").text_content() == "98,32\xa0€"
    alice.screenshot(path=str(SHOTS / "purchases-expense-report-phone.png"), full_page=True)
    alice.get_by_role("button", name="Soumettre la note").click()
    alice.get_by_text("Note soumise à l'équipe d'appui.").wait_for()
    report_url = alice.url

    bob = browser.new_page(locale="fr-FR")
    _login(bob, base, "bob@a.example")
    bob.goto(report_url)
    bob.get_by_role("button", name="Valider et comptabiliser").click()
    bob.get_by_text("Note validée et comptabilisée.").wait_for()
    bob.goto(f"{base}/c/coop-a/purchases/")
    bob.get_by_role("link", name="12115118").click()
    bob.get_by_role("button", name="Valider et comptabiliser").click()
    bob.get_by_text("Facture validée et comptabilisée.").wait_for()

    carl = browser.new_page(locale="fr-FR")
    _login(carl, base, "carl@a.example", totp=True)
    carl.goto(f"{base}/c/coop-a/purchases/payments/")
    carl.get_by_label("Date d'exécution").fill(today.isoformat())
    carl.get_by_label("De Koksmaat · 12115118").check()
    carl.get_by_label(f"Alice Arnaud · {today:%m/%Y}").check()
    carl.get_by_role("button", name="Préparer le fichier").click()
    carl.get_by_text("prêt : téléchargez le fichier").wait_for()
    assert carl.get_by_role("link", name="pain.001.001.09").is_visible()
    carl.get_by_role("button", name="Marquer envoyé").click()
    carl.get_by_text("Lot marqué envoyé").wait_for()
    carl.screenshot(path=str(SHOTS / "purchases-sepa-batch.png"), full_page=True)
    # Closing the pages ends their keep-alive connections, so that the live server's request
    # threads let go of their database sessions before the test database is dropped.
    for page in (alice, bob, carl):
        page.context.close()

    with cooperative_context(world.coop_a.pk):
        batch = PaymentBatch.objects.get()
        xml = batch.file.read()

        def balance(code: str) -> Decimal:
            totals = EntryLine.objects.filter(
                account__code=code, activity=purchases.activity
            ).aggregate(debit=Sum("debit"), credit=Sum("credit"))
            return (totals["debit"] or Decimal(0)) - (totals["credit"] or Decimal(0))

        balances = {code: balance(code) for code in ("401", "467", "512", "44566", "44564")}
        lettered = set(
            EntryLine.objects.filter(account__code__in=["401", "467"]).values_list(
                "lettering", flat=True
            )
        )
    # 250.33 (the Factur-X) + 98.32 (the report) left the bank; both payables are settled.
    # The file the page offers, as stored: valid against the official pain.001.001.09 schema.
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(etree.fromstring(xml))
    assert batch.total == Decimal("348.65")
    assert balances == {
        "401": Decimal("0.00"),
        "467": Decimal("0.00"),
        "512": Decimal("-348.65"),
        "44566": Decimal("22.73"),
        # The Factur-X bills services: its VAT waited in 44564 until the transfer.
        "44564": Decimal("0.00"),
    }
    assert lettered == {"A"}
