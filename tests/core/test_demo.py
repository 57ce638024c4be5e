from __future__ import annotations

import datetime as dt
from collections import Counter
from decimal import Decimal

import pytest

from entrepreneurs.models import Entrepreneur
from perspectives.accounts.models import User
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, Membership
from tests.conftest import travel_to
from top.demo.services import demo_seed

# Each test seeds the whole demo.
pytestmark = pytest.mark.slow

ENTREPRENEUR_KEYS = [
    f"{slug}{suffix}"
    for slug in ("perspectives", "canigou")
    for suffix in ("", ":sectors", ":path_steps", ":activities", ":appointments", ":workshops")
]

PAYROLL_KEYS = [
    f"{slug}:{key}" for slug in ("perspectives", "canigou") for key in ("pay_profiles", "payslips")
]

GOVERNANCE_KEYS = [
    f"{slug}:{key}"
    for slug in ("perspectives", "canigou")
    for key in ("associates", "assemblies", "ballots")
]

PURCHASES_KEYS = [
    f"{slug}:{key}"
    for slug in ("perspectives", "canigou")
    for key in ("supplier_invoices", "supplier_invoices_paid", "expense_reports", "sepa_batches")
]


@pytest.mark.django_db
@travel_to("2026-11-20")  # the demo is built around today: its counts are those of a given day
def test_seed_demo_is_complete_deterministic_and_idempotent() -> None:
    first = demo_seed()
    users, memberships = User.objects.count(), Membership.objects.count()
    perspectives = Cooperative.objects.get(slug="perspectives")
    with cooperative_context(perspectives.pk):
        by_sector = Counter(Entrepreneur.objects.values_list("sector__name", flat=True))
        emails = sorted(Entrepreneur.objects.values_list("email", flat=True))[:3]
    second = demo_seed()

    assert first.counts == second.counts
    assert {key: first.counts[key] for key in PAYROLL_KEYS} == {
        "perspectives:pay_profiles": 99,
        "perspectives:payslips": 99,
        "canigou:pay_profiles": 9,
        "canigou:payslips": 9,
    }
    assert {key: first.counts[key] for key in GOVERNANCE_KEYS} == {
        "perspectives:associates": 37,
        "perspectives:assemblies": 2,
        "perspectives:ballots": 62,
        # The SCIC's managers are associates; its third "assembly" is the open written
        # consultation, which two associates have answered (two resolutions each).
        "canigou:associates": 8,
        "canigou:assemblies": 3,
        "canigou:ballots": 10,
    }
    # Per cooperative: three received e-invoices (Factur-X, UBL, CII in the queue) and three
    # entered; one supplier invoice and one expense report paid by a SEPA batch.
    assert {key: first.counts[key] for key in PURCHASES_KEYS} == {
        "perspectives:supplier_invoices": 6,
        "perspectives:supplier_invoices_paid": 1,
        "perspectives:expense_reports": 2,
        "perspectives:sepa_batches": 1,
        "canigou:supplier_invoices": 6,
        "canigou:supplier_invoices_paid": 1,
        "canigou:expense_reports": 2,
        "canigou:sepa_batches": 1,
    }
    assert {key: first.counts[key] for key in ENTREPRENEUR_KEYS} == {
        "perspectives": 150,
        "perspectives:sectors": 7,
        "perspectives:path_steps": 519,
        "perspectives:activities": 132,
        "perspectives:appointments": 888,
        "perspectives:workshops": 4,
        "canigou": 12,
        "canigou:sectors": 7,
        "canigou:path_steps": 45,
        "canigou:activities": 11,
        "canigou:appointments": 59,
        "canigou:workshops": 4,
    }
    assert (User.objects.count(), Membership.objects.count()) == (users, memberships)
    assert users == 150 + 8 + 12 + 2 + 1
    assert sorted(by_sector) == [
        "Bien-être",
        "Bâtiment",
        "Commerce",
        "Communication",
        "Espaces verts et jardinage",
        "Formation et conseil",
        "Services",
    ]
    assert sum(by_sector.values()) == 150
    assert min(by_sector.values()) >= 10
    # Fixed seed: the same people every time, on every machine.
    assert emails == [
        "adam.girard.141@perspectives.example",
        "adam.martin.062@perspectives.example",
        "adam.py.080@perspectives.example",
    ]
    assert perspectives.siren == "842135709"
    roles = {
        m.user.email: m.roles
        for m in Membership.objects.filter(
            cooperative=perspectives, user__email__startswith="geran"
        )
    }
    assert roles == {
        "gerante@perspectives.example": ["manager", "admin"],
        "gerant@perspectives.example": ["manager"],
    }
    _check_ledger(perspectives, first.counts)
    _check_sales(perspectives, first.counts)
    _check_bank(perspectives, first.counts)


def _check_sales(perspectives: Cooperative, counts: dict[str, int]) -> None:
    """Since the sales app took the invoicing over, the ledger's sales are the documents' own
    postings: every sales-journal entry and every entry on 411 comes from a sales document or
    payment; the dashboard's revenue of the year is the invoices' less the credit notes' (excl.
    VAT); the VAT returns return the VAT those postings collected."""
    from decimal import Decimal

    from django.db.models import Q, Sum
    from django.utils import timezone

    from accounting.demo import SETTLE_KEY, sales_from
    from accounting.models import Entry, EntryLine, Journal
    from accounting.services.fiscal import add_months
    from entrepreneurs.models import Activity
    from sales.models import Document, Payment
    from top.dashboards.selectors import activity_dashboard

    sales_counts = {
        f"{slug}:{key}": counts[f"{slug}:{key}"]
        for slug in ("perspectives", "canigou")
        for key in ("sales_customers", "sales_documents", "sales_payments")
    }
    with cooperative_context(perspectives.pk):
        today = timezone.localdate()
        since = sales_from(today)
        sales = (
            Entry.objects.filter(date__gte=since)
            .filter(Q(journal__code="VT") | Q(lines__account__code="411"))
            .exclude(journal__kind=Journal.Kind.OPENING)
            .distinct()
        )
        sources = set(
            Document.objects.exclude(entry=None).values_list("entry_id", flat=True)
        ) | set(Payment.objects.values_list("entry_id", flat=True))
        assert sales.count() == len(sources)
        assert set(sales.values_list("pk", flat=True)) == sources
        assert set(sales.values_list("source", flat=True)) == {"sales"}

        year = Document.objects.filter(
            status=Document.Status.VALIDATED, issue_date__year=today.year
        ).exclude(type_code=Document.InvoiceKind.DEPOSIT)
        invoiced = year.filter(kind=Document.Kind.INVOICE).aggregate(s=Sum("total_without_vat"))
        credited = year.filter(kind=Document.Kind.CREDIT_NOTE).aggregate(s=Sum("total_without_vat"))
        dashboard = activity_dashboard(activities=list(Activity.objects.all()), today=today)
        revenue = dashboard.key_figures[0]
        assert revenue.year_to_date == (invoiced["s"] or 0) - (credited["s"] or 0)

        # The VAT returns since the sales app: what the invoices and payments collected up to
        # the last month returned (on the 20th of the next).
        returned_to = add_months(today.replace(day=1), 0 if today.day >= 20 else -1)
        returned_to -= dt.timedelta(days=1)
        vat = EntryLine.objects.filter(account__code="44571", activity__isnull=False)
        collected = (
            vat.filter(date__gte=since, date__lte=returned_to)
            .exclude(entry__journal__code="OD")
            .exclude(entry__journal__kind=Journal.Kind.OPENING)
            .aggregate(c=Sum("credit"), d=Sum("debit"))
        )
        returns = vat.filter(entry__idempotency_key__startswith=SETTLE_KEY).aggregate(
            d=Sum("debit"), c=Sum("credit")
        )
        assert (returns["d"] or 0) - (returns["c"] or 0) == (collected["c"] or 0) - (
            collected["d"] or 0
        )
        assert (sales_counts, revenue.year_to_date, returns["d"]) == (
            {
                "perspectives:sales_customers": 264,
                "perspectives:sales_documents": 1975,
                "perspectives:sales_payments": 1384,
                "canigou:sales_customers": 22,
                "canigou:sales_documents": 237,
                "canigou:sales_payments": 150,
            },
            Decimal("5210243.03"),
            Decimal("908827.32"),
        )


def _check_bank(perspectives: Cooperative, counts: dict[str, int]) -> None:
    """This month's statement: the bank opens on the ledger's 512 balance, and the customers'
    payments are suggested against the invoices they name."""
    from accounting.models import Entry
    from bank import selectors as bank_selectors
    from bank import services as bank_services
    from bank.models import BankLine, EntryAttachment, EntryTemplate, Statement

    assert {
        key: counts[f"{slug}:{key}"]
        for slug in ("perspectives", "canigou")
        for key in ("bank_accounts", "bank_lines", "entry_templates", "entry_attachments")
    } == {
        "bank_accounts": 1,
        "bank_lines": 9,
        "entry_templates": 2,
        "entry_attachments": 1,
    }
    with cooperative_context(perspectives.pk):
        statement = Statement.objects.select_related("bank_account").get()
        assert statement.opening_balance == bank_selectors.ledger_balance(
            bank_account=statement.bank_account, as_of=statement.start_date - dt.timedelta(days=1)
        )
        payments = list(BankLine.objects.filter(amount__gt=0))
        suggestions = bank_services.suggestions_for_lines(payments)
        assert len(payments) == 6
        assert all(suggestions[line.pk][0].kind == "reference" for line in payments)
        # The SEPA batch the purchases demo sent: pointed against its payments in one click.
        batch = BankLine.objects.select_related("bank_account").get(reference__startswith="VIR-")
        best = bank_services.suggestions_for(batch)[0]
        assert (best.kind, len(best.pointed)) == ("batch", 2)
        # The account fee: no rule of the cooperative names it, the built-in suggestion does.
        fee = BankLine.objects.select_related("bank_account").get(label__startswith="COMMISSION")
        assert [(s.kind, s.label) for s in bank_services.suggestions_for(fee)] == [
            ("fees", "Frais bancaires → 627")
        ]
        # This month's rent, made from its template as a draft, with its receipt.
        attachment = EntryAttachment.objects.get()
        entry = Entry.objects.get(pk=attachment.entry_id)
        assert (entry.status, entry.source, entry.label) == (
            "draft",
            "manual",
            "Loyer du local partagé",
        )
        assert sorted(entry.lines.filter(debit__gt=0).values_list("account__code", "debit")) == [
            ("613", Decimal("375.00")),
            ("613", Decimal("525.00")),
            ("613", Decimal("600.00")),
        ]
        assert (attachment.content_type, attachment.file.read()[:8]) == (
            "application/pdf",
            b"%PDF-1.4",
        )
        assert sorted(EntryTemplate.objects.values_list("name", flat=True)) == [
            "Assurance RC professionnelle",
            "Loyer du local",
        ]


def _check_ledger(perspectives: Cooperative, counts: dict[str, int]) -> None:
    """Three years of sound ledger history; the two past years closed; building falls this
    year (as in the interview)."""
    import datetime as dt

    from django.utils import timezone

    from accounting import selectors
    from accounting.integrity import ledger_verify
    from accounting.models import FiscalYear
    from entrepreneurs.models import Activity

    assert counts["perspectives:ledger_lines"] > 50_000
    assert counts["perspectives:fiscal_years"] == 3
    with cooperative_context(perspectives.pk):
        assert ledger_verify().problems == []
        assert FiscalYear.objects.filter(status="closed").count() == 2
        # Each closed year is sealed with its FEC's fingerprint and opened the next one with
        # à-nouveaux in the AN journal, which carry exactly the year's results to 120/129.
        for closed in FiscalYear.objects.filter(status="closed"):
            assert len(closed.fec_sha256) == 64
            openings = selectors.opening_entries(fiscal_year=closed)
            assert {e.journal.code for e in openings} == {"AN"}
            # The year's result lines have a label; balances carried from before have none.
            carried = sum(
                line.credit - line.debit
                for e in openings
                for line in e.lines.all()
                if line.account.code in ("120", "129") and line.label
            )
            assert carried == sum(r.result for r in selectors.year_results(fiscal_year=closed))
        today = timezone.localdate()
        building = frozenset(
            Activity.objects.filter(sector__name="Bâtiment").values_list("pk", flat=True)
        )

        def revenue(year: int) -> object:
            pnl = selectors.activity_pnl(
                scope=building,
                date_from=dt.date(year, 1, 1),
                date_to=today.replace(year=year, day=1) - dt.timedelta(days=1),
            )
            return pnl.total_income

        if today.month > 1:
            assert revenue(today.year) < revenue(today.year - 1)  # type: ignore[operator]
