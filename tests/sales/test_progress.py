"""Progress invoices (situations de travaux) of a building quote: each one bills the works'
cumulative progress less the previous situations, the last (100 %) what is left to the cent."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from accounting.models import EntryLine
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from sales import services
from sales.models import Document
from sales.services import LineData
from tests.conftest import World, travel_to
from tests.sales.conftest import API, DAY, PAGES, Sales, Shop, shop  # noqa: F401 (fixture)

D = Decimal


def _quote(sales: Sales) -> Document:
    quote = sales.invoice(
        kind="quote",
        lines=[
            LineData("Gros œuvre", quantity=1, unit_price="10000.00", vat_rate="20.00"),
            LineData("Isolation (rénovation)", quantity=4, unit_price="500.00", vat_rate="10.00"),
        ],
    )
    return services.quote_answer(quote=services.quote_send(quote=quote, date=DAY), accepted=True)


def _situation(quote: Document, percent: str) -> Document:
    draft = services.quote_invoice(quote=quote, mode="progress", percent=percent)
    return services.invoice_validate(document=draft, date=DAY, render=False)


def _lines(document: Document) -> list[tuple[Decimal, Decimal]]:
    return [(line.vat_rate, line.net_amount) for line in document.lines.order_by("position")]


def test_situations_bill_the_progress_less_what_was_billed_and_the_last_what_is_left(
    sales: Sales,
) -> None:
    quote = _quote(sales)

    first = _situation(quote, "30")
    second = _situation(quote, "62,5")
    last = _situation(quote, "100")

    assert [(d.number, d.progress_percent) for d in (first, second, last)] == [
        ("F2026-00001", D("30.00")),
        ("F2026-00002", D("62.50")),
        ("F2026-00003", D("100.00")),
    ]
    assert _lines(first) == [(D("20.00"), D("3000.00")), (D("10.00"), D("600.00"))]
    assert _lines(second) == [(D("20.00"), D("3250.00")), (D("10.00"), D("650.00"))]
    assert _lines(last) == [(D("20.00"), D("3750.00")), (D("10.00"), D("750.00"))]
    assert (first.total_without_vat, first.vat_total, first.total_with_vat) == (
        D("3600.00"),
        D("660.00"),
        D("4260.00"),
    )
    assert sum(d.total_without_vat for d in (first, second, last)) == quote.total_without_vat
    assert first.lines.first().label == (  # type: ignore[union-attr]
        "Situation n°1 : avancement cumulé 30 % du devis DE2026-00001"
    )
    # Revenue, not deposits: 706 per situation, the whole receivable on 411.
    posted = {
        (line.account.code, line.debit, line.credit)
        for line in EntryLine.objects.filter(entry=first.entry).select_related("account")
    }
    assert ("706", D("0.00"), D("3600.00")) in posted
    assert ("411", D("4260.00"), D("0.00")) in posted
    assert not any(code == "4191" for code, _d, _c in posted)
    with pytest.raises(ApplicationError, match="entre 100 % \\(déjà facturé\\) et 100 %"):
        services.quote_invoice(quote=quote, mode="progress", percent="100")


def test_a_situation_goes_forward_one_at_a_time_and_never_mixes_with_deposits(
    sales: Sales,
) -> None:
    quote = _quote(sales)
    _situation(quote, "40")
    for percent, message in (
        ("40", "entre 40 % \\(déjà facturé\\) et 100 %"),
        ("120", "entre 40 % \\(déjà facturé\\) et 100 %"),
        ("beaucoup", "Indiquez l'avancement cumulé"),
    ):
        with pytest.raises(ApplicationError, match=message):
            services.quote_invoice(quote=quote, mode="progress", percent=percent)
    services.quote_invoice(quote=quote, mode="progress", percent="70")
    with pytest.raises(ApplicationError, match="Validez ou supprimez d'abord la situation"):
        services.quote_invoice(quote=quote, mode="progress", percent="80")
    with pytest.raises(ApplicationError, match="se facture par situations de travaux"):
        services.quote_invoice(quote=quote, mode="whole")
    with pytest.raises(ApplicationError, match="se facture par situations de travaux"):
        services.quote_invoice(quote=quote, mode="deposit", percent="10")
    assert Document.objects.filter(quote=quote).count() == 2

    other = _quote(sales)
    services.invoice_validate(
        document=services.quote_invoice(quote=other, mode="deposit", percent="30"),
        date=DAY,
        render=False,
    )
    with pytest.raises(ApplicationError, match="a des factures d'acompte"):
        services.quote_invoice(quote=other, mode="progress", percent="50")


def test_situations_from_the_page_and_the_api(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    with travel_to("2026-03-10T11:00"), cooperative_context(world.coop_a.pk):
        quote = services.quote_send(
            quote=services.document_create(
                kind="quote",
                activity=shop.mine,
                customer=shop.my_customer,
                delivery_date=DAY,
                lines=[LineData("Charpente", unit_price="8000.00")],
            )
        )
    client.force_login(world.alice)
    with travel_to("2026-03-10T11:00"):
        response = client.post(
            PAGES + f"documents/{quote.pk}/action/",
            {"action": "invoice", "mode": "progress", "percent": "25"},
        )
        first = response["Location"]
        client.post(first + "action/", {"action": "validate"})
        page = client.get(first)
        api = client.post(
            API + f"documents/{quote.pk}/quote-action/",
            {"action": "progress", "percent": "75"},
            content_type="application/json",
        )
    assert page.context["document"].progress_percent == D("25.00")
    assert "Situation de travaux : avancement cumulé 25,0" in page.content.decode()
    body = api.json()
    assert (body["progress_percent"], body["total_without_vat"], body["status"]) == (
        "75.00",
        "4000.00",
        "draft",
    )

    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        response = client.post(
            f"/api/v1/c/{slug}/sales/documents/{quote.pk}/quote-action/",
            {"action": "progress", "percent": "90"},
            content_type="application/json",
        )
        assert response.status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert Document.objects.filter(quote=quote).count() == 2
