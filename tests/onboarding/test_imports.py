"""Imports from real files (CSV in every encoding people send, XLSX, enDI's export) and the
export back, through the command line contracts."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from entrepreneurs.models import Activity, Entrepreneur, PathStep, Sector
from governance.models import Associate, ShareSubscription
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.onboarding.helpers import refused_import as _refused
from tests.onboarding.helpers import run_import as _import
from top.onboarding.imports.service import data_import

FILES = Path(__file__).parent / "files"


def _people(world: World) -> dict[str, Entrepreneur]:
    with cooperative_context(world.coop_a.pk):
        return {
            p.email: p
            for p in Entrepreneur.objects.select_related("referent", "sector").exclude(
                user=world.alice
            )
        }


@pytest.mark.parametrize(
    "name", ["entrepreneurs.csv", "entrepreneurs_windows1252_comma.csv", "entrepreneurs_bom.csv"]
)
def test_entrepreneurs_come_in_from_every_encoding_and_separator(world: World, name: str) -> None:
    output = _import("entrepreneurs", name)

    assert "créés : 3" in output
    assert "refusés : 0" in output
    people = _people(world)
    ines = people["ines.ferrer@example.org"]
    assert (ines.first_name, ines.civility, ines.birth_date) == (
        "Inès",
        "woman",
        dt.date(1988, 4, 12),
    )
    assert (ines.education_level, ines.entry_situation, ines.prescriber) == (
        "6",
        "job_seeker_are",
        "france_travail",
    )
    assert (ines.unemployment_rights_end, ines.qpv, ines.rqth) == (
        dt.date(2027, 6, 30),
        True,
        False,
    )
    assert (ines.referent, ines.sector.name, ines.stage, ines.cesa_start) == (
        world.bob,
        "Communication",
        "cesa",
        dt.date(2025, 8, 1),
    )
    assert (ines.cape_days, ines.associate_since) == (180, dt.date(2026, 2, 1))
    jordi = people["jordi.mas@example.org"]
    assert (jordi.stage, jordi.exited_on, jordi.rqth, jordi.zrr, jordi.entry_situation) == (
        "exited",
        dt.date(2026, 3, 15),
        True,
        True,
        "benefit",
    )
    assert (jordi.referent, jordi.education_level, jordi.prescriber) == (
        world.bob,
        "3",
        "department",
    )
    elodie = people["elodie.costa@example.org"]
    assert (elodie.stage, elodie.birth_date, elodie.entry_situation, elodie.referent) == (
        "prospect",
        dt.date(1992, 7, 21),
        "employee",
        None,
    )
    with cooperative_context(world.coop_a.pk):
        assert list(
            PathStep.objects.filter(entrepreneur=ines).order_by("date").values_list("kind", "date")
        ) == [
            ("info_session", dt.date(2025, 1, 5)),
            ("cape_start", dt.date(2025, 2, 1)),
            ("cape_end", dt.date(2025, 7, 31)),
            ("cesa_start", dt.date(2025, 8, 1)),
            ("associate", dt.date(2026, 2, 1)),
        ]
        # Sectors named by the file and not yet known are created once.
        assert sorted(Sector.objects.values_list("name", flat=True)) == [
            "Bien-être",
            "Bâtiment",
            "Communication",
        ]


def test_importing_the_same_file_again_adds_nothing(world: World) -> None:
    _import("entrepreneurs", "entrepreneurs.csv")
    with cooperative_context(world.coop_a.pk):
        before = (Entrepreneur.objects.count(), PathStep.objects.count())

    output = _import("entrepreneurs", "entrepreneurs_windows1252_comma.csv")

    assert "créés : 0" in output
    assert "mis à jour : 3 (dont 3 sans changement)" in output
    with cooperative_context(world.coop_a.pk):
        assert (Entrepreneur.objects.count(), PathStep.objects.count()) == before


def test_a_dry_run_writes_nothing_and_reports_the_same_counts(world: World) -> None:
    output = _import("entrepreneurs", "entrepreneurs.csv", "--dry-run")

    assert "essai : rien n'est écrit" in output
    assert "créés : 3" in output
    with cooperative_context(world.coop_a.pk):
        assert Entrepreneur.objects.count() == 1
        assert Sector.objects.count() == 1


def test_a_file_with_bad_rows_is_refused_whole_with_each_line_and_reason(world: World) -> None:
    output = _refused("entrepreneurs", "entrepreneurs_bad.csv")

    assert "ligne 2 : Date de naissance : « 31/02/1990 » n'est pas une date (JJ/MM/AAAA)." in output
    assert "ligne 3 : Nom : valeur obligatoire manquante." in output
    assert "ligne 5 : même personne ou même code que la ligne 4." in output
    assert "ligne 6 : Niveau de formation : « inconnu » : niveau de formation inconnu·e." in output
    assert "ligne 7 : Niveau de formation : « astrophysicien »" in output
    assert "refusés : 5" in output
    assert "colonnes ignorées : Couleur préférée" in output
    assert "rien n'a été importé" in output
    assert "5 ligne(s) refusée(s)." in output
    with cooperative_context(world.coop_a.pk):
        assert Entrepreneur.objects.count() == 1  # alice only: the good row 4 was not kept


def test_a_missing_required_column_refuses_the_file(world: World, tmp_path: Path) -> None:
    path = tmp_path / "sans_nom.csv"
    path.write_text("Prénom;E-mail\nLéa;lea@example.org\n", encoding="utf-8")
    with pytest.raises(CommandError, match="Colonne obligatoire absente : Nom"):
        call_command(
            "data_import", "--cooperative=coop-a", "--kind=entrepreneurs", f"--file={path}"
        )


def test_endi_gestion_sociale_export_imports_as_is(world: World) -> None:
    output = _import("entrepreneurs", "endi_gestion_sociale.csv")

    assert "créés : 2" in output
    assert "ID Utilisateur" in output  # reported as ignored
    people = _people(world)
    lina = people["lina.garcia@example.org"]
    assert (lina.phone, lina.civility, lina.birth_date, lina.qpv, lina.zrr) == (
        "04 68 00 00 00",
        "woman",
        dt.date(1990, 2, 14),
        True,
        False,
    )
    assert (lina.education_level, lina.entry_situation, lina.prescriber, lina.referent) == (
        "5",
        "job_seeker_are",
        "france_travail",
        world.bob,
    )
    assert lina.unemployment_rights_end == dt.date(2026, 12, 31)
    assert (lina.emergency_contact_name, lina.emergency_contact_phone) == (
        "Garcia Ana",
        "0600000002",
    )
    theo = people["theo.blanc@example.org"]
    assert (theo.civility, theo.zrr, theo.education_level, theo.prescriber) == (
        "man",
        True,
        "4",
        "department",
    )
    assert theo.sector.name == "À classer"


def _path(world: World, email: str) -> list[tuple[str, dt.date, dt.date | None, str]]:
    with cooperative_context(world.coop_a.pk):
        return list(
            PathStep.objects.filter(entrepreneur__email=email)
            .order_by("date", "pk")
            .values_list("kind", "date", "planned_end", "exit_reason")
        )


def test_endi_career_path_columns_bring_the_path_dates_once(world: World) -> None:
    # Written by enDI 2026.4.7's own "gestion sociale" CSV export: its career path comes as
    # "Parcours Date d’effet 1"…, most recent step first, the stage name column left empty.
    first = _import("entrepreneurs", "endi_gestion_sociale_parcours.csv")
    again = _import("entrepreneurs", "endi_gestion_sociale_parcours.csv")

    assert "créés : 2" in first
    assert "refusés : 0" in first
    assert "Parcours Date d’effet 1" not in first  # read, not reported as ignored
    assert "créés : 0" in again
    assert "mis à jour : 2 (dont 2 sans changement)" in again
    assert _path(world, "camille.roux@example.org") == [
        ("info_session", dt.date(2024, 9, 12), None, ""),
        ("cape_start", dt.date(2024, 10, 1), dt.date(2025, 9, 30), ""),
        ("cape_end", dt.date(2025, 9, 30), None, ""),
        ("cesa_start", dt.date(2025, 10, 1), None, ""),
    ]
    assert _path(world, "hugo.nadal@example.org") == [
        ("cape_start", dt.date(2025, 3, 3), dt.date(2026, 3, 2), ""),
        ("exit", dt.date(2025, 11, 28), None, "own_company"),
    ]
    people = _people(world)
    assert (people["camille.roux@example.org"].stage, people["hugo.nadal@example.org"].stage) == (
        "cesa",
        "exited",
    )


def test_endi_career_path_stage_names_tell_the_steps(world: World, tmp_path: Path) -> None:
    # enDI's XLSX export keeps the stage name in the first of its two "Type d’étape" columns.
    stage, start, end, situation = (
        "Parcours Type d’étape",
        "Parcours Date d’effet",
        "Parcours Date d’échéance",
        "Parcours Situation dans la CAE",
    )
    header = ["Nom", "Prénom", "E-mail 1"] + [
        f"{label} {n}" for n in (1, 2) for label in (stage, start, end, situation, stage)
    ]
    row = ["Vidal", "Léa", "lea.vidal@example.org"]
    row += ["Contrat CAPE", "02/06/2025", "01/12/2025", "", ""]
    row += ["Réunion d’information", "15/05/2025", "", "", ""]
    path = tmp_path / "parcours.csv"
    path.write_text(";".join(header) + "\n" + ";".join(row) + "\n", encoding="utf-8")

    output = _import("entrepreneurs", path)

    assert "créés : 1" in output
    assert _path(world, "lea.vidal@example.org") == [
        ("info_session", dt.date(2025, 5, 15), None, ""),
        ("cape_start", dt.date(2025, 6, 2), dt.date(2025, 12, 1), ""),
    ]


def test_activities_and_associates_follow_their_people(world: World) -> None:
    _import("entrepreneurs", "entrepreneurs.csv")

    activities = _import("activities", "activities.csv")
    associates = _import("associates", "associates.csv")
    again = _import("associates", "associates.csv")

    assert "créés : 2" in activities
    assert "créés : 3" in associates
    assert "créés : 0" in again
    with cooperative_context(world.coop_a.pk):
        duo = Activity.objects.get(analytic_code="ACT-DUO")
        assert sorted(
            (m.entrepreneur.email, m.share) for m in duo.members.select_related("entrepreneur")
        ) == [
            ("elodie.costa@example.org", Decimal("40.00")),
            ("jordi.mas@example.org", Decimal("60.00")),
        ]
        assert Activity.objects.get(analytic_code="ACT-FER").contribution_rate == Decimal("11.50")
        ines = Associate.objects.get(full_name="Inès Ferrer")
        assert ines.entrepreneur is not None
        assert (ines.category, ines.admitted_on, ines.entrepreneur.email) == (
            "employee",
            dt.date(2026, 2, 1),
            "ines.ferrer@example.org",
        )
        jean = Associate.objects.get(full_name="Jean Mercier")
        assert (jean.exited_on, jean.exit_reason) == (dt.date(2025, 12, 31), "resignation")
        assert ShareSubscription.objects.get(associate=jean).paid_amount == Decimal("50.00")
        assert ShareSubscription.objects.count() == 3


def test_xlsx_files_of_thirty_people_and_thirty_associates(world: World) -> None:
    people = _import("entrepreneurs", "entrepreneurs_30.xlsx")
    associates = _import("associates", "associates_30.xlsx")

    assert "créés : 30" in people
    assert "créés : 30" in associates
    with cooperative_context(world.coop_a.pk):
        assert Entrepreneur.objects.filter(associate_since=dt.date(2026, 1, 15)).count() == 30
        assert Associate.objects.count() == 30
        assert ShareSubscription.objects.filter(paid_amount=Decimal("51.00")).count() == 15


def test_the_export_gives_the_template_columns_and_imports_back(
    world: World, tmp_path: Path
) -> None:
    _import("entrepreneurs", "entrepreneurs.csv")
    out = StringIO()
    call_command(
        "data_export", "--cooperative=coop-a", "--kind=entrepreneurs", "--format=csv", stdout=out
    )
    text = out.getvalue()
    lines = text.splitlines()

    assert lines[0].startswith("Nom;Prénom;E-mail;Téléphone;Civilité;Date de naissance")
    assert any(
        line.startswith("Ferrer;Inès;ines.ferrer@example.org;06 12 34 56 78;Madame;1988-04-12")
        for line in lines
    )
    assert ";2025-08-01;2026-02-01;;" in text
    path = tmp_path / "export.csv"
    path.write_text(text, encoding="utf-8")
    again = StringIO()
    call_command(
        "data_import",
        "--cooperative=coop-a",
        "--kind=entrepreneurs",
        f"--file={path}",
        stdout=again,
    )
    assert "créés : 0" in again.getvalue()
    assert "refusés : 0" in again.getvalue()


def test_imports_stay_in_their_cooperative(world: World) -> None:
    _import("entrepreneurs", "entrepreneurs_30.xlsx", cooperative="coop-b")
    # Cooperative A's support staff are not B's: the referent is unknown there.
    refused = StringIO()
    with pytest.raises(CommandError):
        call_command(
            "data_import",
            "--cooperative=coop-b",
            "--kind=entrepreneurs",
            f"--file={FILES / 'entrepreneurs.csv'}",
            stdout=refused,
        )
    assert "ligne 2 : référent·e « bob@a.example » inconnu·e" in refused.getvalue()
    with cooperative_context(world.coop_a.pk):
        assert Entrepreneur.objects.count() == 1
    with cooperative_context(world.coop_b.pk):
        assert Entrepreneur.objects.count() == 31


def test_new_people_are_checked_row_by_row_then_written_together(
    world: World, django_assert_max_num_queries: Any
) -> None:
    data = (FILES / "entrepreneurs_30.xlsx").read_bytes()
    with cooperative_context(world.coop_a.pk), django_assert_max_num_queries(30):
        # A handful of statements for thirty files and their paths, not dozens per row.
        result = data_import(
            kind="entrepreneurs", data=data, filename="entrepreneurs_30.xlsx", dry_run=False
        )

    assert (result.created, result.refused) == (30, [])
    with cooperative_context(world.coop_a.pk):
        # Four steps each: CAPE start and end, CESA start, associate.
        assert PathStep.objects.count() == 120
        assert Entrepreneur.objects.filter(stage="cesa", cape_days__gt=0).count() == 30


def test_a_path_the_rules_refuse_is_reported_on_its_line_on_the_bulk_path(
    world: World, tmp_path: Path
) -> None:
    path = tmp_path / "parcours.csv"
    path.write_text(
        "Nom;Prénom;E-mail;Début du CAPE;Fin prévue du CAPE;Fin du CAPE;Début du CESA\n"
        "Bon;Parcours;bon@example.org;01/02/2025;31/07/2025;31/07/2025;01/08/2025\n"
        "Sans;Début;sans@example.org;;;31/07/2025;01/08/2025\n"
        "Trop;Long;long@example.org;01/02/2025;01/06/2026;;\n",
        encoding="utf-8",
    )

    output = _refused("entrepreneurs", str(path))

    assert "ligne 3 : Il n'y a pas de CAPE en cours à terminer." in output
    assert "ligne 4 : Un CAPE dure un an au plus (renouvelable deux fois)." in output
    assert "refusés : 2" in output
    with cooperative_context(world.coop_a.pk):
        assert (Entrepreneur.objects.count(), PathStep.objects.count()) == (1, 0)
