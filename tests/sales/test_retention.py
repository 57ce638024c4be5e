"""The 5 % retention guarantee (retenue de garantie, loi 71-584) of building situations: withheld
on 4117, out of what the customer owes now, released one year after the acceptance of the works
(earlier by a manager) to 411, where it is paid and reminded like any receivable."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.test import Client

from accounting.models import EntryLine
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from sales import services
from sales.facturx import cii_data, cii_xml, document_html
from sales.models import Document, RetentionRelease
from sales.selectors import overdue_invoices
from sales.services import LineData
from tests.conftest import World, travel_to
from tests.factories.accounting import ledger_ready
from tests.sales.conftest import API, DAY, PAGES, Sales, Shop, shop  # noqa: F401 (fixture)
from tests.sales.schematron import schematron_en16931

D = Decimal
ACCEPTED = dt.date(2026, 6, 30)


def _quote(sales: Sales, retention: str = "5") -> Document:
    quote = sales.invoice(
        kind="quote",
        retention_percent=retention,
        lines=[LineData("Gros œuvre", quantity=1, unit_price="1000.00", vat_rate="20.00")],
    )
    return services.quote_answer(quote=services.quote_send(quote=quote, date=DAY), accepted=True)


def _situation(quote: Document, percent: str) -> Document:
    draft = services.quote_invoice(quote=quote, mode="progress", percent=percent)
    return services.invoice_validate(document=draft, date=DAY, render=False)


def _shop_quote(ready: Shop, vat_rate: str = "20.00") -> Document:
    """Alice's sent quote with a 5 % retention, for the page and API tests."""
    return services.quote_send(
        quote=services.document_create(
            kind="quote",
            activity=ready.mine,
            customer=ready.my_customer,
            delivery_date=DAY,
            retention_percent="5",
            lines=[LineData("Charpente", unit_price="1000.00", vat_rate=vat_rate)],
        )
    )


def _posted(entry_id: int) -> list[tuple[str, Decimal, Decimal, bool]]:
    return sorted(
        (line.account.code, line.debit, line.credit, line.third_party_id is not None)
        for line in EntryLine.objects.filter(entry_id=entry_id).select_related("account")
    )


def test_a_situation_withholds_the_retention_on_4117_out_of_what_is_owed(sales: Sales) -> None:
    quote = _quote(sales)

    situation = _situation(quote, "100")

    assert (situation.total_with_vat, situation.amount_due, situation.retention_amount) == (
        D("1200.00"),
        D("1200.00"),
        D("60.00"),
    )
    assert situation.retention_percent == D("5.00")
    assert _posted(situation.entry_id or 0) == [
        ("411", D("1140.00"), D("0.00"), True),
        ("4117", D("60.00"), D("0.00"), True),
        ("44574", D("0.00"), D("200.00"), False),
        ("706", D("0.00"), D("1000.00"), False),
    ]
    assert services.invoice_outstanding(invoice=situation) == D("1140.00")
    with pytest.raises(ApplicationError, match=r"dépasse le reste à payer \(1140\.00 €\)"):
        services.payment_record(invoice=situation, amount="1200.00", date=DAY)


def test_paid_then_released_then_paid_the_vat_follows_the_receipts(sales: Sales) -> None:
    situation = _situation(_quote(sales), "100")
    ledger_ready(2027)

    first = services.payment_record(invoice=situation, amount="1140.00", date=DAY)
    assert first.vat_released == D("190.00")
    assert services.invoice_outstanding(invoice=situation) == D("0.00")
    assert situation.due_date is not None
    assert overdue_invoices(steps=[7, 30], today=situation.due_date + dt.timedelta(days=60)) == []

    release = services.retention_release(
        invoice=situation, works_accepted_on=ACCEPTED, date=dt.date(2027, 6, 30)
    )

    assert (release.amount, release.date) == (D("60.00"), dt.date(2027, 6, 30))
    assert _posted(release.entry_id) == [
        ("411", D("60.00"), D("0.00"), True),
        ("4117", D("0.00"), D("60.00"), True),
    ]
    situation.refresh_from_db()
    assert services.invoice_outstanding(invoice=situation) == D("60.00")
    [row] = overdue_invoices(steps=[7, 30], today=dt.date(2027, 7, 1))
    assert (row.invoice.pk, row.outstanding) == (situation.pk, D("60.00"))
    retained = EntryLine.objects.filter(account__code="4117")
    assert len({line.lettering for line in retained}) == 1
    assert retained.first().lettering is not None  # type: ignore[union-attr]

    last = services.payment_record(invoice=situation, amount="60.00", date=dt.date(2027, 7, 5))
    assert last.vat_released == D("10.00")
    assert services.invoice_outstanding(invoice=situation) == D("0.00")
    receivable = EntryLine.objects.filter(account__code="411")
    assert receivable.filter(lettering__isnull=True).count() == 0


def test_the_release_waits_a_year_after_acceptance_unless_a_manager_decides(
    sales: Sales,
) -> None:
    situation = _situation(_quote(sales), "100")
    whole = sales.validated_invoice()
    ledger_ready(2027)
    before = dt.date(2027, 6, 29)

    for kwargs, message in (
        ({"works_accepted_on": ACCEPTED, "date": before}, "un an après la réception.*30/06/2027"),
        ({"works_accepted_on": dt.date(2026, 3, 1), "date": ACCEPTED}, "postérieure à la facture"),
        ({"works_accepted_on": dt.date(2027, 7, 1), "date": ACCEPTED}, "ne peut pas être"),
    ):
        with pytest.raises(ApplicationError, match=message):
            services.retention_release(invoice=situation, **kwargs)  # type: ignore[arg-type]
    with pytest.raises(ApplicationError, match="pas de retenue de garantie"):
        services.retention_release(invoice=whole, works_accepted_on=ACCEPTED, date=ACCEPTED)
    assert RetentionRelease.objects.count() == 0
    assert EntryLine.objects.filter(entry__journal__code="OD").count() == 0

    services.retention_release(
        invoice=situation, works_accepted_on=ACCEPTED, date=before, early_allowed=True
    )
    with pytest.raises(ApplicationError, match="déjà libérée"):
        services.retention_release(
            invoice=situation, works_accepted_on=ACCEPTED, date=before, early_allowed=True
        )
    assert RetentionRelease.objects.count() == 1


def test_the_rate_is_at_most_5_percent_and_only_situations_withhold(sales: Sales) -> None:
    for rate in ("5.5", "-1", "cinq"):
        with pytest.raises(ApplicationError, match="de 0 à 5 %"):
            _quote(sales, rate)
    quote = _quote(sales, "2.5")
    whole = services.quote_invoice(quote=quote, mode="whole")
    assert (whole.retention_percent, whole.retention_amount) == (D("0.00"), D("0.00"))
    whole.delete()
    draft = services.quote_invoice(quote=quote, mode="progress", percent="30")
    # 30 % of 1 200.00 TTC = 360.00; 2.5 % of it.
    assert (draft.retention_percent, draft.retention_amount) == (D("2.50"), D("9.00"))


def test_the_pdf_and_the_xml_state_the_retention_and_keep_bt_115(sales: Sales) -> None:
    situation = _situation(_quote(sales), "100")

    data = cii_data(situation)
    report = schematron_en16931(cii_xml(situation))

    assert report["failed"] == []
    assert data["BT-115"] == "1200.00"
    assert {"BT-21": "AAI", "BT-22": services_mention()} in data["BG-1"]
    html = document_html(situation)
    assert "Retenue de garantie (5 %)" in html
    assert "1\u00a0140,00\u00a0€" in html


def services_mention() -> str:
    return (
        "Retenue de garantie (5 %) : 60.00 €, libérée un an après la réception des travaux "
        "(loi 71-584 du 16 juillet 1971). Net à payer : 1140.00 €."
    )


def test_release_from_the_page_and_the_api(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    with travel_to("2026-03-10T11:00"), cooperative_context(world.coop_a.pk):
        quote = _shop_quote(shop)
        first = _situation(quote, "50")
        second = _situation(quote, "100")
    with travel_to("2026-09-01T10:00"):
        client.force_login(world.alice)
        early = client.post(
            PAGES + f"documents/{first.pk}/action/",
            {"action": "retention_release", "works_accepted_on": "2026-06-30"},
            follow=True,
        )
        page = client.get(PAGES + f"documents/{first.pk}/")
    assert "seul un gestionnaire" in early.content.decode()
    assert "Libérer la retenue" in page.content.decode()
    assert page.context["document"].retention_amount == D("30.00")

    with travel_to("2026-09-01T10:00"):
        client.force_login(world.carl)
        client.post(
            PAGES + f"documents/{first.pk}/action/",
            {"action": "retention_release", "works_accepted_on": "2026-06-30"},
        )
        api = client.post(
            API + f"documents/{second.pk}/retention-release/",
            {"works_accepted_on": "2026-06-30"},
            content_type="application/json",
        )
    assert api.status_code == 201
    assert api.json() == {
        "id": api.json()["id"],
        "works_accepted_on": "2026-06-30",
        "date": "2026-09-01",
        "amount": "30.00",
    }
    with cooperative_context(world.coop_a.pk):
        assert sorted(RetentionRelease.objects.values_list("invoice_id", flat=True)) == [
            first.pk,
            second.pk,
        ]

    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        response = client.post(
            f"/api/v1/c/{slug}/sales/documents/{first.pk}/retention-release/",
            {"works_accepted_on": "2026-06-30"},
            content_type="application/json",
        )
        assert response.status_code == 404
        response = client.post(
            f"/c/{slug}/sales/documents/{first.pk}/action/",
            {"action": "retention_release", "works_accepted_on": "2026-06-30"},
        )
        assert response.status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert RetentionRelease.objects.count() == 2


def test_the_quote_api_takes_the_rate_and_refuses_above_5_percent(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    payload = {
        "kind": "quote",
        "customer": shop.my_customer.pk,
        "lines": [{"designation": "Charpente", "unit_price": "1000.00"}],
    }
    with travel_to("2026-03-10T11:00"):
        client.force_login(world.alice)
        refused = client.post(
            API + "documents/",
            {**payload, "retention_percent": "7"},
            content_type="application/json",
        )
        created = client.post(
            API + "documents/",
            {**payload, "retention_percent": "5"},
            content_type="application/json",
        )
    assert refused.status_code == 400
    assert "de 0 à 5 %" in refused.content.decode()
    assert created.status_code == 201
    assert created.json()["retention_percent"] == "5.00"
    with cooperative_context(world.coop_a.pk):
        assert Document.objects.filter(kind="quote", customer=shop.my_customer).count() == 1


# --- Credit notes on a situation whose retention is still withheld ---------------------------


def _credit(
    invoice: Document, unit_price: str | None = None, on_retention: bool = False
) -> Document:
    lines = None if unit_price is None else [LineData("Moins-value", unit_price=unit_price)]
    draft = services.credit_note_create(invoice=invoice, lines=lines, on_retention=on_retention)
    return services.invoice_validate(document=draft, date=DAY, render=False)


def _lettered(account: str) -> list[tuple[Decimal, Decimal, bool]]:
    return sorted(
        (line.debit, line.credit, line.lettering is not None)
        for line in EntryLine.objects.filter(account__code=account)
    )


def test_a_partial_credit_note_takes_back_its_share_of_the_retention_on_4117(
    sales: Sales,
) -> None:
    situation = _situation(_quote(sales), "100")
    ledger_ready(2027)

    credit = _credit(situation, "500.00")

    # 600.00 TTC credited: 5 % of it (30.00) on the retention, 570.00 on what is owed.
    assert (credit.total_with_vat, credit.retention_credited) == (D("600.00"), D("30.00"))
    assert _posted(credit.entry_id or 0) == [
        ("411", D("0.00"), D("570.00"), True),
        ("4117", D("0.00"), D("30.00"), True),
        ("44574", D("100.00"), D("0.00"), False),
        ("706", D("500.00"), D("0.00"), False),
    ]
    assert services.retention_held(invoice=situation) == D("30.00")
    assert services.invoice_outstanding(invoice=situation) == D("570.00")
    assert services.invoice_creditable(invoice=situation) == D("600.00")

    paid = services.payment_record(invoice=situation, amount="570.00", date=DAY)
    release = services.retention_release(
        invoice=situation, works_accepted_on=ACCEPTED, date=dt.date(2027, 6, 30)
    )

    assert paid.vat_released == D("95.00")
    assert release.amount == D("30.00")
    assert _posted(release.entry_id) == [
        ("411", D("30.00"), D("0.00"), True),
        ("4117", D("0.00"), D("30.00"), True),
    ]
    assert _lettered("4117") == [
        (D("0.00"), D("30.00"), True),
        (D("0.00"), D("30.00"), True),
        (D("60.00"), D("0.00"), True),
    ]
    situation.refresh_from_db()
    assert services.invoice_outstanding(invoice=situation) == D("30.00")
    last = services.payment_record(invoice=situation, amount="30.00", date=dt.date(2027, 7, 5))
    assert last.vat_released == D("5.00")
    assert services.invoice_outstanding(invoice=situation) == D("0.00")
    assert EntryLine.objects.filter(account__code="411", lettering__isnull=True).count() == 0


def test_a_full_credit_note_reverses_4117_and_leaves_nothing_to_release(sales: Sales) -> None:
    situation = _situation(_quote(sales), "100")

    credit = _credit(situation)

    assert (credit.total_with_vat, credit.retention_credited) == (D("1200.00"), D("60.00"))
    assert _posted(credit.entry_id or 0) == [
        ("411", D("0.00"), D("1140.00"), True),
        ("4117", D("0.00"), D("60.00"), True),
        ("44574", D("200.00"), D("0.00"), False),
        ("706", D("1000.00"), D("0.00"), False),
    ]
    assert services.retention_held(invoice=situation) == D("0.00")
    assert services.invoice_outstanding(invoice=situation) == D("0.00")
    assert _lettered("4117") == [(D("0.00"), D("60.00"), True), (D("60.00"), D("0.00"), True)]
    assert _lettered("411") == [(D("0.00"), D("1140.00"), True), (D("1140.00"), D("0.00"), True)]
    with pytest.raises(ApplicationError, match="rien à libérer"):
        services.retention_release(
            invoice=situation, works_accepted_on=ACCEPTED, date=ACCEPTED, early_allowed=True
        )
    with pytest.raises(ApplicationError, match=r"reste à créditer sur la facture \(0\.00 €\)"):
        _credit(situation, "1.00")
    assert RetentionRelease.objects.count() == 0
    assert Document.objects.filter(kind="credit_note", status="validated").count() == 1


def test_a_credit_note_on_the_retention_alone_goes_wholly_to_4117(sales: Sales) -> None:
    situation = _situation(_quote(sales), "100")

    with pytest.raises(ApplicationError, match=r"dépasse la retenue de garantie .*\(60\.00 €\)"):
        _credit(situation, "50.01", on_retention=True)
    assert Document.objects.filter(kind="credit_note", status="validated").count() == 0
    with pytest.raises(ApplicationError, match="donne ses lignes"):
        services.credit_note_create(invoice=situation, on_retention=True)

    # The customer keeps the retention (reserves not lifted): 50.00 + 10.00 VAT.
    credit = _credit(situation, "50.00", on_retention=True)

    assert (credit.credits_retention, credit.retention_credited) == (True, D("60.00"))
    assert _posted(credit.entry_id or 0) == [
        ("4117", D("0.00"), D("60.00"), True),
        ("44574", D("10.00"), D("0.00"), False),
        ("706", D("50.00"), D("0.00"), False),
    ]
    assert services.retention_held(invoice=situation) == D("0.00")
    assert services.invoice_outstanding(invoice=situation) == D("1140.00")
    assert services.invoice_creditable(invoice=situation) == D("1140.00")
    paid = services.payment_record(invoice=situation, amount="1140.00", date=DAY)
    assert paid.vat_released == D("190.00")
    with pytest.raises(ApplicationError, match="plus de retenue de garantie retenue"):
        services.credit_note_create(
            invoice=situation, lines=[LineData("Retenue", unit_price="1.00")], on_retention=True
        )
    with pytest.raises(ApplicationError, match="rien à libérer"):
        services.retention_release(
            invoice=situation, works_accepted_on=ACCEPTED, date=ACCEPTED, early_allowed=True
        )


def test_after_the_release_a_credit_note_goes_to_411(sales: Sales) -> None:
    situation = _situation(_quote(sales), "100")
    services.retention_release(
        invoice=situation, works_accepted_on=DAY, date=DAY, early_allowed=True
    )
    situation.refresh_from_db()

    credit = _credit(situation, "500.00")

    assert credit.retention_credited == D("0.00")
    assert _posted(credit.entry_id or 0) == [
        ("411", D("0.00"), D("600.00"), True),
        ("44574", D("100.00"), D("0.00"), False),
        ("706", D("500.00"), D("0.00"), False),
    ]
    assert services.invoice_outstanding(invoice=situation) == D("600.00")
    with pytest.raises(ApplicationError, match="plus de retenue de garantie retenue"):
        services.credit_note_create(
            invoice=situation, lines=[LineData("Retenue", unit_price="1.00")], on_retention=True
        )


def test_the_credit_note_api_takes_on_retention(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    with travel_to("2026-03-10T11:00"), cooperative_context(world.coop_a.pk):
        quote = _shop_quote(shop)
        situation = _situation(quote, "100")
    payload = {
        "on_retention": True,
        "lines": [{"designation": "Retenue conservée", "unit_price": "50.00"}],
    }
    with travel_to("2026-03-11T10:00"):
        client.force_login(world.alice)
        created = client.post(
            API + f"documents/{situation.pk}/credit-note/", payload, content_type="application/json"
        )
        client.force_login(world.charlie)
        hidden = client.post(
            f"/api/v1/c/coop-b/sales/documents/{situation.pk}/credit-note/",
            payload,
            content_type="application/json",
        )
    assert created.status_code == 201
    body = created.json()
    assert (body["kind"], body["credits_retention"], body["retention_credited"]) == (
        "credit_note",
        True,
        "0.00",
    )
    assert body["total_with_vat"] == "60.00"
    assert hidden.status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert Document.objects.filter(kind="credit_note").count() == 1


def test_a_credit_note_on_the_retention_from_the_invoice_page(
    shop: Shop,  # noqa: F811 (fixture)
    world: World,
    client: Client,
) -> None:
    with travel_to("2026-03-10T11:00"), cooperative_context(world.coop_a.pk):
        quote = _shop_quote(shop, vat_rate="10.00")
        situation = _situation(quote, "100")
    action = PAGES + f"documents/{situation.pk}/action/"
    button = '<button type="submit" name="action" value="retention_credit" class="secondary">'
    with travel_to("2026-03-11T10:00"):
        client.force_login(world.alice)
        page = client.get(PAGES + f"documents/{situation.pk}/").content.decode()
        plain = client.get(PAGES + f"documents/{shop.my_invoice.pk}/").content.decode()
        refused = client.post(
            action, {"action": "retention_credit", "label": "Retenue", "amount": ""}, follow=True
        )
        created = client.post(
            action,
            {
                "action": "retention_credit",
                "label": "Retenue conservée (réserves)",
                "amount": "50.00",
                "vat_rate": "10.00",
            },
        )
        client.force_login(world.charlie)
        hidden = [
            client.post(
                f"/c/{slug}/sales/documents/{situation.pk}/action/",
                {"action": "retention_credit", "label": "X", "amount": "1.00", "vat_rate": "20.00"},
            ).status_code
            for slug in ("coop-a", "coop-b")
        ]
    assert f"{button}Avoir sur la retenue de garantie</button>" in page
    assert '<option value="10.00" selected>10 %</option>' in page
    assert 'value="Retenue de garantie conservée"' in page
    assert button not in plain
    assert "Avoir non créé : indiquez le montant repris HT." in refused.content.decode()
    assert hidden == [404, 404]
    with cooperative_context(world.coop_a.pk):
        credit = Document.objects.get(kind="credit_note")
        assert created["Location"] == PAGES + f"documents/{credit.pk}/"
        assert (
            credit.status,
            credit.credits_retention,
            credit.credited_invoice_id,
            credit.title,
            credit.total_with_vat,
        ) == (
            "draft",
            True,
            situation.pk,
            f"Avoir sur la retenue de garantie de la facture {situation.number}",
            D("55.00"),
        )
        assert [(line.label, line.unit_price, line.vat_rate) for line in credit.lines.all()] == [
            ("Retenue conservée (réserves)", D("50.00"), D("10.00"))
        ]
        services.invoice_validate(document=credit, date=dt.date(2026, 3, 11), render=False)
        assert services.retention_held(invoice=situation) == D("0.00")
    with travel_to("2026-03-11T10:00"):
        client.force_login(world.alice)
        after = client.get(PAGES + f"documents/{situation.pk}/").content.decode()
    assert button not in after
