"""Benchmark of the bank (`make bench`, or `manage.py run_benchmarks bank`).

In the development database, a cooperative `bench-bank` (built once, kept) with 20,000 open
customer items (411, with invoice numbers) spread over 150 activities. Then:
- importing a 10,000-line camt.053 statement into a fresh account (target ≤ 5 s), and
  re-importing it (nothing added);
- the suggestions of 1,000 open bank lines against the 20,000 open items (target ≤ 2 s);
- the CA3 of one month of the ledger benchmark's cooperative (`bench-ledger`, 6 million lines,
  built by accounting/bench.py) when it exists, else of the demo cooperative; with
  BANK_BENCH_ONLY=ca3, that figure alone.
Each figure is printed with the machine's load average (the benchmark shares its cores).

Measured on the 2-CPU development machine, load average 5.8 (December 2026): import of the
10,000-line camt.053 1.83 s (6 to 14 s before: the known fingerprints are now looked up with one
array parameter instead of an ORM `__in` of 10,000 placeholders, the lines inserted from one JSON
document instead of twelve adapted arrays, and the camt namespace dropped from the text before
parsing rather than element by element); re-import 0.93 s; suggestions for 1,000 lines against
20,000 items 1.22 s.

CA3 of October 2026 on the ledger benchmark scaled down to LEDGER_BENCH_YEARS=4 (150 activities,
the full monthly density: 1,430,053 lines, 24,562 in the month; three past years closed), same
machine, load average 8.0: 0.56 s, median of three (0.33 s on 1 year, 547,906 lines). The bench
ledger posts no VAT settlement, so box 20 is 44566's whole balance, carried by the opening
entries since the start of its history.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import statistics
import time
from decimal import Decimal
from typing import Any

from django.db import transaction

from accounting import services as ledger
from accounting.models import Entry, EntryLine
from accounting.services import EntryInput, LineInput
from bank import services, vat
from bank.demo import CamtEntry, camt053_document
from bank.models import BankAccount, BankLine, Statement
from entrepreneurs.models import Activity, Sector
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative

SLUG = "bench-bank"
ITEMS = int(os.environ.get("BANK_BENCH_ITEMS", "20000"))
STATEMENT_LINES = int(os.environ.get("BANK_BENCH_LINES", "10000"))
OPEN_LINES = 1000
# BANK_BENCH_ONLY=ca3 runs the CA3 figure alone (on a ledger benchmark built beforehand).
ONLY = os.environ.get("BANK_BENCH_ONLY", "")
ACTIVITIES = 150
IBAN = "FR7630006000011234567890189"
YEAR = 2025


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load {one:.1f} {five:.1f} {fifteen:.1f}"


def _cooperative() -> Cooperative:
    cooperative = Cooperative.objects.filter(slug=SLUG).first()
    if cooperative is None:
        cooperative = Cooperative.objects.create(
            name="Banc d'essai banque", slug=SLUG, siren="810001020"
        )
    return cooperative


def _seed(out: Any) -> list[Activity]:
    ledger.chart_seed_defaults()
    ledger.fiscal_year_ensure(day=dt.date(YEAR, 6, 30))
    sector = Sector.objects.first() or Sector.objects.create(
        cooperative_id=_cooperative().pk, name="Services"
    )
    activities = list(Activity.objects.order_by("pk"))
    if not activities:
        Activity.objects.bulk_create(
            Activity(
                cooperative_id=sector.cooperative_id,
                analytic_code=f"B{n:03d}",
                name=f"Activité {n}",
                sector=sector,
                start_date=dt.date(YEAR, 1, 1),
            )
            for n in range(1, ACTIVITIES + 1)
        )
        activities = list(Activity.objects.order_by("pk"))
    if Entry.objects.filter(source="bench-bank").exists():
        return activities
    out.write(f"  seeding {ITEMS:,} open customer items (once)…\n")
    for n in range(1, 201):
        ledger.third_party_create(kind="customer", code=f"BC{n:04d}", name=f"Client banc {n}")
    rng = random.Random(7)
    entries = []
    for n in range(ITEMS):
        amount = Decimal(rng.randrange(5000, 500000)) / 100
        activity = activities[n % len(activities)]
        entries.append(
            EntryInput(
                journal="VT",
                date=dt.date(YEAR, 1 + n % 12, 1 + n % 28),
                label=f"Facture FB{n:06d}",
                piece_ref=f"FB{n:06d}",
                source="bench-bank",
                lines=[
                    LineInput(
                        "411", debit=amount, activity=activity, third_party=f"BC{1 + n % 200:04d}"
                    ),
                    LineInput("706", credit=amount, activity=activity),
                ],
            )
        )
    ledger.entries_post_bulk(entries=entries)
    return activities


def _statement(start: dt.date, lines: int, rng: random.Random) -> bytes:
    entries = [
        CamtEntry(
            booking_date=start + dt.timedelta(days=n % 28),
            amount=Decimal(rng.randrange(-200000, 300000) or 1) / 100,
            counterparty=f"CLIENT BANC {n % 200}",
            remittance=f"FACTURE FB{rng.randrange(ITEMS):06d}" if n % 3 else "VIREMENT",
            additional=f"VIR SEPA {n}",
        )
        for n in range(lines)
    ]
    return camt053_document(
        iban=IBAN,
        start=start,
        end=start + dt.timedelta(days=27),
        opening=Decimal("10000.00"),
        entries=entries,
        statement_id=f"BENCH-{start:%Y%m}-{lines}",
    )


def run(out: Any) -> None:
    if ONLY != "ca3":
        _import_and_suggest(out)
    _ca3(out)


def _import_and_suggest(out: Any) -> None:
    cooperative = _cooperative()
    with cooperative_context(cooperative.pk):
        _seed(out)
        rng = random.Random(11)
        # A fresh account each run: the import measures a whole new statement.
        with transaction.atomic():
            BankLine.objects.all().delete()
            Statement.objects.all().delete()
            BankAccount.objects.all().delete()
        account = services.bank_account_create(iban=IBAN, name="Banc d'essai", account_code="5129")
        data = _statement(dt.date(YEAR, 3, 1), STATEMENT_LINES, rng)
        started = time.perf_counter()
        result = services.statement_import(bank_account=account, data=data, file_name="bench.xml")
        spent = time.perf_counter() - started
        out.write(
            f"  import of a {STATEMENT_LINES:,}-line camt.053 ({len(data) / 1e6:.1f} MB): "
            f"{spent:.2f} s, {result.added:,} lines (target ≤ 5 s) [{_load()}]\n"
        )
        started = time.perf_counter()
        again = services.statement_import(bank_account=account, data=data, file_name="bench.xml")
        out.write(
            f"  re-import of the same file: {time.perf_counter() - started:.2f} s, "
            f"{again.added} added, {again.duplicates:,} known [{_load()}]\n"
        )
        lines = list(
            BankLine.objects.filter(state=BankLine.State.OPEN)
            .select_related("bank_account")
            .order_by("pk")[:OPEN_LINES]
        )
        started = time.perf_counter()
        suggestions = services.suggestions_for_lines(lines)
        spent = time.perf_counter() - started
        with_one = sum(1 for found in suggestions.values() if found)
        out.write(
            f"  suggestions for {len(lines):,} open lines against {ITEMS:,} open items: "
            f"{spent:.2f} s, {with_one} lines with a suggestion (target ≤ 2 s) [{_load()}]\n"
        )


def _ca3(out: Any) -> None:
    """The CA3 of one whole month of the ledger benchmark's cooperative (or the demo's): the
    median of three computations, with the size of the ledger it reads."""
    target = (
        Cooperative.objects.filter(slug="bench-ledger").first()
        or Cooperative.objects.filter(slug="perspectives").first()
    )
    if target is None:
        out.write("  CA3: no bench-ledger nor demo cooperative, skipped\n")
        return
    with cooperative_context(target.pk):
        last = Entry.objects.order_by("-date").values_list("date", flat=True).first()
        if last is None:
            out.write(f"  CA3 of {target.slug}: empty ledger, skipped\n")
            return
        end = last.replace(day=1) - dt.timedelta(days=1)
        start = end.replace(day=1)
        total = EntryLine.objects.count()
        in_month = EntryLine.objects.filter(date__gte=start, date__lte=end).count()
        timings = []
        for _run in range(3):
            started = time.perf_counter()
            ca3 = vat.vat_return_compute(date_from=start, date_to=end)
            timings.append(time.perf_counter() - started)
        spent = statistics.median(timings)
        out.write(
            f"  CA3 of {start:%m/%Y} in {target.slug} ({total:,} ledger lines, {in_month:,} in "
            f"the month): {spent:.2f} s (median of 3), VAT due {ca3.amounts['16']} €, "
            f"deductible {ca3.amounts['23']} € [{_load()}]\n"
        )
