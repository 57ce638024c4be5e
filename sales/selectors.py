"""Reads of the sales app. Every `_get_for_member` gives the same 404 for a missing row,
another cooperative's and another entrepreneur's."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import DecimalField, F, Max, OuterRef, Q, QuerySet, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entrepreneurs.models import Activity, Sector
from perspectives.tenancy.models import Job, Membership
from sales.models import (
    ActivityBranding,
    Customer,
    Document,
    DocumentEmail,
    EReport,
    InvoiceCounter,
    Payment,
    Product,
    SectorSeries,
    UnmatchedLifecycleStatus,
    ValidationRule,
)
from sales.permissions import sees_all_sales

ZERO = Decimal("0.00")


def activities_for(*, membership: Membership) -> QuerySet[Activity]:
    """The activities whose sales this member handles."""
    activities = Activity.objects.order_by("analytic_code")
    if sees_all_sales(membership):
        return activities
    return activities.filter(members__entrepreneur__user_id=membership.user_id).distinct()


def activity_get_for_member(*, membership: Membership, activity_id: int) -> Activity:
    return get_object_or_404(activities_for(membership=membership), pk=activity_id)


def _visible(queryset: QuerySet, membership: Membership) -> QuerySet:  # type: ignore[type-arg]
    if sees_all_sales(membership):
        return queryset
    return queryset.filter(
        activity__in=Activity.objects.filter(members__entrepreneur__user_id=membership.user_id)
    )


def customer_list(*, membership: Membership, search: str = "") -> QuerySet[Customer]:
    customers: QuerySet[Customer] = _visible(
        Customer.objects.select_related("activity"), membership
    )
    for word in search.split():
        customers = customers.filter(
            Q(name__icontains=word) | Q(siren__startswith=word) | Q(city__icontains=word)
        )
    return customers.order_by("name", "pk")


def customer_get_for_member(*, membership: Membership, customer_id: int) -> Customer:
    return get_object_or_404(customer_list(membership=membership), pk=customer_id)


def product_list(*, membership: Membership, active_only: bool = False) -> QuerySet[Product]:
    products: QuerySet[Product] = _visible(Product.objects.select_related("activity"), membership)
    if active_only:
        products = products.filter(is_active=True)
    return products.order_by("label", "pk")


def product_get_for_member(*, membership: Membership, product_id: int) -> Product:
    return get_object_or_404(product_list(membership=membership), pk=product_id)


LIST_RELATIONS = ("customer", "activity", "retention_release")


def _paid() -> Subquery:
    return Subquery(
        Payment.objects.filter(invoice=OuterRef("pk"))
        .values("invoice")
        .annotate(total=Sum("amount"))
        .values("total"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def _credited() -> Subquery:
    return Subquery(
        Document.objects.filter(credited_invoice=OuterRef("pk"), status=Document.Status.VALIDATED)
        .values("credited_invoice")
        .annotate(total=Sum(F("total_with_vat") - F("retention_credited")))
        .values("total"),
        output_field=DecimalField(max_digits=14, decimal_places=2),
    )


def document_list(
    *,
    membership: Membership,
    kind: str | None = None,
    activity_id: int | None = None,
    status: str | None = None,
) -> QuerySet[Document]:
    """Newest first, with what each invoice still owes (`outstanding`)."""
    # The customers, activities and releases of the page in their own queries: joined, they led
    # PostgreSQL (row-level security hides their selectivity) to walk every customer's
    # documents of the cooperative before sorting; alone, the documents come in index order.
    documents: QuerySet[Document] = _visible(
        Document.objects.prefetch_related(*LIST_RELATIONS), membership
    )
    if kind:
        documents = documents.filter(kind=kind)
    if activity_id:
        documents = documents.filter(activity_id=activity_id)
    if status:
        documents = documents.filter(status=status)
    return with_settlement(documents).order_by("-created_at", "-pk")


def with_settlement(documents: QuerySet[Document]) -> QuerySet[Document]:
    """`paid` (payments) and `credited` (what validated credit notes credited to 411, the part
    they took back of a retention withheld apart) of each document."""
    zero = Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2))
    return documents.annotate(paid=Coalesce(_paid(), zero), credited=Coalesce(_credited(), zero))


def invoice_owed(invoice: Document) -> Decimal:
    """What the customer owes now on an invoice of `with_settlement`: the amount due less the
    retention guarantee still withheld, payments and credit notes."""
    return invoice.owed(
        paid=invoice.paid,  # type: ignore[attr-defined]
        credited_to_receivable=invoice.credited,  # type: ignore[attr-defined]
    )


def document_get_for_member(*, membership: Membership, document_id: int) -> Document:
    document: Document = get_object_or_404(
        document_list(membership=membership).select_related(
            "quote", "credited_invoice", "activity__cooperative"
        ),
        pk=document_id,
    )
    return document


AGE_BUCKETS: tuple[tuple[str, int | None], ...] = (
    ("not_due", 0),
    ("1_30", 30),
    ("31_60", 60),
    ("61_90", 90),
    ("over_90", None),
)


@dataclass
class Receivable:
    invoice: Document
    outstanding: Decimal
    days_overdue: int
    bucket: str


@dataclass
class Receivables:
    rows: list[Receivable] = field(default_factory=list)
    totals: dict[str, Decimal] = field(default_factory=dict)
    total: Decimal = ZERO


def _bucket(days: int) -> str:
    if days <= 0:
        return "not_due"
    for name, limit in AGE_BUCKETS[1:]:
        if limit is None or days <= limit:
            return name
    return "over_90"


def receivables_by_age(
    *, membership: Membership, today: dt.date | None = None, activity_id: int | None = None
) -> Receivables:
    """Validated invoices not fully settled, by days past their due date."""
    today = today or timezone.localdate()
    invoices = document_list(
        membership=membership,
        kind=Document.Kind.INVOICE,
        activity_id=activity_id,
        status=Document.Status.VALIDATED,
    ).order_by("due_date", "pk")
    result = Receivables(totals={name: ZERO for name, _limit in AGE_BUCKETS})
    for invoice in invoices:
        outstanding = invoice_owed(invoice)
        if outstanding <= 0:
            continue
        days = (today - invoice.due_date).days if invoice.due_date else 0
        bucket = _bucket(days)
        result.rows.append(Receivable(invoice, outstanding, max(days, 0), bucket))
        result.totals[bucket] += outstanding
        result.total += outstanding
    return result


def accepted_quotes_forecast(
    *, activity_ids: list[int], today: dt.date
) -> list[tuple[dt.date, Decimal, int]]:
    """What accepted quotes will still bring (net of VAT, less what their validated invoices
    already billed), at their delivery date or next month when it has passed; for the
    dashboard's projection. Unpaid invoices need no line here: the treasury statement's
    receivables (411) already hold them."""
    quotes = Document.objects.filter(
        kind=Document.Kind.QUOTE,
        status=Document.Status.ACCEPTED,
        activity_id__in=activity_ids,
    ).annotate(
        billed=Coalesce(
            Sum(
                "invoices__total_without_vat",
                filter=Q(invoices__status=Document.Status.VALIDATED),
            ),
            Value(ZERO, output_field=DecimalField(max_digits=14, decimal_places=2)),
        )
    )
    next_month = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    forecast = []
    for quote in quotes:
        left = quote.total_without_vat - quote.billed
        if left > 0:
            day = (
                quote.delivery_date
                if quote.delivery_date and quote.delivery_date > today
                else next_month
            )
            forecast.append((day, left, 100))
    return sorted(forecast)


def documents_pending(*, membership: Membership) -> QuerySet[Document]:
    """The documents waiting for support staff, oldest submission first."""
    return document_list(membership=membership, status=Document.Status.PENDING).order_by(
        "submitted_at", "pk"
    )


@dataclass
class RuleRow:
    activity: Activity
    rule: ValidationRule | None

    @property
    def self_validation(self) -> bool:
        return self.rule is None or self.rule.self_validation

    @property
    def amount_cap(self) -> Decimal | None:
        return self.rule.amount_cap if self.rule else None


def validation_rules(*, membership: Membership) -> list[RuleRow]:
    """Each activity the member handles with its validation rule (None: self-validation, no cap)."""
    rules = {rule.activity_id: rule for rule in ValidationRule.objects.all()}
    return [
        RuleRow(activity, rules.get(activity.pk))
        for activity in activities_for(membership=membership).filter(status=Activity.Status.ACTIVE)
    ]


@dataclass
class Overdue:
    invoice: Document
    outstanding: Decimal
    days_overdue: int
    last_step: int | None
    last_sent_at: dt.datetime | None
    next_step: int | None


def overdue_invoices(
    *,
    steps: list[int],
    membership: Membership | None = None,
    today: dt.date | None = None,
) -> list[Overdue]:
    """Validated invoices past their due date that still owe money, most overdue first, with
    their latest reminder and the step due now (None: nothing to send today: no step reached,
    or a reminder at that step or later already made). Without `membership`: the whole
    cooperative (the daily run)."""
    today = today or timezone.localdate()
    documents = Document.objects.prefetch_related(*LIST_RELATIONS)
    if membership is not None:
        documents = _visible(documents, membership)
    reminders = Q(emails__kind=DocumentEmail.Kind.REMINDER)
    invoices = (
        with_settlement(documents)
        .filter(kind=Document.Kind.INVOICE, status=Document.Status.VALIDATED, due_date__lt=today)
        .annotate(
            last_step=Max("emails__step", filter=reminders),
            last_sent_at=Max("emails__sent_at", filter=reminders),
        )
        .order_by("due_date", "pk")
    )
    rows = []
    for invoice in invoices:
        outstanding = invoice_owed(invoice)
        if outstanding <= 0:
            continue
        days = (today - invoice.due_date).days  # type: ignore[operator]
        last_step = invoice.last_step
        reached = [step for step in steps if step <= days]
        due = reached[-1] if reached else None
        if due is not None and last_step is not None and last_step >= due:
            due = None
        rows.append(Overdue(invoice, outstanding, days, last_step, invoice.last_sent_at, due))
    return rows


@dataclass
class SectorSeriesRow:
    sector: Sector
    own: SectorSeries | None


def sector_series_list() -> list[SectorSeriesRow]:
    """Every sector with its own series (None: the cooperative's)."""
    own = {series.sector_id: series for series in SectorSeries.objects.all()}
    return [SectorSeriesRow(sector, own.get(sector.pk)) for sector in Sector.objects.all()]


def invoice_counters(*, year: int) -> list[InvoiceCounter]:
    """Where each series stands this year: its last number and that document's date."""
    return list(InvoiceCounter.objects.filter(year=year).order_by("series"))


if TYPE_CHECKING:
    from perspectives.tenancy.models import Job
    from sales.models import EInvoiceSubmission, LifecycleStatus


@dataclass(frozen=True)
class EInvoicingState:
    """What the invoice page and the API show of a document at the platforms."""

    out_of_scope: str
    submission: EInvoiceSubmission | None
    job: Job | None  # the latest submission job, while it has not produced a submission
    statuses: list[LifecycleStatus]


def einvoicing_state_get(*, document: Document) -> EInvoicingState:
    from perspectives.tenancy.jobs import job_latest
    from sales.models import EInvoiceSubmission, LifecycleStatus
    from sales.services.einvoicing import SUBMIT_TASK, einvoice_out_of_scope

    submission = EInvoiceSubmission.objects.filter(document=document).first()
    return EInvoicingState(
        out_of_scope=einvoice_out_of_scope(document),
        submission=submission,
        job=None if submission else job_latest(SUBMIT_TASK, document_id=document.pk),
        statuses=list(LifecycleStatus.objects.filter(document=document)),
    )


def branding_for(*, activity: Activity) -> ActivityBranding | None:
    """The activity's branding, None when it has none."""
    return ActivityBranding.objects.filter(activity=activity).first()


@dataclass(frozen=True)
class EReportRow:
    """An e-reporting report as the page shows it: submitted (its row), else its latest job."""

    kind: str
    start: dt.date
    end: dt.date
    state: str
    submitted_at: dt.datetime | None = None
    flow_id: str = ""
    error: str = ""

    @property
    def kind_label(self) -> str:
        return str(EReport.Kind(self.kind).label)

    @property
    def state_label(self) -> str:
        return str(EREPORT_STATES[self.state])

    @property
    def failed(self) -> bool:
        return self.state == Job.State.FAILED

    @property
    def tone(self) -> str:
        """The badge of its state."""
        if self.state == SUBMITTED:
            return "success"
        return "danger" if self.failed else "info"


SUBMITTED = "submitted"
EREPORT_STATES = {
    SUBMITTED: _("Transmis"),
    Job.State.PENDING: Job.State.PENDING.label,
    Job.State.RUNNING: Job.State.RUNNING.label,
    Job.State.DONE: Job.State.DONE.label,
    Job.State.FAILED: Job.State.FAILED.label,
}


def ereport_list() -> list[EReportRow]:
    """The active cooperative's reports, the latest period first: each submitted one, and
    each period asked for but not submitted with its latest job's state (two queries)."""
    from sales.services.ereporting import SUBMIT_TASK

    rows = {
        (report.kind, report.start): EReportRow(
            kind=report.kind,
            start=report.start,
            end=report.end,
            state=SUBMITTED,
            submitted_at=report.submitted_at,
            flow_id=report.flow_id,
        )
        for report in EReport.objects.all()
    }
    for job in Job.objects.filter(task=SUBMIT_TASK).order_by("-created_at", "-pk"):
        try:
            key = (str(job.kwargs["kind"]), dt.date.fromisoformat(job.kwargs["start"]))
            end = dt.date.fromisoformat(job.kwargs["end"])
        except (KeyError, TypeError, ValueError):
            continue
        if key[0] in EReport.Kind.values and key not in rows:
            rows[key] = EReportRow(
                kind=key[0], start=key[1], end=end, state=job.state, error=job.error
            )
    return sorted(rows.values(), key=lambda row: (-row.start.toordinal(), row.kind))


def ereport_get(*, kind: str, start: dt.date) -> EReportRow:
    """One report of the active cooperative, or 404 (the same for another cooperative's)."""
    for row in ereport_list():
        if (row.kind, row.start) == (kind, start):
            return row
    raise Http404


def unmatched_status_list() -> QuerySet[UnmatchedLifecycleStatus]:
    """The platform statuses of the active cooperative that name no invoice for sure, the
    latest first."""
    return UnmatchedLifecycleStatus.objects.order_by("-received_at", "-pk")
