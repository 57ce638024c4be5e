"""Jobs: work handed to the workers is recorded in PostgreSQL first, so nothing is lost."""

from __future__ import annotations

import datetime as dt
import time
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone
from kombu.exceptions import OperationalError

from entrepreneurs.models import Sector
from perspectives.celery import app as celery_app
from perspectives.tenancy import jobs
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job
from perspectives.tenancy.tasks import TenantTask
from tests.conftest import World


@celery_app.task(base=TenantTask, name="tests.sector_create", time_limit=30)
def sector_create(*, cooperative_id: int, name: str) -> int:
    """Idempotent, as every task must be: the sector is created once."""
    sector, _created = Sector.objects.get_or_create(cooperative_id=cooperative_id, name=name)
    return sector.pk


def _jobs(world: World) -> list[tuple[str, dict[str, Any], int]]:
    with cooperative_context(world.coop_a.pk):
        return list(Job.objects.order_by("pk").values_list("state", "kwargs", "attempts"))


def _sectors(world: World) -> list[str]:
    with cooperative_context(world.coop_a.pk):
        return sorted(Sector.objects.values_list("name", flat=True))


def _wait_for(predicate: Any, seconds: float = 20) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        if time.monotonic() > deadline:
            raise AssertionError("timed out")
        time.sleep(0.1)


@pytest.fixture
def broker_down(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The broker refuses every message (as Redis stopped does); the names asked are kept."""
    asked: list[str] = []

    def refuse(name: str, *args: Any, **kwargs: Any) -> None:
        asked.append(name)
        raise OperationalError("Error 111 connecting to 127.0.0.1:6379. Connection refused.")

    monkeypatch.setattr(celery_app, "send_task", refuse)
    monkeypatch.setattr(jobs, "_broker_down_until", 0.0)
    return asked


def test_the_same_work_asked_twice_while_pending_is_one_job(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        first = jobs.job_enqueue(sector_create, name="Bâtiment")
        second = jobs.job_enqueue(sector_create, name="Bâtiment")
        other = jobs.job_enqueue(sector_create, name="Jardins")
    assert first.pk == second.pk != other.pk
    assert _jobs(world) == [
        ("pending", {"name": "Bâtiment"}, 0),
        ("pending", {"name": "Jardins"}, 0),
    ]


def test_a_job_belongs_to_the_active_cooperative_only(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        job = jobs.job_enqueue(sector_create, name="Bâtiment")
        with pytest.raises(ValueError, match="active cooperative"):
            jobs.job_enqueue(sector_create, cooperative_id=world.coop_b.pk, name="X")
    with cooperative_context(world.coop_b.pk):
        assert not Job.objects.filter(pk=job.pk).exists()
    later = timezone.now() + dt.timedelta(hours=2)
    assert jobs.jobs_sweep(cooperative_id=world.coop_b.pk, now=later) == jobs.SweepReport()


@pytest.mark.celery_worker
def test_a_job_asked_while_the_broker_is_down_runs_once_it_is_back(
    world: World, worker: None, broker_down: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    with cooperative_context(world.coop_a.pk):
        jobs.job_enqueue(sector_create, name="Bâtiment")
    # Committed: the broker was tried once, refused, and the request went on.
    assert broker_down == ["tests.sector_create"]
    assert _jobs(world) == [("pending", {"name": "Bâtiment"}, 0)]
    with cooperative_context(world.coop_a.pk):
        jobs.job_enqueue(sector_create, name="Jardins")
    assert broker_down == ["tests.sector_create"]  # paused: not tried again at once

    monkeypatch.undo()  # the broker is back
    later = timezone.now() + dt.timedelta(seconds=30)
    jobs.broker_available_again()
    assert jobs.jobs_sweep(cooperative_id=world.coop_a.pk, now=later) == jobs.SweepReport(sent=2)
    _wait_for(lambda: [state for state, *_ in _jobs(world)] == ["done", "done"])
    assert _sectors(world) == ["Bâtiment", "Communication", "Jardins"]
    assert [attempts for *_, attempts in _jobs(world)] == [1, 1]


@pytest.mark.celery_worker
def test_a_job_whose_worker_died_is_handed_out_again_then_given_up(
    world: World, worker: None
) -> None:
    # As left by a worker killed while running it: running, never done.
    with cooperative_context(world.coop_a.pk):
        job = Job.objects.create(
            cooperative_id=world.coop_a.pk,
            task="tests.sector_create",
            kwargs={"name": "Bâtiment"},
            state=Job.State.RUNNING,
            attempts=1,
            started_at=timezone.now(),
            sent_at=timezone.now(),
        )
    # Within its time limit (30 s + the grace): still presumed running.
    soon, later = (timezone.now() + dt.timedelta(seconds=s) for s in (60, 120))
    assert jobs.jobs_sweep(cooperative_id=world.coop_a.pk, now=soon) == jobs.SweepReport()
    assert jobs.jobs_sweep(cooperative_id=world.coop_a.pk, now=later) == jobs.SweepReport(resent=1)
    _wait_for(lambda: _jobs(world)[0][0] == "done")
    assert _jobs(world) == [("done", {"name": "Bâtiment"}, 2)]
    assert _sectors(world) == ["Bâtiment", "Communication"]

    with cooperative_context(world.coop_a.pk):
        Job.objects.filter(pk=job.pk).update(state=Job.State.RUNNING, attempts=5)
    hour = timezone.now() + dt.timedelta(hours=1)
    assert jobs.jobs_sweep(cooperative_id=world.coop_a.pk, now=hour) == jobs.SweepReport(
        abandoned=1
    )
    with cooperative_context(world.coop_a.pk):
        job.refresh_from_db()
    assert (job.state, job.error) == (
        "failed",
        "Abandonné après 5 tentatives sans réponse du worker.",
    )


@pytest.mark.celery_worker
def test_a_failed_job_is_shown_and_tried_again_from_the_page(
    world: World, worker: None, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        job = Job.objects.create(
            cooperative_id=world.coop_a.pk,
            task="tests.sector_create",
            kwargs={"name": "Bâtiment"},
            state=Job.State.FAILED,
            attempts=1,
            error="OSError: disque plein",
        )
    client.force_login(world.carl)
    page = client.get("/c/coop-a/jobs/")
    assert page.status_code == 200
    assert "OSError: disque plein" in page.text
    assert f'action="/c/coop-a/jobs/{job.pk}/retry/"' in page.text
    response = client.post(f"/c/coop-a/jobs/{job.pk}/retry/")
    assert response.status_code == 302
    _wait_for(lambda: _jobs(world)[0][0] == "done")
    assert _sectors(world) == ["Bâtiment", "Communication"]
    api = client.get("/api/v1/c/coop-a/jobs/").json()
    assert [(row["state"], row["attempts"], row["error"]) for row in api] == [("done", 1, "")]


def test_jobs_pages_and_api_are_for_staff_of_their_cooperative(
    world: World, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        job = Job.objects.create(
            cooperative_id=world.coop_a.pk,
            task="tests.sector_create",
            kwargs={"name": "Bâtiment"},
            state=Job.State.FAILED,
        )
    client.force_login(world.alice)  # an entrepreneur
    assert client.get("/c/coop-a/jobs/").status_code == 403
    assert client.get("/api/v1/c/coop-a/jobs/").status_code == 403
    client.force_login(world.charlie)  # another cooperative's manager
    assert client.get("/c/coop-a/jobs/").status_code == 404
    assert client.post(f"/c/coop-b/jobs/{job.pk}/retry/").status_code == 404
    assert client.post(f"/api/v1/c/coop-b/jobs/{job.pk}/retry/").status_code == 404
    assert client.get("/c/coop-b/jobs/").status_code == 200
    assert "Bâtiment" not in client.get("/api/v1/c/coop-b/jobs/").text
    assert _jobs(world) == [("failed", {"name": "Bâtiment"}, 0)]


def test_housekeeping_deletes_old_done_jobs_and_form_tokens_of_its_cooperative_only(
    world: World,
) -> None:
    from perspectives.tenancy.models import IdempotencyRecord
    from perspectives.tenancy.tasks import housekeeping_task

    long_ago = timezone.now() - dt.timedelta(days=31)
    for cooperative in (world.coop_a, world.coop_b):
        with cooperative_context(cooperative.pk):
            for state, finished in (
                ("done", long_ago),
                ("done", timezone.now()),
                ("failed", long_ago),
            ):
                Job.objects.create(
                    cooperative=cooperative,
                    task="tests.sector_create",
                    kwargs={"state": state, "at": finished.isoformat()},
                    state=state,
                    finished_at=finished,
                )
            record = IdempotencyRecord.objects.create(
                cooperative=cooperative, user=world.carl, key="k", path="/p/"
            )
            IdempotencyRecord.objects.filter(pk=record.pk).update(
                created_at=timezone.now() - dt.timedelta(days=8)
            )
            IdempotencyRecord.objects.create(
                cooperative=cooperative, user=world.carl, key="fresh", path="/p/"
            )
    assert housekeeping_task(cooperative_id=world.coop_a.pk) == 2
    for cooperative, jobs_left, tokens_left in (
        (world.coop_a, ["done", "failed"], ["fresh"]),
        (world.coop_b, ["done", "done", "failed"], ["fresh", "k"]),
    ):
        with cooperative_context(cooperative.pk):
            assert sorted(Job.objects.values_list("state", flat=True)) == jobs_left
            assert sorted(IdempotencyRecord.objects.values_list("key", flat=True)) == tokens_left
