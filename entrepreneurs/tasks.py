from __future__ import annotations

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from entrepreneurs.services.alerts import accompaniment_alerts_send
from entrepreneurs.services.sheets import workshop_attendance_sheet_render
from perspectives.tenancy.jobs import jobs_fan_out
from perspectives.tenancy.tasks import TenantTask


@shared_task(base=TenantTask, max_retries=3, label=_("Feuille d'émargement d'un atelier"))
def workshop_attendance_sheet_render_task(*, cooperative_id: int, workshop_id: int) -> None:
    """Idempotent: renders the current registrations again and replaces the stored sheet."""
    workshop_attendance_sheet_render(workshop_id=workshop_id)


@shared_task(base=TenantTask, max_retries=5, label=_("Alertes d'accompagnement de la semaine"))
def accompaniment_alerts_send_task(*, cooperative_id: int) -> int:
    return accompaniment_alerts_send(today=timezone.localdate())


@shared_task
def accompaniment_alerts_for_all_cooperatives() -> int:
    """Beat entry point: one task per cooperative."""
    return jobs_fan_out(accompaniment_alerts_send_task)
