"""A ledger with history for the dashboard and report tests."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal

import pytest

from accounting.services import LineInput, entry_post, third_party_create
from entrepreneurs.models import Activity, ActivityMember, Entrepreneur
from entrepreneurs.services import path_step_record
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World, travel_to
from tests.factories.accounting import ledger_ready

D = Decimal


def sale(activity: Activity, day: dt.date, net: int, *, paid: bool = True) -> None:
    gross = D(net) * D("1.2")
    entry_post(
        journal="VT",
        date=day,
        label="Facture",
        lines=[
            LineInput("411", debit=gross, activity=activity, third_party="CLIENT"),
            LineInput("706", credit=D(net), activity=activity),
            LineInput("44571", credit=gross - D(net), activity=activity),
        ],
    )
    if paid:
        entry_post(
            journal="BQ",
            date=day,
            label="Règlement",
            lines=[
                LineInput("512", debit=gross, activity=activity),
                LineInput("411", credit=gross, activity=activity, third_party="CLIENT"),
            ],
        )


def _spend(activity: Activity, day: dt.date, account: str, amount: int) -> None:
    entry_post(
        journal="BQ",
        date=day,
        label="Paiement",
        lines=[
            LineInput(account, debit=D(amount), activity=activity),
            LineInput("512", credit=D(amount), activity=activity),
        ],
    )


@pytest.fixture(autouse=True)
def _late_november_2026() -> Iterator[None]:
    """The history below is dated: every dashboard test reads it as of 20 November 2026."""
    with travel_to("2026-11-20"):
        yield


@pytest.fixture
def history(world: World) -> Activity:
    """2025: 3 000 € a month but 1 000 € in August. 2026, January to October: 1 500 € a month,
    300 € of purchases, a gross salary of 1 000 € and 400 € of employer contributions;
    November: an unpaid invoice of 500 €."""
    with cooperative_context(world.coop_a.pk):
        ledger_ready(2025)
        ledger_ready(2026)
        third_party_create(kind="customer", code="CLIENT", name="Client")
        alice = Entrepreneur.objects.get(user=world.alice)
        activity = Activity.objects.create(
            cooperative=world.coop_a,
            analytic_code="ALICE",
            name="Alice",
            sector=alice.sector,
            start_date=dt.date(2025, 1, 1),
        )
        ActivityMember.objects.create(
            cooperative=world.coop_a, activity=activity, entrepreneur=alice, share=D(100)
        )
        for month in range(1, 13):
            sale(activity, dt.date(2025, month, 10), 1000 if month == 8 else 3000)
        for month in range(1, 11):
            sale(activity, dt.date(2026, month, 10), 1500)
            _spend(activity, dt.date(2026, month, 12), "604", 300)
            _spend(activity, dt.date(2026, month, 28), "6411", 1000)
            _spend(activity, dt.date(2026, month, 28), "6451", 400)
        sale(activity, dt.date(2026, 11, 5), 500, paid=False)
        path_step_record(
            entrepreneur=alice, kind="cesa_start", date=dt.date(2024, 3, 1), recorded_by=None
        )
        return activity
