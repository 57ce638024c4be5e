"""E-reporting (flux 10) of the sales to private persons: transactions per day, category and
VAT rate (10.3), payments of services taxed on receipt per day and rate (10.4), under the
DGFiP's official XSD and schematron."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from perspectives.core.exceptions import ApplicationError
from perspectives.core.secrets import encrypt
from perspectives.tenancy.jobs import JOB_KWARG
from purchases.models import PurchaseSettings
from sales import services
from sales import tasks as sales_tasks
from sales.models import Customer, Document, EReport, OperationCategory, SalesSettings
from sales.services import LineData
from sales.services.ereporting import (
    PAYMENTS,
    TRANSACTIONS,
    RateAmounts,
    b2c_payments,
    b2c_transactions,
    ereport_periods,
    ereport_submit_request,
    ereport_xml,
    ereports_request_due,
)
from tests.conftest import travel_to
from tests.helpers.fake_platform import fake_platform
from tests.sales.conftest import DAY, Sales
from tests.sales.schematron import schematron_flux10

D = Decimal
NEXT = DAY + dt.timedelta(days=1)


def _b2c(sales: Sales) -> dict[str, Document]:
    sales.cooperative.siren = "732829320"
    sales.cooperative.save()
    SalesSettings.objects.update(platform_registration="0042", platform_name="Plateforme Test")
    person = services.customer_create(
        activity=sales.activity,
        kind=Customer.Kind.INDIVIDUAL,
        name="Léa Martin",
        address_line="1 rue Neuve",
        postal_code="66000",
        city="Perpignan",
    )
    lesson = services.invoice_validate(
        document=sales.invoice(
            customer=person, lines=[LineData("Cours", quantity=2, unit_price="50.00")]
        ),
        date=DAY,
        render=False,
    )
    book = services.invoice_validate(
        document=sales.invoice(
            customer=person,
            category=OperationCategory.GOODS,
            lines=[LineData("Livre", unit_price="20.00", vat_rate="5.50")],
        ),
        date=DAY,
        render=False,
    )
    company = sales.validated_invoice()
    workshop = services.invoice_validate(
        document=sales.invoice(
            customer=person,
            lines=[
                LineData("Atelier", unit_price="100.00"),
                LineData("Repas", unit_price="100.00", vat_rate="10.00"),
            ],
        ),
        date=NEXT,
        render=False,
    )
    credit = services.invoice_validate(
        document=services.credit_note_create(
            invoice=lesson, lines=[LineData("Cours annulé", unit_price="50.00")]
        ),
        date=NEXT,
        render=False,
    )
    return {
        "lesson": lesson,
        "book": book,
        "company": company,
        "workshop": workshop,
        "credit": credit,
    }


def test_b2c_transactions_per_day_category_and_rate(sales: Sales) -> None:
    _b2c(sales)

    groups = b2c_transactions(start=DAY, end=NEXT)

    assert [(g.day, g.category, g.count, g.taxable, g.vat, dict(g.rates)) for g in groups] == [
        (DAY, "TLB1", 1, D("20.00"), D("1.10"), {D("5.50"): RateAmounts(D("20.00"), D("1.10"))}),
        (
            DAY,
            "TPS1",
            1,
            D("100.00"),
            D("20.00"),
            {D("20.00"): RateAmounts(D("100.00"), D("20.00"))},
        ),
        (
            NEXT,
            "TPS1",
            2,
            D("150.00"),
            D("20.00"),
            {
                D("20.00"): RateAmounts(D("50.00"), D("10.00")),
                D("10.00"): RateAmounts(D("100.00"), D("10.00")),
            },
        ),
    ]
    assert b2c_transactions(start=DAY, end=DAY)[1].count == 1


def test_b2c_payments_of_services_on_receipts_per_day_and_rate(sales: Sales) -> None:
    documents = _b2c(sales)
    services.payment_record(invoice=documents["workshop"], amount="115.00", date=NEXT)
    services.payment_record(invoice=documents["book"], amount="21.10", date=NEXT)
    services.payment_record(invoice=documents["company"], amount="100.00", date=NEXT)
    services.payment_record(invoice=documents["lesson"], amount="60.00", date=NEXT)

    days = b2c_payments(start=DAY, end=NEXT)

    # 115.00 over 120.00 at 20 % and 110.00 at 10 %: 55.00 at 10 %, the rest at 20 %.
    assert days == [(NEXT, {D("10.00"): D("55.00"), D("20.00"): D("120.00")})]


def test_the_reports_pass_the_official_xsd_and_schematron(sales: Sales) -> None:
    documents = _b2c(sales)
    services.payment_record(invoice=documents["workshop"], amount="115.00", date=NEXT)

    transactions = ereport_xml(kind=TRANSACTIONS, start=DAY, end=NEXT)
    payments = ereport_xml(kind=PAYMENTS, start=DAY, end=NEXT)

    for xml in (transactions, payments):
        report = schematron_flux10(xml)
        assert report["failed"] == []
    tree = etree.fromstring(transactions)
    assert tree.findtext("ReportDocument/Id") == "732829320-TRA-20260310"
    assert tree.findtext("ReportDocument/Sender/Id") == "0042"
    assert tree.findtext("ReportDocument/Issuer/Id") == "732829320"
    assert [
        (
            node.findtext("Date"),
            node.findtext("CategoryCode"),
            node.findtext("TaxExclusiveAmount"),
            node.findtext("TaxTotal"),
        )
        for node in tree.iterfind("TransactionsReport/Transactions")
    ] == [
        ("20260310", "TLB1", "20.00", "1.10"),
        ("20260310", "TPS1", "100.00", "20.00"),
        ("20260311", "TPS1", "150.00", "20.00"),
    ]
    tree = etree.fromstring(payments)
    assert [
        (node.findtext("TaxPercent"), node.findtext("Amount"))
        for node in tree.iterfind("PaymentsReport/Transactions/Payment/SubTotals")
    ] == [("20.00", "60.00"), ("10.00", "55.00")]


def test_no_report_without_the_platform_registration(sales: Sales) -> None:
    with pytest.raises(ApplicationError, match="immatriculation de sa plateforme"):
        ereport_xml(kind=TRANSACTIONS, start=DAY, end=NEXT)


def test_the_period_last_ended_per_kind() -> None:
    assert ereport_periods(day=dt.date(2026, 10, 5)) == [
        ("transactions", dt.date(2026, 9, 21), dt.date(2026, 9, 30)),
        ("payments", dt.date(2026, 9, 1), dt.date(2026, 9, 30)),
    ]
    assert ereport_periods(day=dt.date(2026, 10, 11))[0] == (
        "transactions",
        dt.date(2026, 10, 1),
        dt.date(2026, 10, 10),
    )
    assert ereport_periods(day=dt.date(2026, 10, 31))[0] == (
        "transactions",
        dt.date(2026, 10, 11),
        dt.date(2026, 10, 20),
    )


def test_a_job_submits_each_period_once_to_the_platform(sales: Sales) -> None:
    documents = _b2c(sales)
    services.payment_record(invoice=documents["workshop"], amount="115.00", date=NEXT)
    with fake_platform() as platform:
        PurchaseSettings.objects.update_or_create(
            cooperative=sales.cooperative,
            defaults={"platform_url": platform.flow_url, "platform_token": encrypt(platform.token)},
        )
        with travel_to("2026-04-02T06:10"):
            jobs = ereports_request_due()
            again = ereports_request_due()
            for job in jobs:
                task = getattr(sales_tasks, job.task.rsplit(".", 1)[-1])
                task.apply(
                    kwargs={**job.kwargs, "cooperative_id": job.cooperative_id, JOB_KWARG: job.pk}
                )
                job.refresh_from_db()
            with pytest.raises(ApplicationError, match="déjà transmis"):
                ereport_submit_request(
                    kind=TRANSACTIONS, start=dt.date(2026, 3, 21), end=dt.date(2026, 3, 31)
                )
            with pytest.raises(ApplicationError, match="période achevée"):
                ereport_submit_request(
                    kind=PAYMENTS, start=dt.date(2026, 4, 1), end=dt.date(2026, 4, 30)
                )
            assert ereports_request_due() == []
    assert [(job.kwargs, job.state) for job in jobs] == [
        ({"kind": "transactions", "start": "2026-03-21", "end": "2026-03-31"}, "done"),
        ({"kind": "payments", "start": "2026-03-01", "end": "2026-03-31"}, "done"),
    ]
    assert [job.pk for job in again] == [job.pk for job in jobs]
    assert list(
        EReport.objects.order_by("kind").values_list("kind", "start", "end", "flow_id")
    ) == [
        ("payments", dt.date(2026, 3, 1), dt.date(2026, 3, 31), "out-2"),
        ("transactions", dt.date(2026, 3, 21), dt.date(2026, 3, 31), "out-1"),
    ]
    transactions, payments = platform.reports
    # The décade of 21–31 March holds nothing: a report of no transactions.
    assert transactions.findall("TransactionsReport/Transactions") == []
    assert [
        (node.findtext("Payment/Date"), [s.findtext("Amount") for s in node.iter("SubTotals")])
        for node in payments.iterfind("PaymentsReport/Transactions")
    ] == [("20260311", ["60.00", "55.00"])]
    assert [(f.flow_type, f.tracking_id, f.processing_rule) for f in platform.flows] == [
        ("AggregatedCustomerTransactionReport", "ereport-tra-20260321", "B2C"),
        ("AggregatedCustomerPaymentReport", "ereport-pay-20260301", "B2C"),
    ]


def test_a_cooperative_without_a_platform_reports_nothing(sales: Sales) -> None:
    _b2c(sales)

    assert ereports_request_due(day=dt.date(2026, 4, 2)) == []
    assert EReport.objects.count() == 0
