"""A draft supplier invoice is corrected (lines, accounts, VAT) on its page and through the API
before it is submitted; after submission it no longer changes."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import SupplierInvoice, SupplierInvoiceLine
from purchases.services import InvoiceLineData
from tests.conftest import World
from tests.purchases.conftest import Purchases

MARCH = dt.date(2026, 3, 10)


def _draft(p: Purchases) -> SupplierInvoice:
    return services.supplier_invoice_create(
        supplier=p.supplier,
        activity=p.activity,
        number="D-1",
        issue_date=MARCH,
        lines=[InvoiceLineData("Prestation", Decimal("100.00"))],
    )


def _lines(invoice: SupplierInvoice) -> list[tuple[str, str, Decimal, Decimal, Decimal, Decimal]]:
    return [
        (
            line.label,
            line.account_code,
            line.amount_excl_tax,
            line.vat_rate,
            line.vat_amount,
            line.deductible_vat,
        )
        for line in SupplierInvoiceLine.objects.filter(invoice=invoice).order_by("pk")
    ]


def _state(invoice: SupplierInvoice) -> tuple[Any, ...]:
    invoice.refresh_from_db()
    return (
        invoice.number,
        invoice.nature,
        invoice.total_excl_tax,
        invoice.total_vat,
        invoice.total_incl_tax,
        _lines(invoice),
    )


def test_update_replaces_the_lines_and_recomputes_the_totals(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _draft(purchases)
        services.supplier_invoice_update(
            invoice=invoice,
            number="D-1bis",
            issue_date=MARCH,
            due_date=dt.date(2026, 4, 10),
            nature=SupplierInvoice.Nature.MIXED,
            lines=[
                InvoiceLineData("Papier", Decimal("40.00"), Decimal("20"), "6064"),
                InvoiceLineData(
                    "Repas", Decimal("50.00"), Decimal("10"), "625", deductible_vat=Decimal(0)
                ),
            ],
        )
        state = _state(invoice)
    assert state == (
        "D-1bis",
        "mixed",
        Decimal("90.00"),
        Decimal("13.00"),
        Decimal("103.00"),
        [
            (
                "Papier",
                "6064",
                Decimal("40.00"),
                Decimal("20.00"),
                Decimal("8.00"),
                Decimal("8.00"),
            ),
            ("Repas", "625", Decimal("50.00"), Decimal("10.00"), Decimal("5.00"), Decimal("0.00")),
        ],
    )


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (InvoiceLineData("Banque", Decimal("10.00"), account_code="512"), "n'est pas un compte"),
        (
            InvoiceLineData("Trop", Decimal("10.00"), deductible_vat=Decimal("3.00")),
            "la TVA déductible dépasse la TVA",
        ),
        (InvoiceLineData("Rien", Decimal("-10.00")), "doit être positif"),
    ],
)
def test_bad_lines_change_nothing(
    world: World, purchases: Purchases, line: InvoiceLineData, message: str
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _draft(purchases)
        before = _state(invoice)
        with pytest.raises(ApplicationError, match=message):
            services.supplier_invoice_update(
                invoice=invoice,
                number="D-2",
                issue_date=MARCH,
                due_date=None,
                nature="services",
                lines=[line],
            )
        assert _state(invoice) == before


def test_a_submitted_invoice_and_a_taken_number_are_refused(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _draft(purchases)
        services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=purchases.activity,
            number="D-9",
            issue_date=MARCH,
            lines=[InvoiceLineData("Autre", Decimal("5.00"))],
        )
        args: dict[str, Any] = {
            "issue_date": MARCH,
            "due_date": None,
            "nature": "services",
            "lines": [InvoiceLineData("X", Decimal("1.00"))],
        }
        with pytest.raises(ApplicationError, match="Doublon"):
            services.supplier_invoice_update(invoice=invoice, number="D-9", **args)
        services.supplier_invoice_submit(invoice=invoice)
        with pytest.raises(ApplicationError, match="Seul un brouillon se modifie"):
            services.supplier_invoice_update(invoice=invoice, number="D-1", **args)
        invoice.refresh_from_db()
        assert (invoice.total_incl_tax, invoice.status) == (Decimal("120.00"), "submitted")


def _form(**extra: str) -> dict[str, str]:
    data = {
        "number": "D-1",
        "issue_date": "2026-03-10",
        "due_date": "",
        "nature": "goods",
        "rows": "2",
        "line0-label": "Cartouches",
        "line0-account_code": "6064",
        "line0-amount_excl_tax": "80.00",
        "line0-vat_rate": "20",
        "line0-vat_amount": "",
        "line0-deductible_vat": "",
        "line1-label": "",
        "line1-account_code": "604",
        "line1-amount_excl_tax": "",
        "line1-vat_rate": "20",
    }
    data.update(extra)
    return data


def test_edit_page_corrects_the_draft(world: World, purchases: Purchases, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _draft(purchases)
    client.force_login(world.alice)
    url = f"/c/coop-a/purchases/invoices/{invoice.pk}/edit/"
    page = client.get(url)
    assert page.status_code == 200
    assert len(page.context["lines"]) == 3  # the one line and two blank rows
    assert 'value="Prestation"' in page.content.decode()
    response = client.post(url, _form())
    assert (response.status_code, response["Location"]) == (
        302,
        f"/c/coop-a/purchases/invoices/{invoice.pk}/",
    )
    with cooperative_context(world.coop_a.pk):
        state = _state(invoice)
    assert state == (
        "D-1",
        "goods",
        Decimal("80.00"),
        Decimal("16.00"),
        Decimal("96.00"),
        [
            (
                "Cartouches",
                "6064",
                Decimal("80.00"),
                Decimal("20.00"),
                Decimal("16.00"),
                Decimal("16.00"),
            )
        ],
    )


def test_edit_page_bad_input_is_a_french_message_and_changes_nothing(
    world: World, purchases: Purchases, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _draft(purchases)
        before = _state(invoice)
    client.force_login(world.alice)
    url = f"/c/coop-a/purchases/invoices/{invoice.pk}/edit/"
    bad_account = client.post(url, _form(**{"line0-account_code": "411"}))
    assert bad_account.status_code == 400
    assert "411 n&#x27;est pas un compte de charge" in bad_account.content.decode()
    no_amount = client.post(url, _form(**{"line0-amount_excl_tax": ""}))
    assert no_amount.status_code == 400
    assert "Indiquez le montant HT de la ligne." in no_amount.content.decode()
    with cooperative_context(world.coop_a.pk):
        assert _state(invoice) == before


def test_edit_is_404_for_another_cooperative_and_another_activity(
    world: World, purchases: Purchases, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _draft(purchases)
        other = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=purchases.other_activity,
            number="O-1",
            issue_date=MARCH,
            lines=[InvoiceLineData("Prestation", Decimal("10.00"))],
        )
    client.force_login(world.alice)
    assert client.get(f"/c/coop-a/purchases/invoices/{other.pk}/edit/").status_code == 404
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-b/purchases/invoices/{invoice.pk}/edit/").status_code == 404
    assert (
        client.post(f"/c/coop-b/purchases/invoices/{invoice.pk}/edit/", _form()).status_code == 404
    )
    charlie = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.charlie).key}")
    response = charlie.put(
        f"/api/v1/c/coop-b/purchases/invoices/{invoice.pk}/",
        {"number": "X", "issue_date": "2026-03-10", "nature": "goods", "lines": []},
        content_type="application/json",
    )
    assert response.status_code == 404


def test_api_put_corrects_the_draft(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _draft(purchases)
    alice = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.alice).key}")
    url = f"/api/v1/c/coop-a/purchases/invoices/{invoice.pk}/"
    body: dict[str, Any] = {
        "number": "D-1",
        "issue_date": "2026-03-10",
        "due_date": "2026-04-09",
        "nature": "services",
        "lines": [
            {"label": "Conseil", "account_code": "6226", "amount_excl_tax": "200.00"},
            {
                "label": "Déplacement",
                "account_code": "6251",
                "amount_excl_tax": "30.00",
                "vat_rate": "0",
            },
        ],
    }
    response = alice.put(url, body, content_type="application/json")
    assert response.status_code == 200
    data = response.json()
    assert (data["total_excl_tax"], data["total_vat"], data["total_incl_tax"]) == (
        "230.00",
        "40.00",
        "270.00",
    )
    assert [(line["account_code"], line["vat_amount"]) for line in data["lines"]] == [
        ("6226", "40.00"),
        ("6251", "0.00"),
    ]
    bad = alice.put(
        url,
        {**body, "lines": [{**body["lines"][0], "account_code": "401"}]},
        content_type="application/json",
    )
    assert bad.status_code == 400
    assert "401 n'est pas un compte de charge" in bad.content.decode()
    with cooperative_context(world.coop_a.pk):
        assert _state(invoice)[4] == Decimal("270.00")
