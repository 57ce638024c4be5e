from __future__ import annotations

import csv
import datetime as dt
import io
import subprocess
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from payroll.models import PayrollRun
from payroll.services import payroll_run_create
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.payroll.conftest import Payroll, compute_run


def _run(world: World) -> PayrollRun:
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=dt.date(2026, 1, 1), created_by=world.carl)
        compute_run(run.pk)
        return run


def _csv(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig")), delimiter=";"))


def test_contributions_per_collecting_body(world: World, payroll: Payroll, client: Client) -> None:
    run = _run(world)
    client.force_login(world.carl)
    response = client.get(f"/c/coop-a/payroll/runs/{run.pk}/contributions.csv")
    assert response.status_code == 200
    # Alice at 2,500 € and another entrepreneur at 1,900 €: URSSAF collects unemployment
    # insurance (176.00) and AGS (11.00) too; the RGDUs (429.75 + 681.72) are imputed on
    # AGIRC-ARRCO for 0.0601 / 0.3981 of each (64.88 + 102.92 = 167.80) and on URSSAF for the
    # rest; 71.76 € of PAS (the other is in the 0 % band).
    assert _csv(response.getvalue()) == [
        ["Organisme", "Compte", "Part salariale (€)", "Part patronale (€)", "Total (€)"],
        ["URSSAF", "431", "740,54", "651,59", "1392,13"],
        ["AGIRC-ARRCO (retraite complémentaire)", "4371", "176,44", "96,64", "273,08"],
        ["DGFiP (prélèvement à la source)", "4421", "71,76", "0,00", "71,76"],
    ]


def test_the_journal_has_one_row_per_payslip(
    world: World, payroll: Payroll, client: Client
) -> None:
    run = _run(world)
    client.force_login(world.carl)
    rows = _csv(client.get(f"/c/coop-a/payroll/runs/{run.pk}/journal.csv").getvalue())
    assert rows[0][:3] == ["Entrepreneur·e", "Brut (€)", "Cotisations salariales (€)"]
    assert sorted(row[1] for row in rows[1:]) == ["1900,00", "2500,00"]
    client.force_login(world.alice)
    assert client.get(f"/c/coop-a/payroll/runs/{run.pk}/journal.csv").status_code == 403
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-b/payroll/runs/{run.pk}/journal.csv").status_code == 404


def _pdf_text(response: Any) -> str:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    text = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 (poppler-utils on PATH)
        input=response.content,
        capture_output=True,
        check=True,
    ).stdout.decode()
    return " ".join(text.replace("\u202f", " ").replace("\xa0", " ").split())


def _fr(amount: Decimal) -> str:
    whole, cents = f"{amount:,.2f}".split(".")
    return f"{whole.replace(',', ' ')},{cents}"


def test_the_contribution_summary_pdf_has_each_body_and_the_totals(
    world: World, payroll: Payroll, client: Client
) -> None:
    run = _run(world)
    client.force_login(world.carl)
    response = client.get(f"/c/coop-a/payroll/runs/{run.pk}/contributions.pdf")
    assert 'filename="paie-2026-01-contributions.pdf"' in response["Content-Disposition"]
    text = _pdf_text(response)
    assert "Cotisations par organisme" in text
    assert f"{world.coop_a.name} · SIREN {world.coop_a.siren}" in text
    assert "Période : janvier 2026" in text
    assert "Page 1 / 1" in text
    assert "URSSAF 431 740,54 651,59 1 392,13" in text
    assert "AGIRC-ARRCO (retraite complémentaire) 4371 176,44 96,64 273,08" in text
    assert "DGFiP (prélèvement à la source) 4421 71,76 0,00 71,76" in text
    assert "Totaux 988,74 748,23 1 736,97" in text


def test_the_journal_pdf_totals_every_column(
    world: World, payroll: Payroll, client: Client
) -> None:
    run = _run(world)
    client.force_login(world.carl)
    rows = _csv(client.get(f"/c/coop-a/payroll/runs/{run.pk}/journal.csv").getvalue())[1:]
    totals = [
        sum((Decimal(row[i].replace(",", ".")) for row in rows), Decimal(0)) for i in range(1, 12)
    ]
    text = _pdf_text(client.get(f"/c/coop-a/payroll/runs/{run.pk}/journal.pdf"))
    assert "Journal de paie" in text
    assert f"SIREN {world.coop_a.siren}" in text
    assert "2 bulletins" in text
    assert "Page 1 / 1" in text
    assert totals[0] == Decimal("4400.00")
    assert "Totaux " + " ".join(_fr(total) for total in totals) in text
    assert "Alice Arnaud 2 500,00" in text


@pytest.mark.parametrize("kind", ["journal", "contributions"])
def test_the_pdfs_are_for_payroll_and_managers_only(
    world: World, payroll: Payroll, client: Client, kind: str
) -> None:
    run = _run(world)
    client.force_login(world.alice)
    assert client.get(f"/c/coop-a/payroll/runs/{run.pk}/{kind}.pdf").status_code == 403
    client.force_login(world.bob)
    assert client.get(f"/c/coop-a/payroll/runs/{run.pk}/{kind}.pdf").status_code == 403
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-b/payroll/runs/{run.pk}/{kind}.pdf").status_code == 404
