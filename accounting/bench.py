"""Benchmark of the ledger at scale (`make bench`, or `manage.py run_benchmarks accounting`).

Builds once, in the development database, one cooperative (slug `bench-ledger`) with 150
activities and 20 years of history (about 6 million lines; the years before last closed, with
their opening entries) and 20 smaller cooperatives
(`bench-ledger-01`…, 150 activities, 2 years each, lighter activity) in the same tables, so that
row-level security and the other tenants' rows weigh on every figure. Then it measures:

- bulk posting (the import path) in lines/s, against PostgreSQL's own COPY of the same rows into
  a bare table (no index, trigger or policy) and into a table with the same indexes; and into a
  new cooperative, which the planner's statistics know nothing about yet (as on its first
  import);
- interactive validation of single entries, entries/s, two concurrent writers, one cooperative;
- one activity's 24-month P&L and treasury statement, server time (test client, full request);
- the cooperative's trial balance for a year;
- the FEC export of a ~300,000-line year: time, peak Python memory and peak RSS.

Timings are medians of several runs; each figure is printed with the machine's load average
(the benchmark shares its cores), and the run ends with one table of every figure against its
target. The seeded data is kept and reused by the next run (months already there are skipped);
LEDGER_BENCH_REBUILD=1 deletes the bench cooperatives' ledgers first and seeds them again.
Environment variables scale it down for a quick look: LEDGER_BENCH_YEARS (20),
LEDGER_BENCH_ACTIVITIES (150), LEDGER_BENCH_SMALL (20), LEDGER_BENCH_DENSITY (20 invoices per
activity and month in the big cooperative).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import resource
import statistics
import tempfile
import threading
import time
import tracemalloc
import zlib
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.db import connection, connections, transaction
from django.test import Client
from django.test.utils import override_settings

from accounting import fec, selectors, services
from accounting.history import ActivityProfile, month_entries
from accounting.models import Entry, EntryLine, FiscalYear, ThirdParty
from accounting.services import LineInput
from accounting.services.fiscal import add_months
from entrepreneurs.models import Activity, Sector
from entrepreneurs.services import sector_seed_defaults
from perspectives.accounts.models import User
from perspectives.tenancy import services as tenancy_services
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.db import as_owner
from perspectives.tenancy.models import Cooperative, Role

SLUG = os.environ.get("LEDGER_BENCH_SLUG", "bench-ledger")
SCRATCH = f"{SLUG}-scratch"
YEARS = int(os.environ.get("LEDGER_BENCH_YEARS", "20"))
ACTIVITIES = int(os.environ.get("LEDGER_BENCH_ACTIVITIES", "150"))
SMALL = int(os.environ.get("LEDGER_BENCH_SMALL", "20"))
DENSITY = int(os.environ.get("LEDGER_BENCH_DENSITY", "20"))
REBUILD = os.environ.get("LEDGER_BENCH_REBUILD", "") not in ("", "0")
RUNS = 9
# Tables whose statistics the planner needs while the seed grows them (autovacuum may be off).
ANALYZED = (
    "accounting_account",
    "accounting_entry",
    "accounting_entryline",
    "accounting_fiscalyear",
    "accounting_journal",
    "accounting_monthlybalance",
    "accounting_period",
    "accounting_thirdparty",
    "entrepreneurs_activity",
)
USER_EMAIL = "bench.ledger@perspectives.example"
TOTP_SECRET = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"  # noqa: S105 - a benchmark account


def _siren(n: int) -> str:
    from stdnum import luhn

    base = f"{810000000 + n * 1013:09d}"[:8]
    return base + str(luhn.calc_check_digit(base))


def _cooperative(slug: str) -> Cooperative:
    existing = Cooperative.objects.filter(slug=slug).first()
    if existing is not None:
        return existing
    return tenancy_services.cooperative_create(
        name=slug, slug=slug, siren=_siren(zlib.crc32(slug.encode()) % 90000)
    )


def _profiles(cooperative: Cooperative, rng: random.Random) -> list[ActivityProfile]:
    """Activities and third parties of a bench cooperative (created once)."""
    sectors: list[Sector] = sector_seed_defaults()
    if not Activity.objects.exists():
        Activity.objects.bulk_create(
            Activity(
                cooperative=cooperative,
                analytic_code=f"B{i:03d}",
                name=f"Activité {i}",
                sector=sectors[i % len(sectors)],
                start_date=dt.date(1990, 1, 1),
            )
            for i in range(ACTIVITIES)
        )
    services.chart_seed_defaults()
    activities = list(Activity.objects.select_related("sector").order_by("analytic_code"))
    if not ThirdParty.objects.exists():
        from accounting.models import Account

        customers = Account.objects.get(code="411")
        suppliers = Account.objects.get(code="401")
        ThirdParty.objects.bulk_create(
            [
                ThirdParty(
                    cooperative=cooperative,
                    kind="customer",
                    code=f"C{a.analytic_code}-{n}",
                    name="Client",
                    account=customers,
                    activity=a,
                )
                for a in activities
                for n in range(3)
            ]
            + [
                ThirdParty(
                    cooperative=cooperative,
                    kind="supplier",
                    code=f"S{n:02d}",
                    name="Fournisseur",
                    account=suppliers,
                )
                for n in range(20)
            ]
        )
    return [
        ActivityProfile(
            activity_id=a.pk,
            code=a.analytic_code,
            sector=a.sector.name,
            level=rng.uniform(0.5, 1.6),
            customers=tuple(f"C{a.analytic_code}-{n}" for n in range(3)),
            suppliers=tuple(f"S{n:02d}" for n in range(20)),
            contribution_rate=Decimal("11.00"),
            start=dt.date(1990, 1, 1),
        )
        for a in activities
    ]


def _fill(
    cooperative: Cooperative, first: dt.date, last: dt.date, *, invoices: int, purchases: int
) -> tuple[int, float]:
    """Post every month from `first` to `last` (month by month, one transaction each) unless
    already there; returns (lines posted, seconds spent posting)."""
    rng = random.Random(cooperative.slug)
    posted, spent = 0, 0.0
    with cooperative_context(cooperative.pk):
        profiles = _profiles(cooperative, rng)
        year = first.year
        while year <= last.year:
            services.fiscal_year_ensure(day=dt.date(year, 6, 30))
            year += 1
    month = first
    since_analyze = 0
    while month <= last:
        # Every month of history has its first activity's payroll entry: the month is there.
        marker = f"hist:{profiles[0].code}:{month:%Y-%m}:payroll"
        with cooperative_context(cooperative.pk):
            already = Entry.objects.filter(idempotency_key=marker).exists()
        if not already:
            entries = [
                e
                for p in profiles
                for e in month_entries(
                    p, month, rng, today=last, invoices=invoices, purchases=purchases
                )
            ]
            start = time.perf_counter()
            with cooperative_context(cooperative.pk):
                services.entries_post_bulk(entries=entries)
            spent += time.perf_counter() - start
            posted += sum(len(e.lines) for e in entries)
            since_analyze += 1
            if since_analyze in (1, 3) or since_analyze % 12 == 0:
                _analyze()
        month = add_months(month, 1)
    if since_analyze:
        _analyze()
    return posted, spent


def _close_past_years(cooperative: Cooperative, *, before: dt.date, out: Any) -> None:
    """Close every year that ended before `before`, as a cooperative does each spring: balances
    then start from the latest opening entries instead of the first day of the history."""
    with cooperative_context(cooperative.pk):
        years = list(
            FiscalYear.objects.filter(end_date__lt=before)
            .exclude(status=FiscalYear.Status.CLOSED)
            .order_by("start_date")
        )
    if not years:
        return
    start = time.perf_counter()
    for year in years:  # one transaction per year, as the closing page does
        with cooperative_context(cooperative.pk):
            if year.status == FiscalYear.Status.OPEN:
                year = services.fiscal_year_start_closing(fiscal_year=year)
            services.fiscal_year_close(fiscal_year=year)
    _analyze()
    out.write(
        f"    closed {len(years)} past year(s) in {time.perf_counter() - start:.0f} s "
        "(seal, FEC fingerprint, opening entries)\n"
    )


def _load() -> str:
    return f"load {os.getloadavg()[0]:.1f}"


# (figure, measured, target, verdict, machine load): printed as one table at the end of the run.
TABLE: list[tuple[str, str, str, str, str]] = []


def _record(figure: str, measured: str, target: str = "", ok: bool | None = None) -> None:
    verdict = "" if ok is None else ("met" if ok else "MISSED")
    TABLE.append((figure, measured, target, verdict, _load()))


def _print_table(out: Any) -> None:
    headers = ("figure", "measured", "target", "", "load")
    widths = [max(len(row[i]) for row in [headers, *TABLE]) for i in range(len(headers))]
    for row in [headers, tuple("-" * w for w in widths), *TABLE]:
        out.write(
            "  " + " | ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)) + "\n"
        )


def _analyze() -> None:
    """Planner statistics after bulk loading (what autovacuum would do, were it on)."""
    with as_owner(), connection.cursor() as cursor:
        for table in ANALYZED:
            cursor.execute(f"ANALYZE {table}")


def _rebuild(out: Any) -> None:
    """Delete the bench cooperatives' ledgers and fiscal years, closed ones included (the owner
    bypasses nothing: the guards are disabled for the deletion only, in one transaction)."""
    slugs = [SLUG, SCRATCH, *(f"{SLUG}-{n:02d}" for n in range(1, SMALL + 1))]
    ids = list(Cooperative.objects.filter(slug__in=slugs).values_list("pk", flat=True))
    if not ids:
        return
    out.write(f"  deleting the ledgers of {len(ids)} bench cooperative(s)…\n")
    _delete_ledgers(ids)


def _delete_ledgers(ids: list[int]) -> None:
    with as_owner(), transaction.atomic(), connection.cursor() as cursor:
        tables = (
            "accounting_monthlybalance",
            "accounting_entryline",
            "accounting_entry",
            "accounting_period",
            "accounting_fiscalyear",
        )
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} DISABLE TRIGGER USER")
        for table in tables:
            for cooperative_id in ids:
                with cooperative_context(cooperative_id):
                    cursor.execute(
                        f"DELETE FROM {table} WHERE cooperative_id = %s", [cooperative_id]
                    )
        # Foreign keys checked now: a table with pending checks cannot be altered.
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
        for table in tables:
            cursor.execute(f"ALTER TABLE {table} ENABLE TRIGGER USER")


def _median_ms(fn: Callable[[], Any], runs: int = RUNS) -> float:
    fn()  # warm caches
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def _user(cooperative: Cooperative) -> User:
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP

    user = User.objects.filter(email=USER_EMAIL).first()
    if user is None:
        user = User.objects.create_user(USER_EMAIL, "bench-password")
    if not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
        TOTP.activate(user, TOTP_SECRET)
    tenancy_services.membership_set(
        cooperative=cooperative, user=user, roles=[Role.ACCOUNTANT, Role.MANAGER]
    )
    return user


def _post_months(cooperative: Cooperative, months: int = 3) -> tuple[int, float, int]:
    """Post `months` fresh months (one call each, as an import does) into a new fiscal year of
    the cooperative; returns (lines posted, seconds spent posting, year)."""
    with cooperative_context(cooperative.pk):
        rng = random.Random(7)
        profiles = _profiles(cooperative, rng)
        year = 2100 + FiscalYear.objects.count()
        services.fiscal_year_ensure(day=dt.date(year, 6, 30))
        services.fiscal_year_ensure(day=dt.date(year + 1, 6, 30))
    lines_posted, spent = 0, 0.0
    for m in range(months):
        month = dt.date(year, 1 + m, 1)
        entries = [
            e
            for p in profiles
            for e in month_entries(
                p, month, rng, today=dt.date(year, 12, 31), invoices=DENSITY, purchases=DENSITY // 2
            )
        ]
        start = time.perf_counter()
        with cooperative_context(cooperative.pk):
            services.entries_post_bulk(entries=entries)
        spent += time.perf_counter() - start
        lines_posted += sum(len(e.lines) for e in entries)
    return lines_posted, spent, year


def _bulk_into_a_new_cooperative(out: Any) -> None:
    """The import of a cooperative that joins: its id is unknown to the planner's statistics
    (autovacuum analyzes a table only after a tenth of it changed), so every estimate about its
    rows says "almost none". Its ledger is deleted afterwards (the cooperative stays, with its
    activities: each run takes a new one)."""
    count = Cooperative.objects.filter(slug__startswith=f"{SLUG}-new-").count()
    cooperative = _cooperative(f"{SLUG}-new-{count + 1:03d}")
    lines_posted, spent, _year = _post_months(cooperative, months=6)
    _delete_ledgers([cooperative.pk])
    rate = lines_posted / spent
    out.write(
        f"  bulk posting into a new cooperative (no statistics about it yet): {rate:,.0f} "
        f"lines/s ({lines_posted:,} lines, {spent:.1f} s) [{_load()}]\n"
    )
    _record(
        "bulk posting, new cooperative (no statistics)",
        f"{rate:,.0f} lines/s",
        "≥ 20,000 lines/s",
        rate >= 20_000,
    )


def _bulk_vs_copy(out: Any) -> None:
    """Post three fresh months into a scratch cooperative, then COPY the same rows."""
    scratch = _cooperative(SCRATCH)
    lines_posted, spent, year = _post_months(scratch)
    bulk_rate = lines_posted / spent
    # Statistics for what was just posted: a cooperative the planner believes nearly empty gets
    # its entries looked up by scanning them all (the interactive figure below).
    _analyze()

    with cooperative_context(scratch.pk), connection.cursor() as cursor:
        cursor.execute(
            "SELECT cooperative_id, entry_id, line_no, date, account_id, activity_id, "
            "third_party_id, debit, credit, label FROM accounting_entryline "
            "WHERE date >= %s ORDER BY id LIMIT %s",
            [dt.date(year, 1, 1), lines_posted],
        )
        rows = cursor.fetchall()
    # COPY into a table shaped like the lines table: a temporary one (not WAL-logged, no
    # index), then a regular one with the same indexes, committed (WAL and fsync, like the
    # posting). Creating a table needs the owner role.
    copy_rates = {}
    for variant, create in (
        (
            "temporary, no index",
            "CREATE TEMP TABLE bench_copy (LIKE accounting_entryline INCLUDING IDENTITY)",
        ),
        (
            "logged, same indexes",
            "CREATE TABLE bench_copy (LIKE accounting_entryline "
            "INCLUDING IDENTITY INCLUDING INDEXES)",
        ),
    ):
        with as_owner():
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE IF EXISTS bench_copy")
                cursor.execute(create)
            start = time.perf_counter()
            with (
                transaction.atomic(),
                connection.cursor() as cursor,
                cursor.cursor.copy(
                    "COPY bench_copy (cooperative_id, entry_id, line_no, date, account_id, "
                    "activity_id, third_party_id, debit, credit, label) FROM STDIN"
                ) as copy,
            ):
                for row in rows:
                    copy.write_row(row)
            copy_rates[variant] = len(rows) / (time.perf_counter() - start)
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE bench_copy")
    out.write(
        f"  bulk posting (import path): {bulk_rate:,.0f} lines/s ({lines_posted:,} lines, "
        f"{spent:.1f} s, every rule checked, balances maintained) [{_load()}]\n"
    )
    _record(
        "bulk posting (import path)",
        f"{bulk_rate:,.0f} lines/s",
        "≥ 20,000 lines/s",
        bulk_rate >= 20_000,
    )
    for variant, rate in copy_rates.items():
        out.write(
            f"  COPY of the same rows ({variant}): {rate:,.0f} lines/s → posting/COPY = "
            f"{bulk_rate / rate:.3f}\n"
        )
        _record(f"  COPY, {variant}", f"{rate:,.0f} lines/s (posting/COPY {bulk_rate / rate:.2f})")


def _interactive(out: Any) -> None:
    scratch = Cooperative.objects.get(slug=SCRATCH)
    with cooperative_context(scratch.pk):
        year = FiscalYear.objects.order_by("-start_date").first()
        assert year is not None  # noqa: S101 - created by _bulk_vs_copy
        activities = list(Activity.objects.values_list("pk", flat=True)[:2])
    per_writer = 150
    counts = [0, 0]
    barrier = threading.Barrier(2)

    def writer(index: int) -> None:
        try:
            barrier.wait()
            for n in range(per_writer):
                with cooperative_context(scratch.pk):
                    services.entry_post(
                        journal="OD",
                        date=year.start_date + dt.timedelta(days=n % 28),
                        label=f"Écriture {index}-{n}",
                        lines=[
                            LineInput("512", debit="10.00", activity=activities[index]),
                            LineInput("580", credit="10.00", activity=activities[index]),
                        ],
                    )
                counts[index] += 1
        finally:
            connections.close_all()

    start = time.perf_counter()
    threads = [threading.Thread(target=writer, args=(i,)) for i in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - start
    single = _median_ms(lambda: _post_one(scratch, year.start_date, activities[0]), runs=30)
    out.write(
        f"  interactive validation, 2 concurrent writers, one cooperative: "
        f"{sum(counts) / elapsed:,.0f} entries/s ({sum(counts)} entries in {elapsed:.1f} s); "
        f"one writer alone: {1000 / single:,.0f} entries/s ({single:.1f} ms each) [{_load()}]\n"
    )
    _record("interactive validation, 2 writers", f"{sum(counts) / elapsed:,.0f} entries/s")
    _record("  one writer alone", f"{1000 / single:,.0f} entries/s ({single:.1f} ms each)")


def _post_one(cooperative: Cooperative, day: dt.date, activity: int) -> None:
    with cooperative_context(cooperative.pk):
        services.entry_post(
            journal="OD",
            date=day,
            label="Écriture",
            lines=[
                LineInput("512", debit="1.00", activity=activity),
                LineInput("580", credit="1.00", activity=activity),
            ],
        )


# Long on purpose: a benchmark script, read top to bottom.
def _statements(out: Any) -> None:
    cooperative = Cooperative.objects.get(slug=SLUG)
    user = _user(cooperative)
    client = Client()
    client.force_login(user)
    with cooperative_context(cooperative.pk):
        last_year = (
            FiscalYear.objects.filter(end_date__lt=dt.date.today())  # noqa: DTZ011
            .order_by("-end_date")
            .first()
        )
        assert last_year is not None  # noqa: S101
        activity = Activity.objects.order_by("analytic_code").first()
        assert activity is not None  # noqa: S101
        lines_in_year = EntryLine.objects.filter(
            date__gte=last_year.start_date, date__lte=last_year.end_date
        ).count()
        total_lines = EntryLine.objects.count()
    end = last_year.end_date
    start24 = add_months(end.replace(day=1), -23)
    base = f"/c/{SLUG}/accounting"
    scope = frozenset({activity.pk})

    def in_context(fn: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            with cooperative_context(cooperative.pk):
                return fn()

        return run

    figures = [
        (
            "P&L of one activity, 24 months (page)",
            _median_ms(
                lambda: client.get(f"{base}/activities/{activity.pk}/pnl/?from={start24}&to={end}")
            ),
        ),
        (
            "  same, selector only",
            _median_ms(
                in_context(
                    lambda: selectors.activity_pnl(scope=scope, date_from=start24, date_to=end)
                )
            ),
        ),
        (
            "treasury statement of one activity (page)",
            _median_ms(
                lambda: client.get(f"{base}/activities/{activity.pk}/treasury/?as_of={end}")
            ),
        ),
        (
            "  same, selector only",
            _median_ms(in_context(lambda: selectors.treasury_statement(scope=scope, as_of=end))),
        ),
        (
            "trial balance of the cooperative, one year (page)",
            _median_ms(
                lambda: client.get(
                    f"{base}/trial-balance/?from={last_year.start_date}&to={last_year.end_date}"
                )
            ),
        ),
        (
            "  same, selector only",
            _median_ms(
                in_context(
                    lambda: selectors.trial_balance(
                        date_from=last_year.start_date, date_to=last_year.end_date
                    )
                )
            ),
        ),
        (
            "trial balance, 10 March – 20 November (partial months from lines)",
            _median_ms(
                in_context(
                    lambda: selectors.trial_balance(
                        date_from=end.replace(month=3, day=10),
                        date_to=end.replace(month=11, day=20),
                    )
                ),
                runs=5,
            ),
        ),
        (
            "general ledger of account 512, one year (page)",
            _median_ms(
                lambda: client.get(
                    f"{base}/general-ledger/?account=512&from={last_year.start_date}&to={end}"
                ),
                runs=3,
            ),
        ),
    ]
    status = client.get(f"{base}/activities/{activity.pk}/pnl/?from={start24}&to={end}")
    assert status.status_code == 200, status.status_code  # noqa: S101
    out.write(
        f"  cooperative {SLUG}: {total_lines:,} lines in total, {lines_in_year:,} in {last_year}\n"
    )
    with as_owner(), connection.cursor() as cursor:
        cursor.execute(
            "SELECT reltuples::bigint FROM pg_class WHERE relname = 'accounting_entryline'"
        )
        (all_lines,) = cursor.fetchone()
    _record(
        "data",
        f"{SLUG}: {total_lines:,} lines ({lines_in_year:,} in {last_year}); "
        f"all cooperatives: ~{all_lines:,} lines",
    )
    targets = {
        "P&L of one activity, 24 months (page)": 50.0,
        "treasury statement of one activity (page)": 50.0,
        "trial balance of the cooperative, one year (page)": 500.0,
    }
    for label, ms in figures:
        out.write(f"  {label}: {ms:,.1f} ms [{_load()}]\n")
        target = targets.get(label)
        _record(
            label,
            f"{ms:,.1f} ms",
            f"≤ {target:.0f} ms" if target else "",
            None if target is None else ms <= target,
        )

    # FEC of the last year: time, peak Python memory, peak RSS.
    with tempfile.TemporaryDirectory() as directory, cooperative_context(cooperative.pk):
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        tracemalloc.start()
        start = time.perf_counter()
        result = fec.fec_write(cooperative, last_year, Path(directory))
        elapsed = time.perf_counter() - start
        _current, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        size = result.path.stat().st_size
        start = time.perf_counter()
        problems = fec.fec_validate(result.path.read_bytes(), filename=result.path.name)
        validate = time.perf_counter() - start
    out.write(
        f"  FEC export of {last_year} ({result.lines:,} lines, {size / 1e6:.0f} MB): "
        f"{elapsed:.1f} s, peak Python memory {peak / 1e6:.1f} MB, process peak RSS "
        f"{rss_after / 1024:.0f} MB (was {rss_before / 1024:.0f} MB before); "
        f"validator: {len(problems)} problem(s) in {validate:.1f} s [{_load()}]\n"
    )
    _record(
        f"FEC export, {result.lines:,} lines: time", f"{elapsed:.1f} s", "≤ 30 s", elapsed <= 30
    )
    _record(
        "  peak memory (Python heap; process RSS)",
        f"{peak / 1e6:.0f} MB; {rss_after / 1024:.0f} MB",
        "≤ 200 MB",
        peak / 1e6 <= 200,
    )
    with cooperative_context(cooperative.pk):
        from accounting.integrity import ledger_verify

        start = time.perf_counter()
        report = ledger_verify(fiscal_year=last_year)
        verify = time.perf_counter() - start
        out.write(
            f"  ledger_verify of {last_year} ({report.entries:,} entries, chain recomputed): "
            f"{verify:.1f} s, {'intact' if report.ok else report.problems}\n"
        )
    _record(
        f"ledger_verify of one year ({report.entries:,} entries)",
        f"{verify:.1f} s, {'intact' if report.ok else 'BROKEN'}",
    )


def run(out: Any) -> None:
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        today = dt.date.today()  # noqa: DTZ011 - whole calendar years of history
        last = dt.date(today.year - 1, 12, 31)
        first = dt.date(today.year - YEARS, 1, 1)
        # The big cooperative also has this year up to last month, so that dashboards (run on
        # it by top/dashboards/bench.py) show a current year; statements below take
        # its last complete year.
        last_month = today.replace(day=1) - dt.timedelta(days=1)
        TABLE.clear()
        if REBUILD:
            _rebuild(out)
        main = _cooperative(SLUG)
        out.write(f"  seeding {SLUG}: {ACTIVITIES} activities × {YEARS} years (once)…\n")
        posted, spent = _fill(main, first, last_month, invoices=DENSITY, purchases=DENSITY // 2)
        if posted:
            out.write(f"    posted {posted:,} lines in {spent:.0f} s ({posted / spent:,.0f}/s)\n")
        _close_past_years(main, before=dt.date(today.year - 1, 1, 1), out=out)
        for n in range(1, SMALL + 1):
            small = _cooperative(f"{SLUG}-{n:02d}")
            posted, spent = _fill(
                small, dt.date(today.year - 2, 1, 1), last, invoices=2, purchases=1
            )
            if posted:
                out.write(f"    {small.slug}: {posted:,} lines in {spent:.0f} s\n")
        _bulk_vs_copy(out)
        _bulk_into_a_new_cooperative(out)
        _interactive(out)
        _statements(out)
        out.write("\n")
        _print_table(out)
