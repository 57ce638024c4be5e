"""Validated payslips post balanced, idempotent entries on their activity; payment posts too."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from accounting.models import Entry, EntryLine
from entrepreneurs.models import Activity
from payroll.ledger import payslip_post
from payroll.models import PayrollRun, Payslip
from payroll.services import payroll_run_create, payroll_run_mark_paid, payroll_run_validate
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.payroll.conftest import Payroll, compute_run

JAN = dt.date(2026, 1, 1)


def _lines(entry: Entry) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (line.account.code, line.debit, line.credit)
        for line in EntryLine.objects.filter(entry=entry).select_related("account").order_by("pk")
    ]


def test_validation_posts_each_payslip_on_its_activity(world: World, payroll: Payroll) -> None:
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=JAN, created_by=world.carl)
        compute_run(run.pk)
        payroll_run_validate(run_id=run.pk)
        alice_slip = Payslip.objects.get(entrepreneur=payroll.alice)
        entry = Entry.objects.get(idempotency_key=f"payslip:{alice_slip.pk}")
        activity = Activity.objects.get(members__entrepreneur=payroll.alice)
        lines = _lines(entry)
        activities = set(
            EntryLine.objects.filter(entry=entry).values_list("activity_id", flat=True)
        )
        # Posting again (a retried validation) gives the same entry.
        assert payslip_post(payslip=alice_slip).pk == entry.pk
        assert Entry.objects.filter(journal__code="PAIE").count() == 2
        payroll_run_mark_paid(run_id=run.pk)
        payment = Entry.objects.get(idempotency_key=f"payslip-payment:{alice_slip.pk}")
        payment_lines = _lines(payment)
        journal = entry.journal.code
    # 2 500 € gross at 30 staff and 1 % AT: net paid 1 978.99 (no PAS rate: neutral grid 0 %),
    # employer cost 3 126.90.
    employer = alice_slip.employer_cost - alice_slip.gross
    assert (entry.date, journal) == (dt.date(2026, 1, 31), "PAIE")
    assert lines == [
        ("6411", Decimal("2500.00"), Decimal("0.00")),
        ("6451", employer, Decimal("0.00")),
        ("421", Decimal("0.00"), alice_slip.net_paid),
        ("431", Decimal("0.00"), alice_slip.employer_cost - alice_slip.net_before_tax),
    ] + (
        [("4421", Decimal("0.00"), alice_slip.net_before_tax - alice_slip.net_paid)]
        if alice_slip.net_before_tax != alice_slip.net_paid
        else []
    )
    assert (
        sum(d for _c, d, _cr in lines) == sum(c for _c, _d, c in lines) == alice_slip.employer_cost
    )
    assert activities == {activity.pk}
    assert payment_lines == [
        ("421", alice_slip.net_paid, Decimal("0.00")),
        ("512", Decimal("0.00"), alice_slip.net_paid),
    ]


def test_a_payslip_without_activity_blocks_validation_and_changes_nothing(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        Activity.objects.filter(members__entrepreneur=payroll.other).delete()
        run = payroll_run_create(period=JAN, created_by=world.carl)
        compute_run(run.pk)
        with pytest.raises(ApplicationError, match="n'a pas d'activité"):
            payroll_run_validate(run_id=run.pk)
        run.refresh_from_db()
        assert run.status == PayrollRun.Status.COMPUTED
        assert not Payslip.objects.filter(issued_at__isnull=False).exists()
        assert not Entry.objects.filter(journal__code="PAIE").exists()
