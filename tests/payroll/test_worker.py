"""The run's fan-out on a real Celery worker and Redis: one task per entrepreneur."""

from __future__ import annotations

import datetime as dt
import time

import pytest

from payroll.models import PayrollRun, Payslip
from payroll.services import payroll_run_create
from payroll.tasks import payroll_run_compute_task
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.payroll.conftest import Payroll


@pytest.mark.celery_worker
def test_a_real_worker_computes_the_run(world: World, payroll: Payroll, worker: None) -> None:
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=dt.date(2026, 1, 1), created_by=world.carl)
    assert (
        payroll_run_compute_task.delay(cooperative_id=world.coop_a.pk, run_id=run.pk).get(
            timeout=30
        )
        == 2
    )
    deadline = time.monotonic() + 30
    while True:
        with cooperative_context(world.coop_a.pk):
            run.refresh_from_db()
            nets = sorted(Payslip.objects.values_list("net_before_tax", flat=True))
        if run.status == PayrollRun.Status.COMPUTED or time.monotonic() > deadline:
            break
        time.sleep(0.2)
    assert run.status == PayrollRun.Status.COMPUTED
    assert [str(net) for net in nets] == ["1504.03", "1978.99"]
    with cooperative_context(world.coop_b.pk):
        assert not Payslip.objects.exists()
