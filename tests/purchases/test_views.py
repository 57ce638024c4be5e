"""Pages of the purchases app: each role sees what it may, another cooperative gets a 404, bad
input shows a French message and changes nothing."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import ExpenseReport, PaymentBatch, Supplier, SupplierInvoice
from purchases.services import InvoiceLineData
from tests.conftest import World
from tests.purchases.conftest import COOP_A_SIREN, Purchases
from tests.purchases.einvoices_helpers import addressed_to, example

MARCH = dt.date(2026, 3, 10)


def _invoice(p: Purchases, *, activity: object, number: str) -> SupplierInvoice:
    return services.supplier_invoice_create(
        supplier=p.supplier,
        activity=activity,  # type: ignore[arg-type]
        number=number,
        issue_date=MARCH,
        lines=[InvoiceLineData("Prestation", Decimal("100.00"))],
    )


def test_entrepreneur_sees_only_their_activities_invoices(
    world: World, purchases: Purchases, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        own = _invoice(purchases, activity=purchases.activity, number="OWN-1")
        other = _invoice(purchases, activity=purchases.other_activity, number="OTHER-1")
    client.force_login(world.alice)
    home = client.get("/c/coop-a/purchases/")
    assert home.status_code == 200
    assert [i.number for i in home.context["invoices"]] == ["OWN-1"]
    assert client.get(f"/c/coop-a/purchases/invoices/{own.pk}/").status_code == 200
    assert client.get(f"/c/coop-a/purchases/invoices/{other.pk}/").status_code == 404
    assert client.post(f"/c/coop-a/purchases/invoices/{other.pk}/validate/").status_code == 404
    assert client.get("/c/coop-a/purchases/suppliers/").status_code == 403
    assert client.get("/c/coop-a/purchases/payments/").status_code == 403
    client.force_login(world.bob)
    staff = client.get("/c/coop-a/purchases/")
    assert sorted(i.number for i in staff.context["invoices"]) == ["OTHER-1", "OWN-1"]
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-b/purchases/invoices/{own.pk}/").status_code == 404
    assert client.get(f"/c/coop-a/purchases/invoices/{own.pk}/").status_code == 404


def test_upload_page_receives_an_einvoice_and_the_entrepreneur_confirms(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.alice)
    data = addressed_to("ubl-tc434-example1.xml", siren=COOP_A_SIREN, address=f"{COOP_A_SIREN}_0")
    response = client.post(
        "/c/coop-a/purchases/invoices/new/",
        {
            "kind": "einvoice",
            "activity": purchases.activity.pk,
            "file": SimpleUploadedFile("f.xml", data, content_type="text/xml"),
        },
    )
    with cooperative_context(world.coop_a.pk):
        invoice = SupplierInvoice.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/c/coop-a/purchases/invoices/{invoice.pk}/"
    assert (invoice.activity_id, invoice.total_incl_tax) == (
        purchases.activity.pk,
        Decimal("250.33"),
    )
    client.post(f"/c/coop-a/purchases/invoices/{invoice.pk}/submit/")
    with cooperative_context(world.coop_a.pk):
        invoice.refresh_from_db()
    assert invoice.status == "submitted"


def test_upload_page_refuses_a_hostile_file_and_saves_nothing(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.alice)
    response = client.post(
        "/c/coop-a/purchases/invoices/new/",
        {
            "kind": "einvoice",
            "file": SimpleUploadedFile("f.xml", example("CII_example1.xml")),
        },
    )
    assert response.status_code == 400
    assert "n&#x27;est pas la coopérative" in response.content.decode()
    with cooperative_context(world.coop_a.pk):
        assert SupplierInvoice.objects.count() == 0


def test_manual_entry_of_a_photographed_invoice(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.alice)
    response = client.post(
        "/c/coop-a/purchases/invoices/new/",
        {
            "kind": "manual",
            "activity": purchases.activity.pk,
            "supplier_name": "Ferreteria Barcelona",
            "number": "T-2026-88",
            "issue_date": "2026-03-02",
            "label": "Outillage",
            "account_code": "6063",
            "amount_excl_tax": "40.00",
            "vat_rate": "21",
            "attachment": SimpleUploadedFile("t.jpg", b"\xff\xd8photo", content_type="image/jpeg"),
        },
    )
    assert response.status_code == 302
    with cooperative_context(world.coop_a.pk):
        invoice = SupplierInvoice.objects.select_related("supplier").get()
    assert (invoice.supplier.name, invoice.total_vat, invoice.total_incl_tax) == (
        "Ferreteria Barcelona",
        Decimal("8.40"),
        Decimal("48.40"),
    )
    assert invoice.attachment_type == "image/jpeg"


def test_expense_report_on_the_phone_then_validated_and_paid(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.alice)
    opened = client.post("/c/coop-a/purchases/expenses/", {"month": "2026-03-01"})
    report_id = int(re.findall(r"/expenses/(\d+)/", opened["Location"])[0])
    base = f"/c/coop-a/purchases/expenses/{report_id}/"
    refused = client.post(
        base + "lines/",
        {
            "activity": purchases.activity.pk,
            "date": "2026-03-04",
            "category": "meals",
            "amount_incl_tax": "18.50",
            "vat_recoverable": "1.68",
        },
    )
    assert refused.status_code == 400
    assert "Joignez le justificatif" in refused.content.decode()
    added = client.post(
        base + "lines/",
        {
            "activity": purchases.activity.pk,
            "date": "2026-03-04",
            "category": "meals",
            "label": "Déjeuner fournisseur",
            "amount_incl_tax": "18.50",
            "vat_recoverable": "1.68",
            "receipt": SimpleUploadedFile("ticket.jpg", b"\xff\xd8img", content_type="image/jpeg"),
        },
    )
    assert added.status_code == 302
    client.post(
        base + "mileage/",
        {
            "activity": purchases.activity.pk,
            "date": "2026-03-06",
            "vehicle": "car",
            "fiscal_power": "4",
            "km": "52",
            "purpose": "Salon",
        },
    )
    page = client.get(base)
    # 52 km at 4 CV: 52 × 0.606 = 31.51; 18.50 + 31.51 = 50.01.
    assert page.context["total"] == Decimal("50.01")
    line = page.context["lines"][0]
    assert client.get(f"/c/coop-a/purchases/receipts/{line.pk}/").status_code == 200
    assert client.post(base + "validate/").status_code == 403
    client.post(base + "submit/")
    client.force_login(world.bob)
    client.post(base + "validate/")
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-b/purchases/receipts/{line.pk}/").status_code == 404
    assert client.get(f"/c/coop-b/purchases/expenses/{report_id}/").status_code == 404
    client.force_login(world.carl)
    with cooperative_context(world.coop_a.pk):
        report = ExpenseReport.objects.get(pk=report_id)
    assert report.status == "validated"
    day = (timezone.localdate() + dt.timedelta(days=2)).isoformat()
    created = client.post(
        "/c/coop-a/purchases/payments/", {"execution_date": day, "reports": [report_id]}
    )
    assert created.status_code == 302
    with cooperative_context(world.coop_a.pk):
        batch = PaymentBatch.objects.get()
    xml = client.get(f"/c/coop-a/purchases/payments/{batch.pk}/file/")
    assert b'<InstdAmt Ccy="EUR">50.01</InstdAmt>' in xml.getvalue()
    client.post(f"/c/coop-a/purchases/payments/{batch.pk}/sent/")
    with cooperative_context(world.coop_a.pk):
        report.refresh_from_db()
    assert report.status == "paid"


def test_routing_page_shows_the_address_and_its_qr_code(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.alice)
    page = client.get("/c/coop-a/purchases/routing/").content.decode()
    assert f'<code class="routing-address">{COOP_A_SIREN}_{purchases.activity.pk}</code>' in page
    assert "<svg" in page
    assert f"{COOP_A_SIREN}_{purchases.other_activity.pk}<" not in page


def test_the_suppliers_page_records_and_shows_an_address_and_a_contact(
    world: World, purchases: Purchases, client: Client
) -> None:
    client.force_login(world.bob)

    response = client.post(
        "/c/coop-a/purchases/suppliers/",
        {
            "name": "Menuiserie Lauragais",
            "country": "FR",
            "address_line": "8 route de Revel",
            "postal_code": "31250",
            "city": "Revel",
            "contact_name": "Jean Sicard",
            "contact_phone": "05 62 00 00 00",
        },
        follow=True,
    )

    assert response.status_code == 200
    assert "8 route de Revel, 31250 Revel" in response.text
    assert "Jean Sicard 05 62 00 00 00" in response.text
    with cooperative_context(world.coop_a.pk):
        supplier = Supplier.objects.get(name="Menuiserie Lauragais")
        assert (supplier.city, supplier.contact_name, supplier.contact_email) == (
            "Revel",
            "Jean Sicard",
            "",
        )
