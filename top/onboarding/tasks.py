"""Celery tasks of the onboarding app: thin wrappers around its services."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.tasks import TenantTask


@shared_task(base=TenantTask, time_limit=1800, soft_time_limit=1700, label=_("Import d'un fichier"))
def import_run_execute_task(*, cooperative_id: int, import_id: int) -> int:
    from top.onboarding.imports.runs import import_run_execute

    return import_run_execute(import_id=import_id).refused


@shared_task(base=TenantTask, label=_("Anonymisation des données personnelles"))
def personal_data_retention_task(*, cooperative_id: int) -> int:
    import datetime as dt

    from django.utils import timezone

    from top.onboarding.gdpr import personal_data_retention_run

    today: dt.date = timezone.localdate()
    return len(personal_data_retention_run(today=today))


@shared_task
def personal_data_retention_for_all_cooperatives() -> int:
    """Nightly beat entry point: one task per cooperative."""
    from perspectives.tenancy.jobs import jobs_fan_out

    return jobs_fan_out(personal_data_retention_task)
