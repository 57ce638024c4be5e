"""Celery tasks of the payroll app: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from payroll import services
from perspectives.tenancy.jobs import job_enqueue
from perspectives.tenancy.tasks import TenantTask


@shared_task(base=TenantTask, label=_("Calcul d'une paie mensuelle"))
def payroll_run_compute_task(*, cooperative_id: int, run_id: int) -> int:
    """Fan out: one task per paid entrepreneur. Running it again recomputes the drafts."""
    entrepreneur_ids = services.payroll_run_start(run_id=run_id)
    for entrepreneur_id in entrepreneur_ids:
        job_enqueue(payslip_compute_task, run_id=run_id, entrepreneur_id=entrepreneur_id)
    return len(entrepreneur_ids)


@shared_task(base=TenantTask, label=_("Calcul d'un bulletin de paie"))
def payslip_compute_task(*, cooperative_id: int, run_id: int, entrepreneur_id: int) -> int:
    return services.payslip_draft_compute(run_id=run_id, entrepreneur_id=entrepreneur_id).pk


@shared_task(base=TenantTask, max_retries=3, label=_("PDF d'un bulletin de paie"))
def payslip_pdf_render_task(*, cooperative_id: int, payslip_id: int) -> None:
    services.payslip_pdf_render(payslip_id=payslip_id)


@shared_task(
    base=TenantTask,
    time_limit=1800,
    soft_time_limit=1700,
    label=_("Validation d'une paie mensuelle"),
)
def payroll_run_validate_task(*, cooperative_id: int, run_id: int) -> int:
    """Idempotent: a validated run is not validated twice (the run is locked and checked)."""
    return len(services.payroll_run_validate_finish(run_id=run_id))
