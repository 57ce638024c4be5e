"""Paid leave, sick leave and exit on the payslip: amounts written by hand from the rules."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from payroll.engine import Company, PayslipInput, payslip_compute
from payroll.engine.absences import (
    PAID_LEAVE,
    SICK,
    AbsencePeriod,
    LeaveReference,
    LeaveState,
    MonthAbsences,
    SickReference,
    month_absences,
    public_holidays,
    working_days,
)
from payroll.parameter_files import parameters_from_files
from perspectives.core.exceptions import ApplicationError

D = Decimal
MARCH = dt.date(2026, 3, 1)
PARAMS = parameters_from_files(MARCH)
SMALL = Company(headcount=30, at_rate=D("1.00"))
# A full reference period at 2,500 € a month: 30,000 € for 30 days acquired.
YEAR = LeaveReference(gross=D("30000.00"), days=D("30"))
# Three months at 2,500 € (six eligible months), two years of seniority.
SICK_REF = SickReference(D("7500.00"), D("15000.00"), seniority_years=2)


def _month(*absences: AbsencePeriod, **kwargs: object) -> MonthAbsences:
    """March 2026 at 2,500 €, with a full reference period unless told otherwise."""
    options: dict[str, object] = {
        "period": MARCH,
        "base_gross": D("2500.00"),
        "leave_before": LeaveState(),
        "leave_reference": YEAR,
        **kwargs,
    }
    return month_absences(PARAMS, absences=absences, **options)  # type: ignore[arg-type]


def _day(day: int) -> dt.date:
    return dt.date(2026, 3, day)


def _leave(first: int, last: int) -> AbsencePeriod:
    return AbsencePeriod(PAID_LEAVE, _day(first), _day(last), _day(first))


def _sick(first: int, last: int, *, subrogation: bool = False) -> AbsencePeriod:
    return AbsencePeriod(SICK, _day(first), _day(last), _day(first), subrogation)


def test_jours_ouvrables_skip_sundays_and_public_holidays() -> None:
    # March 2026: 31 days, 5 Sundays, no holiday. May 2026: 5 Sundays, and 1 and 8 May,
    # Ascension (14 May) and Whit Monday (25 May), Easter being on 5 April.
    assert working_days(MARCH, _day(31)) == 26
    assert working_days(dt.date(2026, 5, 1), dt.date(2026, 5, 31)) == 22
    assert dt.date(2026, 4, 6) in public_holidays(2026)
    assert dt.date(2026, 4, 5) not in public_holidays(2026)  # a Sunday anyway


def test_3_days_of_paid_leave_at_2500_maintenance_when_it_is_higher() -> None:
    # 1/10 rule: 27,000 × 10 % × 3 / 30 = 270.00; maintenance: 2,500 × 3 / 26 = 288.46.
    month = _month(
        _leave(9, 11),
        leave_before=LeaveState(D("20.00"), D("5.00")),
        leave_reference=LeaveReference(gross=D("27000.00"), days=D("30")),
    )
    assert month.items == (
        ("Absence congés payés du 09/03 au 11/03 (3 j)", D("-288.46")),
        ("Indemnité de congés payés (3 j, maintien de salaire)", D("288.46")),
    )
    assert (month.leave_acquired, month.leave_taken) == (D("2.50"), D("3"))
    assert month.leave == LeaveState(D("22.50"), D("8.00"))
    assert month.leave.remaining == D("14.50")


def test_3_days_of_paid_leave_at_2500_tenth_rule_when_it_is_higher() -> None:
    # 1/10 rule: 30,000 × 10 % × 3 / 30 = 300.00 > 288.46: the gross rises by 11.54.
    month = _month(_leave(9, 11), leave_before=LeaveState(D("20.00"), D("5.00")))
    assert month.items[1] == ("Indemnité de congés payés (3 j, règle du dixième)", D("300.00"))
    slip = payslip_compute(
        PARAMS,
        PayslipInput(period=MARCH, gross=D("2500.00"), company=SMALL, extras=month.items),
    )
    assert slip.gross == D("2511.54")
    # The cooperative's setting may impose maintenance (its own choice, shown on the payslip).
    maintenance = _month(
        _leave(9, 11), leave_before=LeaveState(D("20.00"), D("5.00")), leave_method="maintenance"
    )
    assert maintenance.items[1][1] == D("288.46")


def test_more_paid_leave_than_the_balance_computes_as_leave_taken_in_advance() -> None:
    # Refused when entered (test_pay_month); should the balance shrink afterwards, the payslip
    # still computes and says so. 6 days against 1 + 2.5.
    month = _month(_leave(2, 7), leave_before=LeaveState(D("1.00"), D("0")))
    assert month.warnings == (
        "Congés posés au-delà du solde : 3.50 jours disponibles, 6 jours posés "
        "(congés pris par anticipation).",
    )
    assert month.leave.remaining == D("-2.50")


def test_10_days_of_sick_leave_with_3_waiting_days_and_subrogation() -> None:
    # 2,500 € a month for 3 months: daily base 7,500 / 91.25 = 82.19 (under the 1.4 SMIC cap of
    # 7,656.74), IJ 41.10 × 7 days after 3 waiting days = 287.70. Two years of seniority: the
    # employer tops up to 90 % of 82.19178 from the 8th day: 3 × (73.97260 − 41.10) = 98.62.
    # Absence: 9 jours ouvrables of 26 (2 to 11 March, Sunday 8 excluded) = 865.38.
    month = _month(_sick(2, 11, subrogation=True), sick_reference=SICK_REF)
    assert month.items == (
        ("Absence maladie du 02/03 au 11/03 (10 j calendaires)", D("-865.38")),
        ("Indemnité complémentaire maladie (maintien employeur)", D("98.62")),
    )
    assert (month.ijss_estimate, month.ijss_subrogation, month.sick_days) == (
        D("287.70"),
        D("287.70"),
        10,
    )
    # Leave: 2.5 × 21/31 + 2 × 10/31 = 2.34 days this month.
    assert month.leave_acquired == D("2.34")
    assert month.warnings == ()
    slip = payslip_compute(
        PARAMS,
        PayslipInput(
            period=MARCH,
            gross=D("2500.00"),
            company=SMALL,
            extras=month.items,
            ijss_subrogation=month.ijss_subrogation,
        ),
    )
    wages_only = payslip_compute(
        PARAMS, PayslipInput(period=MARCH, gross=D("1733.24"), company=SMALL)
    )
    assert slip.gross == D("1733.24")  # 2,500 − 865.38 + 98.62
    # IJSS arrive net of CSG 6.2 % and CRDS 0.5 %: 10.93 (3.8 %) + 8.34 (2.9 %) = 19.27.
    assert (slip.ijss_gross, slip.ijss_csg_crds, slip.ijss_net) == (
        D("287.70"),
        D("19.27"),
        D("268.43"),
    )
    assert slip.net_before_tax == wages_only.net_before_tax + D("268.43")
    assert slip.taxable == wages_only.taxable + D("268.43") + D("8.34")
    assert slip.employer_cost == wages_only.employer_cost  # the IJSS cost the employer nothing
    assert slip.as_json()["ijss_subrogation"] == {
        "gross": "287.70",
        "csg_crds": "19.27",
        "net": "268.43",
    }


def test_sick_leave_continuing_from_february_has_no_new_waiting_days() -> None:
    # The spell began on 25 February: by 1 March its 3 waiting days are over, so the 5 March
    # days (1 to 5) are all paid: 5 × 41.10 = 205.50. No top-up before one year of seniority.
    continued = AbsencePeriod(SICK, MARCH, _day(5), dt.date(2026, 2, 25))
    month = _month(
        continued, sick_reference=SickReference(D("7500.00"), D("15000.00"), seniority_years=0)
    )
    assert month.ijss_estimate == D("205.50")
    assert month.ijss_subrogation == D("0")
    assert month.items == (("Absence maladie du 01/03 au 05/03 (5 j calendaires)", D("-384.62")),)
    assert month.warnings == ("Moins d'un an d'ancienneté : pas de complément employeur légal.",)


def test_low_pay_gives_no_ijss_and_says_so() -> None:
    month = _month(
        _sick(2, 11, subrogation=True),
        base_gross=D("1000.00"),
        sick_reference=SickReference(D("3000.00"), D("6000.00"), seniority_years=2),
    )
    assert month.ijss_subrogation == D("0")
    assert "sous le seuil de 1 015 fois le SMIC horaire" in month.warnings[0]


def test_exit_pays_the_remaining_leave_and_stops_the_salary() -> None:
    # Exit on Friday 20 March: 9 jours ouvrables unpaid (21 to 31 March) = 865.38. Remaining
    # leave 10 + 2.5 = 12.5 days: 1/10 rule 30,000 × 10 % × 12.5 / 30 = 1,250.00 against
    # maintenance 2,500 × 12.5 / 26 = 1,201.92.
    month = _month(leave_before=LeaveState(D("10.00"), D("0")), exit_on=_day(20))
    assert month.items == (
        ("Salaire non dû après la sortie du 20/03/2026", D("-865.38")),
        ("Indemnité compensatrice de congés payés (12.50 j)", D("1250.00")),
    )
    assert month.leave == LeaveState(D("12.50"), D("12.50"))


def test_absences_outside_the_month_are_refused() -> None:
    late = AbsencePeriod(SICK, _day(30), dt.date(2026, 4, 2), _day(30))
    with pytest.raises(ApplicationError, match="sort du mois de la paie"):
        _month(late)


def test_the_payslip_states_the_ijss_paid_directly_without_subrogation() -> None:
    from types import SimpleNamespace

    from django.template.loader import render_to_string

    month = _month(_sick(2, 11), sick_reference=SICK_REF)
    slip = payslip_compute(
        PARAMS,
        PayslipInput(period=MARCH, gross=D("2500.00"), company=SMALL, extras=month.items),
    )
    data = {**slip.as_json(), "ijss_estimate": str(month.ijss_estimate)}
    html = render_to_string(
        "payroll/pdf/payslip.html",
        {
            "payslip": SimpleNamespace(period=MARCH, version=1, kind="monthly", run=None),
            "data": data,
            "groups": [],
            "cooperative": SimpleNamespace(name="Coopérative A"),
            "entrepreneur": SimpleNamespace(first_name="Alice", last_name="Arnaud"),
        },
    )
    assert "versées directement par l'Assurance maladie : 287,70 €" in html
    assert "subrogation" not in html
