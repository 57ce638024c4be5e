from __future__ import annotations

import csv
import datetime as dt
import io

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
    return list(csv.reader(io.StringIO(content.decode()), delimiter=";"))


def test_contributions_per_collecting_body(world: World, payroll: Payroll, client: Client) -> None:
    run = _run(world)
    client.force_login(world.carl)
    response = client.get(f"/c/coop-a/payroll/runs/{run.pk}/contributions.csv")
    assert response.status_code == 200
    # Alice at 2,500 € and another entrepreneur at 1,900 €: the RGDUs (429.75 + 681.72) are
    # deducted from URSSAF's employer part; 71.76 € of PAS (the other is in the 0 % band).
    assert _csv(response.content) == [
        ["Organisme", "Part salariale", "Part patronale"],
        ["AGIRC-ARRCO", "176.44", "264.44"],
        ["DGFiP (prélèvement à la source)", "71.76", "0"],
        ["URSSAF", "740.54", "296.79"],
        ["URSSAF (AGS)", "0.00", "11.00"],
        ["URSSAF (assurance chômage)", "0.00", "176.00"],
    ]


def test_the_journal_has_one_row_per_payslip(
    world: World, payroll: Payroll, client: Client
) -> None:
    run = _run(world)
    client.force_login(world.carl)
    rows = _csv(client.get(f"/c/coop-a/payroll/runs/{run.pk}/journal.csv").content)
    assert rows[0][:3] == ["Entrepreneur·e", "Brut", "Cotisations salariales"]
    assert sorted(row[1] for row in rows[1:]) == ["1900.00", "2500.00"]
    client.force_login(world.alice)
    assert client.get(f"/c/coop-a/payroll/runs/{run.pk}/journal.csv").status_code == 403
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-b/payroll/runs/{run.pk}/journal.csv").status_code == 404
