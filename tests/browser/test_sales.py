"""An entrepreneur creates a customer and a quote, sends it; the customer accepts it through the
signed link; the entrepreneur invoices a 30 % deposit then the balance and records a partial
payment; the invoice page, its Factur-X file and the ledger agree. Screenshots of each step."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import facturx
from django.utils import timezone

from accounting.models import EntryLine
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from sales.models import Document
from top.demo.services import DEMO_PASSWORD

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots" / "sales"


def _shot(page: Any, name: str) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def _login(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r".*/c/perspectives/$"))


def _action(page: Any, name: str) -> None:
    page.get_by_role("button", name=name).click()
    page.wait_for_load_state()


def test_quote_acceptance_deposit_balance_and_payment(
    demo: None, worker: None, live_server: Any, browser: Any
) -> None:
    base = live_server.url
    page = browser.new_page(locale="fr-FR")
    _login(page, base, "entrepreneur@perspectives.example")
    page.get_by_role("link", name="Ventes").first.click()
    page.get_by_role("link", name="Clients").click()
    page.locator("#id_kind").select_option("company")
    page.locator("#id_name").fill("Atelier Sabaté")
    page.locator("#id_siret").fill("73282932000074")
    page.locator("#id_address_line").fill("12 quai Vauban")
    page.locator("#id_postal_code").fill("66000")
    page.locator("#id_city").fill("Perpignan")
    _shot(page, "1-customer")
    page.get_by_role("button", name="Créer le client").click()
    page.get_by_text("Client « Atelier Sabaté » créé.").wait_for()

    page.get_by_role("link", name="Créer un devis").click()
    page.locator("#id_customer").select_option(label="Atelier Sabaté")
    page.locator("#id_delivery_date").fill("2026-12-15")
    page.locator("#id_line0-label").fill("Rénovation de la devanture")
    page.locator("#id_line0-quantity").fill("4")
    page.locator("#id_line0-unit").select_option("DAY")
    page.locator("#id_line0-unit_price").fill("500")
    _shot(page, "2-quote-form")
    page.get_by_role("button", name="Enregistrer le brouillon").click()
    _action(page, "Marquer comme envoyé")
    link = page.locator("a[href*='/quotes/']").get_attribute("href")
    quote_url = page.url
    _shot(page, "3-quote-sent")

    customer = browser.new_context(locale="fr-FR").new_page()
    customer.goto(link)
    customer.get_by_label("Votre nom et qualité").fill("Marie Sabaté, gérante")
    _shot(customer, "4-customer-link")
    customer.get_by_role("button", name="Bon pour accord").click()
    customer.get_by_text("Bon pour accord donné par Marie Sabaté, gérante").wait_for()

    page.goto(quote_url)
    page.locator("#id_mode").select_option("deposit")
    page.locator("#id_percent").fill("30")
    _action(page, "Créer la facture")
    _action(page, "Valider et comptabiliser")
    page.get_by_text("Facture validée et comptabilisée.").wait_for()
    page.goto(quote_url)
    page.locator("#id_mode").select_option("whole")
    _action(page, "Créer la facture")
    _action(page, "Valider et comptabiliser")
    page.get_by_text("Facture validée et comptabilisée.").wait_for()
    balance_url = page.url
    page.locator("#id_amount").fill("1000.00")
    page.locator("#id_date").fill(timezone.localdate().isoformat())
    _action(page, "Enregistrer le paiement")
    page.get_by_text("Paiement enregistré et comptabilisé.").wait_for()
    assert "680,00" in page.content() or "680.00" in page.content()
    for _attempt in range(60):
        if page.get_by_role("link", name="Télécharger la facture (Factur-X)").count():
            break
        page.wait_for_timeout(500)
        page.goto(balance_url)
    _shot(page, "5-balance-invoice")
    href = page.get_by_role("link", name="Télécharger la facture (Factur-X)").get_attribute("href")
    pdf = page.request.get(f"{base}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    _name, xml = facturx.get_xml_from_pdf(pdf.body(), check_xsd=True)
    assert b"<ram:TotalPrepaidAmount>720.00</ram:TotalPrepaidAmount>" in xml
    assert b"<ram:DuePayableAmount>1680.00</ram:DuePayableAmount>" in xml

    cooperative = Cooperative.objects.get(slug="perspectives")
    with cooperative_context(cooperative.pk):
        balance = Document.objects.get(
            customer__name="Atelier Sabaté", kind="invoice", type_code="380"
        )
        assert (balance.total_with_vat, balance.prepaid_total, balance.amount_due) == (
            Decimal("2400.00"),
            Decimal("720.00"),
            Decimal("1680.00"),
        )
        assert balance.entry_id is not None
        posted = {
            line.account.code: line.debit - line.credit
            for line in EntryLine.objects.filter(entry_id=balance.entry_id).select_related(
                "account"
            )
        }
        assert posted == {
            "411": Decimal("1680.00"),
            "4191": Decimal("600.00"),
            "44574": Decimal("-280.00"),
            "706": Decimal("-2000.00"),
        }
