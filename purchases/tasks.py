from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.tasks import TenantTask
from purchases.services import platform_sync


@shared_task(base=TenantTask, max_retries=3, label=_("Échange avec la plateforme agréée"))
def platform_sync_task(*, cooperative_id: int) -> dict[str, int]:
    """Idempotent: flows already received, statuses already sent and addresses already
    registered are skipped (the platform cursor and the sent/registered timestamps)."""
    report = platform_sync()
    return {
        "received": len(report.received),
        "refused": len(report.refused),
        "statuses_sent": report.statuses_sent,
        "addresses_registered": report.addresses_registered,
    }
