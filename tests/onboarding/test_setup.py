"""The set-up checklist of a new cooperative and its settings pages, validated and audited."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.test import Client

from accounting.models import Account, TreasuryGroup
from entrepreneurs.models import AccompanimentSettings
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, Membership, SettingChange
from tests.conftest import World, activate_totp
from tests.factories import UserFactory
from top.dashboards.models import DashboardSettings
from top.onboarding.selectors import setup_checklist
from top.onboarding.services import cooperative_set_up

pytestmark = pytest.mark.django_db


@pytest.fixture
def fresh(client: Client) -> tuple[Cooperative, object]:
    cooperative = cooperative_set_up(
        slug="neuve", name="CAE Neuve", siren="842135709", legal_form="scop_sarl"
    ).cooperative
    manager = UserFactory.create(email="gerante@neuve.example", first_name="Rosa", last_name="Puig")
    activate_totp(manager)
    Membership.objects.create(cooperative=cooperative, user=manager, roles=["manager", "admin"])
    client.force_login(manager)
    return cooperative, manager


def _steps(cooperative: Cooperative) -> dict[str, tuple[bool, list[str]]]:
    cooperative.refresh_from_db()
    with cooperative_context(cooperative.pk):
        return {s.key: (s.done, s.missing) for s in setup_checklist(cooperative=cooperative)}


def test_a_new_cooperative_starts_with_what_is_missing(fresh: tuple[Cooperative, object]) -> None:
    cooperative, _manager = fresh

    steps = _steps(cooperative)

    assert list(steps) == [
        "identity",
        "chart",
        "sectors",
        "statutes",
        "accompaniment",
        "dashboard",
        "treasury",
        "payroll",
        "contribution",
    ]
    assert steps["identity"] == (
        False,
        ["l'adresse du siège", "le numéro de TVA intracommunautaire"],
    )
    assert steps["chart"] == (False, ["la vérification du plan comptable et des journaux"])
    assert steps["sectors"] == (True, [])
    assert steps["statutes"] == (False, ["la vérification du profil au regard de vos statuts"])
    assert steps["payroll"][0] is False


def test_the_manager_completes_the_checklist_and_every_change_is_audited(
    fresh: tuple[Cooperative, object], client: Client
) -> None:
    cooperative, manager = fresh
    home = client.get("/c/neuve/")
    assert "Mise en route de la coopérative" in home.text

    posts = [
        (
            "/c/neuve/setup/identity/",
            {
                "name": "CAE Neuve",
                "legal_form": "scop_sarl",
                "siren": "842135709",
                "vat_number": "fr41 842135709",
                "address_line": "2 rue des Augustins",
                "postal_code": "66000",
                "city": "Perpignan",
                "fiscal_year_start_month": "1",
            },
        ),
        ("/c/neuve/setup/chart/", {"action": "add", "code": "6257", "label": "Réceptions"}),
        ("/c/neuve/setup/chart/", {"action": "confirm"}),
        ("/c/neuve/governance/statutes/sign-off/", {}),
        (
            "/c/neuve/setup/accompaniment/",
            {
                "associate_alert_months": "9",
                "yearly_interviews_required": "3",
                "document_alert_days": "30",
            },
        ),
        (
            "/c/neuve/setup/dashboard/",
            {
                "reserve_months": "4.0",
                "revenue_drop_percent": "25",
                "no_salary_months": "3",
                "report_day": "5",
            },
        ),
        (
            "/c/neuve/setup/treasury/",
            {
                "cash": "51, 53",
                "taxes_due": "444,445,447",
                "suppliers_due": "401,404,408",
                "salaries_due": "421,422,425,427,428,431,437,438,4421",
                "expenses_due": "4286,467",
                "customers_due": "411,416,418",
            },
        ),
        (
            "/c/neuve/payroll/settings/",
            {
                "valid_from": "2026-01-01",
                "headcount": "12",
                "at_rate": "1.20",
                "mutuelle_employee": "25.00",
                "mutuelle_employer": "25.00",
                "prevoyance_employee_rate": "0.300",
                "prevoyance_employer_rate": "0.300",
                "mobility_rate": "0",
                "leave_method": "best",
            },
        ),
        (
            "/c/neuve/setup/contribution/",
            {"default_contribution_rate": "10.50", "contribution_base": "margin"},
        ),
    ]
    for url, data in posts:
        response = client.post(url, data)
        assert response.status_code == 302, (url, response.content[:3000])

    assert {key: done for key, (done, _m) in _steps(cooperative).items()} == dict.fromkeys(
        [
            "identity",
            "chart",
            "sectors",
            "statutes",
            "accompaniment",
            "dashboard",
            "treasury",
            "payroll",
            "contribution",
        ],
        True,
    )
    cooperative.refresh_from_db()
    assert (cooperative.vat_number, cooperative.city, cooperative.contribution_base) == (
        "FR41842135709",
        "Perpignan",
        "margin",
    )
    assert cooperative.default_contribution_rate == Decimal("10.50")
    with cooperative_context(cooperative.pk):
        assert Account.objects.get(code="6257").label == "Réceptions"
        assert AccompanimentSettings.objects.get().associate_alert_months == 9
        assert DashboardSettings.objects.get().reserve_months == Decimal("4.0")
        assert TreasuryGroup.objects.get(key="cash").prefixes == "51,53"
        changes = {c.section: c for c in SettingChange.objects.all()}
        assert set(changes) == {
            "identity",
            "chart",
            "accompaniment",
            "dashboard",
            "treasury",
            "payroll",
            "contribution",
        }
        assert all(c.changed_by == manager for c in changes.values())
        assert changes["contribution"].changes == {
            "default_contribution_rate": {"avant": "11.00", "après": "10.50"},
            "contribution_base": {"avant": "revenue", "après": "margin"},
        }
        assert changes["treasury"].changes == {"cash": {"avant": "51,53", "après": "51,53"}} or (
            changes["treasury"].changes == {}
        )
    home = client.get("/c/neuve/")
    assert "Mise en route de la coopérative" not in home.text
    history = client.get("/c/neuve/setup/history/")
    assert "« revenue » → « margin »" in history.text


@pytest.mark.parametrize(
    ("url", "data", "message"),
    [
        (
            "/c/neuve/setup/identity/",
            {"vat_number": "FR00842135709"},
            "n&#x27;est pas un numéro de TVA intracommunautaire français valide",
        ),
        (
            "/c/neuve/setup/identity/",
            {"siren": "123456789"},
            "n&#x27;est pas un numéro SIREN valide",
        ),
        (
            "/c/neuve/setup/identity/",
            {"vat_number": "FR04915360242"},
            "Ce numéro de TVA n&#x27;est pas celui du SIREN 842135709.",
        ),
        (
            "/c/neuve/setup/treasury/",
            {"cash": "51;x"},
            "des préfixes de comptes séparés par des virgules",
        ),
        (
            "/c/neuve/setup/contribution/",
            {"default_contribution_rate": "140", "contribution_base": "revenue"},
            "inférieure ou égale à 100",
        ),
    ],
)
def test_settings_are_validated_in_french_and_change_nothing(
    fresh: tuple[Cooperative, object], client: Client, url: str, data: dict[str, str], message: str
) -> None:
    cooperative, _manager = fresh
    identity = {
        "name": "CAE Neuve",
        "legal_form": "scop_sarl",
        "siren": "842135709",
        "vat_number": "",
        "address_line": "",
        "postal_code": "",
        "city": "",
        "fiscal_year_start_month": "1",
    }
    treasury = {
        "cash": "51,53",
        "taxes_due": "444",
        "suppliers_due": "401",
        "salaries_due": "421",
        "expenses_due": "467",
        "customers_due": "411",
    }
    base = identity if "identity" in url else treasury if "treasury" in url else {}

    response = client.post(url, {**base, **data})

    assert response.status_code == 400
    assert message in response.text
    cooperative.refresh_from_db()
    assert (cooperative.siren, cooperative.vat_number) == ("842135709", "")
    with cooperative_context(cooperative.pk):
        assert SettingChange.objects.count() == 0
        assert TreasuryGroup.objects.get(key="cash").prefixes == "51,53"


def test_a_scic_must_define_its_colleges(client: Client) -> None:
    cooperative = cooperative_set_up(
        slug="scic", name="SCIC", siren="915360242", legal_form="scic_sas"
    ).cooperative
    assert _steps(cooperative)["colleges"] == (False, ["au moins trois collèges de vote"])


def test_only_managers_reach_the_set_up_and_other_cooperatives_get_a_404(
    world: World, client: Client
) -> None:
    client.force_login(world.bob)
    assert client.get("/c/coop-a/setup/").status_code == 403
    assert client.post("/c/coop-a/setup/contribution/", {}).status_code == 403
    assert client.get("/c/coop-a/setup/dashboard/").status_code == 403
    client.force_login(world.alice)
    assert client.get("/c/coop-a/setup/identity/").status_code == 403
    client.force_login(world.charlie)
    for url in ("setup/", "setup/identity/", "setup/chart/", "setup/history/", "setup/dashboard/"):
        assert client.get(f"/c/coop-a/{url}").status_code == 404
    response = client.post(
        "/c/coop-a/setup/contribution/",
        {"default_contribution_rate": "5", "contribution_base": "margin"},
    )
    assert response.status_code == 404
    world.coop_a.refresh_from_db()
    assert world.coop_a.default_contribution_rate == Decimal("11.00")
    client.force_login(world.carl)
    assert client.get("/c/coop-a/setup/").status_code == 200
