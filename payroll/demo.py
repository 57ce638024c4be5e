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
    payroll_run_validate_finish,
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
            # Above the SMIC, part of the pay is an advance on the variable part.
            advance = (gross * Decimal("0.3")).quantize(Decimal("0.01")) if gross >= 2000 else 0
            pay_profile_set(
                entrepreneur=entrepreneur,
                monthly_gross=gross,
                status=status,
                variable_advance=Decimal(advance),
            )
    previous_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    if (
        previous_month >= year_start
        and not PayrollRun.objects.filter(period=previous_month).exists()
    ):
        run = payroll_run_create(period=previous_month, created_by=None)
        _absences(run=run)
        # What the workers do for a user's run, in line: compute each draft, then validate,
        # which hands each payslip's PDF to the workers (rendered once a worker runs).
        for entrepreneur_id in payroll_run_start(run_id=run.pk):
            payslip_draft_compute(run_id=run.pk, entrepreneur_id=entrepreneur_id)
        payroll_run_validate_finish(run_id=run.pk)
    return {
        "pay_profiles": PayProfile.objects.count(),
        "payslips": Payslip.objects.count(),
    }


def _absences(*, run: PayrollRun) -> None:
    """Two days of paid leave for one CESA holder, a five-day sick leave in subrogation for
    another: the payslips, PDFs and leave pages then show both."""
    from payroll.services.absences import absence_add

    hired = list(
        entrepreneur_list()
        .filter(stage=Stage.CESA, cesa_start__lte=run.period, exited_on__isnull=True)
        .order_by("pk")
    )
    if len(hired) < 2:
        return
    first, second = hired[:2]
    # From the second week's Tuesday (the other apps' random draws stay as they were).
    tuesday = run.period + dt.timedelta(days=(1 - run.period.weekday()) % 7 + 7)
    absence_add(
        run_id=run.pk,
        entrepreneur_id=first.pk,
        kind="paid_leave",
        start=tuesday,
        end=tuesday + dt.timedelta(days=1),
    )
    absence_add(
        run_id=run.pk,
        entrepreneur_id=second.pk,
        kind="sick",
        start=tuesday,
        end=tuesday + dt.timedelta(days=4),
        subrogation=True,
    )
