"""Pay profiles for a whole cooperative from one file: each person found by e-mail or file
number, every refused row with its line and reason, nothing changed by the same file again, and
the export in the template's columns."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO
from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from entrepreneurs.models import Entrepreneur
from payroll.models import PayProfile
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.entrepreneurs import EntrepreneurFactory
from tests.onboarding.helpers import refused_import, run_import

D = Decimal
HEADER = (
    "E-mail;N° de dossier;Nom;Prénom;Statut;Part fixe (brut mensuel);"
    "Avance sur la part variable (brut mensuel);"
    "Taux personnalisé de prélèvement à la source (%)"
)


@pytest.fixture
def people(world: World) -> tuple[Entrepreneur, Entrepreneur]:
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
        bruno = EntrepreneurFactory.create(
            sector=alice.sector, first_name="Bruno", last_name="Bastide", email="bruno@a.example"
        )
    return alice, bruno


def _file(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "profils.csv"
    path.write_text("\n".join((HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_pay_profiles_come_in_by_email_or_file_number_and_once_only(
    world: World, people: tuple[Entrepreneur, Entrepreneur], tmp_path: Path
) -> None:
    alice, bruno = people
    path = _file(
        tmp_path,
        f"{alice.email.upper()};;Arnaud;Alice;Cadre;2 000,00;300,00;7,5",
        f";{bruno.pk};;;non-cadre;1800;;",
    )

    output = run_import("pay_profiles", path)
    again = run_import("pay_profiles", path)

    assert "créés : 2" in output
    assert "refusés : 0" in output
    assert "créés : 0" in again
    assert "mis à jour : 2 (dont 2 sans changement)" in again
    with cooperative_context(world.coop_a.pk):
        assert sorted(
            PayProfile.objects.values_list(
                "entrepreneur__last_name", "status", "monthly_gross", "variable_advance", "pas_rate"
            )
        ) == [
            (alice.last_name, "cadre", D("2300.00"), D("300.00"), D("7.50")),
            ("Bastide", "non-cadre", D("1800.00"), D("0.00"), None),
        ]


def test_the_pay_profiles_export_is_the_template_and_imports_back_unchanged(
    world: World, people: tuple[Entrepreneur, Entrepreneur], tmp_path: Path, client: Client
) -> None:
    alice, bruno = people
    run_import(
        "pay_profiles",
        _file(tmp_path, f"{alice.email};;;;Cadre;2000;300;7,5", f"{bruno.email};;;;;1800;;"),
    )
    out = StringIO()

    call_command(
        "data_export", "--cooperative=coop-a", "--kind=pay_profiles", "--format=csv", stdout=out
    )
    path = tmp_path / "export.csv"
    path.write_text(out.getvalue(), encoding="utf-8")
    again = run_import("pay_profiles", path)
    client.force_login(world.carl)
    template = client.get("/c/coop-a/imports/template/?kind=pay_profiles")

    assert template.content.decode("utf-8") == "\ufeff" + HEADER + "\n"
    assert out.getvalue().splitlines() == [
        HEADER,
        f"{alice.email};{alice.pk};{alice.last_name};{alice.first_name};Cadre;2000.00;300.00;7.50",
        f"bruno@a.example;{bruno.pk};Bastide;Bruno;Non-cadre;1800.00;0.00;",
    ]
    assert "créés : 0" in again
    assert "mis à jour : 2 (dont 2 sans changement)" in again


def test_bad_pay_profile_rows_are_each_refused_and_nothing_is_kept(
    world: World, people: tuple[Entrepreneur, Entrepreneur], tmp_path: Path
) -> None:
    alice, bruno = people
    path = _file(
        tmp_path,
        f"{alice.email};;;;;2000;;",
        "inconnu@a.example;;;;;1500;;",
        ";;Sans;Nom;;1500;;",
        f"{bruno.email};;;;;1500;;50",
        f";{alice.pk};;;;1500;;",
        f"{bruno.email};999999;;;;1500;;",
        f"{bruno.email};;;;Stagiaire;1500;;",
    )

    output = refused_import("pay_profiles", path)

    assert "ligne 3 : aucun dossier d'entrepreneur·e pour inconnu@a.example." in output
    assert "ligne 4 : indiquez l'e-mail ou le numéro de dossier de la personne." in output
    assert "ligne 5 : le taux de prélèvement à la source va de 0 à 43 %." in output
    assert "ligne 6 : Alice Arnaud a déjà une ligne dans ce fichier." in output
    assert "ligne 7 : aucun dossier d'entrepreneur·e n° 999999." in output
    assert "ligne 8 : Statut : « Stagiaire » : statut inconnu·e." in output
    assert "refusés : 6" in output
    with cooperative_context(world.coop_a.pk):
        assert PayProfile.objects.count() == 0
