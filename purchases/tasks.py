from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.jobs import jobs_fan_out
from perspectives.tenancy.tasks import TenantTask
from purchases.services import platform_configured, platform_sync


@shared_task(base=TenantTask, max_retries=3, label=_("Échange avec la plateforme agréée"))
def platform_sync_task(*, cooperative_id: int) -> dict[str, int]:
    """Idempotent: flows already received, statuses already sent and addresses already
    registered are skipped (the platform cursor and the sent/registered timestamps). A
    cooperative with no platform configured has nothing to exchange."""
    if not platform_configured():
        return {"received": 0, "refused": 0, "statuses_sent": 0, "addresses_registered": 0}
    report = platform_sync()
    return {
        "received": len(report.received),
        "refused": len(report.refused),
        "statuses_sent": report.statuses_sent,
        "addresses_registered": report.addresses_registered,
    }


@shared_task
def platform_sync_for_all_cooperatives() -> int:
    """Beat entry point (every quarter of an hour): one job per cooperative; a job still
    pending for a cooperative is not recorded twice."""
    return jobs_fan_out(platform_sync_task)
