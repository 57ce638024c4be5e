"""The sales demo: documents through the services, posted, deterministic and idempotent."""

from __future__ import annotations

import datetime as dt
import random
import time
from decimal import Decimal

from django.db.models import Sum

from accounting.integrity import ledger_verify
from accounting.models import EntryLine
from entrepreneurs.models import Activity
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Role
from sales import demo
from sales.models import Document, DocumentEmail, Payment, RetentionRelease
from tests.conftest import travel_to
from tests.factories import CooperativeFactory
from tests.factories.accounting import ledger_ready
from tests.factories.core import MembershipFactory
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
        # Started in October: the routine year of each is two months (the whole demo's test
        # checks the year).
        for _ in range(15):
            ActivityMemberFactory.create(
                activity__sector=sector,
                activity__start_date=dt.date(2026, 10, 1),
                entrepreneur__sector=sector,
            )
        # The first activity's entrepreneur has an account: their invoice above the cap waits.
        building = Activity.objects.order_by("analytic_code").first()
        entrepreneur = building.members.get().entrepreneur  # type: ignore[union-attr]
        entrepreneur.user = MembershipFactory.create(
            cooperative=cooperative, roles=[Role.ENTREPRENEUR]
        ).user
        entrepreneur.save()

        started = time.perf_counter()
        counts = demo.seed(cooperative=cooperative, rng=random.Random("demo"))
        elapsed = time.perf_counter() - started
        again = demo.seed(cooperative=cooperative, rng=random.Random("demo"))

        invoices = Document.objects.filter(status="validated")
        numbered = list(
            invoices.filter(series="F").order_by("sequence").values_list("sequence", "issue_date")
        )
        assert (
            counts,
            again,
            invoices.count(),
            sorted(set(invoices.values_list("type_code", flat=True))),
            Document.objects.filter(kind="quote", status="accepted").count(),
        ) == (
            {"sales_customers": 30, "sales_documents": 97, "sales_payments": 34},
            {"sales_customers": 30, "sales_documents": 97, "sales_payments": 34},
            # The story's 8 × 5 + 2 invoices and credit notes, and 28 of the routine October and
            # November of the 15 activities (invoices, situations of their works quotes).
            70,
            ["380", "381", "386"],
            # The story's 8 quotes and its works quote, and 9 routine works quotes (each
            # activity starts its three-month works in one of its first three months).
            18,
        )
        # The series numbers its invoices without a gap, in the order of their dates.
        assert [n for n, _day in numbered] == list(range(1, len(numbered) + 1))
        days = [day or dt.date.min for _n, day in numbered]
        assert days == sorted(days)
        # The story's works, with their retention guarantee.
        situations = invoices.filter(retention_percent__gt=0).order_by("sequence")
        assert [
            (s.activity_id, s.progress_percent, s.retention_percent, s.retention_amount)
            for s in situations
        ] == [
            (building.pk, Decimal("40.00"), Decimal("5.00"), Decimal("244.80")),  # type: ignore[union-attr]
            (building.pk, Decimal("75.00"), Decimal("5.00"), Decimal("214.20")),  # type: ignore[union-attr]
        ]
        assert RetentionRelease.objects.count() == 0
        assert lines_of("4117") == Decimal("459.00")
        [pending] = Document.objects.filter(status="pending")
        assert (pending.activity_id, pending.total_without_vat) == (
            building.pk,  # type: ignore[union-attr]
            Decimal("6240.00"),
        )
        assert sorted(
            DocumentEmail.objects.filter(state="sent").values_list("kind", flat=True)
        ) == ["reminder", "send"]
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


def lines_of(code: str) -> Decimal:
    total: Decimal = EntryLine.objects.filter(account__code=code).aggregate(s=Sum("debit"))["s"]
    return total
