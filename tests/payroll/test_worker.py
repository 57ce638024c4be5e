"""The run's fan-out on a real Celery worker and Redis: one task per entrepreneur."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.test import Client

from accounting.models import Period
from accounting.services import fiscal_year_ensure
from payroll.models import PayrollRun, Payslip
from payroll.selectors import payroll_run_list
from payroll.services import (
    payroll_run_create,
    payroll_run_start,
    payroll_run_validate_finish,
    payroll_run_validate_request,
    payslip_draft_compute,
)
from payroll.tasks import payroll_run_compute_task
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job
from tests.conftest import World
from tests.payroll.conftest import Payroll, compute_run


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


def _run(world: World, run_id: int) -> Any:  # annotated with the progress counts
    with cooperative_context(world.coop_a.pk):
        return payroll_run_list().get(pk=run_id)


def _wait_until(world: World, run_id: int, predicate: Callable[[Any], bool]) -> Any:
    deadline = time.monotonic() + 60
    while not predicate(run := _run(world, run_id)):
        assert time.monotonic() < deadline, f"timed out at {run.status}"
        time.sleep(0.2)
    return run


@pytest.mark.celery_worker
def test_the_run_page_hands_computing_validation_and_pdfs_to_a_real_worker(
    world: World, payroll: Payroll, worker: None, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=dt.date(2026, 1, 1), created_by=world.carl)
    client.force_login(world.carl)
    action = f"/c/coop-a/payroll/runs/{run.pk}/action/"
    assert client.post(action, {"action": "compute"}).status_code == 302
    computed = _wait_until(world, run.pk, lambda r: r.status == PayrollRun.Status.COMPUTED)
    assert (computed.expected, computed.computed) == (2, 2)

    assert client.post(action, {"action": "validate"}).status_code == 302
    page = client.get(f"/c/coop-a/payroll/runs/{run.pk}/").text
    assert "Validation en cours" in page or "PDF des bulletins prêts" in page
    done = _wait_until(world, run.pk, lambda r: r.issued == 2 and r.pdf_ready == 2)
    assert done.status == PayrollRun.Status.VALIDATED
    with cooperative_context(world.coop_a.pk):
        states = sorted(Job.objects.values_list("task", "state", "attempts"))
    assert states == [
        ("payroll.tasks.payroll_run_compute_task", "done", 1),
        ("payroll.tasks.payroll_run_validate_task", "done", 1),
        ("payroll.tasks.payslip_compute_task", "done", 1),
        ("payroll.tasks.payslip_compute_task", "done", 1),
        ("payroll.tasks.payslip_pdf_render_task", "done", 1),
        ("payroll.tasks.payslip_pdf_render_task", "done", 1),
    ]
    page = client.get(f"/c/coop-a/payroll/runs/{run.pk}/").text
    assert "PDF des bulletins prêts : 2 / 2" in page
    assert "Redemander les PDF manquants" not in page


def test_a_recomputation_is_not_done_while_its_drafts_wait(world: World, payroll: Payroll) -> None:
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=dt.date(2026, 1, 1), created_by=world.carl)
        compute_run(run.pk)
        assert (_run(world, run.pk).status, _run(world, run.pk).computed) == ("computed", 2)
        ids = payroll_run_start(run_id=run.pk)  # recomputation asked: its tasks wait
        waiting = _run(world, run.pk)
        assert (waiting.status, waiting.expected, waiting.computed) == ("computing", 2, 0)
        payslip_draft_compute(run_id=run.pk, entrepreneur_id=ids[0])
        half = _run(world, run.pk)
        assert (half.status, half.computed) == ("computing", 1)
        payslip_draft_compute(run_id=run.pk, entrepreneur_id=ids[1])
        done = _run(world, run.pk)
    assert (done.status, done.computed) == ("computed", 2)


def test_a_validation_the_ledger_refuses_puts_the_run_back_with_its_reason(
    world: World, payroll: Payroll, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=dt.date(2026, 1, 1), created_by=world.carl)
        compute_run(run.pk)
        payroll_run_validate_request(run_id=run.pk)
        assert payroll_run_list().get(pk=run.pk).status == "validating"
        # The ledger refuses: January is locked meanwhile.
        fiscal_year_ensure(day=dt.date(2026, 1, 31))
        assert Period.objects.filter(start_date=dt.date(2026, 1, 1)).update(lock="hard") == 1
        assert payroll_run_validate_finish(run_id=run.pk) == []
        back = payroll_run_list().get(pk=run.pk)
        issued = Payslip.objects.filter(issued_at__isnull=False).count()
    assert (back.status, issued) == ("computed", 0)
    assert back.validation_error != ""
    client.force_login(world.carl)
    page = client.get(f"/c/coop-a/payroll/runs/{run.pk}/").text
    assert "La validation a été refusée" in page
