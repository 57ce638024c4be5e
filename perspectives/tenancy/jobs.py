"""Handing work to a Celery worker without losing it: the job is a PostgreSQL row first.

`job_enqueue(task, cooperative_id=…, …)` writes the job in the caller's transaction and, once it
commits, gives it to the broker. When the broker cannot take it (Redis down), the request goes on
and the job stays pending; `jobs_sweep` (Celery beat, every minute) hands it out when the broker
is back, and hands out again the jobs whose worker died (running past their time limit). The
task marks its job done in the transaction of its work (see `TenantTask`), so a job delivered
twice runs once.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
from dataclasses import dataclass
from functools import partial
from typing import Any

from celery import Task, current_app
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from perspectives.tenancy.context import cooperative_context, require_cooperative_id
from perspectives.tenancy.models import Cooperative, Job

logger = logging.getLogger(__name__)

# The keyword a job's id travels under in the task message; TenantTask takes it out.
JOB_KWARG = "_job"
ERROR_LENGTH = 2000

# After a failed publish, the broker is not tried again by requests for this long: the next
# requests answer at once and leave their jobs to the sweeper.
_BROKER_PAUSE_SECONDS = 30.0
_broker_down_until = 0.0


@dataclass(frozen=True)
class SweepReport:
    sent: int = 0
    resent: int = 0
    abandoned: int = 0


def job_enqueue(task: Task | str, /, **kwargs: Any) -> Job:
    """Record `task(**kwargs)` for the active cooperative and send it once the transaction
    commits. The same work already pending is not recorded twice (that job is returned)."""
    cooperative_id = require_cooperative_id()
    if kwargs.pop("cooperative_id", cooperative_id) != cooperative_id:
        raise ValueError("A job runs in the active cooperative only.")
    name = task if isinstance(task, str) else task.name
    job = _job_insert(cooperative_id=cooperative_id, name=name, kwargs=kwargs)
    if job.state == Job.State.PENDING and job.sent_at is None:
        transaction.on_commit(partial(_dispatch_committed, job.pk, cooperative_id), robust=True)
    return job


def _job_insert(*, cooperative_id: int, name: str, kwargs: dict[str, Any]) -> Job:
    with transaction.atomic():
        created = Job.objects.bulk_create(
            [Job(cooperative_id=cooperative_id, task=name, kwargs=kwargs)],
            ignore_conflicts=True,
        )
        if created[0].pk is not None:
            return created[0]
        # ignore_conflicts does not return the row: find the pending job that was already there.
        return Job.objects.get(task=name, kwargs=kwargs, state=Job.State.PENDING)


def _dispatch_committed(job_id: int, cooperative_id: int) -> None:
    with cooperative_context(cooperative_id):
        job = Job.objects.filter(pk=job_id).first()
        if job is not None:
            _dispatch(job)


def _broker_paused() -> bool:
    return time.monotonic() < _broker_down_until


def _dispatch(job: Job) -> bool:
    """Give `job` to the broker; False (and nothing raised) when the broker does not take it."""
    global _broker_down_until
    if _broker_paused():
        return False
    kwargs = {**job.kwargs, "cooperative_id": job.cooperative_id, JOB_KWARG: job.pk}
    try:
        current_app.send_task(job.task, kwargs=kwargs)
    except Exception as error:  # kombu and redis raise several kinds of connection errors
        _broker_down_until = time.monotonic() + _BROKER_PAUSE_SECONDS
        logger.warning("broker unavailable, job %s left for the sweeper: %s", job.pk, error)
        return False
    Job.objects.filter(pk=job.pk).update(sent_at=timezone.now())
    return True


def broker_available_again() -> None:
    """Forget a recent broker failure (the sweeper calls it: beat itself reached the broker)."""
    global _broker_down_until
    _broker_down_until = 0.0


def job_started(job_id: int) -> bool:
    """Mark the job running, in its own transaction, so that a worker's death shows. False when
    the job is already done: a second delivery then does nothing."""
    with transaction.atomic():
        updated = (
            Job.objects.filter(pk=job_id)
            .exclude(state=Job.State.DONE)
            .update(state=Job.State.RUNNING, started_at=timezone.now(), attempts=F("attempts") + 1)
        )
        return bool(updated) or not Job.objects.filter(pk=job_id).exists()


def job_done(job_id: int) -> None:
    """Mark the job done; called inside the transaction of the task's work."""
    Job.objects.filter(pk=job_id).update(state=Job.State.DONE, finished_at=timezone.now(), error="")


def job_failed(job_id: int, error: str) -> None:
    with transaction.atomic():
        Job.objects.filter(pk=job_id).exclude(state=Job.State.DONE).update(
            state=Job.State.FAILED, finished_at=timezone.now(), error=error[:ERROR_LENGTH]
        )


def job_retry(*, job: Job) -> Job:
    """Hand a failed job out again (asked for from a page)."""
    if job.state != Job.State.FAILED:
        return job
    Job.objects.filter(pk=job.pk).update(
        state=Job.State.PENDING, sent_at=None, attempts=0, error="", finished_at=None
    )
    job.refresh_from_db()
    transaction.on_commit(partial(_dispatch_committed, job.pk, job.cooperative_id), robust=True)
    return job


def _running_limit(name: str) -> dt.timedelta:
    """How long a job may run before its worker is presumed dead: its hard time limit plus a
    margin (a live worker kills a task at its limit and reports the failure)."""
    task = current_app.tasks.get(name)
    limit = getattr(task, "time_limit", None) or settings.CELERY_TASK_TIME_LIMIT
    return dt.timedelta(seconds=limit + settings.JOBS_RUNNING_GRACE_SECONDS)


def jobs_sweep(*, now: dt.datetime | None = None) -> SweepReport:
    """In the active cooperative: send the pending jobs the broker never took, send again the
    ones it took long ago and no worker started (lost with the broker's memory), and the ones
    still running past their time limit (their worker died); give up after a few attempts."""
    now = now or timezone.now()
    sent = resent = abandoned = 0
    fresh = now - dt.timedelta(seconds=settings.JOBS_SEND_DELAY_SECONDS)
    for job in Job.objects.filter(
        state=Job.State.PENDING, sent_at__isnull=True, created_at__lt=fresh
    ).order_by("created_at"):
        sent += _dispatch(job)
    patience = now - dt.timedelta(seconds=settings.JOBS_QUEUE_PATIENCE_SECONDS)
    for job in Job.objects.filter(state=Job.State.PENDING, sent_at__lt=patience).order_by(
        "created_at"
    ):
        resent += _dispatch(job)
    for job in Job.objects.filter(state=Job.State.RUNNING).order_by("started_at"):
        if job.started_at is None or job.started_at >= now - _running_limit(job.task):
            continue
        if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
            job_failed(job.pk, f"Abandonné après {job.attempts} tentatives sans réponse du worker.")
            abandoned += 1
            continue
        Job.objects.filter(pk=job.pk, state=Job.State.RUNNING).update(
            state=Job.State.PENDING, sent_at=None
        )
        resent += _dispatch(job)
    return SweepReport(sent=sent, resent=resent, abandoned=abandoned)


def job_latest(task: Task | str, /, **kwargs: Any) -> Job | None:
    """The latest job of `task` whose arguments include `kwargs`, in the active cooperative
    (what a page shows of the work it asked for)."""
    name = task if isinstance(task, str) else task.name
    return Job.objects.filter(task=name, kwargs__contains=kwargs).order_by("-created_at").first()


def jobs_fan_out(task: Task | str, /, **kwargs: Any) -> int:
    """One job per cooperative (the beat entry points); returns how many."""
    ids = list(Cooperative.objects.values_list("pk", flat=True))
    for cooperative_id in ids:
        with cooperative_context(cooperative_id):
            job_enqueue(task, **kwargs)
    return len(ids)


def job_label(job: Job) -> str:
    """What the job does, in the user's language (the task's `label`, else its name)."""
    task = current_app.tasks.get(job.task)
    return str(getattr(task, "label", None) or job.task.rsplit(".", 1)[-1])


def job_list(*, limit: int = 200) -> list[Job]:
    """The active cooperative's latest jobs, the unfinished first."""
    open_states = (Job.State.PENDING, Job.State.RUNNING, Job.State.FAILED)
    unfinished = list(Job.objects.filter(state__in=open_states).order_by("-created_at")[:limit])
    done = list(Job.objects.filter(state=Job.State.DONE).order_by("-created_at")[:limit])
    return (unfinished + done)[:limit]


def job_get_for_member(*, job_id: int) -> Job:
    """The active cooperative's job, or 404 (the same for another cooperative's)."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Job.objects.all(), pk=job_id)
