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
from celery.signals import task_received
from django.conf import settings
from django.db import close_old_connections, transaction
from django.db.models import F, Q
from django.utils import timezone
from kombu.exceptions import ChannelError

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
        # The job row is the result: no result backend involved (it would retry on its own).
        current_app.send_task(job.task, kwargs=kwargs, ignore_result=True)
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


@task_received.connect(weak=False)  # type: ignore[untyped-decorator]
def _job_received(request: Any = None, **kwargs: Any) -> None:
    """In the worker, as a message arrives: the job is now held by a worker, which the sweeper
    asks about (a worker that dies holds it no more)."""
    arguments = getattr(request, "kwargs", None) or {}
    job_id, cooperative_id = arguments.get(JOB_KWARG), arguments.get("cooperative_id")
    if not isinstance(job_id, int) or not isinstance(cooperative_id, int):
        return
    try:
        with cooperative_context(cooperative_id):
            Job.objects.filter(pk=job_id, state=Job.State.PENDING).update(
                received_at=timezone.now()
            )
    except Exception:  # the mark only speeds recovery up: never refuse a message for it
        logger.warning("could not mark job %s received", job_id, exc_info=True)
    finally:
        close_old_connections()


def held_job_ids(*, timeout: float = 2.0) -> set[int] | None:
    """The jobs the live workers hold (running, reserved or scheduled), by asking them; None
    when no worker answers (then only the time limits tell a dead worker)."""
    try:
        inspect = current_app.control.inspect(timeout=timeout)
        replies = [inspect.active(), inspect.reserved(), inspect.scheduled()]
    except Exception:
        logger.warning("could not ask the workers what they hold", exc_info=True)
        return None
    if not any(replies):
        return None
    held: set[int] = set()
    for reply in replies:
        for requests in (reply or {}).values():
            for request in requests:
                request = request.get("request", request)  # scheduled ones are wrapped
                job_id = (request.get("kwargs") or {}).get(JOB_KWARG)
                if isinstance(job_id, int):
                    held.add(job_id)
    return held


def broker_queue_empty() -> bool | None:
    """Whether no message waits in the workers' queue (None: the broker did not answer). With
    the queue empty, a job sent long ago that no live worker holds has been lost."""
    try:
        with current_app.connection_for_read() as connection:
            queue = current_app.conf.task_default_queue
            declared = connection.default_channel.queue_declare(queue=queue, passive=True)
            return bool(declared.message_count == 0)
    except ChannelError:
        return True  # no such queue: Redis drops an emptied list
    except Exception:
        logger.warning("could not ask the broker about its queue", exc_info=True)
        return None


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


def jobs_sweep(
    *,
    cooperative_id: int,
    now: dt.datetime | None = None,
    held: set[int] | None = None,
    queue_empty: bool | None = None,
) -> SweepReport:
    """A cooperative's jobs that need handing out again: the pending ones the broker never took,
    the ones it took long ago and no worker started (lost with the broker's memory), and the
    running ones past their time limit (their worker died); given up after a few attempts.

    `held`: the jobs the live workers said they hold (`held_job_ids`). A job a worker received
    or started over a minute ago that no live worker holds was lost with its worker: it is
    handed out again at once, without waiting for its time limit. With `queue_empty` too (no
    message waits in the broker), so was a job sent over a minute ago that no worker holds.

    Each job is handled in its own short transaction, skipping a job a worker is updating at
    that moment (the next sweep sees it again): the sweeper never waits on a task's locks."""
    now = now or timezone.now()
    fresh = now - dt.timedelta(seconds=settings.JOBS_SEND_DELAY_SECONDS)
    patience = now - dt.timedelta(seconds=settings.JOBS_QUEUE_PATIENCE_SECONDS)
    settled = now - dt.timedelta(seconds=settings.JOBS_ORPHAN_AFTER_SECONDS)
    never_sent = Q(state=Job.State.PENDING, sent_at__isnull=True, created_at__lt=fresh)
    lost_by_broker = Q(state=Job.State.PENDING, sent_at__lt=patience)
    orphans = Q(state=Job.State.PENDING, received_at__lt=settled) | Q(
        state=Job.State.RUNNING, started_at__lt=settled
    )
    if queue_empty:
        orphans |= Q(state=Job.State.PENDING, sent_at__lt=settled)
    with cooperative_context(cooperative_id):
        candidates = list(
            Job.objects.filter(never_sent | lost_by_broker | Q(state=Job.State.RUNNING))
            .order_by("created_at")
            .values_list("pk", flat=True)
        )
        if held is not None:
            candidates += list(
                Job.objects.filter(orphans).exclude(pk__in=held).values_list("pk", flat=True)
            )
    sent = resent = abandoned = 0
    for job_id in dict.fromkeys(candidates):
        with cooperative_context(cooperative_id):
            job = Job.objects.select_for_update(skip_locked=True).filter(pk=job_id).first()
            if job is None:
                continue
            orphan = held is not None and job.pk not in held and _matches(job, orphans)
            if _matches(job, never_sent):
                sent += _dispatch(job)
            elif _matches(job, lost_by_broker):
                resent += _dispatch(job)
            elif orphan or (
                job.state == Job.State.RUNNING
                and job.started_at is not None
                and job.started_at < now - _running_limit(job.task)
            ):
                if job.attempts >= settings.JOBS_MAX_ATTEMPTS:
                    message = f"Abandonné après {job.attempts} tentatives sans réponse du worker."
                    job_failed(job.pk, message)
                    abandoned += 1
                    continue
                Job.objects.filter(pk=job.pk).update(
                    state=Job.State.PENDING, sent_at=None, received_at=None
                )
                resent += _dispatch(job)
    return SweepReport(sent=sent, resent=resent, abandoned=abandoned)


def _matches(job: Job, condition: Q) -> bool:
    return Job.objects.filter(condition, pk=job.pk).exists()


def jobs_purge(*, now: dt.datetime | None = None) -> int:
    """The active cooperative's done jobs older than JOBS_RETENTION_DAYS (daily housekeeping;
    failed ones stay until someone hands them out again). Returns how many were deleted."""
    cutoff = (now or timezone.now()) - dt.timedelta(days=settings.JOBS_RETENTION_DAYS)
    deleted, _by_model = Job.objects.filter(state=Job.State.DONE, finished_at__lt=cutoff).delete()
    return deleted


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
