"""A cooperative from nothing, with no demo data: platform staff create it and invite its
manager; the manager accepts, completes the set-up checklist and opens the first entrepreneur
file. Screenshots under test-results/screenshots/."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
from django.core import mail
from django.db import connection

from entrepreneurs.models import Entrepreneur
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, Membership
from tests.conftest import activate_totp
from tests.factories import UserFactory
from tests.helpers.browser import log_in

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def _fill(page: Any, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = page.locator(f"[name={name}]").first
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


@pytest.mark.django_db(transaction=True)
def test_a_cooperative_from_nothing_to_its_first_entrepreneur(
    live_server: Any, browser: Any
) -> None:
    try:
        UserFactory.create(email="plateforme@perspectives.example", is_staff=True)
        manager = UserFactory.create(
            email="gerante@neuve.example", first_name="Rosa", last_name="Puig"
        )
        activate_totp(manager)
    finally:
        connection.close()
    base = live_server.url
    SHOTS.mkdir(parents=True, exist_ok=True)

    staff = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
    log_in(staff, base, "plateforme@perspectives.example", landing=r"^(?!.*/accounts/).*$")
    staff.goto(f"{base}/platform/cooperatives/")
    _fill(
        staff,
        {
            "name": "CAE Neuve",
            "slug": "neuve",
            "siren": "842 135 709",
            "legal_form": "scop_sarl",
            "city": "Perpignan",
            "manager_email": "gerante@neuve.example",
        },
    )
    staff.get_by_role("button", name="Créer et inviter").click()
    staff.get_by_text("Coopérative « CAE Neuve » créée").wait_for()
    staff.screenshot(path=str(SHOTS / "onboarding-cooperative-created.png"), full_page=True)
    link = re.search(r"/invitations/[^/\s]+/", str(mail.outbox[-1].body))
    assert link is not None

    page = browser.new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
    log_in(page, base, "gerante@neuve.example", totp=True, landing=r"^(?!.*/accounts/).*$")
    page.goto(f"{base}{link.group(0)}")
    page.get_by_role("button", name="Accepter l'invitation").click()
    page.get_by_text("Bienvenue dans CAE Neuve !").wait_for()
    page.get_by_text("Mise en route de la coopérative").first.wait_for()
    page.screenshot(path=str(SHOTS / "onboarding-checklist-start.png"), full_page=True)

    settings = [
        (
            "/setup/identity/",
            {
                "vat_number": "FR41842135709",
                "address_line": "2 rue des Augustins",
                "postal_code": "66000",
                "city": "Perpignan",
            },
        ),
        (
            "/setup/accompaniment/",
            {
                "associate_alert_months": "9",
                "yearly_interviews_required": "3",
                "document_alert_days": "30",
            },
        ),
        (
            "/setup/dashboard/",
            {
                "reserve_months": "4.0",
                "revenue_drop_percent": "25",
                "no_salary_months": "3",
                "report_day": "5",
            },
        ),
        ("/setup/treasury/", {}),
        (
            "/payroll/settings/",
            {
                "valid_from": "2026-01-01",
                "headcount": "12",
                "at_rate": "1.20",
                "mutuelle_employee": "25.00",
                "mutuelle_employer": "25.00",
                "prevoyance_employee_rate": "0.300",
                "prevoyance_employer_rate": "0.300",
                "mobility_rate": "0",
            },
        ),
        ("/setup/contribution/", {"default_contribution_rate": "10.50"}),
    ]
    for path, values in settings:
        page.goto(f"{base}/c/neuve{path}")
        _fill(page, values)
        page.get_by_role("button", name="Enregistrer").click()
        page.wait_for_load_state()
        assert page.locator(".errorlist").count() == 0, (path, page.content()[:3000])
    page.goto(f"{base}/c/neuve/setup/chart/")
    page.get_by_role("button", name="Le plan comptable et les journaux sont vérifiés").click()
    page.get_by_text("Plan comptable et journaux vérifiés.").wait_for()
    page.goto(f"{base}/c/neuve/governance/statutes/")
    page.get_by_role("button", name="J'ai vérifié ces règles au regard de nos statuts").click()
    page.wait_for_load_state()

    page.goto(f"{base}/c/neuve/setup/")
    page.get_by_text("La coopérative est prête : chaque étape est faite.").wait_for()
    page.screenshot(path=str(SHOTS / "onboarding-checklist-done.png"), full_page=True)
    page.goto(f"{base}/c/neuve/")
    assert page.get_by_text("Mise en route de la coopérative").count() == 0

    page.goto(f"{base}/c/neuve/entrepreneurs/new/")
    _fill(
        page,
        {
            "first_name": "Inès",
            "last_name": "Ferrer",
            "email": "ines.ferrer@example.org",
            "stage": "cape",
            "start_date": "2026-02-01",
            "planned_end": "2026-07-31",
        },
    )
    page.locator("[name=sector]").select_option(label="Communication")
    page.get_by_role("button", name="Ouvrir le dossier").click()
    page.get_by_text("Dossier ouvert.").wait_for()
    page.screenshot(path=str(SHOTS / "onboarding-first-file.png"), full_page=True)

    cooperative = Cooperative.objects.get(slug="neuve")
    assert Membership.objects.get(cooperative=cooperative, user=manager).roles == [
        "manager",
        "admin",
    ]
    with cooperative_context(cooperative.pk):
        ines = Entrepreneur.objects.select_related("sector").get()
        assert (ines.last_name, ines.stage, ines.sector.name, ines.email) == (
            "Ferrer",
            "cape",
            "Communication",
            "ines.ferrer@example.org",
        )
