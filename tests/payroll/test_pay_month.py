"""A month's pay end to end: salary proposals from the treasury, fixed part and variable advance,
paid leave and sick leave entered for the run, the yearly regularisation, pages and PDFs."""

from __future__ import annotations

import datetime as dt
import re
import subprocess
from dataclasses import replace
from decimal import Decimal

import pytest
from django.test import Client

from accounting.services import LineInput, chart_seed_defaults, entry_post, fiscal_year_ensure
from entrepreneurs.models import ActivityMember, Entrepreneur
from payroll.engine import PayslipInput, payslip_compute
from payroll.models import Absence, PayProfile, PayrollRun, Payslip, SalaryProposal
from payroll.selectors import company_at, parameters_at
from payroll.services import (
    pay_profile_set,
    payroll_run_create,
    payroll_run_validate,
    payslip_correct,
    payslip_pdf_render,
)
from payroll.services.salaries import salary_choose, salary_proposals_refresh
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.payroll.conftest import (
    Payroll,
    absence_record,
    compute_run,
    hired,
    history_2025,
    january_with_leave_and_sickness,
)

D = Decimal
JAN = dt.date(2026, 1, 1)
DEC = dt.date(2026, 12, 1)


def _cost(gross: Decimal, period: dt.date = JAN) -> Decimal:
    return payslip_compute(
        parameters_at(period),
        PayslipInput(period=period, gross=gross, company=company_at(period)),
    ).employer_cost


def _cash_in(entrepreneur: Entrepreneur, amount: str, day: dt.date) -> None:
    """A customer's payment lands on the activity's bank account."""
    chart_seed_defaults()
    fiscal_year_ensure(day=day)
    activity = ActivityMember.objects.get(entrepreneur=entrepreneur).activity
    entry_post(
        journal="BQ",
        date=day,
        label="Règlement client",
        lines=[
            LineInput("512", debit=D(amount), activity=activity, label="Règlement"),
            LineInput("706", credit=D(amount), activity=activity, label="Prestation"),
        ],
    )


def test_the_run_suggests_the_largest_gross_the_treasury_pays_and_warns_over_budget(
    world: World, payroll: Payroll, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        _cash_in(payroll.alice, "3000.00", dt.date(2025, 12, 15))
        pay_profile_set(
            entrepreneur=payroll.alice, monthly_gross=D("2500.00"), variable_advance=D("700.00")
        )
        run = payroll_run_create(period=JAN, created_by=world.carl)
        alice = SalaryProposal.objects.get(run=run, entrepreneur=payroll.alice)
        other = SalaryProposal.objects.get(run=run, entrepreneur=payroll.other)
        suggested = alice.suggested_gross
        assert suggested is not None
        # Largest gross whose total employer cost fits the 3,000 € of treasury, to the cent.
        assert _cost(suggested) <= D("3000.00") < _cost(suggested + D("0.01"))
        # The profile's 2,500 € is retained until the officer decides; it costs more.
        assert (alice.budget, alice.chosen_gross, alice.chosen_cost) == (
            D("3000.00"),
            D("2500.00"),
            _cost(D("2500.00")),
        )
        assert alice.over_budget == _cost(D("2500.00")) - D("3000.00")
        # No treasury at all: nothing to suggest.
        assert (other.budget, other.suggested_gross) == (D("0.00"), None)
        with pytest.raises(ApplicationError, match="ne permet de suggérer aucun salaire"):
            salary_choose(
                run_id=run.pk, entrepreneur_id=payroll.other.pk, gross=None, chosen_by=None
            )

        client.force_login(world.carl)
        page = client.get(f"/c/coop-a/payroll/runs/{run.pk}/salaries/").content.decode()
        missing = f"{alice.over_budget:.2f}".replace(".", ",")
        assert f"il manque {missing}" in page
        assert 'name="gross" type="number" step="0.01" min="0" value="2500.00"' in page
        accepted = salary_choose(
            run_id=run.pk, entrepreneur_id=payroll.alice.pk, gross=None, chosen_by=world.carl
        )
        assert (accepted.chosen_gross, accepted.over_budget) == (suggested, D("0"))
        compute_run(run.pk)
        payslip = Payslip.objects.get(run=run, entrepreneur=payroll.alice)
        assert payslip.gross == suggested
        assert payslip.employer_cost <= D("3000.00")
        # A refresh keeps the gross someone retained, and follows an edited profile otherwise.
        pay_profile_set(entrepreneur=payroll.other, monthly_gross=D("2000.00"))
        salary_proposals_refresh(run_id=run.pk)
        assert SalaryProposal.objects.get(pk=alice.pk).chosen_gross == suggested
        assert SalaryProposal.objects.get(pk=other.pk).chosen_gross == D("2000.00")


def test_the_retained_gross_never_goes_below_the_fixed_part(world: World, payroll: Payroll) -> None:
    with cooperative_context(world.coop_a.pk):
        pay_profile_set(
            entrepreneur=payroll.alice,
            monthly_gross=D("2500.00"),
            variable_advance=D("700.00"),
        )
        run = payroll_run_create(period=JAN, created_by=world.carl)
        with pytest.raises(ApplicationError, match="inférieur à la part fixe du contrat"):
            salary_choose(
                run_id=run.pk, entrepreneur_id=payroll.alice.pk, gross=D("1799.99"), chosen_by=None
            )
        assert SalaryProposal.objects.get(run=run, entrepreneur=payroll.alice).chosen_gross == D(
            "2500.00"
        )
        salary_choose(
            run_id=run.pk, entrepreneur_id=payroll.alice.pk, gross=D("2100.00"), chosen_by=None
        )
        compute_run(run.pk)
        payslip = Payslip.objects.get(run=run, entrepreneur=payroll.alice)
    # The fixed part and this month's advance on the variable part are two lines.
    assert payslip.data["gross_items"] == [
        {"label": "Salaire de base (part fixe)", "amount": "1800.00"},
        {"label": "Avance sur la part variable", "amount": "300.00"},
    ]
    assert payslip.gross == D("2100.00")


def test_an_advance_above_the_monthly_gross_is_refused(world: World, payroll: Payroll) -> None:
    with cooperative_context(world.coop_a.pk):
        with pytest.raises(ApplicationError, match="avance sur la part variable"):
            pay_profile_set(
                entrepreneur=payroll.alice,
                monthly_gross=D("2500.00"),
                variable_advance=D("2500.01"),
            )
        assert payroll.alice_profile.__class__.objects.get(
            entrepreneur=payroll.alice
        ).variable_advance == D("0")


@pytest.mark.parametrize(
    ("kind", "start", "end", "message"),
    [
        ("sick", "2026-01-10", "2026-01-05", "La date de fin précède la date de début"),
        (
            "sick",
            "2026-01-28",
            "2026-02-02",
            "dans le mois de la paie (du 01/01/2026 au 31/01/2026)",
        ),
        ("sick", "2026-01-10", "2026-01-12", "chevauche une autre absence (Congés payés du 12/01"),
        ("paid_leave", "2026-01-19", "2026-01-31", "Solde de congés payés insuffisant"),
    ],
)
def test_bad_absences_are_refused_in_french_and_nothing_is_recorded(
    world: World, payroll: Payroll, kind: str, start: str, end: str, message: str
) -> None:
    with cooperative_context(world.coop_a.pk):
        hired(payroll.alice)
        run = payroll_run_create(period=JAN, created_by=world.carl)
        absence_record(run, payroll.alice, "paid_leave", dt.date(2026, 1, 12), dt.date(2026, 1, 12))
        first, last = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
        with pytest.raises(ApplicationError, match=re.escape(message)):
            absence_record(run, payroll.alice, kind, first, last)
        assert Absence.objects.count() == 1


def test_absences_before_the_hire_or_after_the_exit_are_refused(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        hired(payroll.alice, dt.date(2026, 1, 15))
        run = payroll_run_create(period=JAN, created_by=world.carl)
        with pytest.raises(ApplicationError, match=r"avant l'embauche .*15/01/2026"):
            absence_record(run, payroll.alice, "sick", dt.date(2026, 1, 14), dt.date(2026, 1, 16))
        Entrepreneur.objects.filter(pk=payroll.alice.pk).update(
            stage="exited", exited_on=dt.date(2026, 1, 20)
        )
        with pytest.raises(ApplicationError, match=r"après la sortie .*20/01/2026"):
            absence_record(run, payroll.alice, "sick", dt.date(2026, 1, 19), dt.date(2026, 1, 21))
        assert not Absence.objects.exists()


def test_paid_leave_and_sick_leave_on_the_january_payslip(world: World, payroll: Payroll) -> None:
    with cooperative_context(world.coop_a.pk):
        run = january_with_leave_and_sickness(world, payroll)
        compute_run(run.pk)  # computing again changes nothing and duplicates nothing
        assert Payslip.objects.filter(run=run).count() == 2
        payslip = Payslip.objects.get(run=run, entrepreneur=payroll.alice)
        wages_only = payslip_compute(
            parameters_at(JAN),
            PayslipInput(period=JAN, gross=D("1744.78"), company=company_at(JAN)),
        )
    # January 2026: 26 jours ouvrables (1 January is a holiday). Paid leave 5-7 January: the
    # 1/10 rule (15,000 × 10 % × 3 / 15 = 300.00) beats maintenance (2,500 × 3 / 26 = 288.46).
    # Sick 12-21 January: 9 jours ouvrables deducted (865.38); IJSS 7,500 / 91.25 × 50 % =
    # 41.10 a day after 3 waiting days = 287.70, received by the cooperative; the employer tops
    # up to 90 % from the 8th day: 3 × (73.97 − 41.10) = 98.62.
    assert payslip.data["gross_items"] == [
        {"label": "Salaire de base (part fixe)", "amount": "2500.00"},
        {"label": "Absence congés payés du 05/01 au 07/01 (3 j)", "amount": "-288.46"},
        {"label": "Indemnité de congés payés (3 j, règle du dixième)", "amount": "300.00"},
        {"label": "Absence maladie du 12/01 au 21/01 (10 j calendaires)", "amount": "-865.38"},
        {"label": "Indemnité complémentaire maladie (maintien employeur)", "amount": "98.62"},
    ]
    assert payslip.gross == D("1744.78")
    assert payslip.data["ijss_subrogation"] == {
        "gross": "287.70",
        "csg_crds": "19.27",
        "net": "268.43",
    }
    assert payslip.net_before_tax == wages_only.net_before_tax + D("268.43")
    # Leave: 15 days carried from 2025, 2.5 × 21/31 + 2 × 10/31 = 2.34 acquired, 3 taken.
    assert payslip.data["leave"] == {
        "acquired": "17.34",
        "taken": "3",
        "remaining": "14.34",
        "month_acquired": "2.34",
        "month_taken": "3",
    }


def _pdf_text(payslip_id: int) -> str:
    payslip = payslip_pdf_render(payslip_id=payslip_id)
    body = payslip.pdf.read()
    result = subprocess.run(
        ["pdftotext", "-layout", "-", "-"],  # noqa: S607 (poppler-utils on PATH)
        input=body,
        capture_output=True,
        check=True,
    )
    return " ".join(result.stdout.decode().split())


def test_the_payslip_pdf_and_the_leave_page_show_the_month(
    world: World, payroll: Payroll, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = january_with_leave_and_sickness(world, payroll)
        payroll_run_validate(run_id=run.pk)
        text = _pdf_text(Payslip.objects.get(run=run, entrepreneur=payroll.alice).pk)
    # Cells wrap in the PDF: each label and amount is looked for on its own. Figures are
    # written the French way (perspectives.core.formats), spaces collapsed by split().
    for expected in (
        "Salaire de base (part fixe) 2 500,00",
        "Absence congés payés du -288,46",
        "Indemnité de congés payés (3 j, règle du 300,00",
        "Absence maladie du 12/01",
        "-865,38",
        "Indemnité complémentaire maladie 98,62",
        "Salaire brut 1 744,78",
        "Indemnités journalières de sécurité sociale perçues par l'employeur (subrogation)",
        "287,70, CSG/CRDS -19,27",
        "Ce mois-ci 2,34 3 Cumul 17,34 3 14,34",
        "Congés payés du 05/01/2026 au 07/01/2026 ; Arrêt maladie du 12/01/2026 au 21/01/2026 "
        "(subrogation)",
    ):
        assert expected in text, text
    client.force_login(world.alice)
    page = client.get("/c/coop-a/payroll/my-leave/").content.decode()
    assert "<strong>14,34 jours restants</strong>" in page
    assert "Du 05/01/2026 au 07/01/2026" in page


def test_the_officer_enters_absences_from_the_run_pages(
    world: World, payroll: Payroll, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        hired(payroll.alice)
        run = payroll_run_create(period=JAN, created_by=world.carl)
    client.force_login(world.carl)
    page = client.get(f"/c/coop-a/payroll/runs/{run.pk}/salaries/")
    assert page.status_code == 200
    url = f"/c/coop-a/payroll/runs/{run.pk}/entrepreneurs/{payroll.alice.pk}/absences/"
    assert url.encode() in page.content
    added = client.post(url, {"kind": "sick", "start": "2026-01-05", "end": "2026-01-06"})
    assert added.status_code == 302
    refused = client.post(url, {"kind": "sick", "start": "2026-02-05", "end": "2026-02-06"})
    assert refused.status_code == 400
    assert "dans le mois de la paie" in refused.content.decode()
    response = client.post(
        f"/c/coop-a/payroll/runs/{run.pk}/salaries/",
        {"action": "set", "entrepreneur": payroll.alice.pk, "gross": "-5"},
    )
    assert response.status_code == 302
    with cooperative_context(world.coop_a.pk):
        assert list(Absence.objects.values_list("start", "end")) == [
            (dt.date(2026, 1, 5), dt.date(2026, 1, 6))
        ]
        assert SalaryProposal.objects.get(entrepreneur=payroll.alice).chosen_gross == D("2500.00")
    client.force_login(world.bob)  # support staff do not run payroll
    assert client.get(url).status_code == 403


def test_charlie_gets_404_on_every_new_page(world: World, payroll: Payroll, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        hired(payroll.alice)
        run = payroll_run_create(period=JAN, created_by=world.carl)
    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        salaries = f"/c/{slug}/payroll/runs/{run.pk}/salaries/"
        absences = f"/c/{slug}/payroll/runs/{run.pk}/entrepreneurs/{payroll.alice.pk}/absences/"
        assert client.get(salaries).status_code == 404
        assert client.post(salaries, {"action": "accept_all"}).status_code == 404
        assert client.get(absences).status_code == 404
        response = client.post(
            absences, {"kind": "sick", "start": "2026-01-05", "end": "2026-01-06"}
        )
        assert response.status_code == 404
    assert client.get("/c/coop-a/payroll/my-leave/").status_code == 404
    for slug in ("coop-a", "coop-b"):
        profile = f"/c/{slug}/payroll/profiles/{payroll.alice.pk}/"
        assert client.get(profile).status_code == 404
        assert client.post(profile, {"status": "cadre", "fixed_gross": "1"}).status_code == 404
    assert client.get("/c/coop-a/payroll/profiles/").status_code == 404
    own = client.get("/c/coop-b/payroll/profiles/")
    assert own.status_code == 200
    assert b"Alice" not in own.content
    with cooperative_context(world.coop_a.pk):
        assert not Absence.objects.exists()
        assert SalaryProposal.objects.get(entrepreneur=payroll.alice).chosen_by is None
        assert PayProfile.objects.get(entrepreneur=payroll.alice).status == "non-cadre"


def test_the_officer_sets_the_fixed_part_and_the_advance(
    world: World, payroll: Payroll, client: Client
) -> None:
    client.force_login(world.carl)
    url = f"/c/coop-a/payroll/profiles/{payroll.alice.pk}/"
    assert b"Alice Arnaud" in client.get("/c/coop-a/payroll/profiles/").content
    response = client.post(
        url, {"status": "cadre", "fixed_gross": "1800.00", "variable_advance": "700.00"}
    )
    assert response.status_code == 302
    refused = client.post(
        url, {"status": "cadre", "fixed_gross": "1800.00", "variable_advance": "-1"}
    )
    assert refused.status_code == 400
    with cooperative_context(world.coop_a.pk):
        profile = PayProfile.objects.get(entrepreneur=payroll.alice)
    assert (profile.status, profile.monthly_gross, profile.variable_advance) == (
        "cadre",
        D("2500.00"),
        D("700.00"),
    )
    assert profile.fixed_gross == D("1800.00")
    client.force_login(world.alice)
    assert client.get(url).status_code == 403


def test_december_settles_the_variable_part_against_the_activity_result(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        pay_profile_set(
            entrepreneur=payroll.alice, monthly_gross=D("2500.00"), variable_advance=D("500.00")
        )
        _cash_in(payroll.alice, "10000.00", dt.date(2026, 6, 30))
        run = payroll_run_create(period=DEC, created_by=world.carl)
        compute_run(run.pk)
        compute_run(run.pk)
        slips = {(p.entrepreneur_id, p.kind): p for p in Payslip.objects.filter(run=run)}
        assert len(slips) == 3  # a re-run duplicates nothing
        monthly = slips[(payroll.alice.pk, Payslip.Kind.MONTHLY)]
        bonus = slips[(payroll.alice.pk, Payslip.Kind.REGULARISATION)]
        # What the year left: 10,000 of revenue less December's (not yet posted) payslip.
        budget = D("10000.00") - monthly.employer_cost
        assert bonus.data["regularisation"] == {"budget": str(budget)}
        assert bonus.data["gross_items"] == [
            {"label": "Régularisation annuelle de la part variable", "amount": str(bonus.gross)}
        ]
        # The largest bonus whose cost fits, with the year's cumulatives (RGDU clawback).
        params, company = parameters_at(DEC), company_at(DEC)
        monthly_ytd = payslip_compute(
            params, PayslipInput(period=DEC, gross=D("2500.00"), company=company)
        ).ytd
        template = PayslipInput(
            period=DEC, gross=bonus.gross, company=company, hours=D(0), ytd=monthly_ytd
        )
        assert payslip_compute(params, template).employer_cost == bonus.employer_cost
        assert bonus.employer_cost <= budget
        over = payslip_compute(params, replace(template, gross=bonus.gross + D("0.01")))
        assert over.employer_cost > budget
        assert bonus.reduction < 0  # the bonus gives back part of the year's reduction
        # The other activity earned nothing: the advances exceeded its result, no payslip.
        note = slips[(payroll.other.pk, Payslip.Kind.MONTHLY)].data["regularisation"]["note"]
        assert note.startswith("Les avances versées dépassent le résultat de l'activité de")
        assert (payroll.other.pk, Payslip.Kind.REGULARISATION) not in slips
        run.refresh_from_db()
        assert (run.status, run.expected) == (PayrollRun.Status.COMPUTED, 2)
        assert len(payroll_run_validate(run_id=run.pk)) == 3


def test_a_correction_recomputes_the_month_with_its_absences(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = january_with_leave_and_sickness(world, payroll)
        payroll_run_validate(run_id=run.pk)
        original = Payslip.objects.get(run=run, entrepreneur=payroll.alice)
        correction = payslip_correct(payslip_id=original.pk, gross=D("2600.00"))
    # At 2,600 € (the fixed 2,500 and 100 of advance): leave 2,600 × 3 / 26 = 300.00 either
    # way (maintenance kept on a tie), sick days 2,600 × 9 / 26 = 900.00; the top-up depends on
    # the previous months only.
    assert correction.data["gross_items"] == [
        {"label": "Salaire de base (part fixe)", "amount": "2500.00"},
        {"label": "Avance sur la part variable", "amount": "100.00"},
        {"label": "Absence congés payés du 05/01 au 07/01 (3 j)", "amount": "-300.00"},
        {"label": "Indemnité de congés payés (3 j, maintien de salaire)", "amount": "300.00"},
        {"label": "Absence maladie du 12/01 au 21/01 (10 j calendaires)", "amount": "-900.00"},
        {"label": "Indemnité complémentaire maladie (maintien employeur)", "amount": "98.62"},
    ]
    assert (correction.kind, correction.version, correction.gross) == (
        Payslip.Kind.MONTHLY,
        2,
        D("1798.62"),
    )
    assert correction.data["leave"] == original.data["leave"]
    assert correction.data["ijss_subrogation"] == original.data["ijss_subrogation"]


def test_a_sick_leave_continued_into_february_keeps_its_first_day(
    world: World, payroll: Payroll
) -> None:
    with cooperative_context(world.coop_a.pk):
        hired(payroll.alice)
        history_2025(payroll.alice)
        january = payroll_run_create(period=JAN, created_by=world.carl)
        absence_record(january, payroll.alice, "sick", dt.date(2026, 1, 26), dt.date(2026, 1, 31))
        compute_run(january.pk)
        payroll_run_validate(run_id=january.pk)
        february = payroll_run_create(period=dt.date(2026, 2, 1), created_by=world.carl)
        continued = absence_record(
            february, payroll.alice, "sick", dt.date(2026, 2, 1), dt.date(2026, 2, 5), True
        )
        compute_run(february.pk)
        payslip = Payslip.objects.get(run=february, entrepreneur=payroll.alice)
    assert continued.spell_start == dt.date(2026, 1, 26)
    # The 3 waiting days were 26-28 January: the 5 February days are all paid, 5 × 41.10; the
    # employer's 7 days ended on 1 February, so 4 days of top-up: 4 × (73.97 − 41.10) = 131.49.
    assert payslip.data["ijss_subrogation"]["gross"] == "205.50"
    assert payslip.data["gross_items"][-1] == {
        "label": "Indemnité complémentaire maladie (maintien employeur)",
        "amount": "131.49",
    }


def test_the_exit_month_stops_the_salary_pays_the_leave_and_settles_the_variable_part(
    world: World, payroll: Payroll
) -> None:
    march = dt.date(2026, 3, 1)
    with cooperative_context(world.coop_a.pk):
        hired(payroll.alice)
        history_2025(payroll.alice)
        _cash_in(payroll.alice, "10000.00", dt.date(2026, 2, 27))
        Entrepreneur.objects.filter(pk=payroll.alice.pk).update(
            stage="exited", exited_on=dt.date(2026, 3, 20)
        )
        run = payroll_run_create(period=march, created_by=world.carl)
        compute_run(run.pk)
        slips = {p.kind: p for p in Payslip.objects.filter(run=run, entrepreneur=payroll.alice)}
    # Exit on Friday 20 March: 9 jours ouvrables of 26 unpaid (865.38). Leave: 15 days from
    # 2025 + 2.5 in March = 17.5 days; 1/10 rule 15,000 × 10 % × 17.5 / 17.5 = 1,500.00 against
    # maintenance 2,500 × 17.5 / 26 = 1,682.69.
    assert slips[Payslip.Kind.MONTHLY].data["gross_items"][1:] == [
        {"label": "Salaire non dû après la sortie du 20/03/2026", "amount": "-865.38"},
        {"label": "Indemnité compensatrice de congés payés (17.50 j)", "amount": "1682.69"},
    ]
    assert slips[Payslip.Kind.MONTHLY].gross == D("3317.31")
    assert slips[Payslip.Kind.MONTHLY].data["leave"]["remaining"] == "0.00"
    # What the activity earned and did not pay settles the variable part at exit.
    budget = D("10000.00") - slips[Payslip.Kind.MONTHLY].employer_cost
    regularisation = slips[Payslip.Kind.REGULARISATION]
    assert regularisation.data["regularisation"] == {"budget": str(budget)}
    assert D(0) < regularisation.employer_cost <= budget
