from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from payroll.models import PayrollRun, PayrollSettings, Payslip
from payroll.selectors import company_at
from payroll.services import payroll_run_create, payroll_run_validate, payslip_pdf_render
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World, activate_totp
from tests.payroll.conftest import Payroll, compute_run

JAN = dt.date(2026, 1, 1)


def _issued(world: World, payroll: Payroll) -> dict[int, int]:
    """January issued with PDFs; returns {entrepreneur id: payslip id}."""
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=JAN, created_by=world.carl)
        compute_run(run.pk)
        for payslip_id in payroll_run_validate(run_id=run.pk):
            payslip_pdf_render(payslip_id=payslip_id)
        return dict(Payslip.objects.values_list("entrepreneur_id", "pk"))


def _pdf_url(payslip_id: int, slug: str = "coop-a") -> str:
    return f"/c/{slug}/payroll/payslips/{payslip_id}/pdf/"


def test_the_employee_downloads_only_her_own_payslip(
    world: World, payroll: Payroll, client: Client
) -> None:
    ids = _issued(world, payroll)
    client.force_login(world.alice)
    response = client.get(_pdf_url(ids[payroll.alice.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert b"".join(response.streaming_content)[:5] == b"%PDF-"  # type: ignore[attr-defined]
    assert client.get(_pdf_url(ids[payroll.other.pk])).status_code == 404
    home = client.get("/c/coop-a/payroll/")
    assert home.status_code == 200
    assert _pdf_url(ids[payroll.alice.pk]).encode() in home.content
    assert _pdf_url(ids[payroll.other.pk]).encode() not in home.content


def test_support_cannot_and_managers_can_fetch_payslips(
    world: World, payroll: Payroll, client: Client
) -> None:
    ids = _issued(world, payroll)
    client.force_login(world.bob)
    assert client.get(_pdf_url(ids[payroll.alice.pk])).status_code == 404
    client.force_login(world.carl)
    assert client.get(_pdf_url(ids[payroll.alice.pk])).status_code == 200


def test_charlie_gets_404_for_cooperative_a_payslips_and_runs(
    world: World, payroll: Payroll, client: Client
) -> None:
    ids = _issued(world, payroll)
    with cooperative_context(world.coop_a.pk):
        run_id = PayrollRun.objects.get().pk
    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        assert client.get(_pdf_url(ids[payroll.alice.pk], slug)).status_code == 404
        assert client.get(f"/c/{slug}/payroll/runs/{run_id}/").status_code == 404
        response = client.post(f"/c/{slug}/payroll/runs/{run_id}/action/", {"action": "paid"})
        assert response.status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert PayrollRun.objects.get().status == PayrollRun.Status.VALIDATED


def test_a_draft_payslip_is_not_served_to_its_employee(
    world: World, payroll: Payroll, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=JAN, created_by=world.carl)
        compute_run(run.pk)
        draft = Payslip.objects.get(entrepreneur=payroll.alice)
    client.force_login(world.alice)
    assert client.get(_pdf_url(draft.pk)).status_code == 404


def test_the_payroll_officer_creates_a_run_once(
    world: World, payroll: Payroll, client: Client
) -> None:
    client.force_login(world.carl)
    response = client.post("/c/coop-a/payroll/runs/", {"period": "2026-01"})
    with cooperative_context(world.coop_a.pk):
        run = PayrollRun.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/c/coop-a/payroll/runs/{run.pk}/"
    again = client.post("/c/coop-a/payroll/runs/", {"period": "2026-01"}, follow=True)
    assert "Une paie existe déjà pour 01/2026".encode() in again.content
    with cooperative_context(world.coop_a.pk):
        assert PayrollRun.objects.count() == 1
    page = client.get(f"/c/coop-a/payroll/runs/{run.pk}/")
    assert b'<progress id="run-progress-bar" max="1" value="0">' in page.content


def test_an_entrepreneur_cannot_run_the_payroll(
    world: World, payroll: Payroll, client: Client
) -> None:
    client.force_login(world.alice)
    assert client.post("/c/coop-a/payroll/runs/", {"period": "2026-01"}).status_code == 403
    with cooperative_context(world.coop_a.pk):
        assert not PayrollRun.objects.exists()


def test_the_simulator_answers_live_from_gross_or_budget(
    world: World, payroll: Payroll, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The simulator computes the current month: pinned to January 2026 (the 2025 neutral PAS
    # grid, in force until April 2026, takes 3.5 % of a 2,050.29 € taxable pay: 71.76 €).
    monkeypatch.setattr("payroll.views.timezone.localdate", lambda: dt.date(2026, 1, 15))
    client.force_login(world.alice)
    assert client.get("/c/coop-a/payroll/simulator/").status_code == 200
    gross = client.post(
        "/c/coop-a/payroll/simulator/",
        {"mode": "gross", "amount": "2500.00", "status": "non-cadre"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert gross.status_code == 200
    assert "HX-Request" in gross["Vary"]
    assert b"<html" not in gross.content
    assert "3\u00a0126,90\u00a0€".encode() in gross.content
    assert "1\u00a0907,23\u00a0€".encode() in gross.content
    budget = client.post(
        "/c/coop-a/payroll/simulator/",
        {"mode": "budget", "amount": "3126.90", "status": "non-cadre"},
        HTTP_HX_REQUEST="true",
        HTTP_ACCEPT_LANGUAGE="fr",
    )
    assert "2\u00a0500,00\u00a0€".encode() in budget.content
    assert b'<rect x="0" y="0" width="609.9"' in budget.content


@pytest.mark.django_db
def test_the_simulator_says_when_the_cooperative_has_no_settings(
    world: World, client: Client
) -> None:
    client.force_login(world.alice)
    response = client.post(
        "/c/coop-a/payroll/simulator/",
        {"mode": "gross", "amount": "2500.00", "status": "non-cadre"},
        HTTP_HX_REQUEST="true",
    )
    assert "ne sont pas renseignés".encode() in response.content


def test_the_payroll_officer_sets_dated_settings(world: World, client: Client) -> None:
    client.force_login(world.carl)
    data = {
        "valid_from": "2026-03-01",
        "headcount": "12",
        "at_rate": "1.10",
        "mutuelle_employee": "20.00",
        "mutuelle_employer": "25.00",
        "prevoyance_employee_rate": "0",
        "prevoyance_employer_rate": "1.50",
        "mobility_rate": "0",
    }
    assert client.post("/c/coop-a/payroll/settings/", data).status_code == 302
    with cooperative_context(world.coop_a.pk):
        company = company_at(dt.date(2026, 3, 1))
    assert (company.headcount, company.at_rate, company.mutuelle_employer) == (
        12,
        Decimal("1.10"),
        Decimal("25.00"),
    )
    bad = client.post("/c/coop-a/payroll/settings/", {**data, "at_rate": "45"})
    assert bad.status_code == 200
    client.force_login(world.alice)
    assert (
        client.post("/c/coop-a/payroll/settings/", {**data, "headcount": "99"}).status_code == 403
    )
    with cooperative_context(world.coop_a.pk):
        assert list(PayrollSettings.objects.values_list("headcount", "at_rate")) == [
            (12, Decimal("1.10"))
        ]


def _page_url(payslip_id: int, slug: str = "coop-a") -> str:
    return f"/c/{slug}/payroll/payslips/{payslip_id}/"


def test_a_payslip_page_shows_the_lines_of_its_pdf(
    world: World, payroll: Payroll, client: Client
) -> None:
    ids = _issued(world, payroll)
    with cooperative_context(world.coop_a.pk):
        payslip = Payslip.objects.get(pk=ids[payroll.alice.pk])
        first_line = payslip.data["lines"][0]
    client.force_login(world.alice)
    home = client.get("/c/coop-a/payroll/")
    assert _page_url(payslip.pk).encode() in home.content
    page = client.get(_page_url(payslip.pk))
    assert page.status_code == 200
    text = page.content.decode()
    assert "Bulletin de paie — janvier 2026" in text
    assert first_line["label"] in text
    assert first_line["group_label"] in text
    assert "Montant net social" in text
    assert _pdf_url(payslip.pk) in text
    # Someone else's payslip, support staff and another cooperative get the same 404.
    assert client.get(_page_url(ids[payroll.other.pk])).status_code == 404
    client.force_login(world.bob)
    assert client.get(_page_url(payslip.pk)).status_code == 404
    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        assert client.get(_page_url(payslip.pk, slug)).status_code == 404
    client.force_login(world.carl)
    assert client.get(_page_url(payslip.pk)).status_code == 200


def test_the_payroll_officer_s_home_leads_to_the_payroll(world: World, client: Client) -> None:
    from perspectives.tenancy.models import Role
    from tests.factories import MembershipFactory, UserFactory

    officer = UserFactory.create(email="paie@a.example", first_name="Paul", last_name="Ayet")
    MembershipFactory.create(cooperative=world.coop_a, user=officer, roles=[Role.PAYROLL])
    activate_totp(officer)
    client.force_login(officer)
    home = client.get("/c/coop-a/")
    assert home.status_code == 200
    assert b'href="/c/coop-a/payroll/"' in home.content
    assert "Préparer ou suivre la paie".encode() in home.content


@pytest.mark.parametrize("debug", [False, True])
def test_a_payslip_whose_file_is_gone_gives_the_friendly_404(
    world: World, payroll: Payroll, client: Client, settings: Any, debug: bool
) -> None:
    settings.DEBUG = debug  # no technical page in any mode
    ids = _issued(world, payroll)
    with cooperative_context(world.coop_a.pk):
        payslip = Payslip.objects.get(pk=ids[payroll.alice.pk])
        payslip.pdf.storage.delete(payslip.pdf.name)
    client.force_login(world.alice)
    response = client.get(_pdf_url(payslip.pk))
    assert response.status_code == 404
    assert "Cette page n&#x27;existe pas." in response.content.decode()
    assert "Revenir à l'accueil" in response.content.decode()
