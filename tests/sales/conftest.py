from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from entrepreneurs.models import Activity, Entrepreneur
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from sales import services
from sales.models import Customer, Document
from sales.services import LineData
from tests.conftest import World, travel_to
from tests.factories import CooperativeFactory
from tests.factories.accounting import ledger_ready
from tests.factories.entrepreneurs import ActivityFactory, ActivityMemberFactory, SectorFactory
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


# The pages and API as two entrepreneurs of cooperative A see them.
PAGES = "/c/coop-a/sales/"
API = "/api/v1/c/coop-a/sales/"


@dataclass
class Shop:
    mine: Activity
    other: Activity
    my_customer: Customer
    other_customer: Customer
    my_invoice: Document
    other_invoice: Document


@pytest.fixture
def shop(world: World) -> Iterator[Shop]:
    with travel_to("2026-03-10T10:00"), cooperative_context(world.coop_a.pk):
        ledger_ready(2026)
        world.coop_a.address_line = "2 place de la République"
        world.coop_a.postal_code = "66000"
        world.coop_a.city = "Perpignan"
        world.coop_a.save()
        SalesSettingsFactory.create(cooperative=world.coop_a)
        alice = Entrepreneur.objects.get(user=world.alice)
        mine = ActivityMemberFactory.create(
            entrepreneur=alice, activity__sector=alice.sector, activity__name="Atelier Alice"
        ).activity
        other = ActivityMemberFactory.create(
            activity=ActivityFactory.create(sector=alice.sector)
        ).activity
        customers = [
            services.customer_create(
                activity=activity,
                kind="company",
                name=name,
                siret="73282932000074",
                address_line="5 avenue du Canigou",
                postal_code="66100",
                city="Perpignan",
            )
            for activity, name in ((mine, "Menuiserie Durand"), (other, "Garage Pons"))
        ]
        invoices = [
            services.invoice_validate(
                document=services.document_create(
                    kind="invoice",
                    activity=customer.activity,
                    customer=customer,
                    delivery_date=travel_day(),
                    lines=[LineData("Conseil", unit_price="100.00")],
                ),
                render=False,
            )
            for customer in customers
        ]
        yield Shop(mine, other, customers[0], customers[1], invoices[0], invoices[1])


def travel_day():
    from django.utils import timezone

    return timezone.localdate()


def png_upload(name: str = "logo.png", size: tuple[int, int] = (40, 20)) -> SimpleUploadedFile:
    """A real PNG image of `size` pixels, as a browser uploads it."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
