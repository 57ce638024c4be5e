"""The CA3 of a month reproduced by hand, box by box, and its settlement entry."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from accounting import services as ledger_services
from accounting.models import Entry
from accounting.services import LineInput
from bank import vat
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import Ledger, build_ledger
from tests.conftest import World

D = Decimal
MARCH: dict[str, Any] = {"date_from": dt.date(2025, 3, 1), "date_to": dt.date(2025, 3, 31)}


def month(ledger: Ledger) -> None:
    """February: a credit of 40.00 carried (a1) and a sale outside the period. March: sales at
    20 %, 10 % and 5.5 %, a purchase and a fixed asset."""
    a1, a2 = ledger.a1, ledger.a2
    ledger.post(
        [
            LineInput("44567", debit="40.00", activity=a1),
            LineInput("44566", credit="40.00", activity=a1),
        ],
        date=dt.date(2025, 2, 28),
        label="Crédit de TVA de février",
    )
    ledger.sale("600.00", date=dt.date(2025, 2, 10))
    ledger.sale("1200.00", date=dt.date(2025, 3, 5))  # 1000 + 200
    ledger.post(
        [
            LineInput("411", debit="550.00", activity=a2, third_party=ledger.customer),
            LineInput("706", credit="500.00", activity=a2),
            LineInput("44571", credit="50.00", activity=a2),
        ],
        journal="VT",
        date=dt.date(2025, 3, 12),
    )
    ledger.post(
        [
            LineInput("411", debit="211.00", activity=a1, third_party=ledger.customer),
            LineInput("707", credit="200.00", activity=a1),
            LineInput("44571", credit="11.00", activity=a1),
        ],
        journal="VT",
        date=dt.date(2025, 3, 20),
    )
    ledger.post(
        [
            LineInput("604", debit="300.00", activity=a1),
            LineInput("44566", debit="60.00", activity=a1),
            LineInput("401", credit="360.00", activity=a1, third_party=ledger.supplier),
        ],
        journal="AC",
        date=dt.date(2025, 3, 15),
    )
    ledger_services.account_create(code="2183", label="Matériel de bureau et informatique")
    ledger.post(
        [
            LineInput("2183", debit="1000.00", activity=a2),
            LineInput("44562", debit="200.00", activity=a2),
            LineInput("401", credit="1200.00", activity=a2, third_party=ledger.supplier),
        ],
        journal="AC",
        date=dt.date(2025, 3, 25),
    )


def test_the_ca3_of_march_box_by_box(ledger: Ledger) -> None:
    month(ledger)
    result = vat.vat_return_compute(**MARCH)
    assert result.amounts == {
        "A1": D("1700"),
        "08": D("1000"),
        "08T": D("200"),
        "9B": D("500"),
        "9BT": D("50"),
        "09": D("200"),
        "09T": D("11"),
        "16": D("261"),
        "19": D("200"),
        "20": D("60"),
        "22": D("40"),
        "23": D("300"),
        "TD": D("0"),
        "25": D("39"),
        "27": D("39"),
        "28": D("0"),
        "32": D("0"),
    }
    assert [line.entry.journal.code for line in vat.box_lines(code="20", **MARCH)] == ["AC"]


def test_validating_posts_the_settlement_balanced_per_activity(ledger: Ledger) -> None:
    month(ledger)
    entry = vat.vat_return_validate(**MARCH)
    lines = [
        (x.account.code, x.debit, x.credit, x.activity.analytic_code if x.activity else None)
        for x in entry.lines.select_related("account", "activity").order_by("line_no")
    ]
    assert lines == [
        ("44571", D("211.00"), D("0.00"), "A1"),
        ("44566", D("0.00"), D("60.00"), "A1"),
        ("44567", D("0.00"), D("40.00"), "A1"),
        ("4458", D("0.00"), D("111.00"), "A1"),
        ("44571", D("50.00"), D("0.00"), "A2"),
        ("44562", D("0.00"), D("200.00"), "A2"),
        ("4458", D("150.00"), D("0.00"), "A2"),
        ("4458", D("0.00"), D("39.00"), None),
        ("44567", D("39.00"), D("0.00"), None),
    ]
    assert (entry.journal.code, entry.date, entry.piece_ref) == (
        "OD",
        dt.date(2025, 3, 31),
        "CA3-202503",
    )
    with pytest.raises(ApplicationError, match="déjà validée"):
        vat.vat_return_validate(**MARCH)
    # The same figures afterwards (the settlement is not part of the return), and April carries
    # the 39.00 credit.
    assert vat.vat_return_compute(**MARCH).amounts["27"] == D("39")
    april = vat.vat_return_compute(date_from=dt.date(2025, 4, 1), date_to=dt.date(2025, 4, 30))
    assert (april.amounts["22"], april.amounts["27"], april.amounts["16"]) == (
        D("39"),
        D("39"),
        D("0"),
    )
    assert Entry.objects.filter(source="vat_return").count() == 1


def test_the_vat_page_csv_pdf_and_validation(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        month(build_ledger(world.coop_a))
    client.force_login(world.carl)
    base = "/c/coop-a/bank/vat/?from=2025-03-01&to=2025-03-31"
    page = client.get(base).content.decode()
    assert "Crédit à reporter" in page
    drill = client.get(base + "&box=19").content.decode()
    assert "2\xa0183" not in drill
    assert "44562" in drill
    csv_body = client.get(base + "&format=csv").getvalue().decode()
    assert "27;JC;Crédit à reporter;39;39,00" in csv_body
    pdf = client.get(base + "&format=pdf")
    assert pdf.content.startswith(b"%PDF-")
    posted = client.post("/c/coop-a/bank/vat/", {"from": "2025-03-01", "to": "2025-03-31"})
    assert posted.status_code == 302
    with cooperative_context(world.coop_a.pk):
        assert Entry.objects.filter(source="vat_return").count() == 1
    client.force_login(world.alice)
    assert client.get(base).status_code == 403
    client.force_login(world.charlie)
    assert client.get("/c/coop-b/bank/vat/?from=2025-03-01&to=2025-03-31").status_code == 200
    assert client.get(base).status_code == 404
