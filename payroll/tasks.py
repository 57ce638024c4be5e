"""Celery tasks of the payroll app: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from payroll import services
from perspectives.tenancy.jobs import job_enqueue
from perspectives.tenancy.tasks import TenantTask


@shared_task(base=TenantTask)  # type: ignore[untyped-decorator]
def payroll_run_compute_task(*, cooperative_id: int, run_id: int) -> int:
    """Fan out: one task per paid entrepreneur. Running it again recomputes the drafts."""
    entrepreneur_ids = services.payroll_run_start(run_id=run_id)
    for entrepreneur_id in entrepreneur_ids:
        job_enqueue(payslip_compute_task, run_id=run_id, entrepreneur_id=entrepreneur_id)
    return len(entrepreneur_ids)


@shared_task(base=TenantTask)  # type: ignore[untyped-decorator]
def payslip_compute_task(*, cooperative_id: int, run_id: int, entrepreneur_id: int) -> int:
    return services.payslip_draft_compute(run_id=run_id, entrepreneur_id=entrepreneur_id).pk


@shared_task(base=TenantTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)  # type: ignore[untyped-decorator]
def payslip_pdf_render_task(*, cooperative_id: int, payslip_id: int) -> None:
    services.payslip_pdf_render(payslip_id=payslip_id)
