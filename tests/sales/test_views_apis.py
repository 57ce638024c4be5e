"""Pages and API of the sales app: who sees what (an entrepreneur their activity, staff all,
another cooperative nothing), and the quote → deposit → balance → payment path."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client
from rest_framework.authtoken.models import Token

from accounting.models import EntryLine
from perspectives.tenancy.context import cooperative_context
from sales.models import Customer, Document, Payment
from tests.conftest import World, travel_to
from tests.sales.conftest import API, PAGES, Shop


def test_an_entrepreneur_sees_only_their_activitys_sales(
    shop: Shop, world: World, client: Client
) -> None:
    client.force_login(world.alice)

    home = client.get(PAGES)
    assert home.status_code == 200
    assert [d.pk for d in home.context["documents"]] == [shop.my_invoice.pk]
    customers = client.get(PAGES + "customers/")
    assert [c.name for c in customers.context["customers"]] == ["Menuiserie Durand"]
    assert client.get(PAGES + f"documents/{shop.my_invoice.pk}/").status_code == 200
    for path in (
        f"documents/{shop.other_invoice.pk}/",
        f"documents/{shop.other_invoice.pk}/pdf/",
        f"customers/{shop.other_customer.pk}/",
    ):
        assert client.get(PAGES + path).status_code == 404, path
    response = client.post(
        PAGES + f"documents/{shop.other_invoice.pk}/action/", {"action": "credit_note"}
    )
    assert response.status_code == 404
    api = client.get(API + "documents/").json()
    assert [d["id"] for d in api["results"]] == [shop.my_invoice.pk]
    assert client.get(API + f"documents/{shop.other_invoice.pk}/").status_code == 404
    assert client.get(API + f"customers/{shop.other_customer.pk}/").status_code == 404
    response = client.post(
        API + f"documents/{shop.other_invoice.pk}/payments/",
        {"amount": "10.00", "date": "2026-03-10", "method": "transfer"},
        content_type="application/json",
    )
    assert response.status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert Payment.objects.count() == 0


def test_support_staff_and_managers_see_every_activity(
    shop: Shop, world: World, client: Client
) -> None:
    for user in (world.bob, world.carl):
        client.force_login(user)
        ids = {d["id"] for d in client.get(API + "documents/").json()["results"]}
        assert ids == {shop.my_invoice.pk, shop.other_invoice.pk}
        assert client.get(PAGES + f"documents/{shop.other_invoice.pk}/").status_code == 200


def test_another_cooperative_gets_404(shop: Shop, world: World, client: Client) -> None:
    client.force_login(world.charlie)
    assert client.get(PAGES).status_code == 404
    assert client.get(API + f"documents/{shop.my_invoice.pk}/").status_code == 404
    for path in (
        f"/c/coop-b/sales/documents/{shop.my_invoice.pk}/",
        f"/api/v1/c/coop-b/sales/documents/{shop.my_invoice.pk}/",
        f"/api/v1/c/coop-b/sales/customers/{shop.my_customer.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get("/api/v1/c/coop-b/sales/documents/").json()["results"] == []


def test_the_quote_to_payment_path_through_the_pages(
    shop: Shop, world: World, client: Client
) -> None:
    client.force_login(world.alice)
    with travel_to("2026-03-10T11:00"):
        response = client.post(
            PAGES + "documents/new/?kind=quote",
            {
                "kind": "quote",
                "customer": shop.my_customer.pk,
                "title": "Agencement de la boutique",
                "delivery_date": "2026-03-20",
                "category": "services",
                "discount_percent": "0",
                "line0-label": "Conception",
                "line0-quantity": "2",
                "line0-unit": "DAY",
                "line0-unit_price": "450",
                "line0-vat_rate": "20.00",
                "line1-label": "Pose",
                "line1-section": "on",
                "line2-label": "Fournitures",
                "line2-quantity": "1",
                "line2-unit": "C62",
                "line2-unit_price": "100",
                "line2-vat_rate": "20.00",
            },
        )
        assert response.status_code == 302
        quote_url = response["Location"]
        with cooperative_context(world.coop_a.pk):
            quote = Document.objects.get(kind="quote")
            assert (quote.total_without_vat, quote.lines.count()) == (Decimal("1000.00"), 3)
        action = f"{quote_url}action/"
        client.post(action, {"action": "send"})
        client.post(action, {"action": "accept"})
        response = client.post(action, {"action": "invoice", "mode": "deposit", "percent": "30"})
        deposit_url = response["Location"]
        client.post(f"{deposit_url}action/", {"action": "validate"})
        client.post(quote_url + "action/", {"action": "invoice", "mode": "whole"})
        with cooperative_context(world.coop_a.pk):
            balance = Document.objects.get(quote=quote, type_code="380")
        client.post(PAGES + f"documents/{balance.pk}/action/", {"action": "validate"})
        client.post(
            PAGES + f"documents/{balance.pk}/action/",
            {"action": "payment", "amount": "500.00", "date": "2026-03-12", "method": "transfer"},
        )
        page = client.get(PAGES + f"documents/{balance.pk}/")
        receivables = client.get(PAGES + "receivables/")

    assert page.context["outstanding"] == Decimal("340.00")
    with cooperative_context(world.coop_a.pk):
        quote.refresh_from_db()
        balance.refresh_from_db()
        assert quote.status == "accepted"
        assert (balance.number, balance.prepaid_total, balance.amount_due) == (
            "F2026-00004",
            Decimal("360.00"),
            Decimal("840.00"),
        )
        lines = EntryLine.objects.filter(entry=balance.entry, account__code="4191")
        assert [line.debit for line in lines] == [Decimal("300.00")]
    rows = receivables.context["receivables"].rows
    assert {(r.invoice.number, r.outstanding) for r in rows} == {
        ("F2026-00001", Decimal("120.00")),
        ("F2026-00003", Decimal("360.00")),
        ("F2026-00004", Decimal("340.00")),
    }


def test_a_bad_form_shows_a_french_message_and_creates_nothing(
    shop: Shop, world: World, client: Client
) -> None:
    client.force_login(world.alice)
    response = client.post(
        PAGES + "customers/new/",
        {
            "activity": shop.mine.pk,
            "kind": "company",
            "name": "Sans SIREN",
            "siret": "12345678901234",
            "address_line": "1 rue",
            "postal_code": "66000",
            "city": "Perpignan",
            "country": "FR",
        },
        follow=True,
    )
    assert "pas valide (14 chiffres, clé de contrôle)" in response.content.decode()
    with cooperative_context(world.coop_a.pk):
        assert not Customer.objects.filter(name="Sans SIREN").exists()


def test_the_api_by_token(shop: Shop, world: World) -> None:
    token = Token.objects.create(user=world.alice)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    with travel_to("2026-03-10T11:00"):
        created = api.post(
            API + "documents/",
            {
                "kind": "invoice",
                "customer": shop.my_customer.pk,
                "delivery_date": "2026-03-10",
                "lines": [
                    {"designation": "Audit", "quantity": "3", "unit": "HUR", "unit_price": "80"},
                    {"designation": "Rapport", "unit_price": "50", "vat_rate": "10"},
                ],
            },
            content_type="application/json",
        )
        assert created.status_code == 201, created.json()
        body = created.json()
        assert (body["total_without_vat"], body["vat_total"], body["total_with_vat"]) == (
            "290.00",
            "53.00",
            "343.00",
        )
        assert body["vat_breakdown"] == [
            {"rate": "20.00", "taxable": "240.00", "vat": "48.00"},
            {"rate": "10.00", "taxable": "50.00", "vat": "5.00"},
        ]
        validated = api.post(API + f"documents/{body['id']}/validate/").json()
        assert validated["number"] == "F2026-00003"
        refused = api.post(
            API + f"documents/{body['id']}/payments/",
            {"amount": "400.00", "date": "2026-03-10", "method": "transfer"},
            content_type="application/json",
        )
        assert refused.status_code == 400
        assert "dépasse le reste à payer" in str(refused.json())
        paid = api.post(
            API + f"documents/{body['id']}/payments/",
            {"amount": "343.00", "date": "2026-03-10", "method": "card"},
            content_type="application/json",
        )
        assert paid.status_code == 201
        assert paid.json()["vat_released"] == "53.00"
        assert api.get(API + "receivables/").json()["total"] == "120.00"
        bad = api.post(
            API + "customers/",
            {
                "activity": shop.mine.pk,
                "kind": "company",
                "name": "X",
                "address_line": "1 rue",
                "postal_code": "66000",
                "city": "Perpignan",
            },
            content_type="application/json",
        )
        assert bad.status_code == 400
        assert "SIREN ou un SIRET" in str(bad.json())
        other = api.post(
            API + "customers/",
            {
                "activity": shop.other.pk,
                "kind": "individual",
                "name": "Y",
                "address_line": "1 rue",
                "postal_code": "66000",
                "city": "Perpignan",
            },
            content_type="application/json",
        )
        assert other.status_code == 404


def test_the_document_list_api_has_bounded_queries(
    shop: Shop, world: World, client: Client, django_assert_max_num_queries: object
) -> None:
    client.force_login(world.carl)
    client.get(API + "documents/")  # warm the session and membership caches
    # The page, its count, and one query each for its customers, activities and retention
    # releases, whatever the page's size.
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        response = client.get(API + "documents/?kind=invoice")
    assert response.json()["count"] == 2


def test_the_schema_lists_the_sales_endpoints(db: None, client: Client) -> None:
    schema = client.get("/api/schema/").content.decode()
    for path in ("sales/documents/", "sales/customers/", "sales/receivables/"):
        assert path in schema
