"""Monthly reports: beat → one task per cooperative → one task per report."""

from __future__ import annotations

import datetime as dt
from typing import Any

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.jobs import job_enqueue, jobs_fan_out
from perspectives.tenancy.tasks import TRANSIENT_ERRORS, TenantTask
from top.dashboards import figures, reports


@shared_task(
    base=TenantTask,
    bind=True,
    retry_jitter=True,
    max_retries=3,
    soft_time_limit=120,
    time_limit=180,
    label=_("Rapport mensuel (PDF et e-mail)"),
)
def report_render_and_send_task(self: Any, *, cooperative_id: int, snapshot_id: int) -> str:
    try:
        return str(reports.report_render_and_send(snapshot_id=snapshot_id).status)
    except Exception as error:
        if self.request.retries >= self.max_retries or not isinstance(error, TRANSIENT_ERRORS):
            reports.report_failed(snapshot_id=snapshot_id, error=f"{type(error).__name__}: {error}")
        raise


@shared_task(base=TenantTask, label=_("Préparation des rapports mensuels"))
def monthly_reports_start_task(*, cooperative_id: int, month: str) -> int:
    """Freeze the month's figures, then fan out one task per report."""
    pending = reports.monthly_reports_prepare(month=dt.date.fromisoformat(month))
    for snapshot_id in pending:
        job_enqueue(report_render_and_send_task, snapshot_id=snapshot_id)
    return len(pending)


@shared_task(base=TenantTask, label=_("Rapports mensuels du jour"))
def monthly_reports_due_task(*, cooperative_id: int) -> bool:
    """Start last month's reports if today is this cooperative's report day."""
    from top.dashboards.selectors import settings_get

    today = timezone.localdate()
    if today.day != settings_get().report_day:
        return False
    previous = figures.add_months(today.replace(day=1), -1)
    job_enqueue(monthly_reports_start_task, month=previous.isoformat())
    return True


@shared_task
def monthly_reports_for_all_cooperatives() -> int:
    """Daily beat entry point: one task per cooperative (each reads its own report day)."""
    return jobs_fan_out(monthly_reports_due_task)
