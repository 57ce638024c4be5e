"""Demo data of the payroll app, called by `seed_demo` inside each demo cooperative: the
cooperative's payroll settings, a pay profile per CESA holder and last month's validated payroll
(its PDFs are rendered by the workers, not here)."""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from entrepreneurs.models import Stage
from entrepreneurs.selectors import entrepreneur_list
from payroll.models import PayProfile, PayrollRun, PayrollSettings, Payslip
from payroll.services import (
    pay_profile_set,
    payroll_run_create,
    payroll_run_start,
    payroll_run_validate,
    payslip_draft_compute,
)
from perspectives.tenancy.models import Cooperative

# Monthly gross salaries seen in CAEs: many small fixed parts, a few comfortable activities.
GROSS_CHOICES = ("300", "600", "900", "1200", "1823.03", "2000", "2400", "3000", "4200")


def seed(*, cooperative: Cooperative, rng: random.Random) -> dict[str, int]:
    """Create this app's demo rows in the active cooperative (idempotent); returns counts."""
    today = timezone.localdate()
    previous_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    # Settings from the start of last month's year, so the demo is the same in January.
    year_start = previous_month.replace(month=1)
    if not PayrollSettings.objects.filter(valid_from=year_start).exists():
        PayrollSettings.objects.create(
            cooperative=cooperative,
            valid_from=year_start,
            headcount=entrepreneur_list().count() + 8,
            at_rate=Decimal("0.90"),
        )
    for entrepreneur in entrepreneur_list().filter(stage=Stage.CESA).order_by("pk"):
        gross = Decimal(rng.choice(GROSS_CHOICES))
        status = PayProfile.Status.CADRE if rng.random() < 0.1 else PayProfile.Status.NON_CADRE
        if not PayProfile.objects.filter(entrepreneur=entrepreneur).exists():
            pay_profile_set(entrepreneur=entrepreneur, monthly_gross=gross, status=status)
    previous_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if (
        previous_month >= year_start
        and not PayrollRun.objects.filter(period=previous_month).exists()
    ):
        run = payroll_run_create(period=previous_month, created_by=None)
        for entrepreneur_id in payroll_run_start(run_id=run.pk):
            payslip_draft_compute(run_id=run.pk, entrepreneur_id=entrepreneur_id)
        payroll_run_validate(run_id=run.pk)
    return {
        "pay_profiles": PayProfile.objects.count(),
        "payslips": Payslip.objects.count(),
    }
