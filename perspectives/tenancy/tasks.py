"""Celery base class for tasks that work inside one cooperative."""

from __future__ import annotations

import logging
from typing import Any

from celery import shared_task
from celery.contrib.django.task import DjangoTask
from django.db import DatabaseError, InterfaceError, OperationalError
from django.utils.translation import gettext_lazy as _
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context

logger = logging.getLogger(__name__)

# Errors that pass by themselves (a database restart, a broker or cache outage, the network):
# a task that meets one is tried again later instead of failing for good.
TRANSIENT_ERRORS: tuple[type[BaseException], ...] = (
    OperationalError,
    InterfaceError,
    RedisConnectionError,
    RedisTimeoutError,
    # Files and sockets: a full disk, a dropped connection (ConnectionError, TimeoutError).
    OSError,
)


class TenantTask(DjangoTask):  # type: ignore[misc]
    """Every call takes `cooperative_id` (keyword) and runs inside that cooperative.

    The ORM scope and the row-level security setting are entered before the task body and always
    cleared afterwards, so no task inherits the previous task's cooperative. A call without
    `cooperative_id` raises before any work is done.

    A call handed out as a job (`perspectives.tenancy.jobs.job_enqueue`) also carries the job's
    id: the job is marked running first, in its own transaction, then done in the transaction of
    the work, so that a second delivery of a done job does nothing. Tasks are acknowledged late
    (settings): a worker that dies leaves its message to another worker or to the sweeper.
    Transient errors are retried with backoff.
    """

    abstract = True
    autoretry_for = TRANSIENT_ERRORS
    retry_backoff = True
    retry_backoff_max = 300
    retry_jitter = True
    max_retries = 5

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from perspectives.tenancy import jobs

        cooperative_id = kwargs.get("cooperative_id")
        if not isinstance(cooperative_id, int) or isinstance(cooperative_id, bool):
            raise TypeError(
                f"Task {self.name} must be called with an integer cooperative_id keyword argument."
            )
        job_id = kwargs.pop(jobs.JOB_KWARG, None)
        if job_id is not None:
            with cooperative_context(cooperative_id):
                if not jobs.job_started(job_id):
                    return None
        with cooperative_context(cooperative_id):
            result = super().__call__(*args, **kwargs)
            if job_id is not None:
                jobs.job_done(job_id)
            return result

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        """A job whose task fails for good (no retry left) shows the error on its page."""
        from perspectives.tenancy import jobs

        job_id = kwargs.get(jobs.JOB_KWARG) if isinstance(kwargs, dict) else None
        cooperative_id = kwargs.get("cooperative_id") if isinstance(kwargs, dict) else None
        if isinstance(job_id, int) and isinstance(cooperative_id, int):
            try:
                message = (
                    exc.message
                    if isinstance(exc, ApplicationError)
                    else f"{type(exc).__name__}: {exc}"
                )
                with cooperative_context(cooperative_id):
                    jobs.job_failed(job_id, message)
            except DatabaseError:
                # The database is what failed: the job stays running and the sweeper hands it
                # out again once its time limit has passed.
                pass
        super().on_failure(exc, task_id, args, kwargs, einfo)


@shared_task(ignore_result=True)
def jobs_sweep_for_all_cooperatives() -> dict[str, int]:
    """Beat, every minute: each cooperative's jobs that the broker lost or whose worker died are
    handed out again. Beat reached the broker to start this, so requests may use it again."""
    from perspectives.tenancy import jobs
    from perspectives.tenancy.models import Cooperative

    jobs.broker_available_again()
    held = jobs.held_job_ids()
    queue_empty = jobs.broker_queue_empty() if held is not None else None
    totals = {"sent": 0, "resent": 0, "abandoned": 0}
    for cooperative_id in Cooperative.objects.values_list("pk", flat=True):
        try:
            report = jobs.jobs_sweep(
                cooperative_id=cooperative_id, held=held, queue_empty=queue_empty
            )
        except DatabaseError:
            # One cooperative's trouble (a lock, a restart) does not stop the others' sweep.
            logger.warning("job sweep of cooperative %s failed", cooperative_id, exc_info=True)
            continue
        totals["sent"] += report.sent
        totals["resent"] += report.resent
        totals["abandoned"] += report.abandoned
    return totals


@shared_task(base=TenantTask, label=_("Ménage : anciens travaux et jetons de formulaire"))
def housekeeping_task(*, cooperative_id: int) -> int:
    """Idempotent: deletes what is past its retention, nothing else."""
    from perspectives.tenancy import idempotency, jobs

    return jobs.jobs_purge() + idempotency.idempotency_records_purge()


@shared_task(ignore_result=True)
def housekeeping_for_all_cooperatives() -> int:
    """Beat, every night: one housekeeping job per cooperative."""
    from perspectives.tenancy import jobs

    return jobs.jobs_fan_out(housekeeping_task)
