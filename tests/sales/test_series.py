"""Numbering series of its own for a sector: each series a continuous, chronological sequence
per year, apart from the cooperative's; the quotes' series stays theirs."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from sales import services
from sales.models import Customer, Document, SalesSettings, SectorSeries
from sales.selectors import invoice_counters
from sales.services import series
from tests.conftest import World, travel_to
from tests.factories.entrepreneurs import ActivityFactory, SectorFactory
from tests.sales.conftest import API, DAY, PAGES, Sales, Shop, shop  # noqa: F401 (fixture)


def _building(sales: Sales) -> Customer:
    sector = SectorFactory.create(cooperative=sales.cooperative, name="Bâtiment")
    activity = ActivityFactory.create(sector=sector, analytic_code="BAT1", name="Maçonnerie")
    return services.customer_create(
        activity=activity,
        kind=Customer.Kind.COMPANY,
        name="SCI du Port",
        siret="73282932000074",
        address_line="1 quai",
        postal_code="66660",
        city="Port-Vendres",
    )


def test_a_sector_numbers_its_invoices_and_credit_notes_in_its_own_series(sales: Sales) -> None:
    client = _building(sales)
    series.sector_series_set(
        sector=client.activity.sector, invoice_series="bat", credit_note_series="AVB"
    )

    def validated(customer: Customer, day: dt.date) -> str:
        invoice = sales.invoice(customer=customer, activity=customer.activity)
        return services.invoice_validate(document=invoice, date=day, render=False).number

    numbers = [
        validated(client, DAY),
        validated(sales.customer, DAY),
        validated(client, DAY + dt.timedelta(days=2)),
        validated(sales.customer, DAY + dt.timedelta(days=1)),  # its own series' chronology
    ]
    with pytest.raises(ApplicationError, match="dernière facture de la série est du 12/03/2026"):
        validated(client, DAY + dt.timedelta(days=1))
    building_invoice = Document.objects.get(number="BAT2026-00002")
    credit = services.invoice_validate(
        document=services.credit_note_create(invoice=building_invoice),
        date=DAY + dt.timedelta(days=3),
        render=False,
    )

    assert numbers == ["BAT2026-00001", "F2026-00001", "BAT2026-00002", "F2026-00002"]
    assert credit.number == "AVB2026-00001"
    # Back to the cooperative's series: F carries on, BAT stays where it stopped.
    assert series.sector_series_set(sector=client.activity.sector) is None
    assert validated(client, DAY + dt.timedelta(days=3)) == "F2026-00003"
    assert [(c.series, c.last_number) for c in invoice_counters(year=2026)] == [
        ("AVB", 1),
        ("BAT", 2),
        ("F", 3),
    ]


def test_bad_series_are_refused_in_french_and_nothing_changes(sales: Sales) -> None:
    client = _building(sales)
    sector = client.activity.sector
    series.sector_series_set(sector=sector, invoice_series="BAT", credit_note_series="AVB")
    for invoice_series, message in (
        ("DE", "« DE » est la série des devis"),
        ("BÂT", "de 1 à 4 lettres majuscules"),
        ("FACTURES", "de 1 à 4 lettres majuscules"),
        ("", "de 1 à 4 lettres majuscules"),
    ):
        with pytest.raises(ApplicationError, match=message):
            series.sector_series_set(
                sector=sector, invoice_series=invoice_series, credit_note_series="AVB"
            )
        with pytest.raises(ApplicationError, match=message):
            series.default_series_set(invoice_series=invoice_series, credit_note_series="AV")
    own = SectorSeries.objects.get()
    assert (own.invoice_series, own.credit_note_series) == ("BAT", "AVB")
    settings = SalesSettings.objects.get()
    assert (settings.invoice_series, settings.credit_note_series) == ("F", "AV")


def test_the_numbering_page_and_api(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    sector = shop.mine.sector
    client.force_login(world.alice)
    assert client.get(PAGES + "numbering/").status_code == 403
    assert client.get(API + "numbering/").status_code == 403

    client.force_login(world.carl)
    with travel_to("2026-03-10T12:00"):
        page = client.get(PAGES + "numbering/")
        assert [(c.series, c.last_number) for c in page.context["counters"]] == [("F", 2)]
        bad = client.post(
            PAGES + "numbering/", {"invoice_series": "DE", "credit_note_series": "AV"}
        )
        assert "« DE » est la série des devis" in bad.content.decode()
        client.post(PAGES + "numbering/", {"invoice_series": "FA", "credit_note_series": "AV"})
        client.post(
            PAGES + f"numbering/{sector.pk}/", {"invoice_series": "COM", "credit_note_series": "AC"}
        )
        api = client.put(
            API + f"numbering/{sector.pk}/",
            {"invoice_series": "COM", "credit_note_series": "AVC"},
            content_type="application/json",
        )
        body = api.json()
    assert (body["invoice_series"], body["credit_note_series"]) == ("FA", "AV")
    assert [
        (s["sector"], s["invoice_series"], s["credit_note_series"])
        for s in body["sectors"]
        if s["invoice_series"]
    ] == [(sector.pk, "COM", "AVC")]
    assert body["counters"] == [
        {"series": "F", "year": 2026, "last_number": 2, "last_date": "2026-03-10"}
    ]
    with travel_to("2026-03-10T12:00"), cooperative_context(world.coop_a.pk):
        invoice = services.document_create(
            kind="invoice",
            activity=shop.mine,
            customer=shop.my_customer,
            delivery_date=dt.date(2026, 3, 10),
            lines=[services.LineData("Conseil", unit_price="10.00")],
        )
        assert services.invoice_validate(document=invoice, render=False).number.startswith("COM")

    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        assert (
            client.post(
                f"/c/{slug}/sales/numbering/{sector.pk}/", {"invoice_series": "X"}
            ).status_code
            == 404
        )
        assert (
            client.put(
                f"/api/v1/c/{slug}/sales/numbering/{sector.pk}/",
                {"invoice_series": "X", "credit_note_series": "Y"},
                content_type="application/json",
            ).status_code
            == 404
        )
    assert (
        client.get("/api/v1/c/coop-b/sales/numbering/").json()["sectors"][0]["invoice_series"]
        is None
    )
    with cooperative_context(world.coop_a.pk):
        assert SectorSeries.objects.get().invoice_series == "COM"
