from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest

from entrepreneurs.models import Activity
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from sales import services
from sales.models import Customer, Document
from sales.services import LineData
from tests.conftest import travel_to
from tests.factories import CooperativeFactory
from tests.factories.accounting import ledger_ready
from tests.factories.entrepreneurs import ActivityFactory, SectorFactory
from tests.factories.sales import SalesSettingsFactory

D = Decimal
DAY = dt.date(2026, 3, 10)


@dataclass
class Sales:
    """A cooperative ready to invoice: the chart, the 2026 fiscal year, its seller mentions, an
    activity and a French company customer. Tests run inside its context."""

    cooperative: Cooperative
    activity: Activity
    customer: Customer

    def invoice(self, lines: list[LineData] | None = None, **fields: Any) -> Document:
        fields.setdefault("delivery_date", DAY)
        fields.setdefault("due_date", DAY + dt.timedelta(days=30))
        return services.document_create(
            kind=fields.pop("kind", Document.Kind.INVOICE),
            activity=fields.pop("activity", self.activity),
            customer=fields.pop("customer", self.customer),
            lines=lines or [LineData("Conseil", quantity=2, unit_price="500.00")],
            **fields,
        )

    def validated_invoice(self, **fields: Any) -> Document:
        return services.invoice_validate(document=self.invoice(**fields), date=DAY)


def build_sales(cooperative: Cooperative, *, year: int = 2026) -> Sales:
    ledger_ready(year)
    cooperative.address_line = "2 place de la République"
    cooperative.postal_code = "66000"
    cooperative.city = "Perpignan"
    cooperative.save()
    SalesSettingsFactory.create(cooperative=cooperative)
    sector = SectorFactory.create(cooperative=cooperative, name=f"Pôle ventes {cooperative.pk}")
    activity = ActivityFactory.create(
        sector=sector, analytic_code=f"V{cooperative.pk}", name="Graphisme"
    )
    customer = services.customer_create(
        activity=activity,
        kind=Customer.Kind.COMPANY,
        name="Menuiserie Durand",
        siret="73282932000074",
        address_line="5 avenue du Canigou",
        postal_code="66100",
        city="Perpignan",
    )
    return Sales(cooperative, activity, customer)


@pytest.fixture
def sales(db: None) -> Iterator[Sales]:
    cooperative = CooperativeFactory.create()
    with travel_to("2026-03-10T10:00"), cooperative_context(cooperative.pk):
        yield build_sales(cooperative)
