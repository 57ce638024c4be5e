from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from payroll.models import PayrollRun
from payroll.parameter_files import parameters_from_files
from payroll.rights import rights_compute
from payroll.services import payroll_run_create, payroll_run_validate, payroll_settings_set
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.payroll.conftest import Payroll, compute_run

D = Decimal
SIX_MONTHS = [(dt.date(2026, month, 1), D("2500.00")) for month in range(5, 11)]


def test_rights_from_six_months_at_2500() -> None:
    rights = rights_compute(
        parameters_from_files(dt.date(2026, 11, 26)),
        history=SIX_MONTHS,
        today=dt.date(2026, 11, 26),
        age=40,
        seniority_years=2,
        planned_gross=D("2500.00"),
    )
    # June to October: 5 months × 2.5 = 12.5 → 13 working days.
    assert (rights.leave_period_start, rights.leave_days) == (dt.date(2026, 6, 1), D(13))
    assert (rights.sick.daily_ijss, rights.sick.ijss_total, rights.sick.eligible) == (
        D("41.10"),
        D("287.70"),
        True,
    )
    # 184 contract days: 131.43 worked days ≥ 130; SJR 15,000 / 184 = 81.52; 57 % wins.
    now = rights.unemployment_now
    assert (now.eligible, now.sjr, now.daily_allowance, now.monthly_allowance) == (
        True,
        D("81.52"),
        D("46.47"),
        D("1394.10"),
    )
    later = rights.unemployment_in_6_months
    assert later is not None
    assert later.days_worked > now.days_worked
    assert rights.quarter_threshold == D("1846.50")  # 150 × 12.31 (June 2026 SMIC)


def test_low_pay_shows_no_sick_pay_and_no_quarter() -> None:
    rights = rights_compute(
        parameters_from_files(dt.date(2026, 11, 26)),
        history=[(month, D("300.00")) for month, _gross in SIX_MONTHS],
        today=dt.date(2026, 11, 26),
        age=40,
        seniority_years=0,
        planned_gross=None,
    )
    assert (rights.sick.eligible, rights.sick.ijss_total) == (False, D(0))
    assert rights.quarter_gross == D("900.00")
    assert rights.unemployment_in_6_months is None


def test_the_entrepreneur_reads_her_rights_in_plain_french(
    world: World, payroll: Payroll, client: Client
) -> None:
    this_month = timezone.localdate().replace(day=1)
    with cooperative_context(world.coop_a.pk):
        # Whatever today's date, the six previous months have settings.
        payroll_settings_set(valid_from=dt.date(2025, 1, 1), headcount=30, at_rate=D("1.00"))
        for back in range(6, 0, -1):
            year, index = divmod(this_month.year * 12 + this_month.month - 1 - back, 12)
            run = payroll_run_create(period=dt.date(year, index + 1, 1), created_by=world.carl)
            compute_run(run.pk)
            payroll_run_validate(run_id=run.pk)
        assert PayrollRun.objects.count() == 6
    client.force_login(world.alice)
    response = client.get("/c/coop-a/payroll/my-rights/", HTTP_ACCEPT_LANGUAGE="fr")
    assert response.status_code == 200
    assert "environ 41,10 € par jour".encode() in response.content
    client.force_login(world.bob)
    page = client.get("/c/coop-a/payroll/my-rights/", HTTP_ACCEPT_LANGUAGE="fr")
    assert "concerne les entrepreneur·es salarié·es".encode() in page.content
