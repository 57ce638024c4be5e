"""Payroll opening balances: a cooperative whose payroll moves here in March brings each
person's year-to-date figures and leave counters, and the first payslip goes on from them."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from entrepreneurs.models import Entrepreneur
from payroll.models import OpeningBalance, Payslip
from payroll.selectors import payslip_year_to_date
from payroll.services import leave_state_before, payroll_run_create
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World, travel_to
from tests.factories.payroll import PayslipFactory
from tests.onboarding.helpers import run_import
from tests.payroll.conftest import Payroll, compute_run, payroll  # noqa: F401 (fixture)
from top.onboarding.imports.service import data_import

HEADER = (
    "E-mail;Année;Brut cumulé;Net imposable cumulé;Heures cumulées;SMIC de référence cumulé;"
    "Réduction générale cumulée;Net social cumulé;Coût employeur cumulé;Congés acquis (jours);"
    "Congés pris (jours)\n"
)


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with travel_to("2026-03-16"):
        yield


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "cumuls.csv"
    path.write_text(HEADER + "".join(f"{row}\n" for row in rows), encoding="utf-8")
    return path


def test_the_first_payslip_here_goes_on_from_the_opening_balance(
    world: World,
    payroll: Payroll,  # noqa: F811 (fixture)
    tmp_path: Path,
) -> None:
    alice_email = payroll.alice.email
    path = _file(
        tmp_path,
        f"{alice_email};2026;5 000,00;4 020,50;303,34;3 666,72;612,40;3 910,00;6 480,10;5;1,5",
    )

    output = run_import("payroll_opening", path)
    again = run_import("payroll_opening", path)

    assert "créés : 1" in output
    assert "mis à jour : 1 (dont 1 sans changement)" in again
    with cooperative_context(world.coop_a.pk):
        ytd = payslip_year_to_date(entrepreneur_id=payroll.alice.pk, period=dt.date(2026, 3, 1))
        assert (ytd.gross, ytd.smic, ytd.reduction, ytd.taxable, ytd.net_social) == (
            Decimal("5000.00"),
            Decimal("3666.72"),
            Decimal("612.40"),
            Decimal("4020.50"),
            Decimal("3910.00"),
        )
        leave = leave_state_before(entrepreneur_id=payroll.alice.pk, period=dt.date(2026, 3, 1))
        assert (leave.acquired, leave.taken) == (Decimal("5.00"), Decimal("1.50"))
        # Another year starts from nothing.
        assert payslip_year_to_date(
            entrepreneur_id=payroll.alice.pk, period=dt.date(2027, 1, 1)
        ).gross == Decimal(0)
        run = payroll_run_create(period=dt.date(2026, 3, 1), created_by=world.carl)
        compute_run(run.pk)
        slip = Payslip.objects.get(run=run, entrepreneur=payroll.alice)
        other = Payslip.objects.get(run=run, entrepreneur=payroll.other)
        # March's gross on top of January and February's, elsewhere.
        assert Decimal(slip.data["ytd"]["gross"]) == Decimal("7500.00")
        assert Decimal(other.data["ytd"]["gross"]) == Decimal("1900.00")


def test_each_refused_row_has_its_line_and_french_reason_and_nothing_is_kept(
    world: World,
    payroll: Payroll,  # noqa: F811 (fixture)
    tmp_path: Path,
) -> None:
    email, other = payroll.alice.email, payroll.other.email
    path = _file(
        tmp_path,
        "inconnue@example.org;2026;1000;800;;0;;;;;",
        f"{email};2026;-10;0;;0;;;;;",
        f"{email};2027;1000;800;;0;;;;;",
        f"{other};2026;1000;1200;;0;;;;;",
        f"{email};2026;1000;800;;0;;;;;",
        f"{email};2026;1000;800;;0;;;;;",
    )
    with cooperative_context(world.coop_a.pk):
        result = data_import(
            kind="payroll_opening", data=path.read_bytes(), filename="c.csv", dry_run=False
        )
        assert OpeningBalance.objects.count() == 0  # the good row 6 was not kept

    assert result.refused == [
        (2, "aucun dossier d'entrepreneur·e pour inconnue@example.org."),
        (3, "les cumuls ne peuvent pas être négatifs."),
        (4, "Année 2027 : une reprise porte sur l'année en cours ou une année passée."),
        (5, "Le net (social ou imposable) dépasse le brut cumulé."),
        (7, "même personne ou même code que la ligne 6."),
    ]


def test_no_opening_balance_once_a_payslip_of_the_year_is_issued_here(
    world: World,
    payroll: Payroll,  # noqa: F811 (fixture)
    tmp_path: Path,
) -> None:
    with cooperative_context(world.coop_a.pk):
        PayslipFactory.create(
            run__cooperative=world.coop_a,
            run__period=dt.date(2026, 1, 1),
            entrepreneur=payroll.alice,
            issued_at=timezone.now(),
        )
    path = _file(tmp_path, f"{payroll.alice.email};2026;1000;800;;0;;;;;")

    with cooperative_context(world.coop_a.pk):
        result = data_import(
            kind="payroll_opening", data=path.read_bytes(), filename="c.csv", dry_run=False
        )
        assert OpeningBalance.objects.count() == 0
        alice = Entrepreneur.objects.get(pk=payroll.alice.pk)

    assert result.refused == [
        (
            2,
            f"Des bulletins de 2026 sont déjà émis ici pour {alice.first_name} "
            f"{alice.last_name} : leurs cumuls ne se reprennent plus.",
        )
    ]
