"""Golden payslips written by hand from the official 2026 rates (see payroll/parameters/)."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

import pytest

from payroll.engine import (
    CADRE,
    Company,
    PayslipInput,
    YearToDate,
    gross_from_budget,
    payslip_compute,
)
from payroll.parameter_files import parameters_from_files
from perspectives.core.exceptions import ApplicationError

JAN = dt.date(2026, 1, 1)
D = Decimal
SMALL = Company(headcount=30, at_rate=D("1.00"))
LARGE = Company(headcount=60, at_rate=D("1.00"))


def _slip(gross: str, company: Company = SMALL, period: dt.date = JAN, **kwargs: object):
    return payslip_compute(
        parameters_from_files(period),
        PayslipInput(period=period, gross=D(gross), company=company, **kwargs),  # type: ignore[arg-type]
    )


def test_2500_non_cadre_30_staff_line_by_line() -> None:
    slip = _slip("2500.00")
    assert [
        (line.label, line.base, line.employee_amount, line.employer_rate, line.employer_amount)
        for line in slip.lines
    ] == [
        (
            "Sécurité sociale - Maladie Maternité Invalidité Décès",
            D("2500.00"),
            D("0.00"),
            D("13.00"),
            D("325.00"),
        ),
        (
            "Accidents du travail - Maladies professionnelles",
            D("2500.00"),
            D("0.00"),
            D("1.00"),
            D("25.00"),
        ),
        ("Sécurité sociale plafonnée", D("2500.00"), D("172.50"), D("8.55"), D("213.75")),
        ("Sécurité sociale déplafonnée", D("2500.00"), D("10.00"), D("2.11"), D("52.75")),
        ("Complémentaire Tranche 1", D("2500.00"), D("78.75"), D("4.72"), D("118.00")),
        ("Complémentaire Tranche 1 - CEG", D("2500.00"), D("21.50"), D("1.29"), D("32.25")),
        ("Famille", D("2500.00"), D("0.00"), D("5.25"), D("131.25")),
        ("Assurance chômage", D("2500.00"), D("0.00"), D("4.00"), D("100.00")),
        ("Assurance chômage - AGS", D("2500.00"), D("0.00"), D("0.25"), D("6.25")),
        ("Contribution solidarité autonomie", D("2500.00"), D("0.00"), D("0.30"), D("7.50")),
        ("FNAL", D("2500.00"), D("0.00"), D("0.10"), D("2.50")),
        (
            "Contribution à la formation professionnelle",
            D("2500.00"),
            D("0.00"),
            D("1.00"),
            D("25.00"),
        ),
        ("Taxe d'apprentissage", D("2500.00"), D("0.00"), D("0.68"), D("17.00")),
        ("Contribution au dialogue social", D("2500.00"), D("0.00"), D("0.016"), D("0.40")),
        # 98.25 % of 2,500 = 2,456.25; 6.80 % = 167.025 → 167.03; 2.90 % = 71.23125 → 71.23.
        ("CSG déductible de l'impôt sur le revenu", D("2456.25"), D("167.03"), None, D("0")),
        (
            "CSG/CRDS non déductible de l'impôt sur le revenu",
            D("2456.25"),
            D("71.23"),
            None,
            D("0"),
        ),
    ]
    assert slip.employee_contributions == D("282.75")
    assert slip.net_before_tax == D("1978.99")  # = OpenFisca and URSSAF (reference note §4.3)
    assert slip.net_social == D("1978.99")
    # RGDU: C = 0.02 + 0.3781 × [½ × (3 × 1,823.0333 / 2,500 − 1)]^1.75 = 0.17190… → 0.1719.
    assert (slip.reduction_coefficient, slip.reduction) == (D("0.1719"), D("429.75"))
    assert slip.employer_contributions_before_reduction == D("1056.65")
    assert slip.employer_contributions == D("626.90")
    assert slip.employer_cost == D("3126.90")
    # Neutral grid 2025 (metropolitan): 2,050.22 € taxable is in the 3.5 % band.
    assert (slip.taxable, slip.pas_rate, slip.pas_amount) == (D("2050.22"), D("3.5"), D("71.76"))
    assert slip.net_paid == D("1907.23")
    assert slip.equivalent_hours == D("151.67")


def test_rgdu_is_the_maximum_at_the_smic_and_larger_from_50_staff() -> None:
    # 0.3981 × 1,823.03 = 725.748 → 725.75 ; 0.4021 × 1,823.03 = 733.040 → 733.04.
    assert _slip("1823.03").reduction == D("725.75")
    assert _slip("1823.03", LARGE).reduction == D("733.04")


def test_rgdu_threshold_is_3_hourly_smic_times_1820_hours() -> None:
    # 3 × 12.02 × 1,820 / 12 = 5,469.10: one cent below it the 2 % floor still applies.
    assert (_slip("5469.09").reduction_coefficient, _slip("5469.09").reduction) == (
        D("0.0200"),
        D("109.38"),
    )
    assert _slip("5469.10").reduction == D("0.00")


def test_pay_without_working_time_uses_equivalent_hours() -> None:
    slip = _slip("1000.00")
    # 1,000 / 12.02 = 83.19 equivalent hours; the prorated SMIC equals the pay: C = Tmax.
    assert slip.equivalent_hours == D("83.19")
    assert (slip.reduction_coefficient, slip.reduction) == (D("0.3981"), D("398.10"))
    hours = _slip("1000.00", hours=D("151.67"))
    assert hours.reduction_coefficient == D("0.3981")


def test_the_june_smic_does_not_move_the_2026_rgdu_reference() -> None:
    # Décret 2026-509: 12.02 stays the RGDU reference after the June 2026 SMIC rise.
    assert _slip("2500.00", period=dt.date(2026, 7, 1)).reduction == D("429.75")


def test_progressive_regularisation_over_the_year() -> None:
    january = _slip("1823.03")
    february = _slip("4000.00", period=dt.date(2026, 2, 1), ytd=january.ytd)
    # Cumulative: pay 5,823.03, SMIC 2 × 1,823.0333 = 3,646.0667, ratio 3S/R = 1.87843…
    # C = 0.02 + 0.3781 × 0.439220^1.75 = 0.109597 → 0.1096 → 0.1096 × 5,823.03 = 638.20:
    # February takes back what January's full-SMIC coefficient gave too much.
    assert february.reduction_coefficient == D("0.1096")
    assert february.reduction == D("638.20") - D("725.75") == D("-87.55")
    assert february.ytd.reduction == D("638.20")
    assert february.ytd.gross == D("5823.03")


def test_2025_uses_the_fillon_reduction_and_the_reduced_rates() -> None:
    slip = _slip("2000.00", period=dt.date(2025, 3, 1))
    rates = {line.code: line.employer_rate for line in slip.lines}
    assert (rates["maladie"], rates["famille"], rates["chomage"]) == (
        D("7.00"),
        D("3.45"),
        D("4.05"),
    )
    assert rates["vieillesse_deplafonnee"] == D("2.02")
    # SMIC 11.88 × 1,820 / 12 = 1,801.80; C = 0.3193 / 0.6 × (1.6 × 1,801.80 / 2,000 − 1)
    # = 0.234918… → 0.2349; × 2,000 = 469.80.
    assert (slip.reduction_coefficient, slip.reduction) == (D("0.2349"), D("469.80"))
    may = _slip("2000.00", period=dt.date(2025, 5, 1))
    assert {line.code: line.employer_rate for line in may.lines}["chomage"] == D("4.00")


def test_cadre_pays_apec_and_high_pay_fills_the_second_tranche() -> None:
    slip = _slip("7008.75", status=CADRE)
    lines = {line.code: line for line in slip.lines}
    assert (lines["apec"].employee_amount, lines["apec"].employer_amount) == (D("1.68"), D("2.52"))
    assert lines["agirc_arrco_t2"].base == D("3003.75")
    assert (lines["cet"].employee_amount, lines["cet"].employer_amount) == (D("9.81"), D("14.72"))
    assert "apec" not in {line.code for line in _slip("7008.75").lines}


def test_the_cooperative_contracts_add_lines_forfait_social_and_csg() -> None:
    company = replace(
        SMALL,
        mutuelle_employee=D("30.00"),
        mutuelle_employer=D("30.00"),
        prevoyance_employer_rate=D("1.50"),
    )
    slip = _slip("2500.00", company)
    codes = [line.code for line in slip.lines]
    assert codes[:3] == ["maladie", "prevoyance", "mutuelle"]
    lines = {line.code: line for line in slip.lines}
    assert lines["prevoyance"].employer_amount == D("37.50")
    assert lines["forfait_social"].employer_amount == D("5.40")  # 8 % of 67.50
    assert slip.csg_base == D("2523.75")  # 2,456.25 + 37.50 + 30.00
    assert slip.net_social == slip.net_before_tax + D("30.00")


def test_inversion_finds_the_largest_gross_that_fits_the_budget_to_the_cent() -> None:
    template = PayslipInput(period=JAN, gross=D(0), company=SMALL)
    params = parameters_from_files(JAN)
    assert gross_from_budget(params, budget=D("3126.90"), template=template).gross == D("2500.00")
    below = gross_from_budget(params, budget=D("3126.89"), template=template)
    assert below.gross < D("2500.00")
    assert below.employer_cost <= D("3126.89")
    above = payslip_compute(params, replace(template, gross=below.gross + D("0.01")))
    assert above.employer_cost > D("3126.89")


@pytest.mark.parametrize(
    ("gross", "message"),
    [
        ("-1.00", "ne peut pas être négatif"),
        ("2000000.00", "invraisemblable"),
        ("1000.001", "au centime près"),
    ],
)
def test_absurd_salaries_are_refused_in_french(gross: str, message: str) -> None:
    with pytest.raises(ApplicationError, match=message):
        _slip(gross)


def test_a_period_without_parameters_is_a_french_error() -> None:
    with pytest.raises(ApplicationError, match="Paramètre de paie manquant au 01/01/2024"):
        _slip("2000.00", period=dt.date(2024, 1, 1))


def test_a_budget_too_small_or_negative_is_refused() -> None:
    template = PayslipInput(period=JAN, gross=D(0), company=SMALL)
    with pytest.raises(ApplicationError, match="doit être positif"):
        gross_from_budget(parameters_from_files(JAN), budget=D("-5"), template=template)
    assert YearToDate().gross == D(0)


def test_the_yearly_regularisation_of_the_variable_part_claws_back_the_rgdu() -> None:
    ytd = YearToDate()
    for month in range(1, 12):
        slip = _slip("1823.03", period=dt.date(2026, month, 1), ytd=ytd)
        ytd = slip.ytd
    assert ytd.reduction == D("7983.23")  # 0.3981 × 11 × 1,823.03
    december = _slip(
        "1823.03",
        period=dt.date(2026, 12, 1),
        ytd=ytd,
        extras=(("Régularisation de la part variable", D("6000.00")),),
    )
    assert december.gross == D("7823.03")
    assert december.as_json()["gross_items"] == [
        {
            "label": "Salaire de base (part fixe et avance sur la part variable)",
            "amount": "1823.03",
        },
        {"label": "Régularisation de la part variable", "amount": "6000.00"},
    ]
    # Year: pay 27,876.36 against 3 × 21,876.40 of SMIC: C = 0.2111, 5,884.70 for the year,
    # so December gives back 2,098.53 of the reduction applied month by month.
    assert december.reduction_coefficient == D("0.2111")
    assert december.ytd.reduction == D("5884.70")
    assert december.reduction == D("-2098.53")
