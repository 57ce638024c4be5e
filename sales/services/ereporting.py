"""E-reporting (flux 10) of the sales that e-invoicing does not carry: sales to private persons
(B2C), under the DGFiP's official flux 10 XSD and schematron (shipped with `pyfrctc`).

- Transactions (10.3): the validated invoices and credit notes to private persons of the
  period, aggregated per day and category of transaction (TLB1 goods, TPS1 services; a mixed
  document counts as services), with their totals per VAT rate; a credit note counts negative;
  a balance invoice counts without the deposits it deducts (each deposit counts on its day).
- Payments (10.4): only for services whose VAT is due on receipt (no option for debits, no
  reverse charge): the payments received in the period on such invoices to private persons,
  per day and VAT rate, each payment split over its invoice's rates in proportion to their
  amounts including VAT (the last rate takes the rounding residue).

The report's sender is the cooperative's accredited platform (scheme 0238, role WK), the
declarant the cooperative (SIREN, role SE). Not built: international B2B (10.1, 10.2),
which reports each invoice in full.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.jobs import job_enqueue, job_latest, job_retry
from perspectives.tenancy.models import Cooperative, Job
from purchases.platform import OutgoingInvoice, PlatformConnector
from sales import totals as t
from sales.models import Customer, Document, EReport, OperationCategory, Payment
from sales.services.customers import settings_get
from sales.services.documents import document_totals

ZERO = Decimal("0.00")
GOODS, SERVICES = "TLB1", "TPS1"
TRANSACTIONS, PAYMENTS = EReport.Kind.TRANSACTIONS.value, EReport.Kind.PAYMENTS.value
SUBMIT_TASK = "sales.tasks.ereport_submit_task"


@dataclass
class RateAmounts:
    taxable: Decimal = ZERO
    vat: Decimal = ZERO


@dataclass
class DayTransactions:
    day: dt.date
    category: str
    count: int
    rates: dict[Decimal, RateAmounts]

    @property
    def taxable(self) -> Decimal:
        return sum((r.taxable for r in self.rates.values()), ZERO)

    @property
    def vat(self) -> Decimal:
        return sum((r.vat for r in self.rates.values()), ZERO)


def _document_rates(document: Document) -> dict[Decimal, RateAmounts]:
    """The document's taxable amount and VAT per rate, less the deposits it deducts."""
    rates: dict[Decimal, RateAmounts] = defaultdict(RateAmounts)
    for b in document_totals(document).breakdown:
        rates[b.rate].taxable += b.taxable
        rates[b.rate].vat += b.vat
    if document.prepaid_total and document.quote_id:
        from sales.services.quotes import deposits_to_deduct

        for deposit in deposits_to_deduct(quote_id=document.quote_id, exclude_id=document.pk):
            for b in document_totals(deposit).breakdown:
                rates[b.rate].taxable -= b.taxable
                rates[b.rate].vat -= b.vat
    return rates


def b2c_transactions(*, start: dt.date, end: dt.date) -> list[DayTransactions]:
    """The B2C transactions of [start, end] per day and category (flux 10.3)."""
    documents = (
        Document.objects.filter(
            kind__in=(Document.Kind.INVOICE, Document.Kind.CREDIT_NOTE),
            status=Document.Status.VALIDATED,
            customer__kind=Customer.Kind.INDIVIDUAL,
            issue_date__range=(start, end),
        )
        .prefetch_related("lines")
        .order_by("issue_date", "sequence", "pk")
    )
    groups: dict[tuple[dt.date, str], DayTransactions] = {}
    for document in documents:
        category = GOODS if document.category == OperationCategory.GOODS else SERVICES
        day: dt.date = document.issue_date  # type: ignore[assignment]
        group = groups.setdefault(
            (day, category), DayTransactions(day, category, 0, defaultdict(RateAmounts))
        )
        sign = -1 if document.kind == Document.Kind.CREDIT_NOTE else 1
        group.count += 1
        for rate, amounts in _document_rates(document).items():
            group.rates[rate].taxable += sign * amounts.taxable
            group.rates[rate].vat += sign * amounts.vat
    return [groups[key] for key in sorted(groups)]


def _payment_split(payment: Payment) -> dict[Decimal, Decimal]:
    """The payment's amount over its invoice's VAT rates, in proportion to their amounts
    including VAT; the last rate takes the rounding residue."""
    rates = _document_rates(payment.invoice)
    total = sum((r.taxable + r.vat for r in rates.values()), ZERO)
    ordered = sorted(rates)
    split: dict[Decimal, Decimal] = {}
    left = payment.amount
    for position, rate in enumerate(ordered):
        if position == len(ordered) - 1 or not total:
            split[rate] = left
            break
        share = t.money(payment.amount * (rates[rate].taxable + rates[rate].vat) / total)
        split[rate] = share
        left -= share
    return split


def b2c_payments(*, start: dt.date, end: dt.date) -> list[tuple[dt.date, dict[Decimal, Decimal]]]:
    """The payments of [start, end] on B2C services invoices whose VAT is due on receipt, per
    day and VAT rate (flux 10.4)."""
    payments = (
        Payment.objects.filter(
            date__range=(start, end),
            invoice__customer__kind=Customer.Kind.INDIVIDUAL,
            invoice__vat_on_receipts=True,
            invoice__reverse_charge=False,
        )
        .select_related("invoice")
        .prefetch_related("invoice__lines")
        .order_by("date", "pk")
    )
    days: dict[dt.date, dict[Decimal, Decimal]] = defaultdict(lambda: defaultdict(lambda: ZERO))
    for payment in payments:
        for rate, amount in _payment_split(payment).items():
            days[payment.date][rate] += amount
    return [(day, dict(days[day])) for day in sorted(days)]


def _amount(value: Decimal) -> str:
    return f"{value.quantize(t.CENT):f}"


def _report_document(kind: str, start: dt.date, cooperative: Cooperative) -> dict[str, object]:
    settings = settings_get()
    if not (settings.platform_registration and cooperative.siren):
        raise ApplicationError(
            _(
                "L'e-reporting demande le SIREN de la coopérative et l'immatriculation de sa "
                "plateforme agréée (réglages des ventes)."
            )
        )
    return {
        "TT-1": f"{cooperative.siren}-{kind[:3].upper()}-{start:%Y%m%d}",
        "TT-3": timezone.now(),
        "TT-4": "IN",
        "TT-7": "0238",
        "TT-8": settings.platform_registration,
        "TT-9": settings.platform_name or settings.platform_registration,
        "TT-10": "WK",
        "TT-12": "0002",
        "TT-13": cooperative.siren,
        "TT-14": cooperative.name,
        "TT-15": "SE",
    }


def ereport_xml(*, kind: str, start: dt.date, end: dt.date) -> bytes:
    """The flux 10 report of the period, checked against the official XSD."""
    from pyfrctc import generate_ereporting_payments, generate_ereporting_transactions

    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    data = _report_document(kind, start, cooperative)
    try:
        if kind == TRANSACTIONS:
            data |= {
                "TT-17": start,
                "TT-18": end,
                "TG-31": [
                    {
                        "TT-77": group.day,
                        "TT-78": "EUR",
                        "TT-81": group.category,
                        "TT-82": _amount(group.taxable),
                        "TT-83": _amount(group.vat),
                        "TT-85": str(group.count),
                        "TG-32": [
                            {
                                "TT-86": _amount(rate),
                                "TT-87": _amount(amounts.taxable),
                                "TT-88": _amount(amounts.vat),
                            }
                            for rate, amounts in sorted(group.rates.items(), reverse=True)
                        ],
                    }
                    for group in b2c_transactions(start=start, end=end)
                ],
            }
            return bytes(generate_ereporting_transactions(data))
        if kind == PAYMENTS:
            data |= {
                "TT-89": start,
                "TT-90": end,
                "TG-37": [
                    {
                        "TT-96": day,
                        "TG-39": [
                            {"TT-97": _amount(rate), "TT-98": "EUR", "TT-99": _amount(amount)}
                            for rate, amount in sorted(rates.items(), reverse=True)
                        ],
                    }
                    for day, rates in b2c_payments(start=start, end=end)
                ],
            }
            return bytes(generate_ereporting_payments(data))
    except Exception as exc:  # the library raises bare Exceptions
        raise ApplicationError(
            _("Le rapport d'e-reporting n'a pas pu être établi : %(error)s")
            % {"error": str(exc)[:200]}
        ) from exc
    raise ApplicationError(_("Type de rapport d'e-reporting inconnu."))


def ereport_periods(*, day: dt.date) -> list[tuple[str, dt.date, dt.date]]:
    """The periods of a cooperative under the monthly normal regime (réel normal mensuel) last
    ended before `day`: the previous ten days (décade) for the transactions, the previous
    month for the payments."""
    if day.day > 20:
        start, end = day.replace(day=11), day.replace(day=20)
    elif day.day > 10:
        start, end = day.replace(day=1), day.replace(day=10)
    else:
        end = day.replace(day=1) - dt.timedelta(days=1)
        start = end.replace(day=21)
    month_end = day.replace(day=1) - dt.timedelta(days=1)
    return [(TRANSACTIONS, start, end), (PAYMENTS, month_end.replace(day=1), month_end)]


def _check_period(kind: str, start: dt.date, end: dt.date) -> None:
    if kind not in EReport.Kind.values:
        raise ApplicationError(_("Type de rapport d'e-reporting inconnu."))
    if start > end or end >= timezone.localdate():
        raise ApplicationError(_("Un rapport d'e-reporting couvre une période achevée."))


@transaction.atomic
def ereport_submit_request(*, kind: str, start: dt.date, end: dt.date) -> Job:
    """Ask a worker to submit the report of the period; the job is its visible state. Asked
    twice, the job is the same one; a failed job is handed out again."""
    _check_period(kind, start, end)
    submitted = EReport.objects.filter(kind=kind, start=start).first()
    if submitted is not None:
        raise ApplicationError(
            _("Ce rapport est déjà transmis à la plateforme (flux %(flow)s).")
            % {"flow": submitted.flow_id}
        )
    arguments = {"kind": kind, "start": start.isoformat(), "end": end.isoformat()}
    latest = job_latest(SUBMIT_TASK, **arguments)
    if latest is not None and latest.state == Job.State.FAILED:
        return job_retry(job=latest)
    return job_enqueue(SUBMIT_TASK, **arguments)


def ereports_request_due(*, day: dt.date | None = None) -> list[Job]:
    """The jobs of the periods last ended that are not submitted yet (the beat's daily call);
    nothing for a cooperative without a platform or its registration number."""
    from purchases.services import platform_configured

    if not (platform_configured() and settings_get().platform_registration):
        return []
    jobs = []
    for kind, start, end in ereport_periods(day=day or timezone.localdate()):
        if not EReport.objects.filter(kind=kind, start=start).exists():
            jobs.append(ereport_submit_request(kind=kind, start=start, end=end))
    return jobs


@transaction.atomic
def ereport_submit(
    *, kind: str, start: dt.date, end: dt.date, connector: PlatformConnector | None = None
) -> EReport:
    """Build the period's report and hand it to the platform, once: the row recorded, or the
    platform searched by the report's `trackingId` before any upload."""
    import hashlib

    from purchases.services import platform_connector

    existing = EReport.objects.select_for_update().filter(kind=kind, start=start).first()
    if existing is not None:
        return existing
    _check_period(kind, start, end)
    xml = ereport_xml(kind=kind, start=start, end=end)
    tracking_id = f"ereport-{kind[:3]}-{start:%Y%m%d}"
    connector = connector or platform_connector()
    flow_id = connector.submit_report(
        report=OutgoingInvoice(
            tracking_id=tracking_id,
            filename=f"{tracking_id}.xml",
            content=xml,
            syntax="FRR",
            processing_rule="B2C",
        )
    )
    report: EReport = EReport.objects.create(
        cooperative_id=require_cooperative_id(),
        kind=kind,
        start=start,
        end=end,
        flow_id=flow_id[:100],
        sha256=hashlib.sha256(xml).hexdigest(),
    )
    return report


@transaction.atomic
def ereport_retry(*, kind: str, start: dt.date) -> Job:
    """Hand a failed report's job out again, as the beat would ask for it. Idempotent: a job
    already waiting or running is left as it is (a double click asks nothing more)."""
    if EReport.objects.filter(kind=kind, start=start).exists():
        raise ApplicationError(_("Ce rapport est déjà transmis à la plateforme."))
    latest = job_latest(SUBMIT_TASK, kind=kind, start=start.isoformat())
    if latest is None:
        raise ApplicationError(_("Aucune transmission de ce rapport n'a été demandée."))
    if latest.state != Job.State.FAILED:
        return latest
    return ereport_submit_request(
        kind=kind, start=start, end=dt.date.fromisoformat(latest.kwargs["end"])
    )
