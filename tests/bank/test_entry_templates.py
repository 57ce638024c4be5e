"""Templates of recurring entries: fixed amounts or shares of a total, the cents of rounding on
the last share of each side; a draft is made through the entry service; page and API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client
from rest_framework.authtoken.models import Token

from accounting.models import Entry, Journal
from bank import services
from bank.models import EntryTemplate, EntryTemplateLine
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import Ledger, build_ledger
from tests.bank.conftest import entry_rows
from tests.conftest import World

D = Decimal


def _rent_lines(ledger: Ledger) -> list[dict[str, Any]]:
    """Rent split 40 / 35 / 25 % between A1, A2 and the structure, paid from the bank."""
    lines = []
    for account, side in (("613", "debit"), ("512", "credit")):
        for activity, share in ((ledger.a1, "40"), (ledger.a2, "35"), (None, "25")):
            lines.append(
                {"account": account, "activity": activity, "side": side, "share": D(share)}
            )
    return lines


def test_a_total_is_split_by_shares_with_the_cents_on_the_last_line(ledger: Ledger) -> None:
    template = services.entry_template_create(
        name="Loyer", journal="OD", label="Loyer du local", lines=_rent_lines(ledger)
    )
    entry = services.entry_template_apply(
        template=template, date=dt.date(2025, 4, 1), total=D("1000.01")
    )
    assert (entry.status, entry.label, entry.source) == ("draft", "Loyer du local", "manual")
    assert entry_rows(entry) == [
        ("613", D("400.00"), D("0.00"), "A1"),
        ("613", D("350.00"), D("0.00"), "A2"),
        ("613", D("250.01"), D("0.00"), None),
        ("512", D("0.00"), D("400.00"), "A1"),
        ("512", D("0.00"), D("350.00"), "A2"),
        ("512", D("0.00"), D("250.01"), None),
    ]
    rent = services.entry_template_lines(template=template, total=D("1200"))
    assert [line["debit"] + line["credit"] for line in rent] == [
        D("480.00"),
        D("420.00"),
        D("300.00"),
    ] * 2
    validated = services.manual_entry_validate(entry=entry)
    assert (validated.status, validated.reference) == ("validated", "OD000001")


def test_thirds_of_a_cent_go_to_the_last_share(ledger: Ledger) -> None:
    template = services.entry_template_create(
        name="Tiers",
        journal="OD",
        label="Frais partagés",
        lines=[
            {"account": "6226", "activity": None, "side": "debit", "share": D("33.33")},
            {"account": "6226", "activity": None, "side": "debit", "share": D("33.33")},
            {"account": "6226", "activity": None, "side": "debit", "share": D("33.34")},
            {"account": "512", "activity": None, "side": "credit", "share": D("100")},
        ],
    )
    lines = services.entry_template_lines(template=template, total=D("1000.01"))
    assert [(line["debit"], line["credit"]) for line in lines] == [
        (D("333.30"), D("0.00")),
        (D("333.30"), D("0.00")),
        (D("333.41"), D("0.00")),
        (D("0.00"), D("1000.01")),
    ]


def test_fixed_amounts_need_no_total(ledger: Ledger) -> None:
    template = services.entry_template_create(
        name="Assurance",
        journal="OD",
        label="Assurance RC Pro",
        lines=[
            {"account": "616", "activity": ledger.a1, "side": "debit", "amount": D("84.17")},
            {"account": "512", "activity": ledger.a1, "side": "credit", "amount": D("84.17")},
        ],
    )
    assert template.uses_shares is False
    entry = services.entry_template_apply(template=template, date=dt.date(2025, 4, 5))
    assert entry_rows(entry) == [
        ("616", D("84.17"), D("0.00"), "A1"),
        ("512", D("0.00"), D("84.17"), "A1"),
    ]


@pytest.mark.parametrize(
    ("lines", "message"),
    [
        ([], "au moins une ligne"),
        (
            [{"account": "613", "side": "debit", "share": D("60")}],
            "Les parts au débit font 60,00\u00a0% au lieu de 100 %.",
        ),
        (
            [{"account": "613", "side": "debit", "share": D("100"), "amount": D("5")}],
            "soit un montant, soit une part",
        ),
        ([{"account": "613", "side": "debit", "amount": D("0")}], "Un montant est positif"),
    ],
)
def test_a_wrong_template_is_refused(
    ledger: Ledger, lines: list[dict[str, Any]], message: str
) -> None:
    with pytest.raises(ApplicationError, match=message):
        services.entry_template_create(name="Faux", journal="OD", label="Faux", lines=lines)
    assert (EntryTemplate.objects.count(), EntryTemplateLine.objects.count()) == (0, 0)


def test_a_split_template_without_a_total_makes_nothing(ledger: Ledger) -> None:
    template = services.entry_template_create(
        name="Loyer", journal="OD", label="Loyer", lines=_rent_lines(ledger)
    )
    with pytest.raises(ApplicationError, match="saisissez-le"):
        services.entry_template_apply(template=template, date=dt.date(2025, 4, 1))
    with pytest.raises(ApplicationError, match="déjà ce nom"):
        services.entry_template_create(
            name="Loyer", journal="OD", label="Loyer", lines=_rent_lines(ledger)
        )
    assert (Entry.objects.count(), EntryTemplate.objects.count()) == (0, 1)


def _journal(world: World) -> int:
    with cooperative_context(world.coop_a.pk):
        build_ledger(world.coop_a)
        return Journal.objects.get(code="OD").pk


def test_the_pages(world: World, client: Client) -> None:
    journal = _journal(world)
    client.force_login(world.carl)
    form = {
        "name": "Loyer",
        "journal": journal,
        "label": "Loyer du local",
        "account_0": "613",
        "side_0": "debit",
        "share_0": "60",
        "account_1": "512",
        "side_1": "credit",
        "share_1": "100",
    }
    refused = client.post("/c/coop-a/bank/entry-templates/", form)
    assert refused.status_code == 400
    assert "Les parts au débit font 60,00\u00a0% au lieu de 100 %." in refused.content.decode()
    form |= {"account_2": "613", "side_2": "debit", "share_2": "40"}
    created = client.post("/c/coop-a/bank/entry-templates/", form)
    assert created.status_code == 302
    with cooperative_context(world.coop_a.pk):
        template = EntryTemplate.objects.get()
    url = f"/c/coop-a/bank/entries/?template={template.pk}"
    asked = client.get(url)
    assert "Total à répartir selon « Loyer »" in asked.content.decode()
    for wrong in ("abc", "NaN", "1e20"):
        refused_total = client.get(f"{url}&total={wrong}")
        assert refused_total.status_code == 200
        assert "Le total doit être un montant, par exemple 1200,00." in refused_total.text
    filled = client.get(f"{url}&total=1000,01").content.decode()
    assert 'name="debit_0" value="600.01"' in filled
    assert 'name="credit_1" value="1000.01"' in filled
    assert 'name="debit_2" value="400.00"' in filled
    edited = client.post(
        f"/c/coop-a/bank/entry-templates/{template.pk}/", form | {"name": "Loyer 2025"}
    )
    assert edited.status_code == 302
    with cooperative_context(world.coop_a.pk):
        assert EntryTemplate.objects.get().name == "Loyer 2025"
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-b/bank/entry-templates/{template.pk}/").status_code == 404
    assert client.get(f"/c/coop-b/bank/entries/?template={template.pk}").status_code == 404
    client.force_login(world.carl)
    deleted = client.post(f"/c/coop-a/bank/entry-templates/{template.pk}/", {"action": "delete"})
    assert deleted.status_code == 302
    with cooperative_context(world.coop_a.pk):
        assert EntryTemplate.objects.count() == 0


def test_the_api(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        ledger = build_ledger(world.coop_a)
    auth: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=world.carl).key}"
    }
    body: dict[str, Any] = {
        "name": "Loyer",
        "journal": "OD",
        "label": "Loyer du local",
        "lines": [
            {"account": "613", "activity_id": ledger.a1.pk, "side": "debit", "share": "50"},
            {"account": "613", "activity_id": ledger.a2.pk, "side": "debit", "share": "50"},
            {"account": "512", "activity_id": ledger.a1.pk, "side": "credit", "share": "50"},
            {"account": "512", "activity_id": ledger.a2.pk, "side": "credit", "share": "50"},
        ],
    }
    base = "/api/v1/c/coop-a/bank/entry-templates/"
    created = [
        client.post(
            base, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY="tpl-1", **auth
        )
        for _ in range(2)
    ]
    assert [response.status_code for response in created] == [201, 201]
    assert created[0].json() == created[1].json()
    template_id = created[0].json()["id"]
    assert created[0].json()["uses_shares"] is True
    assert client.get(base, **auth).json()["count"] == 1
    body["lines"][0]["share"] = "60"
    refused = client.put(f"{base}{template_id}/", body, content_type="application/json", **auth)
    assert refused.status_code == 400
    assert "Les parts au débit font 110,00\u00a0% au lieu de 100 %." in refused.content.decode()
    entry = client.post(
        f"{base}{template_id}/entries/",
        {"date": "2025-04-01", "total": "0.03"},
        content_type="application/json",
        **auth,
    )
    assert entry.status_code == 201, entry.content
    assert (entry.json()["status"], entry.json()["label"]) == ("draft", "Loyer du local")
    with cooperative_context(world.coop_a.pk):
        assert entry_rows(Entry.objects.get(pk=entry.json()["id"])) == [
            ("613", D("0.02"), D("0.00"), ledger.a1.analytic_code),
            ("613", D("0.01"), D("0.00"), ledger.a2.analytic_code),
            ("512", D("0.00"), D("0.02"), ledger.a1.analytic_code),
            ("512", D("0.00"), D("0.01"), ledger.a2.analytic_code),
        ]
    no_total = client.post(
        f"{base}{template_id}/entries/",
        {"date": "2025-04-01"},
        content_type="application/json",
        **auth,
    )
    assert no_total.status_code == 400
    charlie: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=world.charlie).key}"
    }
    other = f"/api/v1/c/coop-b/bank/entry-templates/{template_id}/"
    assert client.get(other, **charlie).status_code == 404
    assert client.delete(other, **charlie).status_code == 404
    assert client.post(f"{other}entries/", {"date": "2025-04-01"}, **charlie).status_code == 404
    assert client.delete(f"{base}{template_id}/", **auth).status_code == 204
    with cooperative_context(world.coop_a.pk):
        assert EntryTemplate.objects.count() == 0
