from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone

from accounting.services.contribution import contribution_post
from accounting.services.fiscal import add_months
from perspectives.tenancy.models import Cooperative
from perspectives.tenancy.tasks import TenantTask


@shared_task(base=TenantTask, max_retries=0)
def contribution_post_task(*, cooperative_id: int, month: str) -> int:
    """Idempotent (keys per activity and month): a retry or a second run posts nothing."""
    return len(contribution_post(month=dt.date.fromisoformat(month)))


@shared_task
def contribution_for_all_cooperatives() -> int:
    """Beat entry point (early each month): last month's contribution, one task per cooperative."""
    month = add_months(timezone.localdate().replace(day=1), -1)
    ids = list(Cooperative.objects.values_list("pk", flat=True))
    for cooperative_id in ids:
        contribution_post_task.delay(cooperative_id=cooperative_id, month=month.isoformat())
    return len(ids)
