"""Credit notes received from suppliers (avoirs): entered by hand or received as UBL or CII,
posted in reverse, lettered with the invoice they cancel once nothing is left to pay."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.db.models import Sum
from django.test import Client
from rest_framework.authtoken.models import Token

from accounting.models import Entry, EntryLine
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import SupplierInvoice
from purchases.services import InvoiceLineData
from tests.conftest import World, travel_to
from tests.purchases.conftest import COOP_A_SIREN, Purchases, entry_lines
from tests.purchases.einvoices_helpers import addressed_to

MARCH = dt.date(2026, 3, 10)
CREDIT_DAY = dt.date(2026, 3, 12)
EXECUTION = dt.date(2026, 3, 20)


def _services_invoice(world: World, p: Purchases, nature: str = "services") -> SupplierInvoice:
    invoice = services.supplier_invoice_create(
        supplier=p.supplier,
        activity=p.activity,
        number="FA-100",
        issue_date=MARCH,
        nature=nature,
        lines=[InvoiceLineData("Conseil", Decimal("1000.00"), Decimal("20"), "622")],
    )
    return services.supplier_invoice_validate(invoice=invoice, membership=world.bob_membership)


def _credit(world: World, invoice: SupplierInvoice, amount: str, number: str = "AV-1") -> Any:
    note = services.supplier_credit_note_create(
        invoice=invoice,
        number=number,
        issue_date=CREDIT_DAY,
        lines=[InvoiceLineData("Remise commerciale", Decimal(amount), Decimal("20"), "622")],
    )
    return services.supplier_invoice_validate(invoice=note, membership=world.bob_membership)


def _lettering(entry_id: int | None) -> str | None:
    return EntryLine.objects.get(entry_id=entry_id or 0, account__code="401").lettering


def _balance(code: str) -> Decimal:
    totals = EntryLine.objects.filter(account__code=code).aggregate(d=Sum("debit"), c=Sum("credit"))
    return (totals["d"] or Decimal(0)) - (totals["c"] or Decimal(0))


def test_a_full_credit_note_posts_in_reverse_and_settles_the_invoice(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _services_invoice(world, purchases)
        note = _credit(world, invoice, "1000.00")
        posted = entry_lines(Entry.objects.get(pk=note.entry_id or 0))
        invoice.refresh_from_db()
        note.refresh_from_db()
        letters = (_lettering(invoice.entry_id), _lettering(note.entry_id))
        balances = {code: _balance(code) for code in ("401", "44564", "622")}
    assert (note.kind, note.credited_invoice_id, note.vat_pending) == (
        "credit_note",
        invoice.pk,
        Decimal("200.00"),
    )
    assert posted == [
        ("622", "ALICE", Decimal("0.00"), Decimal("1000.00")),
        ("44564", "ALICE", Decimal("0.00"), Decimal("200.00")),
        ("401", "ALICE", Decimal("1200.00"), Decimal("0.00")),
    ]
    assert letters == ("A", "A")
    assert (invoice.status, invoice.paid_at, note.status) == ("paid", CREDIT_DAY, "paid")
    assert balances == {"401": Decimal("0.00"), "44564": Decimal("0.00"), "622": Decimal("0.00")}


@travel_to("2026-03-18")
def test_a_partial_credit_note_is_deducted_and_lettered_at_payment(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _services_invoice(world, purchases)
        note = _credit(world, invoice, "250.00")
        assert services.supplier_invoice_remaining(invoice) == Decimal("900.00")
        batch = services.payment_batch_create(execution_date=EXECUTION, supplier_invoices=[invoice])
        services.payment_batch_mark_sent(batch=batch, user=world.carl)
        invoice.refresh_from_db()
        note.refresh_from_db()
        payment = entry_lines(Entry.objects.get(pk=invoice.payment_entry_id or 0))
        letters = {
            _lettering(invoice.entry_id),
            _lettering(note.entry_id),
            _lettering(invoice.payment_entry_id),
        }
        balances = {code: _balance(code) for code in ("401", "44564", "44566", "512")}
    assert batch.total == Decimal("900.00")
    # 200 of VAT pending at the invoice, 50 taken back by the credit note: 150 become deductible.
    assert payment == [
        ("401", "ALICE", Decimal("900.00"), Decimal("0.00")),
        ("512", "ALICE", Decimal("0.00"), Decimal("900.00")),
        ("44566", "ALICE", Decimal("150.00"), Decimal("0.00")),
        ("44564", "ALICE", Decimal("0.00"), Decimal("150.00")),
    ]
    assert letters == {"A"}
    assert (invoice.status, note.status, note.paid_at) == ("paid", "paid", EXECUTION)
    assert balances == {
        "401": Decimal("0.00"),
        "44564": Decimal("0.00"),
        "44566": Decimal("150.00"),
        "512": Decimal("-900.00"),
    }


@travel_to("2026-03-18")
def test_a_credit_note_after_payment_takes_back_deductible_vat(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _services_invoice(world, purchases)
        batch = services.payment_batch_create(execution_date=EXECUTION, supplier_invoices=[invoice])
        services.payment_batch_mark_sent(batch=batch, user=world.carl)
        invoice.refresh_from_db()
        note = _credit(world, invoice, "100.00")
        posted = entry_lines(Entry.objects.get(pk=note.entry_id or 0))
        note_letter = _lettering(note.entry_id)
    # The VAT was already deducted at the payment: the credit note takes it back from 44566;
    # the supplier owes 120.00, lettered when the refund comes in.
    assert posted == [
        ("622", "ALICE", Decimal("0.00"), Decimal("100.00")),
        ("44566", "ALICE", Decimal("0.00"), Decimal("20.00")),
        ("401", "ALICE", Decimal("120.00"), Decimal("0.00")),
    ]
    assert (note.status, note.vat_pending, note_letter) == ("validated", Decimal("0.00"), None)


def test_refused_credit_notes_change_nothing(world: World, purchases: Purchases) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _services_invoice(world, purchases)
        _credit(world, invoice, "800.00")
        too_much = services.supplier_credit_note_create(
            invoice=invoice,
            number="AV-2",
            issue_date=CREDIT_DAY,
            lines=[InvoiceLineData("Encore", Decimal("300.00"), Decimal("20"), "622")],
        )
        with pytest.raises(
            ApplicationError, match=r"dépasse ce qui reste de la facture \(240.00 €\)"
        ):
            services.supplier_invoice_validate(invoice=too_much, membership=world.bob_membership)
        too_much.refresh_from_db()
        services.supplier_invoice_assign(invoice=too_much, activity=purchases.other_activity)
        with pytest.raises(ApplicationError, match="porte sur l'activité de la facture"):
            services.supplier_invoice_validate(invoice=too_much, membership=world.bob_membership)
        with pytest.raises(ApplicationError, match="pas un autre avoir"):
            services.supplier_credit_note_create(
                invoice=too_much,
                number="AV-3",
                issue_date=CREDIT_DAY,
                lines=[InvoiceLineData("X", Decimal("1.00"))],
            )
        with pytest.raises(ApplicationError, match="ne se paie pas"):
            services.payment_batch_create(
                execution_date=dt.date(2099, 1, 1), supplier_invoices=[too_much]
            )
        counts = (SupplierInvoice.objects.count(), Entry.objects.filter(source="purchases").count())
    assert (too_much.status, too_much.entry_id) == ("draft", None)
    assert counts == (3, 2)


def _ubl_credit_note(reference: str) -> bytes:
    data = addressed_to("ubl-tc434-creditnote1.xml", siren=COOP_A_SIREN, address=COOP_A_SIREN)
    billing = (
        "<cac:BillingReference><cac:InvoiceDocumentReference>"
        f"<cbc:ID>{reference}</cbc:ID>"
        "</cac:InvoiceDocumentReference></cac:BillingReference>"
    )
    return data.replace(b"</cac:InvoicePeriod>", b"</cac:InvoicePeriod>" + billing.encode())


def test_a_ubl_credit_note_lands_on_the_invoice_it_names(
    world: World, purchases: Purchases
) -> None:
    with cooperative_context(world.coop_a.pk):
        supplier = services.supplier_create(name="My Supplier Company")
        invoice = services.supplier_invoice_create(
            supplier=supplier,
            activity=purchases.activity,
            number="INV-77",
            issue_date=dt.date(2019, 9, 1),
            nature="goods",
            lines=[InvoiceLineData("Versement", Decimal("500.00"), Decimal("0"), "604")],
        )
        invoice = services.supplier_invoice_validate(
            invoice=invoice, membership=world.bob_membership
        )
        note = services.einvoice_receive(data=_ubl_credit_note("INV-77"), filename="avoir.xml")
        posted = services.supplier_invoice_validate(invoice=note, membership=world.bob_membership)
        lines = entry_lines(Entry.objects.get(pk=posted.entry_id or 0))
    assert (note.kind, note.number, note.credited_invoice_id, note.activity_id) == (
        "credit_note",
        "018304 / 28865",
        invoice.pk,
        purchases.activity.pk,
    )
    assert (note.total_excl_tax, note.total_vat, note.total_incl_tax) == (
        Decimal("100.11"),
        Decimal("0.00"),
        Decimal("100.11"),
    )
    assert lines == [
        ("604", "ALICE", Decimal("0.00"), Decimal("100.11")),
        ("401", "ALICE", Decimal("100.11"), Decimal("0.00")),
    ]


def test_a_cii_credit_note_without_its_invoice_is_linked_through_the_api(
    world: World, purchases: Purchases
) -> None:
    data = (
        addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=COOP_A_SIREN)
        .replace(b"<ram:TypeCode>380</ram:TypeCode>", b"<ram:TypeCode>381</ram:TypeCode>")
        .replace(b"<ram:ID>12115118</ram:ID>", b"<ram:ID>AV-12115118</ram:ID>", 1)
    )
    with cooperative_context(world.coop_a.pk):
        note = services.einvoice_receive(data=data, filename="avoir.xml")
        services.supplier_invoice_assign(invoice=note, activity=purchases.activity)
        with pytest.raises(ApplicationError, match="Indiquez la facture que cet avoir annule"):
            services.supplier_invoice_submit(invoice=note)
        invoice = services.supplier_invoice_create(
            supplier=note.supplier,
            activity=purchases.other_activity,
            number="12115000",
            issue_date=dt.date(2013, 3, 1),
            lines=[InvoiceLineData("Livraison", Decimal("300.00"), Decimal("6"), "604")],
        )
        services.supplier_invoice_validate(invoice=invoice, membership=world.bob_membership)
    assert (note.kind, note.format, note.credited_invoice_id, note.total_incl_tax) == (
        "credit_note",
        "cii",
        None,
        Decimal("250.33"),
    )
    bob = Client()
    bob.force_login(world.bob)
    current = bob.get(f"/api/v1/c/coop-a/purchases/invoices/{note.pk}/").json()
    body = {
        "number": current["number"],
        "issue_date": current["issue_date"],
        "nature": "goods",
        "lines": [
            {
                k: line[k]
                for k in (
                    "label",
                    "account_code",
                    "amount_excl_tax",
                    "vat_rate",
                    "vat_amount",
                    "deductible_vat",
                )
            }
            for line in current["lines"]
        ],
    }
    unknown = bob.put(
        f"/api/v1/c/coop-a/purchases/invoices/{note.pk}/",
        {**body, "credited_invoice": note.pk},
        content_type="application/json",
    )
    assert unknown.status_code == 400
    assert "Facture d'origine inconnue" in unknown.content.decode()
    linked = bob.put(
        f"/api/v1/c/coop-a/purchases/invoices/{note.pk}/",
        {**body, "credited_invoice": invoice.pk},
        content_type="application/json",
    ).json()
    # It follows the invoice it cancels to its activity.
    assert (linked["credited_invoice"], linked["activity"]["analytic_code"]) == (
        invoice.pk,
        "OTHER",
    )
    assert linked["total_incl_tax"] == "250.33"
    with cooperative_context(world.coop_a.pk):
        assert services.supplier_invoice_submit(invoice=note).status == "submitted"


def _token(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


def test_credit_note_page_and_api(world: World, purchases: Purchases, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _services_invoice(world, purchases)
    client.force_login(world.alice)
    url = f"/c/coop-a/purchases/invoices/{invoice.pk}/credit-notes/new/"
    page = client.get(url)
    assert page.status_code == 200
    assert page.context["form"].initial == {"account_code": "622", "vat_rate": Decimal("20.00")}
    bad = client.post(
        url,
        {
            "number": "AV-P",
            "issue_date": "2026-03-01",
            "label": "Remise",
            "account_code": "622",
            "amount_excl_tax": "10.00",
            "vat_rate": "20",
        },
    )
    assert bad.status_code == 400
    assert "ne peut pas précéder la facture" in bad.content.decode()
    created = client.post(
        url,
        {
            "number": "AV-P",
            "issue_date": "2026-03-12",
            "label": "Remise",
            "account_code": "622",
            "amount_excl_tax": "10.00",
            "vat_rate": "20",
        },
    )
    with cooperative_context(world.coop_a.pk):
        note = SupplierInvoice.objects.get(number="AV-P")
    assert created.status_code == 302
    assert created["Location"] == f"/c/coop-a/purchases/invoices/{note.pk}/"
    assert (note.kind, note.credited_invoice_id, note.total_incl_tax) == (
        "credit_note",
        invoice.pk,
        Decimal("12.00"),
    )
    detail = client.get(f"/c/coop-a/purchases/invoices/{invoice.pk}/").content.decode()
    assert "AV-P" in detail
    alice = _token(world.alice)
    response = alice.post(
        f"/api/v1/c/coop-a/purchases/invoices/{invoice.pk}/credit-notes/",
        {
            "number": "AV-API",
            "issue_date": "2026-03-13",
            "lines": [{"label": "Geste", "account_code": "622", "amount_excl_tax": "50.00"}],
        },
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="credit-1",
    )
    assert response.status_code == 201
    body = response.json()
    assert (body["kind"], body["credited_invoice"], body["total_incl_tax"]) == (
        "credit_note",
        invoice.pk,
        "60.00",
    )
    charlie = _token(world.charlie)
    assert (
        charlie.post(
            f"/api/v1/c/coop-b/purchases/invoices/{invoice.pk}/credit-notes/",
            {"number": "X", "issue_date": "2026-03-13", "lines": []},
            content_type="application/json",
        ).status_code
        == 404
    )
    client.force_login(world.charlie)
    assert (
        client.get(f"/c/coop-b/purchases/invoices/{invoice.pk}/credit-notes/new/").status_code
        == 404
    )
    assert (
        client.get(f"/c/coop-a/purchases/invoices/{invoice.pk}/credit-notes/new/").status_code
        == 404
    )


def test_edit_page_links_a_credit_note_to_its_invoice(
    world: World, purchases: Purchases, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        invoice = _services_invoice(world, purchases)
        note = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=None,
            number="AV-9",
            issue_date=CREDIT_DAY,
            kind="credit_note",
            lines=[InvoiceLineData("Remise", Decimal("10.00"), Decimal("20"), "622")],
        )
    client.force_login(world.bob)
    url = f"/c/coop-a/purchases/invoices/{note.pk}/edit/"
    page = client.get(url)
    assert f'<option value="{invoice.pk}">Papeterie du Roussillon · FA-100</option>' in (
        page.content.decode()
    )
    response = client.post(
        url,
        {
            "number": "AV-9",
            "issue_date": "2026-03-12",
            "nature": "services",
            "credited_invoice": invoice.pk,
            "rows": "1",
            "line0-label": "Remise",
            "line0-account_code": "622",
            "line0-amount_excl_tax": "10.00",
            "line0-vat_rate": "20",
        },
    )
    assert response.status_code == 302
    with cooperative_context(world.coop_a.pk):
        note.refresh_from_db()
    assert (note.credited_invoice_id, note.activity_id) == (invoice.pk, purchases.activity.pk)
