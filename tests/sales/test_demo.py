"""The sales demo: documents through the services, posted, deterministic and idempotent."""

from __future__ import annotations

import random
import time
from decimal import Decimal

from django.db.models import Sum

from accounting.integrity import ledger_verify
from accounting.models import EntryLine
from perspectives.tenancy.context import cooperative_context
from sales import demo
from sales.models import Document, Payment
from tests.conftest import travel_to
from tests.factories import CooperativeFactory
from tests.factories.accounting import ledger_ready
from tests.factories.entrepreneurs import ActivityMemberFactory, SectorFactory


@travel_to("2026-11-20")
def test_the_sales_demo_posts_real_documents_once(db: None) -> None:
    cooperative = CooperativeFactory.create(
        siren="732829320",
        address_line="1 place de la République",
        postal_code="66000",
        city="Perpignan",
    )
    with cooperative_context(cooperative.pk):
        ledger_ready(2026)
        sector = SectorFactory.create(cooperative=cooperative, name="Bâtiment")
        for _ in range(15):
            ActivityMemberFactory.create(activity__sector=sector, entrepreneur__sector=sector)

        started = time.perf_counter()
        counts = demo.seed(cooperative=cooperative, rng=random.Random("demo"))
        elapsed = time.perf_counter() - started
        again = demo.seed(cooperative=cooperative, rng=random.Random("demo"))

        assert (
            counts
            == again
            == {
                "sales_customers": 16,
                "sales_documents": 8 * 7,
                "sales_payments": 8 * 3,
            }
        )
        invoices = Document.objects.filter(status="validated")
        assert invoices.count() == 8 * 5
        assert set(invoices.values_list("type_code", flat=True)) == {"380", "381", "386"}
        assert Document.objects.filter(kind="quote", status="accepted").count() == 8
        numbers = sorted(
            n or 0 for n in invoices.filter(series="F").values_list("sequence", flat=True)
        )
        assert numbers == list(range(1, 8 * 4 + 1))
        assert ledger_verify().problems == []
        sales_entries = [d.entry_id for d in invoices] + list(
            Payment.objects.values_list("entry_id", flat=True)
        )
        lines = EntryLine.objects.filter(entry_id__in=sales_entries)
        assert lines.aggregate(d=Sum("debit"))["d"] == lines.aggregate(c=Sum("credit"))["c"]
        assert lines.filter(account__code="4191").aggregate(s=Sum("debit"))["s"] > Decimal(0)
    # Seeding stays quick: the whole demo is seeded in the tests.
    assert elapsed < 30, elapsed
    print(f"sales demo seeded in {elapsed:.2f} s")  # noqa: T201
