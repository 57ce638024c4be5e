from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.test import Client
from django.utils import timezone

from payroll.engine.absences import LeaveState
from payroll.models import PayrollRun
from payroll.parameter_files import parameters_from_files
from payroll.rights import OpeningLeave, rights_compute
from payroll.selectors import leave_counters_get, opening_leave_get
from payroll.services import (
    opening_balance_set,
    payroll_run_create,
    payroll_run_validate,
    payroll_settings_set,
)
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World, travel_to
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


def test_leave_acquired_elsewhere_in_the_same_period_adds_to_the_days_acquired_here() -> None:
    rights = rights_compute(
        parameters_from_files(dt.date(2026, 11, 26)),
        history=SIX_MONTHS,
        today=dt.date(2026, 11, 26),
        age=40,
        seniority_years=2,
        planned_gross=None,
        opening_leave=OpeningLeave(
            period_start=dt.date(2026, 6, 1), acquired=D("5.00"), taken=D("2.00")
        ),
    )

    # 13 days here (June to October) and 5 brought; no payslip counters: the opening's balance.
    assert (rights.leave_days, rights.leave_brought, rights.leave_remaining) == (
        D("18.00"),
        D("5.00"),
        D("3.00"),
    )


def test_leave_brought_from_an_earlier_period_only_counts_in_what_is_left_to_take() -> None:
    rights = rights_compute(
        parameters_from_files(dt.date(2026, 11, 26)),
        history=SIX_MONTHS,
        today=dt.date(2026, 11, 26),
        age=40,
        seniority_years=2,
        planned_gross=None,
        opening_leave=OpeningLeave(
            period_start=dt.date(2025, 6, 1), acquired=D("25.00"), taken=D("10.00")
        ),
        leave_counters=LeaveState(D("40.00"), D("12.50")),
    )

    assert (rights.leave_days, rights.leave_brought, rights.leave_remaining) == (
        D(13),
        D(0),
        D("27.50"),
    )


def test_leave_brought_and_acquired_here_stop_at_thirty_days() -> None:
    rights = rights_compute(
        parameters_from_files(dt.date(2026, 11, 26)),
        history=SIX_MONTHS,
        today=dt.date(2026, 11, 26),
        age=40,
        seniority_years=2,
        planned_gross=None,
        opening_leave=OpeningLeave(
            period_start=dt.date(2026, 6, 1), acquired=D("25.00"), taken=D(0)
        ),
    )

    assert (rights.leave_days, rights.leave_brought) == (D(30), D("25.00"))


def test_the_rights_page_counts_the_leave_of_the_opening_balance(
    world: World, payroll: Payroll, client: Client
) -> None:
    with travel_to("2026-04-10"), cooperative_context(world.coop_a.pk):
        payroll_settings_set(valid_from=dt.date(2025, 1, 1), headcount=30, at_rate=D("1.00"))
        opening_balance_set(
            entrepreneur=payroll.alice,
            year=2026,
            gross=D("5000.00"),
            taxable=D("4000.00"),
            by=world.carl,
            leave_acquired=D("20.00"),
            leave_taken=D("6.50"),
        )
        before = opening_leave_get(entrepreneur_id=payroll.alice.pk, today=dt.date(2026, 4, 10))
        run = payroll_run_create(period=dt.date(2026, 3, 1), created_by=world.carl)
        compute_run(run.pk)
        payroll_run_validate(run_id=run.pk)
        counters = leave_counters_get(entrepreneur_id=payroll.alice.pk)
        after = opening_leave_get(entrepreneur_id=payroll.alice.pk, today=dt.date(2026, 4, 10))

    with travel_to("2026-04-10"):
        client.force_login(world.alice)
        page = client.get("/c/coop-a/payroll/my-rights/", HTTP_ACCEPT_LANGUAGE="fr")

    # Before any payslip here, the move is this month's; the March payslip dates it.
    assert before == OpeningLeave(
        period_start=dt.date(2025, 6, 1), acquired=D("20.00"), taken=D("6.50")
    )
    assert after == before
    # March here: 2.5 days on top of the 20 brought.
    assert counters == LeaveState(D("22.50"), D("6.50"))
    text = page.content.decode()
    assert "vous avez acquis 23 jours ouvrables" in text
    assert "Dont 20,0 jours acquis avant l'arrivée de votre paie" in text
    assert "Il vous reste 16,0 jours ouvrables à prendre." in text
