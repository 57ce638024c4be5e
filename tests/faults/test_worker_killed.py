"""A real Celery worker process killed with SIGKILL in the middle of a payroll run, then in the
middle of the payslip PDFs, then started again: every payslip and every PDF exists exactly once.

The worker is a separate `celery worker` process on this test's database and Redis, as in
production; the sweeper is called as Celery beat would call it, a quarter of an hour later."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from entrepreneurs.models import Entrepreneur
from payroll.models import PayrollRun, Payslip
from payroll.selectors import payroll_run_list
from payroll.services import pay_profile_set, payroll_run_create, payroll_settings_set
from perspectives.tenancy import jobs
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job
from tests.conftest import World
from tests.factories.entrepreneurs import ActivityMemberFactory, EntrepreneurFactory
from tests.faults.conftest import WorkerProcess, wait_for

pytestmark = [pytest.mark.faults, pytest.mark.celery_worker]

PEOPLE = 24


def _run(world: World, run_id: int) -> Any:  # annotated with the progress counts
    with cooperative_context(world.coop_a.pk):
        return payroll_run_list().get(pk=run_id)


def _sweep(world: World) -> jobs.SweepReport:
    """Beat's sweep, a minute later each time (beat runs it every minute): it asks the workers
    what they hold and the broker whether messages wait."""
    jobs.broker_available_again()
    held = jobs.held_job_ids()
    queue_empty = jobs.broker_queue_empty() if held is not None else None
    later = timezone.now() + dt.timedelta(minutes=1, seconds=1)
    return jobs.jobs_sweep(
        cooperative_id=world.coop_a.pk, now=later, held=held, queue_empty=queue_empty
    )


def _swept_until(world: World, predicate: Callable[[], bool]) -> Callable[[], bool]:
    """`predicate`, with a sweep before each look, as beat would sweep while people wait."""

    def check() -> bool:
        if predicate():
            return True
        assert _sweep(world).abandoned == 0
        return predicate()

    return check


def test_a_worker_killed_during_a_run_and_its_pdfs_loses_nothing_and_doubles_nothing(
    world: World, worker_process: WorkerProcess, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        payroll_settings_set(valid_from=dt.date(2026, 1, 1), headcount=40, at_rate=Decimal("1"))
        sector = Entrepreneur.objects.get(user=world.alice).sector
        for n in range(PEOPLE):
            person = EntrepreneurFactory.create(sector=sector)
            pay_profile_set(entrepreneur=person, monthly_gross=Decimal(1900 + 10 * n))
            ActivityMemberFactory.create(entrepreneur=person, activity__sector=sector)
        run = payroll_run_create(period=dt.date(2026, 1, 1), created_by=world.carl)
    client.force_login(world.carl)
    action = f"/c/coop-a/payroll/runs/{run.pk}/action/"

    def describe() -> object:
        run_now = _run(world, run.pk)
        with cooperative_context(world.coop_a.pk):
            unfinished = list(
                Job.objects.exclude(state=Job.State.DONE).values_list(
                    "task",
                    "kwargs",
                    "state",
                    "attempts",
                    "sent_at",
                    "received_at",
                    "started_at",
                    "error",
                )
            )
        held, empty = jobs.held_job_ids(), jobs.broker_queue_empty()
        return (run_now.status, run_now.computed, run_now.pdf_ready, held, empty, unfinished)

    # 1. Computing: killed once a few drafts are in, started again.
    worker_process.start()
    assert client.post(action, {"action": "compute"}).status_code == 302
    wait_for(lambda: _run(world, run.pk).computed >= 4, seconds=120)
    worker_process.kill()
    killed_at = _run(world, run.pk).computed
    assert killed_at < PEOPLE, "the worker finished before it could be killed"
    worker_process.start()
    wait_for(
        _swept_until(world, lambda: _run(world, run.pk).status == PayrollRun.Status.COMPUTED),
        seconds=180,
        describe=describe,
    )

    # 2. Validation, then the PDFs: killed once a few PDFs are rendered, started again.
    assert client.post(action, {"action": "validate"}).status_code == 302
    wait_for(lambda: _run(world, run.pk).pdf_ready >= 3, seconds=180, describe=describe)
    worker_process.kill()
    assert _run(world, run.pk).pdf_ready < PEOPLE, "every PDF was rendered before the kill"
    worker_process.start()
    wait_for(
        _swept_until(world, lambda: _run(world, run.pk).pdf_ready == PEOPLE),
        seconds=240,
        describe=describe,
    )

    done = _run(world, run.pk)
    assert (done.status, done.expected, done.computed, done.issued) == (
        "validated",
        PEOPLE,
        PEOPLE,
        PEOPLE,
    )
    with cooperative_context(world.coop_a.pk):
        payslips = list(Payslip.objects.values_list("entrepreneur_id", "pdf"))
        unfinished = Job.objects.exclude(state=Job.State.DONE).count()
    assert len(payslips) == len({person for person, _pdf in payslips}) == PEOPLE
    folder = Path(settings.MEDIA_ROOT) / f"cooperatives/{world.coop_a.pk}/payslips"
    files = sorted(path.relative_to(settings.MEDIA_ROOT).as_posix() for path in folder.iterdir())
    assert files == sorted(pdf for _person, pdf in payslips)  # one file each, no orphan
    assert all((Path(settings.MEDIA_ROOT) / name).read_bytes()[:5] == b"%PDF-" for name in files)
    assert unfinished == 0
    print(f"\nworker killed after {killed_at}/{PEOPLE} drafts, then during the PDFs")  # noqa: T201
