from __future__ import annotations

from celery import shared_task

from entrepreneurs.services.sheets import workshop_attendance_sheet_render
from perspectives.tenancy.tasks import TenantTask


@shared_task(base=TenantTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3)
def workshop_attendance_sheet_render_task(*, cooperative_id: int, workshop_id: int) -> None:
    """Idempotent: renders the current registrations again and replaces the stored sheet."""
    workshop_attendance_sheet_render(workshop_id=workshop_id)
