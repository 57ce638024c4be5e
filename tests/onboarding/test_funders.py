"""The funders' period report: people, entries and exits, breakdowns, money; XLSX and CSV."""

from __future__ import annotations

import datetime as dt
import io

from django.test import Client
from openpyxl import load_workbook

from entrepreneurs.models import Entrepreneur, Sector
from entrepreneurs.services import path_step_record
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World, travel_to
from top.onboarding.statistics import funder_report


def _people(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        sector = Sector.objects.get()
        alice = Entrepreneur.objects.get(user=world.alice)
        Entrepreneur.objects.filter(pk=alice.pk).update(
            civility="woman", birth_date=dt.date(2001, 5, 1), qpv=True, prescriber="france_travail"
        )
        path_step_record(
            entrepreneur=alice, kind="cesa_start", date=dt.date(2026, 2, 2), recorded_by=None
        )
        paul = Entrepreneur.objects.create(
            cooperative=world.coop_a,
            first_name="Paul",
            last_name="Py",
            sector=sector,
            civility="man",
            birth_date=dt.date(1970, 1, 1),
            education_level="5",
        )
        path_step_record(
            entrepreneur=paul,
            kind="cape_start",
            date=dt.date(2025, 3, 3),
            planned_end=dt.date(2025, 9, 3),
            recorded_by=None,
        )
        path_step_record(
            entrepreneur=paul,
            kind="exit",
            date=dt.date(2026, 3, 1),
            exit_reason="own_company",
            recorded_by=None,
        )


@travel_to("2026-11-20")  # the files are created today: a day inside the 2026 report
def test_the_report_counts_people_entries_exits_and_breakdowns(world: World) -> None:
    _people(world)
    with cooperative_context(world.coop_a.pk):
        report = funder_report(start=dt.date(2026, 1, 1), end=dt.date(2026, 12, 31))

    assert (report.accompanied, report.entries, report.exits) == (2, 1, 1)
    breakdowns = dict(report.breakdowns)
    assert breakdowns["Sorties par motif"] == [("Création de sa propre entreprise", 1)]
    assert breakdowns["Genre"] == [("Madame", 1), ("Monsieur", 1)]
    assert sorted(breakdowns["Âge"]) == [("26 à 44 ans", 0)] * 0 + [
        ("55 ans et plus", 1),
        ("moins de 26 ans", 1),
    ]
    assert breakdowns["Prescripteur"] == [("France Travail", 1), ("non renseigné", 1)]
    assert breakdowns["Pôle"] == [("Communication", 2)]
    assert breakdowns["Résidence et reconnaissance"][0] == ("quartier prioritaire (QPV)", 1)


@travel_to("2026-11-20")
def test_the_page_exports_xlsx_and_csv_for_managers_only(world: World, client: Client) -> None:
    _people(world)
    client.force_login(world.carl)
    query = "start=2026-01-01&end=2026-12-31"

    page = client.get(f"/c/coop-a/funders/?{query}")
    xlsx = client.get(f"/c/coop-a/funders/?{query}&format=xlsx")
    csv = client.get(f"/c/coop-a/funders/?{query}&format=csv")
    bad = client.get("/c/coop-a/funders/?start=2026-12-31&end=2026-01-01")

    assert page.status_code == 200
    assert "Personnes accompagnées" in page.text
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0] == ("Indicateur", "Détail", "Valeur")
    assert ("Personnes accompagnées", None, 2) in rows
    assert "Sorties;;1" in csv.content.decode()
    assert bad.status_code == 400
    assert "La fin de la période précède son début." in bad.text
    client.force_login(world.bob)
    assert client.get(f"/c/coop-a/funders/?{query}").status_code == 403
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-a/funders/?{query}").status_code == 404
