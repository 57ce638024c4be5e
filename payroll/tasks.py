"""Celery tasks of the payroll app: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task

from payroll import services
from perspectives.tenancy.tasks import TenantTask


@shared_task(base=TenantTask)
def payroll_run_compute_task(*, cooperative_id: int, run_id: int) -> int:
    """Fan out: one task per paid entrepreneur. Running it again recomputes the drafts."""
    entrepreneur_ids = services.payroll_run_start(run_id=run_id)
    for entrepreneur_id in entrepreneur_ids:
        payslip_compute_task.delay(
            cooperative_id=cooperative_id, run_id=run_id, entrepreneur_id=entrepreneur_id
        )
    return len(entrepreneur_ids)


@shared_task(base=TenantTask)
def payslip_compute_task(*, cooperative_id: int, run_id: int, entrepreneur_id: int) -> int:
    return services.payslip_draft_compute(run_id=run_id, entrepreneur_id=entrepreneur_id).pk


@shared_task(base=TenantTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def payslip_pdf_render_task(*, cooperative_id: int, payslip_id: int) -> None:
    services.payslip_pdf_render(payslip_id=payslip_id)
