"""REST API of the purchases app."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import SupplierInvoice
from purchases.services import InvoiceLineData
from tests.conftest import World
from tests.purchases.conftest import COOP_A_SIREN, Purchases
from tests.purchases.einvoices_helpers import addressed_to, example


def _token_client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def _invoices(p: Purchases, count: int, activity: Any) -> list[SupplierInvoice]:
    return [
        services.supplier_invoice_create(
            supplier=p.supplier,
            activity=activity,
            number=f"{activity.analytic_code}-{n}",
            issue_date=dt.date(2026, 3, 1 + n),
            lines=[InvoiceLineData("Prestation", Decimal("10.00"))],
        )
        for n in range(count)
    ]


def test_invoice_list_is_scoped_and_bounded(
    world: World, purchases: Purchases, django_assert_max_num_queries: Any
) -> None:
    with cooperative_context(world.coop_a.pk):
        _invoices(purchases, 3, purchases.activity)
        _invoices(purchases, 2, purchases.other_activity)
    alice = _token_client(world.alice)
    with django_assert_max_num_queries(12):
        page = alice.get("/api/v1/c/coop-a/purchases/invoices/").json()
    assert page["count"] == 3
    first = page["results"][0]
    assert (first["number"], first["total_incl_tax"], first["activity"]["analytic_code"]) == (
        "ALICE-2",
        "12.00",
        "ALICE",
    )
    assert first["lines"] == [
        {
            "label": "Prestation",
            "account_code": "604",
            "amount_excl_tax": "10.00",
            "vat_rate": "20.00",
            "vat_amount": "2.00",
            "deductible_vat": "2.00",
        }
    ]
    bob = Client()
    bob.force_login(world.bob)
    assert bob.get("/api/v1/c/coop-a/purchases/invoices/").json()["count"] == 5


def test_other_cooperative_gets_404(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        (invoice,) = _invoices(purchases, 1, purchases.activity)
    charlie = _token_client(world.charlie)
    assert charlie.get(f"/api/v1/c/coop-b/purchases/invoices/{invoice.pk}/").status_code == 404
    assert charlie.get(f"/api/v1/c/coop-a/purchases/invoices/{invoice.pk}/").status_code == 404
    assert (
        charlie.post(f"/api/v1/c/coop-b/purchases/invoices/{invoice.pk}/validate/").status_code
        == 404
    )


def test_receive_and_validate_through_the_api(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        services.routing_addresses_ensure()
    alice = _token_client(world.alice)
    data = addressed_to(
        "CII_example1.xml", siren=COOP_A_SIREN, address=f"{COOP_A_SIREN}_{purchases.activity.pk}"
    )
    created = alice.post(
        "/api/v1/c/coop-a/purchases/invoices/receive/",
        {"file": SimpleUploadedFile("f.xml", data, content_type="text/xml")},
        HTTP_IDEMPOTENCY_KEY="receive-1",
    )
    assert created.status_code == 201
    body = created.json()
    assert (body["status"], body["total_incl_tax"], body["activity"]["analytic_code"]) == (
        "draft",
        "250.33",
        "ALICE",
    )
    # 250.33 is above the 150.00 cap: the entrepreneur may not validate it.
    refused = alice.post(f"/api/v1/c/coop-a/purchases/invoices/{body['id']}/validate/")
    assert refused.status_code == 400
    assert "Au-delà de 150.00 € TTC" in refused.content.decode()
    bob = Client()
    bob.force_login(world.bob)
    validated = bob.post(f"/api/v1/c/coop-a/purchases/invoices/{body['id']}/validate/")
    assert validated.json()["status"] == "validated"


def test_bad_file_is_a_400_with_a_french_reason(world: World, purchases: Purchases) -> None:
    alice = _token_client(world.alice)
    response = alice.post(
        "/api/v1/c/coop-a/purchases/invoices/receive/",
        {"file": SimpleUploadedFile("f.xml", example("CII_example1.xml"))},
    )
    assert response.status_code == 400
    assert "n'est pas la coopérative" in response.content.decode()
    with cooperative_context(world.coop_a.pk):
        assert SupplierInvoice.objects.count() == 0


def test_supplier_creation_is_for_staff(world: World, purchases: Purchases) -> None:
    alice = _token_client(world.alice)
    assert alice.post("/api/v1/c/coop-a/purchases/suppliers/", {"name": "X"}).status_code == 403
    bob = Client()
    bob.force_login(world.bob)
    bad = bob.post("/api/v1/c/coop-a/purchases/suppliers/", {"name": "X", "siren": "123456789"})
    assert bad.status_code == 400
    assert "n'est pas un SIREN valide" in bad.content.decode()
    ok = bob.post(
        "/api/v1/c/coop-a/purchases/suppliers/", {"name": "Imprimerie", "siren": "732829320"}
    )
    assert (ok.status_code, ok.json()["siren"]) == (201, "732829320")


def test_a_supplier_is_created_with_its_address_and_contact(
    world: World, purchases: Purchases
) -> None:
    bob = Client()
    bob.force_login(world.bob)

    created = bob.post(
        "/api/v1/c/coop-a/purchases/suppliers/",
        {
            "name": "Imprimerie Garonne",
            "address_line": "3 quai de la Daurade",
            "postal_code": "31000",
            "city": "Toulouse",
            "contact_name": "Inès Roux",
            "contact_email": "Ines@imprimerie.example",
            "contact_phone": "05 61 11 22 33",
        },
    )

    body = created.json()
    assert created.status_code == 201
    assert {key: body[key] for key in ("address_line", "address_line2", "postal_code", "city")} == {
        "address_line": "3 quai de la Daurade",
        "address_line2": "",
        "postal_code": "31000",
        "city": "Toulouse",
    }
    assert (body["contact_name"], body["contact_email"], body["contact_phone"]) == (
        "Inès Roux",
        "ines@imprimerie.example",
        "05 61 11 22 33",
    )
    charlie = Client()
    charlie.force_login(world.charlie)
    assert charlie.post("/api/v1/c/coop-a/purchases/suppliers/", {"name": "Y"}).status_code == 404


def test_expense_reports_api_shows_own_only(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        report = services.expense_report_get_or_create(
            entrepreneur=purchases.alice, day=dt.date(2026, 3, 1)
        )
        services.mileage_add(
            report=report,
            activity=purchases.activity,
            day=dt.date(2026, 3, 3),
            vehicle="moped",
            fiscal_power=0,
            km=Decimal("40"),
            purpose="Livraison",
        )
    alice = _token_client(world.alice)
    page = alice.get("/api/v1/c/coop-a/purchases/expense-reports/").json()
    # A moped: 40 × 0.315 = 12.60.
    assert [r["mileage"][0]["amount"] for r in page["results"]] == ["12.60"]
    charlie = _token_client(world.charlie)
    assert (
        charlie.get(f"/api/v1/c/coop-b/purchases/expense-reports/{report.pk}/").status_code == 404
    )


def test_the_schema_lists_the_purchase_endpoints(db: None, client: Client) -> None:
    schema = client.get("/api/schema/").content.decode()
    assert "/purchases/invoices/receive/" in schema
    assert "/purchases/invoices/{invoice_id}/refuse/" in schema
    assert "/purchases/expense-reports/{report_id}/" in schema
