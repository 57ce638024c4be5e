from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

from payroll.engine import Company
from payroll.models import LegalParameter, PayrollSettings
from payroll.parameter_files import parameter_rows_read
from payroll.selectors import company_at, parameters_at, payroll_settings_at
from payroll.services import legal_parameters_load, payroll_settings_set
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.checks import GLOBAL_MODELS
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.payroll import PayrollSettingsFactory

pytestmark = pytest.mark.django_db


def test_the_migration_loaded_every_file_entry_with_its_reference() -> None:
    rows = parameter_rows_read()
    assert set(LegalParameter.objects.values_list("key", "valid_from")) == {
        (row.key, row.valid_from) for row in rows
    }
    assert LegalParameter.objects.count() == len(rows)
    assert not LegalParameter.objects.filter(reference="").exists()
    smic = LegalParameter.objects.get(key="smic.hourly", valid_from=dt.date(2026, 1, 1))
    assert (smic.value, smic.source) == ("12.02", "2026.toml")
    assert "2025-1228" in smic.reference
    assert "payroll.LegalParameter" in GLOBAL_MODELS


@pytest.mark.parametrize(
    ("date", "key", "expected"),
    [
        (dt.date(2025, 12, 31), "smic.hourly", "11.88"),
        (dt.date(2026, 1, 1), "smic.hourly", "12.02"),
        (dt.date(2026, 5, 31), "smic.hourly", "12.02"),
        (dt.date(2026, 6, 1), "smic.hourly", "12.31"),
        (dt.date(2026, 6, 1), "reduction.smic_reference_hourly", "12.02"),
        (dt.date(2025, 6, 30), "pmss", "3925"),
        (dt.date(2026, 1, 1), "pmss", "4005"),
        (dt.date(2026, 1, 1), "csg.base_ratio", "98.25"),
        (dt.date(2026, 1, 1), "reduction.rgdu.t_delta_under_50", "0.3781"),
    ],
)
def test_parameters_at_takes_the_latest_dated_value(date: dt.date, key: str, expected: str) -> None:
    assert parameters_at(date).decimal(key) == Decimal(expected)


def test_a_mid_year_change_is_another_dated_value() -> None:
    def chomage(date: dt.date) -> Decimal | None:
        [rule] = [r for r in parameters_at(date).contributions() if r.code == "chomage"]
        return rule.employer_rate

    assert chomage(dt.date(2025, 4, 30)) == Decimal("4.05")
    assert chomage(dt.date(2025, 5, 1)) == Decimal("4.00")


def test_2026_abolishes_the_reduced_health_and_family_rates() -> None:
    def rule(date: dt.date, code: str) -> tuple[Decimal | None, Decimal | None]:
        [found] = [r for r in parameters_at(date).contributions() if r.code == code]
        return found.employer_rate, found.reduced_employer_rate

    assert rule(dt.date(2025, 12, 1), "maladie") == (Decimal("13.00"), Decimal("7.00"))
    assert rule(dt.date(2026, 1, 1), "maladie") == (Decimal("13.00"), None)
    assert rule(dt.date(2025, 12, 1), "famille") == (Decimal("5.25"), Decimal("3.45"))
    assert rule(dt.date(2026, 1, 1), "famille") == (Decimal("5.25"), None)


def test_contributions_come_in_the_order_of_the_bulletin_clarifie() -> None:
    groups = [rule.group for rule in parameters_at(dt.date(2026, 1, 1)).contributions()]
    assert list(dict.fromkeys(groups)) == [
        "sante",
        "at_mp",
        "retraite",
        "famille",
        "chomage",
        "autres",
    ]


def test_no_parameter_before_the_first_dated_value_is_a_french_error() -> None:
    with pytest.raises(ApplicationError, match="Aucun paramètre légal de paie au 01/01/1940"):
        parameters_at(dt.date(1940, 1, 1))
    with pytest.raises(ApplicationError, match="Paramètre de paie manquant au 01/01/2026"):
        parameters_at(dt.date(2026, 1, 1)).decimal("no.such.key")


def test_loading_again_changes_nothing_and_updates_an_edited_value() -> None:
    assert legal_parameters_load().created == 0
    LegalParameter.objects.filter(key="pmss", valid_from=dt.date(2026, 1, 1)).update(value="1")
    report = legal_parameters_load()
    assert (report.created, report.updated, report.unchanged) == (
        0,
        1,
        len(parameter_rows_read()) - 1,
    )
    assert parameters_at(dt.date(2026, 2, 1)).decimal("pmss") == Decimal("4005")


def test_a_file_entry_without_reference_is_refused(tmp_path: Path) -> None:
    (tmp_path / "bad.toml").write_text(
        '[[parameter]]\nkey = "pmss"\nvalid_from = 2027-01-01\nvalue = "9"\nreference = ""\n'
    )
    with pytest.raises(ApplicationError, match="n'a pas de référence légale"):
        legal_parameters_load(directory=tmp_path)
    assert not LegalParameter.objects.filter(valid_from=dt.date(2027, 1, 1)).exists()


def test_a_duplicate_entry_is_refused(tmp_path: Path) -> None:
    entry = '[[parameter]]\nkey = "pmss"\nvalid_from = 2027-01-01\nvalue = "9"\nreference = "x"\n'
    (tmp_path / "dup.toml").write_text(entry + entry)
    with pytest.raises(ApplicationError, match="en double"):
        parameter_rows_read(tmp_path)


def test_cooperative_settings_are_dated_and_scoped(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        payroll_settings_set(valid_from=dt.date(2026, 1, 1), headcount=30, at_rate=Decimal("1.00"))
        payroll_settings_set(valid_from=dt.date(2026, 7, 1), headcount=55, at_rate=Decimal("1.20"))
        assert company_at(dt.date(2026, 6, 30)) == Company(headcount=30, at_rate=Decimal("1.00"))
        assert company_at(dt.date(2026, 7, 1)).headcount == 55
        with pytest.raises(ApplicationError, match="ne sont pas renseignés au 31/12/2025"):
            company_at(dt.date(2025, 12, 31))
    with cooperative_context(world.coop_b.pk):
        assert payroll_settings_at(dt.date(2026, 7, 1)) is None


def test_absurd_settings_are_refused_and_nothing_is_stored(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        PayrollSettingsFactory.create(cooperative=world.coop_a, valid_from=dt.date(2026, 1, 1))
        with pytest.raises(ApplicationError, match="entre 0 et 20 %"):
            payroll_settings_set(
                valid_from=dt.date(2026, 1, 1), headcount=30, at_rate=Decimal("25")
            )
        with pytest.raises(ApplicationError, match="au moins une personne"):
            payroll_settings_set(valid_from=dt.date(2026, 2, 1), headcount=0, at_rate=Decimal(1))
        assert list(PayrollSettings.objects.values_list("at_rate", flat=True)) == [Decimal("1.00")]


def test_each_contribution_names_its_collecting_body() -> None:
    from payroll.engine.parameters import ParameterRow, Parameters

    rules = {rule.code: rule.body for rule in parameters_at(dt.date(2026, 1, 1)).contributions()}
    assert rules["agirc_arrco_t1"] == rules["ceg_t1"] == rules["cet"] == "agirc_arrco"
    assert rules["peec"] == "action_logement"
    assert rules["chomage"] == rules["ags"] == rules["maladie"] == "urssaf"
    row = LegalParameter.objects.get(key="contribution.csa")
    value = {key: item for key, item in row.value.items() if key != "body"}
    stale = Parameters.from_rows(
        dt.date(2026, 1, 1),
        [ParameterRow(row.key, row.valid_from, value, row.reference)],
    )
    with pytest.raises(ApplicationError, match="organisme collecteur absent ou inconnu"):
        stale.contributions()


def test_the_2026_neutral_pas_grid_applies_from_may() -> None:
    """The finance law for 2026 indexed the income tax brackets by 0.90 %: the 2025 grid stays
    until April, the new one (each threshold × 1.009, to the euro) applies from 1 May 2026."""
    from payroll.engine.payslip import pas_neutral_rate

    april, may = parameters_at(dt.date(2026, 4, 1)), parameters_at(dt.date(2026, 5, 1))
    old, new = april.raw("pas.neutral_grid"), may.raw("pas.neutral_grid")
    assert old == parameters_at(dt.date(2025, 12, 1)).raw("pas.neutral_grid")
    assert [rate for _t, rate in old] == [rate for _t, rate in new]
    assert [
        (Decimal(threshold) * Decimal("1.009")).quantize(Decimal(1)) for threshold, _r in old
    ] == [Decimal(threshold) for threshold, _r in new]
    assert pas_neutral_rate(april, Decimal("1634.00")) == Decimal("0.5")
    assert pas_neutral_rate(may, Decimal("1634.00")) == Decimal("0")
    assert pas_neutral_rate(may, Decimal("1635.00")) == Decimal("0.5")
    assert pas_neutral_rate(may, Decimal("55558.00")) == Decimal("43")
    assert "2026-103" in may.reference("pas.neutral_grid")


def test_migrate_brings_a_stale_table_up_to_the_files() -> None:
    """A database loaded before a file changed (here: before contributions named their body)
    gets the files' values on the next migrate."""
    from django.apps import apps

    from payroll.apps import _ensure_legal_parameters

    row = LegalParameter.objects.get(key="contribution.csa")
    row.value = {key: item for key, item in row.value.items() if key != "body"}
    row.save(update_fields=["value"])
    count = LegalParameter.objects.count()
    _ensure_legal_parameters(apps.get_app_config("payroll"))
    row.refresh_from_db()
    assert row.value["body"] == "urssaf"
    assert LegalParameter.objects.count() == count
