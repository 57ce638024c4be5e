from __future__ import annotations

import datetime as dt
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection, transaction
from django.db.utils import DatabaseError

from accounting import services
from accounting.models import Entry, FiscalYear, ThirdParty
from accounting.services import LineInput
from entrepreneurs.models import Activity
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from tests.factories import CooperativeFactory
from tests.factories.accounting import ledger_ready
from tests.factories.entrepreneurs import ActivityFactory, SectorFactory

D = Decimal


@dataclass
class Ledger:
    """A cooperative with the default chart, the 2025 fiscal year, two activities, a customer
    and a supplier; tests run inside its context."""

    cooperative: Cooperative
    fiscal_year: FiscalYear
    a1: Activity
    a2: Activity
    customer: ThirdParty
    supplier: ThirdParty

    def post(
        self,
        lines: Sequence[LineInput],
        *,
        journal: str = "OD",
        date: dt.date = dt.date(2025, 3, 10),
        label: str = "Écriture",
        **kwargs: Any,
    ) -> Entry:
        return services.entry_post(journal=journal, date=date, label=label, lines=lines, **kwargs)

    def sale(self, amount: str = "120.00", *, activity: Activity | None = None, **kwargs: Any):
        activity = activity or self.a1
        total = D(amount)
        net = (total / D("1.2")).quantize(D("0.01"))
        return self.post(
            [
                LineInput("411", debit=total, activity=activity, third_party=self.customer),
                LineInput("706", credit=net, activity=activity),
                LineInput("44571", credit=total - net, activity=activity),
            ],
            journal="VT",
            label="Facture",
            **kwargs,
        )


def build_ledger(cooperative: Cooperative) -> Ledger:
    fiscal_year = ledger_ready(2025)
    sector = SectorFactory.create(cooperative=cooperative, name=f"Pôle {cooperative.pk}")
    a1 = ActivityFactory.create(sector=sector, analytic_code="A1", name="Graphisme")
    a2 = ActivityFactory.create(sector=sector, analytic_code="A2", name="Menuiserie")
    customer = services.third_party_create(kind="customer", code="CLIENT1", name="Client Un")
    supplier = services.third_party_create(kind="supplier", code="FOURN1", name="Fournisseur Un")
    return Ledger(cooperative, fiscal_year, a1, a2, customer, supplier)


@pytest.fixture
def ledger(db: None) -> Iterator[Ledger]:
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        yield build_ledger(cooperative)


def sql(query: str, params: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
    with connection.cursor() as cursor:
        cursor.execute(query, params)
        return list(cursor.fetchall()) if cursor.description else []


def one(query: str, params: Sequence[Any] = ()) -> Any:
    return sql(query, params)[0][0]


@dataclass
class Books:
    """Cooperative A of `world` with a small ledger: a1 is alice's activity (bob is her
    referent), a2 belongs to someone else."""

    ledger: Ledger
    alice_activity: Activity
    other_activity: Activity


def post_history(ledger: Ledger) -> None:
    """Sales, purchases, payroll and bank movements for a1 (and one sale for a2)."""
    a1 = ledger.a1
    ledger.sale("1200.00", date=dt.date(2025, 1, 15))  # 1000 + 200 VAT, customer owes 1200
    ledger.post(
        [
            LineInput("604", debit="300.00", activity=a1),
            LineInput("44566", debit="60.00", activity=a1),
            LineInput("401", credit="360.00", activity=a1, third_party=ledger.supplier),
        ],
        journal="AC",
        date=dt.date(2025, 1, 20),
        label="Facture fournisseur",
    )
    ledger.post(
        [
            LineInput("512", debit="1000.00", activity=a1),
            LineInput("411", credit="1000.00", activity=a1, third_party=ledger.customer),
        ],
        journal="BQ",
        date=dt.date(2025, 2, 5),
        label="Règlement client",
    )
    ledger.post(
        [
            LineInput("6411", debit="500.00", activity=a1),
            LineInput("6451", debit="200.00", activity=a1),
            LineInput("421", credit="400.00", activity=a1),
            LineInput("431", credit="300.00", activity=a1),
        ],
        journal="PAIE",
        date=dt.date(2025, 2, 28),
        label="Paie de février",
    )
    ledger.post(
        [
            LineInput("421", debit="400.00", activity=a1),
            LineInput("512", credit="400.00", activity=a1),
        ],
        journal="BQ",
        date=dt.date(2025, 3, 5),
        label="Virement du salaire",
    )
    ledger.sale("600.00", activity=ledger.a2, date=dt.date(2025, 3, 10))


@pytest.fixture
def books(world: Any) -> Books:
    from entrepreneurs.models import Entrepreneur
    from tests.factories.entrepreneurs import ActivityMemberFactory, EntrepreneurFactory

    with cooperative_context(world.coop_a.pk):
        ledger = build_ledger(world.coop_a)
        alice = Entrepreneur.objects.get(user=world.alice)
        ActivityMemberFactory.create(activity=ledger.a1, entrepreneur=alice)
        ActivityMemberFactory.create(
            activity=ledger.a2, entrepreneur=EntrepreneurFactory.create(sector=ledger.a2.sector)
        )
        post_history(ledger)
    return Books(ledger, ledger.a1, ledger.a2)


# Raw SQL as the application role, for the tests that the database refuses what breaks a rule.
MARCH = dt.date(2025, 3, 10)


def raw_entry(
    ledger: Ledger,
    *,
    journal: str = "OD",
    date: dt.date = MARCH,
    key: str | None = None,
    payload: str = "",
    reverses: int | None = None,
    fiscal_year: int | None = None,
) -> int:
    return int(
        one(
            "INSERT INTO accounting_entry (cooperative_id, journal_id, fiscal_year_id, date, "
            "piece_ref, label, status, idempotency_key, payload_hash, source, created_at, "
            "reverses_id) VALUES (%s, (SELECT id FROM accounting_journal WHERE code = %s), %s, "
            "%s, '', 'brut', 'draft', %s, %s, '', now(), %s) RETURNING id",
            [
                ledger.cooperative.pk,
                journal,
                fiscal_year or ledger.fiscal_year.pk,
                date,
                key,
                payload,
                reverses,
            ],
        )
    )


def refused(match: str):
    """The statement fails with this message; the savepoint keeps the test transaction usable."""
    return _Refused(match)


class _Refused:
    def __init__(self, match: str) -> None:
        self.match = match

    def __enter__(self) -> None:
        self._raises = pytest.raises(DatabaseError, match=self.match)
        self._raises.__enter__()
        self._atomic = transaction.atomic()
        self._atomic.__enter__()

    def __exit__(self, *exc: object) -> bool:
        self._atomic.__exit__(*exc)  # type: ignore[arg-type]
        return bool(self._raises.__exit__(*exc))  # type: ignore[arg-type]
