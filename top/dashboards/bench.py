"""Benchmark of the dashboards (`make bench`, never run by CI).

Uses the ledger benchmark's cooperative when it exists (the largest cooperative with a ledger);
otherwise builds `bench-dashboards`: 150 activities with three years of monthly sales, receipts,
purchases and salaries, posted through the ledger's services. Reports server time (p50, p95) of
the three dashboards through Django's test client, their SQL queries, and the monthly reports for
150 entrepreneurs rendered by two worker processes.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import random
import time
from decimal import Decimal
from typing import Any

from django.db import connection
from django.test import Client
from django.utils import timezone

from accounting import services as ledger
from accounting.services import LineInput
from entrepreneurs.models import Activity, ActivityMember, Entrepreneur, Stage
from entrepreneurs.services import sector_seed_defaults
from perspectives.accounts.models import User
from perspectives.core.bench import time_get
from perspectives.tenancy import services as tenancy
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, Role

SLUG = "bench-dashboards"
LEDGER_BENCH_SLUG = os.environ.get("LEDGER_BENCH_SLUG", "bench-ledger")
PEOPLE = 150
YEARS = 3


def _build() -> Cooperative:
    cooperative = Cooperative.objects.filter(slug=SLUG).first()
    if cooperative is None:
        cooperative = tenancy.cooperative_create(
            name="Bench dashboards", slug=SLUG, siren="552100554"
        )
    with cooperative_context(cooperative.pk):
        if Activity.objects.exists():
            return cooperative
        ledger.chart_seed_defaults()
        today = timezone.localdate()
        for year in range(today.year - YEARS + 1, today.year + 1):
            if ledger.fiscal_year_for_date(dt.date(year, 6, 1)) is None:
                ledger.fiscal_year_create(start_date=dt.date(year, 1, 1))
        ledger.third_party_create(kind="customer", code="CLIENTS", name="Clients divers")
        sectors = sector_seed_defaults()
        rng = random.Random(7)
        for index in range(PEOPLE):
            person = Entrepreneur.objects.create(
                cooperative=cooperative,
                first_name=f"P{index}",
                last_name=f"Bench{index:03d}",
                sector=sectors[index % len(sectors)],
                stage=Stage.CESA,
                cesa_start=dt.date(2024, 1, 1),
            )
            activity = Activity.objects.create(
                cooperative=cooperative,
                analytic_code=f"B{index:03d}",
                name=f"Activité {index}",
                sector=person.sector,
                start_date=dt.date(today.year - YEARS + 1, 1, 1),
            )
            ActivityMember.objects.create(
                cooperative=cooperative, activity=activity, entrepreneur=person, share=Decimal(100)
            )
            month = dt.date(today.year - YEARS + 1, 1, 10)
            while month <= today:
                net = Decimal(rng.randint(1500, 6000))
                ledger.entry_post(
                    journal="VT",
                    date=month,
                    label="Ventes",
                    lines=[
                        LineInput(
                            "411",
                            debit=net * Decimal("1.2"),
                            activity=activity,
                            third_party="CLIENTS",
                        ),
                        LineInput("706", credit=net, activity=activity),
                        LineInput("44571", credit=net * Decimal("0.2"), activity=activity),
                    ],
                )
                ledger.entry_post(
                    journal="BQ",
                    date=month,
                    label="Encaissements, achats, salaire",
                    lines=[
                        LineInput("512", debit=net * Decimal("1.2"), activity=activity),
                        LineInput(
                            "411",
                            credit=net * Decimal("1.2"),
                            activity=activity,
                            third_party="CLIENTS",
                        ),
                        LineInput("604", debit=Decimal(400), activity=activity),
                        LineInput("6411", debit=Decimal(1200), activity=activity),
                        LineInput("6451", debit=Decimal(500), activity=activity),
                        LineInput("512", credit=Decimal(2100), activity=activity),
                    ],
                )
                month = (month.replace(day=1) + dt.timedelta(days=32)).replace(day=10)
    return cooperative


def _largest_ledger_cooperative() -> Cooperative:
    """The ledger benchmark's cooperative (`make bench` builds it: 150 activities × 20 years)
    when it exists, given one entrepreneur per activity; otherwise ours."""
    cooperative = Cooperative.objects.filter(slug=LEDGER_BENCH_SLUG).first()
    if cooperative is None:
        return _build()
    with cooperative_context(cooperative.pk):
        sectors = sector_seed_defaults()
        for index, activity in enumerate(
            Activity.objects.filter(members__isnull=True).order_by("pk")
        ):
            person = Entrepreneur.objects.create(
                cooperative=cooperative,
                first_name=f"L{index}",
                last_name=f"Ledger{index:03d}",
                sector=activity.sector if activity.sector_id else sectors[0],
                stage=Stage.CESA,
                cesa_start=dt.date(2024, 1, 1),
            )
            ActivityMember.objects.create(
                cooperative=cooperative, activity=activity, entrepreneur=person, share=Decimal(100)
            )
    return cooperative


def _user(cooperative: Cooperative, email: str, roles: list[str]) -> User:
    user = User.objects.filter(email=email).first() or User.objects.create_user(
        email, "bench-password"
    )
    tenancy.membership_set(cooperative=cooperative, user=user, roles=roles)
    return user


def _render_worker(args: tuple[int, list[int]]) -> int:
    import django
    from django.db import connections

    django.setup()
    cooperative_id, ids = args
    from top.dashboards.reports import report_render_and_send

    for snapshot_id in ids:
        with cooperative_context(cooperative_id):
            report_render_and_send(snapshot_id=snapshot_id)
    connections.close_all()
    return len(ids)


def run(stdout: Any) -> None:
    from top.dashboards.models import ReportSnapshot
    from top.dashboards.reports import monthly_reports_prepare

    cooperative = _largest_ledger_cooperative()
    with cooperative_context(cooperative.pk):
        person = Entrepreneur.objects.filter(activity_shares__isnull=False).order_by("pk").first()
        entrepreneurs = Entrepreneur.objects.exclude(stage=Stage.EXITED).count()
        activities = Activity.objects.count()
    if person is None:
        raise RuntimeError("no entrepreneur with an activity in the benchmark cooperative")
    support = _user(cooperative, "bench.dashboards.support@perspectives.example", [Role.SUPPORT])
    manager = _user(cooperative, "bench.dashboards.manager@perspectives.example", [Role.MANAGER])
    with cooperative_context(cooperative.pk):
        Entrepreneur.objects.exclude(stage=Stage.EXITED).update(referent=support)
    stdout.write(
        f"cooperative {cooperative.slug}: {activities} activities, {entrepreneurs} entrepreneurs"
    )
    client = Client(HTTP_HOST="127.0.0.1")
    base = f"/c/{cooperative.slug}"
    for label, user, url, runs in (
        (
            "entrepreneur dashboard (target p95 ≤ 100 ms)",
            support,
            f"{base}/dashboard/entrepreneurs/{person.pk}/",
            60,
        ),
        (
            "support dashboard, 150 people (target p95 ≤ 300 ms)",
            support,
            f"{base}/dashboard/portfolio/",
            30,
        ),
        (
            "cooperative dashboard (target p95 ≤ 500 ms)",
            manager,
            f"{base}/dashboard/cooperative/",
            30,
        ),
    ):
        if user is manager:
            # Managers need a second factor on the site; the benchmark measures the page itself.
            from allauth.mfa.models import Authenticator

            Authenticator.objects.get_or_create(
                user=manager,
                type=Authenticator.Type.TOTP,
                defaults={"data": {"secret": "JBSWY3DPEHPK3PXP"}},
            )
        client.force_login(user)
        p50, p95, queries = time_get(client, url, runs)
        stdout.write(f"{label:<55} p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {queries:3d} queries")

    month = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    with cooperative_context(cooperative.pk):
        ReportSnapshot.objects.filter(month=month).delete()
        start = time.perf_counter()
        pending = monthly_reports_prepare(month=month)
        frozen = time.perf_counter() - start
    connection.close()
    halves = [(cooperative.pk, pending[0::2]), (cooperative.pk, pending[1::2])]
    start = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(2) as pool:
        done = sum(pool.map(_render_worker, halves))
    rendered = time.perf_counter() - start
    stdout.write(
        f"monthly reports: {len(pending)} snapshots frozen in {frozen:.1f} s; {done} PDFs rendered "
        f"and e-mailed by 2 workers in {rendered:.1f} s ({done / rendered:.1f} reports/s)"
    )
