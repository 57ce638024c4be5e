from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pytest

from entrepreneurs.models import Entrepreneur
from payroll.models import PayProfile
from payroll.services import (
    pay_profile_set,
    payroll_run_start,
    payroll_settings_set,
    payslip_draft_compute,
)
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.entrepreneurs import ActivityMemberFactory, EntrepreneurFactory


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
