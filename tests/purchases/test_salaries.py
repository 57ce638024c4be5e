"""The net salaries of a validated payroll run paid in a SEPA batch: one transfer per payslip to
pay (the latest version only), the run marked paid by payroll when the batch is sent."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import sepaxml
from django.test import Client
from lxml import etree
from rest_framework.authtoken.models import Token

from accounting.models import Entry
from entrepreneurs.models import Entrepreneur
from payroll.models import PayrollRun, Payslip
from payroll.services import payroll_run_create, payroll_run_validate, payslip_correct
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from purchases import selectors, services
from purchases.models import Payment, PaymentBatch
from tests.conftest import World, travel_to
from tests.payroll.conftest import Payroll, compute_run, payroll  # noqa: F401 (fixture)
from tests.purchases.conftest import Purchases

JAN = dt.date(2026, 1, 1)
EXECUTION = dt.date(2026, 2, 5)
XSD = Path(sepaxml.__file__).resolve().parent / "schemas" / "pain.001.001.09.xsd"


def _validated_run(world: World, p: Payroll) -> PayrollRun:
    Entrepreneur.objects.filter(pk=p.other.pk).update(iban="FR7630006000011234567890189")
    run = payroll_run_create(period=JAN, created_by=world.carl)
    compute_run(run.pk)
    payroll_run_validate(run_id=run.pk)
    run.refresh_from_db()
    return run


def _entry_lines(entry_id: int) -> list[tuple[str, Decimal, Decimal]]:
    entry = Entry.objects.get(pk=entry_id)
    return [(line.account.code, line.debit, line.credit) for line in entry.lines.order_by("pk")]


@travel_to("2026-02-02")
def test_a_batch_pays_each_net_salary_and_payroll_posts_it(
    world: World,
    purchases: Purchases,
    payroll: Payroll,  # noqa: F811 (fixture)
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = _validated_run(world, payroll)
        nets = dict(Payslip.objects.values_list("entrepreneur_id", "net_paid"))
        batch = services.payment_batch_create(
            execution_date=EXECUTION, payroll_runs=[run], user=world.carl
        )
        payments = list(batch.payments.values_list("payslip__entrepreneur_id", "amount", "iban"))
        xml = batch.file.read()
        payable_before = list(selectors.payable_runs())
        with pytest.raises(ApplicationError, match="déjà dans un lot"):
            services.payment_batch_create(execution_date=EXECUTION, payroll_runs=[run])
        services.payment_batch_mark_sent(batch=batch, user=world.carl)
        run.refresh_from_db()
        alice_slip = Payslip.objects.get(entrepreneur=payroll.alice)
        posted = Entry.objects.select_related("journal").get(
            idempotency_key=f"payslip-payment:{alice_slip.pk}"
        )
        lines = _entry_lines(posted.pk)
    etree.XMLSchema(etree.parse(str(XSD))).assertValid(etree.fromstring(xml))
    assert nets[payroll.alice.pk] == Decimal("1907.23")
    assert sorted(payments) == sorted(
        [
            (payroll.alice.pk, Decimal("1907.23"), "FR1420041010050500013M02606"),
            (payroll.other.pk, nets[payroll.other.pk], "FR7630006000011234567890189"),
        ]
    )
    assert batch.total == Decimal("1907.23") + nets[payroll.other.pk]
    assert f"<EndToEndId>SAL{alice_slip.pk}</EndToEndId>".encode() in xml
    assert payable_before == []
    assert run.status == PayrollRun.Status.PAID
    assert (posted.date, posted.journal.code) == (EXECUTION, "BQ")
    assert lines == [
        ("421", Decimal("1907.23"), Decimal("0.00")),
        ("512", Decimal("0.00"), Decimal("1907.23")),
    ]


@travel_to("2026-02-02")
def test_a_corrected_payslip_is_paid_once_at_its_latest_version(
    world: World,
    purchases: Purchases,
    payroll: Payroll,  # noqa: F811 (fixture)
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = _validated_run(world, payroll)
        original = Payslip.objects.get(entrepreneur=payroll.alice)
        correction = payslip_correct(payslip_id=original.pk, gross=Decimal("2600.00"))
        batch = services.payment_batch_create(execution_date=EXECUTION, payroll_runs=[run])
        alice_payments = list(
            Payment.objects.filter(payslip__entrepreneur=payroll.alice).values_list(
                "payslip_id", "amount"
            )
        )
        services.payment_batch_mark_sent(batch=batch)
        paid_original = Entry.objects.filter(idempotency_key=f"payslip-payment:{original.pk}")
        paid_correction = Entry.objects.filter(
            idempotency_key=f"payslip-payment:{correction.pk}"
        ).count()
    assert correction.net_paid > original.net_paid
    assert alice_payments == [(correction.pk, correction.net_paid)]
    assert (paid_original.exists(), paid_correction) == (False, 1)


def _token(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


@travel_to("2026-02-02")
def test_salaries_on_the_page_and_the_api(
    world: World,
    purchases: Purchases,
    payroll: Payroll,  # noqa: F811 (fixture)
    client: Client,
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = _validated_run(world, payroll)
    client.force_login(world.carl)
    page = client.get("/c/coop-a/purchases/payments/").content.decode()
    assert "Paie de 01/2026" in page
    carl = _token(world.carl)
    created = carl.post(
        "/api/v1/c/coop-a/purchases/payments/",
        {"execution_date": "2026-02-05", "payroll_runs": [run.pk]},
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY="salaries-01",
    )
    assert created.status_code == 201
    body = created.json()
    assert (len(body["payments"]), body["status"]) == (2, "draft")
    again = carl.post(
        "/api/v1/c/coop-a/purchases/payments/",
        {"execution_date": "2026-02-05", "payroll_runs": [run.pk]},
        content_type="application/json",
    )
    assert again.status_code == 400
    assert "introuvable ou déjà payé" in again.content.decode()
    charlie = _token(world.charlie)
    assert charlie.get("/api/v1/c/coop-a/purchases/payments/").status_code == 404
    assert (
        charlie.post(f"/api/v1/c/coop-b/purchases/payments/{body['id']}/sent/").status_code == 404
    )
    assert _token(world.alice).get("/api/v1/c/coop-a/purchases/payments/").status_code == 403
    sent = carl.post(f"/api/v1/c/coop-a/purchases/payments/{body['id']}/sent/")
    assert sent.json()["status"] == "sent"
    with cooperative_context(world.coop_a.pk):
        statuses = (PaymentBatch.objects.get().status, PayrollRun.objects.get().status)
    assert statuses == ("sent", "paid")
