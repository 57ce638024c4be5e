from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.utils import timezone

from entrepreneurs.models import Entrepreneur
from payroll.models import Absence, PayProfile, PayrollRun
from payroll.services import (
    pay_profile_set,
    payroll_run_create,
    payroll_run_start,
    payroll_settings_set,
    payslip_draft_compute,
)
from payroll.services.absences import absence_add
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.entrepreneurs import ActivityMemberFactory, EntrepreneurFactory
from tests.factories.payroll import PayslipFactory

D = Decimal
JAN = dt.date(2026, 1, 1)


@dataclass
class Payroll:
    alice: Entrepreneur
    other: Entrepreneur
    alice_profile: PayProfile


def compute_run(run_id: int) -> None:
    """What the fan-out task does, inline (the tasks themselves run on a real worker in
    test_worker.py; an eager Celery app would keep connections that break later worker tests)."""
    for entrepreneur_id in payroll_run_start(run_id=run_id):
        payslip_draft_compute(run_id=run_id, entrepreneur_id=entrepreneur_id)


@pytest.fixture
def payroll(world: World) -> Payroll:
    """Cooperative A with settings and two paid entrepreneurs (alice at 2,500 €, one at 1,900 €)."""
    with cooperative_context(world.coop_a.pk):
        payroll_settings_set(valid_from=dt.date(2026, 1, 1), headcount=30, at_rate=Decimal("1.00"))
        alice = Entrepreneur.objects.get(user=world.alice)
        other = EntrepreneurFactory.create(sector=alice.sector)
        profile = pay_profile_set(entrepreneur=alice, monthly_gross=Decimal("2500.00"))
        pay_profile_set(entrepreneur=other, monthly_gross=Decimal("1900.00"))
        # Each salary is charged to its activity in the ledger.
        for person in (alice, other):
            ActivityMemberFactory.create(entrepreneur=person, activity__sector=alice.sector)
    with cooperative_context(world.coop_b.pk):
        payroll_settings_set(valid_from=dt.date(2026, 1, 1), headcount=5, at_rate=Decimal("2.00"))
    return Payroll(alice=alice, other=other, alice_profile=profile)


def history_2025(entrepreneur: Entrepreneur) -> None:
    """Six issued payslips at 2,500 € (July to December 2025), 2.5 days of leave a month."""
    for month in range(7, 13):
        acquired = D("2.5") * (month - 6)
        PayslipFactory.create(
            run__cooperative=entrepreneur.cooperative,
            run__period=dt.date(2025, month, 1),
            entrepreneur=entrepreneur,
            gross=D("2500.00"),
            issued_at=timezone.now(),
            data={
                "leave": {
                    "acquired": str(acquired),
                    "taken": "0",
                    "remaining": str(acquired),
                    "month_acquired": "2.5",
                    "month_taken": "0",
                }
            },
        )


def absence_record(
    run: PayrollRun,
    entrepreneur: Entrepreneur,
    kind: str,
    start: dt.date,
    end: dt.date,
    subrogation: bool = False,
) -> Absence:
    return absence_add(
        run_id=run.pk,
        entrepreneur_id=entrepreneur.pk,
        kind=kind,
        start=start,
        end=end,
        subrogation=subrogation,
    )


def hired(entrepreneur: Entrepreneur, on: dt.date = dt.date(2020, 1, 1)) -> None:
    Entrepreneur.objects.filter(pk=entrepreneur.pk).update(cesa_start=on)


def january_with_leave_and_sickness(world: World, payroll: Payroll) -> PayrollRun:
    hired(payroll.alice)
    history_2025(payroll.alice)
    run = payroll_run_create(period=JAN, created_by=world.carl)
    for kind, start, end, subrogation in (
        ("paid_leave", dt.date(2026, 1, 5), dt.date(2026, 1, 7), False),
        ("sick", dt.date(2026, 1, 12), dt.date(2026, 1, 21), True),
    ):
        absence_record(run, payroll.alice, kind, start, end, subrogation=subrogation)
    compute_run(run.pk)
    return run
