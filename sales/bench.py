"""Sales benchmarks, run by `make bench` (never by CI: timings are not tests).

- invoice validation + posting (mentions, number, sales entry), p95 over 60 invoices, target
  ≤ 50 ms;
- the Factur-X render (PDF/A-3 + CII XML embedded) against a plain WeasyPrint render of the same
  document, target ≤ 1.3 ×;
- the first page of an activity's invoice list with 50,000 invoices in the cooperative, p95,
  target ≤ 150 ms (drafts, bulk-created: the list reads the same rows and indexes whatever
  their status).

Works in its own cooperative, `bench-sales`, created on first run.
"""

from __future__ import annotations

import datetime as dt
import statistics
import time
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from django.utils import timezone
from stdnum import luhn

from accounting.services import chart_seed_defaults, fiscal_year_ensure
from entrepreneurs.models import Activity, Sector
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, Membership, Role
from sales import selectors, services
from sales.apis import SalesDocumentSerializer
from sales.facturx import facturx_pdf, plain_pdf
from sales.models import Customer, Document, DocumentLine
from sales.services import LineData

SLUG = "bench-sales"
LIST_SIZE = 50_000
ACTIVITIES = 50


def _siren() -> str:
    body = "91234567"
    return body + luhn.calc_check_digit(body)


def _cooperative() -> Cooperative:
    cooperative, _created = Cooperative.objects.get_or_create(
        slug=SLUG,
        defaults={
            "name": "Coopérative de mesure des ventes",
            "siren": _siren(),
            "legal_form": "scop_sarl",
            "address_line": "1 place de la Loge",
            "postal_code": "66000",
            "city": "Perpignan",
        },
    )
    return cooperative


def _p95(samples: list[float]) -> float:
    return statistics.quantiles(samples, n=20)[-1] if len(samples) > 1 else samples[0]


def _timed(fn: Callable[[], Any]) -> float:
    started = time.perf_counter()
    fn()
    return (time.perf_counter() - started) * 1000


def _setup(cooperative: Cooperative) -> tuple[list[Activity], Customer]:
    chart_seed_defaults()
    fiscal_year_ensure(day=timezone.localdate())
    if not services.settings_get().vat_number:
        siren = cooperative.siren
        services.settings_update(
            legal_form_label="SCOP SARL à capital variable",
            share_capital="capital variable",
            rcs="RCS Perpignan",
            vat_number=f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}",
        )
    sector, _created = Sector.objects.get_or_create(cooperative=cooperative, name="Mesure")
    activities = list(Activity.objects.order_by("pk"))
    for n in range(len(activities), ACTIVITIES):
        activities.append(
            Activity.objects.create(
                cooperative=cooperative,
                analytic_code=f"BENCH{n:03d}",
                name=f"Activité {n}",
                sector=sector,
                start_date=dt.date(2024, 1, 1),
            )
        )
    customer = Customer.objects.filter(activity=activities[0]).first() or services.customer_create(
        activity=activities[0],
        kind="company",
        name="Client de mesure",
        siret="73282932000074",
        address_line="5 avenue du Canigou",
        postal_code="66100",
        city="Perpignan",
    )
    return activities, customer


def _invoice(customer: Customer) -> Document:
    return services.document_create(
        kind="invoice",
        activity=customer.activity,
        customer=customer,
        delivery_date=timezone.localdate(),
        lines=[
            LineData("Conseil", quantity=3, unit_price="450"),
            LineData("Fournitures", quantity=2, unit_price="12.5", vat_rate="5.5"),
        ],
    )


def _fill_list(cooperative: Cooperative, activities: list[Activity], customer: Customer) -> None:
    missing = LIST_SIZE - Document.objects.count()
    if missing <= 0:
        return
    customers = {
        a.pk: Customer.objects.filter(activity=a).first()
        or services.customer_create(
            activity=a,
            kind="individual",
            name=f"Client {a.analytic_code}",
            address_line="1 rue",
            postal_code="66000",
            city="Perpignan",
        )
        for a in activities
    }
    now = timezone.now()
    for start in range(0, missing, 5000):
        documents = Document.objects.bulk_create(
            [
                Document(
                    cooperative=cooperative,
                    activity=activities[i % len(activities)],
                    customer=customers[activities[i % len(activities)].pk],
                    kind="invoice",
                    created_at=now - dt.timedelta(minutes=i),
                    total_without_vat=Decimal("100.00"),
                    vat_total=Decimal("20.00"),
                    total_with_vat=Decimal("120.00"),
                    amount_due=Decimal("120.00"),
                )
                for i in range(start, min(start + 5000, missing))
            ]
        )
        DocumentLine.objects.bulk_create(
            DocumentLine(
                cooperative=cooperative,
                document=d,
                position=1,
                label="Prestation",
                unit_price=Decimal("100"),
                net_amount=Decimal("100.00"),
            )
            for d in documents
        )


def run(stdout: Any) -> None:
    cooperative = _cooperative()
    with cooperative_context(cooperative.pk):
        activities, customer = _setup(cooperative)

        drafts = [_invoice(customer) for _ in range(60)]
        samples = []
        for draft in drafts:
            started = time.perf_counter()
            services.invoice_validate(document=draft, render=False)
            samples.append((time.perf_counter() - started) * 1000)
        p95 = _p95(samples)
        stdout.write(
            f"invoice validation + posting: median {statistics.median(samples):.1f} ms, "
            f"p95 {p95:.1f} ms (target ≤ 50 ms) {'OK' if p95 <= 50 else 'OVER'}"
        )

        invoice = Document.objects.get(pk=drafts[0].pk)
        plain_pdf(invoice)  # fonts and templates loaded once
        plain = statistics.median(_timed(lambda: plain_pdf(invoice)) for _ in range(7))
        full = statistics.median(_timed(lambda: facturx_pdf(invoice)) for _ in range(7))
        ratio = full / plain
        stdout.write(
            f"render: plain WeasyPrint {plain:.0f} ms, Factur-X {full:.0f} ms, ratio "
            f"{ratio:.2f} (target ≤ 1.3) {'OK' if ratio <= 1.3 else 'OVER'}"
        )

        _fill_list(cooperative, activities, customer)
        # A manager's view: every activity's documents, filtered to one activity.
        membership = Membership(cooperative=cooperative, roles=[Role.MANAGER])

        def first_page() -> None:
            page = selectors.document_list(
                membership=membership, kind="invoice", activity_id=activities[1].pk
            )[:50]
            SalesDocumentSerializer(page, many=True).data  # noqa: B018 - the serialisation is timed

        first_page()
        list_samples = [_timed(first_page) for _ in range(40)]
        list_p95 = _p95(list_samples)
        stdout.write(
            f"invoice list, first page of one activity among {Document.objects.count()} "
            f"documents: p95 {list_p95:.1f} ms (target ≤ 150 ms) "
            f"{'OK' if list_p95 <= 150 else 'OVER'}"
        )
