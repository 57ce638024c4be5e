"""A cooperative from nothing, with no demo data: platform staff create it and invite its
manager; the manager accepts, completes the set-up checklist, opens the first entrepreneur file,
imports 30 entrepreneurs and 30 associates from XLSX files, assigns referents, records an
admission and issues the first payslips; the support staff member finds their portfolio filled.
Everything through the pages. Screenshots (phone size) under test-results/screenshots/."""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.core import mail
from django.db import connection

from entrepreneurs.models import Entrepreneur
from governance.models import AdmissionApplication, Associate, ShareSubscription
from payroll.models import Payslip
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, Membership
from tests.conftest import activate_totp
from tests.factories import UserFactory
from tests.helpers.browser import log_in

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"
FILES = Path(__file__).resolve().parents[1] / "onboarding" / "files"
GROSS = ("1900.00", "2100.00", "2400.00")


def _fill(page: Any, values: dict[str, str]) -> None:
    for name, value in values.items():
        field = page.locator(f"[name={name}]").first
        if field.evaluate("e => e.tagName") == "SELECT":
            field.select_option(value)
        else:
            field.fill(value)


@pytest.mark.django_db(transaction=True)
def _shot(page: Any, name: str) -> None:
    page.screenshot(path=str(SHOTS / f"onboarding-{name}.png"), full_page=True)


def _activities_xlsx(path: Path) -> Path:
    """One activity for each of the thirty people, as a cooperative's spreadsheet lists them."""
    people = openpyxl.load_workbook(FILES / "entrepreneurs_30.xlsx").active
    assert people is not None
    book = openpyxl.Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(
        [
            "Code analytique",
            "Nom",
            "Pôle",
            "Début",
            "Fin",
            "Taux de contribution (%)",
            "E-mails des entrepreneur·es",
            "Parts (%)",
        ]
    )
    rows = people.iter_rows(min_row=2, values_only=True)
    for number, (last, first, email, _civility, _born, sector, *_rest) in enumerate(rows):
        row = [f"ACT-{number:02}", f"{first} {last}", sector, dt.date(2024, 1, 1)]
        sheet.append([*row, None, None, email, None])
    book.save(path)
    return path


def _import(page: Any, base: str, kind: str, file: Path) -> None:
    """A file tried first (nothing written, 30 rows accepted), then imported."""
    for dry_run in (True, False):
        page.goto(f"{base}/c/neuve/imports/")
        page.locator("[name=kind]").select_option(kind)
        page.locator("[name=file]").set_input_files(str(file))
        page.locator("[name=dry_run]").set_checked(dry_run)
        page.get_by_role("button", name="Envoyer").click()
        done = "Essai : rien n'a été écrit." if dry_run else "Import terminé."
        page.get_by_text(done).wait_for()
        facts = page.locator("#import-status dl.facts dd").all_inner_texts()
        assert facts == ["30", "30", "0", "0"], (kind, dry_run, facts)
        _shot(page, f"import-{kind}-{'trial' if dry_run else 'done'}")


def _reload_until(page: Any, locator: Any, count: int = 1) -> None:
    """The workers' results, read by reloading the page (90 s at most)."""
    for _attempt in range(180):
        if locator.count() >= count:
            return
        page.wait_for_timeout(500)
        page.reload()
    raise AssertionError(page.locator("main").inner_text())


@pytest.mark.django_db(transaction=True)
def test_a_cooperative_from_nothing_to_its_first_payslips(
    worker: None, live_server: Any, browser: Any, tmp_path: Path
) -> None:
    try:
        UserFactory.create(email="plateforme@perspectives.example", is_staff=True)
        manager = UserFactory.create(
            email="gerante@neuve.example", first_name="Rosa", last_name="Puig"
        )
        activate_totp(manager)
        support = UserFactory.create(
            email="appui@neuve.example", first_name="Jordi", last_name="Vidal"
        )
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

    # The support staff member is invited, and accepts.
    page.goto(f"{base}/c/neuve/members/")
    page.locator("[name=email]").fill("appui@neuve.example")
    page.locator("[name=roles][value=support]").check()
    page.get_by_role("button", name="Envoyer l'invitation").click()
    page.get_by_text("Invitation envoyée à appui@neuve.example.").wait_for()
    link = re.search(r"/invitations/[^/\s]+/", str(mail.outbox[-1].body))
    assert link is not None
    team = browser.new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
    log_in(team, base, "appui@neuve.example", landing=r"^(?!.*/accounts/).*$")
    team.goto(f"{base}{link.group(0)}")
    team.get_by_role("button", name="Accepter l'invitation").click()
    team.get_by_text("Bienvenue dans CAE Neuve !").wait_for()

    # People and associates from the spreadsheets.
    _import(page, base, "entrepreneurs", FILES / "entrepreneurs_30.xlsx")
    _import(page, base, "associates", FILES / "associates_30.xlsx")
    _import(page, base, "activities", _activities_xlsx(tmp_path / "activites.xlsx"))

    # Twelve files given to the support staff member at once, from the portfolio.
    page.goto(f"{base}/c/neuve/entrepreneurs/")
    page.get_by_text("31 dossiers").wait_for()
    boxes = page.locator("input[name=ids]")
    for index in range(12):
        boxes.nth(index).check()
    page.locator("#bulk-referent").select_option(str(support.pk))
    page.get_by_role("button", name="Attribuer").click()
    page.get_by_text("Référent·e enregistré·e pour 12 dossier(s).").wait_for()
    _shot(page, "referents-assigned")

    # A person without a file (not in CESA, so not an employee associate) applies, the
    # assembly admits her, her shares go to the register.
    page.goto(f"{base}/c/neuve/governance/register/")
    apply = page.locator("form[action$='/register/applications/']")
    apply.locator("[name=apply-full_name]").fill("Marta Soler")
    apply.locator("[name=apply-category]").select_option("other")
    apply.locator("[name=apply-applied_on]").fill("2026-02-02")
    apply.locator("[name=apply-shares_requested]").fill("2")
    apply.get_by_role("button", name="Enregistrer la candidature").click()
    page.get_by_text("Candidature de Marta Soler enregistrée.").wait_for()
    page.get_by_text("Décision de l'assemblée des associé·es").click()
    decide = page.locator("form[action$='/decision/']")
    decide.locator("[name=approved]").select_option("1")
    decide.locator("[name=decided_on]").fill("2026-02-20")
    decide.get_by_role("button", name="Enregistrer la décision").click()
    page.get_by_text("Décision enregistrée.").wait_for()
    subscribe = page.locator("form[action*='/admissions/'][action$='/subscription/']")
    subscribe.locator("[name=subscribed_on]").fill("2026-02-20")
    subscribe.locator("[name=number]").fill("2")
    subscribe.locator("[name=nominal_value]").fill("50")
    subscribe.locator("[name=paid_amount]").fill("100")
    subscribe.get_by_role("button", name="Inscrire au registre").click()
    page.get_by_text(re.compile("Soler est inscrit·e au registre des associé·es")).wait_for()
    _shot(page, "admission-recorded")

    # Three pay profiles, the March run computed and validated, its payslips as PDFs.
    for index, gross in enumerate(GROSS):
        page.goto(f"{base}/c/neuve/payroll/profiles/")
        page.get_by_role("link", name=re.compile("^Modifier")).nth(index).click()
        _fill(page, {"status": "non-cadre", "fixed_gross": gross, "variable_advance": "0"})
        page.get_by_role("button", name="Enregistrer").click()
        page.get_by_text("Profil de rémunération enregistré.").wait_for()
    page.goto(f"{base}/c/neuve/payroll/")
    page.locator("[name=period]").fill("2026-03")
    page.get_by_role("button", name="Préparer la paie du mois").click()
    page.wait_for_url(re.compile(r".*/payroll/runs/\d+/$"))
    page.get_by_role("button", name="Calculer les bulletins").click()
    validate = page.get_by_role("button", name="Valider et émettre les bulletins")
    _reload_until(page, validate)
    validate.click()
    pdfs = page.locator("#run-progress a", has_text=re.compile(r"^PDF$"))
    _reload_until(page, pdfs, count=3)
    _shot(page, "payslips-issued")
    for index in range(3):
        response = page.request.get(f"{base}{pdfs.nth(index).get_attribute('href')}")
        assert response.status == 200
        assert response.headers["content-type"] == "application/pdf"
        assert response.body().startswith(b"%PDF")

    # The support staff member finds the twelve files in their portfolio.
    team.goto(f"{base}/c/neuve/dashboard/portfolio/")
    team.get_by_text("12 entrepreneur·es").wait_for()
    _shot(team, "support-portfolio")

    cooperative = Cooperative.objects.get(slug="neuve")
    assert Membership.objects.get(cooperative=cooperative, user=manager).roles == [
        "manager",
        "admin",
    ]
    with cooperative_context(cooperative.pk):
        ines = Entrepreneur.objects.select_related("sector").get(email="ines.ferrer@example.org")
        assert (ines.last_name, ines.stage, ines.sector.name, ines.email) == (
            "Ferrer",
            "cape",
            "Communication",
            "ines.ferrer@example.org",
        )
        assert Entrepreneur.objects.count() == 31
        assert Entrepreneur.objects.filter(referent=support).count() == 12
        assert Associate.objects.count() == 31
        assert AdmissionApplication.objects.get().status == "admitted"
        marta = Associate.objects.get(full_name="Marta Soler")
        assert (marta.category, marta.entrepreneur_id) == ("other", None)
        shares = ShareSubscription.objects.get(associate=marta)
        assert (shares.number, shares.paid_amount) == (2, Decimal("100.00"))
        slips = Payslip.objects.filter(issued_at__isnull=False).order_by("gross")
        assert [(p.period, p.gross, bool(p.pdf)) for p in slips] == [
            (dt.date(2026, 3, 1), Decimal(gross), True) for gross in GROSS
        ]
