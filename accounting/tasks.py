from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from accounting.models import FiscalYear
from accounting.services.closing import fiscal_year_close_run
from accounting.services.contribution import contribution_post
from accounting.services.fiscal import add_months
from accounting.services.planner import ledger_statistics_refresh
from perspectives.accounts.models import User
from perspectives.tenancy.jobs import jobs_fan_out
from perspectives.tenancy.tasks import TenantTask


@shared_task(base=TenantTask, label=_("Contribution coopérative du mois"))
def contribution_post_task(*, cooperative_id: int, month: str) -> int:
    """Idempotent (keys per activity and month): a retry or a second run posts nothing."""
    return len(contribution_post(month=dt.date.fromisoformat(month)))


@shared_task
def contribution_for_all_cooperatives() -> int:
    """Beat entry point (early each month): last month's contribution, one task per cooperative."""
    month = add_months(timezone.localdate().replace(day=1), -1)
    return jobs_fan_out(contribution_post_task, month=month.isoformat())


@shared_task(base=TenantTask, label=_("Clôture de l'exercice"))
def fiscal_year_close_task(
    *, cooperative_id: int, fiscal_year_id: int, user_id: int | None = None
) -> None:
    """Seal the year and post the next year's opening entries (idempotent: a closed year only
    gets the opening entries it would miss). A refusal fails the job with its reason, which
    the closing page shows."""
    fiscal_year = FiscalYear.objects.get(pk=fiscal_year_id)
    user = User.objects.filter(pk=user_id).first() if user_id else None
    fiscal_year_close_run(fiscal_year=fiscal_year, user=user)


@shared_task(max_retries=0)
def ledger_statistics_refresh_task() -> None:
    """Planner statistics after large postings (no cooperative's data: tables as a whole)."""
    ledger_statistics_refresh()
