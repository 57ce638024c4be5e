from __future__ import annotations

from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from accounting.models import Account, Journal, TreasuryGroup
from accounting.services.chart import PCG_CAE_ACCOUNTS
from entrepreneurs.models import Sector
from governance.models import StatuteProfile
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative, Invitation
from tests.conftest import World
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _create(**overrides: str) -> str:
    args = {
        "slug": "cae-test",
        "name": "CAE Test",
        "siren": "842135709",
        "legal-form": "scic_sas",
        "manager-email": "Gerante@CAE-Test.example",
    } | overrides
    out = StringIO()
    call_command(
        "cooperative_create", *[f"--{key}={value}" for key, value in args.items()], stdout=out
    )
    return out.getvalue()


def test_the_command_creates_a_ready_cooperative_and_invites_its_manager(
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        output = _create()

    cooperative = Cooperative.objects.get(slug="cae-test")
    assert (cooperative.name, cooperative.siren, cooperative.legal_form) == (
        "CAE Test",
        "842135709",
        "scic_sas",
    )
    assert "Coopérative « CAE Test » créée (/c/cae-test/" in output
    assert "Invitation envoyée à gerante@cae-test.example." in output
    with cooperative_context(cooperative.pk):
        assert Account.objects.count() == len(PCG_CAE_ACCOUNTS) == 73
        assert sorted(Journal.objects.values_list("code", flat=True)) == [
            "AC",
            "AN",
            "BQ",
            "OD",
            "PAIE",
            "VT",
        ]
        assert TreasuryGroup.objects.count() == 6
        assert Sector.objects.count() == 7
        profile = StatuteProfile.objects.get()
        assert (profile.preset, profile.is_active, profile.signed_off) == (
            "scic_sas",
            True,
            False,
        )
    invitation = Invitation.objects.get(cooperative=cooperative)
    assert (invitation.email, invitation.roles) == (
        "gerante@cae-test.example",
        ["manager", "admin"],
    )
    assert len(mail.outbox) == 1
    assert "L'équipe de la plateforme vous invite à rejoindre CAE Test" in mail.outbox[0].body


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"siren": "842135708"}, "« 842135708 » n'est pas un numéro SIREN valide"),
        ({"slug": "existing"}, "L'identifiant « existing » est déjà pris"),
        ({"siren": "915360242"}, "Une coopérative de SIREN 915360242 existe déjà"),
        ({"manager-email": "pas-une-adresse"}, "n'est pas une adresse e-mail valide"),
    ],
)
def test_the_command_refuses_bad_input_in_french_and_creates_nothing(
    overrides: dict[str, str], message: str
) -> None:
    _create(slug="existing", siren="915360242", **{"manager-email": "a@b.example"})
    mail.outbox.clear()

    with pytest.raises(CommandError, match=message):
        _create(**overrides)

    assert Cooperative.objects.count() == 1
    assert Invitation.objects.count() == 1
    assert mail.outbox == []


def test_platform_staff_create_a_cooperative_from_the_page(client: Client) -> None:
    staff = UserFactory.create(email="plateforme@example.org", is_staff=True)
    client.force_login(staff)

    page = client.get("/platform/cooperatives/")
    response = client.post(
        "/platform/cooperatives/",
        {
            "name": "Coopaname Sud",
            "slug": "coopaname-sud",
            "siren": "842 135 709",
            "legal_form": "scop_sarl",
            "city": "Montpellier",
            "manager_email": "gerant@sud.example",
        },
    )

    assert page.status_code == 200
    assert response.status_code == 302
    cooperative = Cooperative.objects.get(slug="coopaname-sud")
    assert (cooperative.siren, cooperative.city) == ("842135709", "Montpellier")
    invitation = Invitation.objects.get(cooperative=cooperative)
    assert invitation.invited_by == staff
    with cooperative_context(cooperative.pk):
        assert StatuteProfile.objects.get().preset == "scop_sarl"


def test_the_page_shows_a_french_error_and_creates_nothing(client: Client) -> None:
    client.force_login(UserFactory.create(email="plateforme@example.org", is_staff=True))

    response = client.post(
        "/platform/cooperatives/",
        {
            "name": "Mauvaise",
            "slug": "mauvaise",
            "siren": "123456789",
            "legal_form": "scop_sa",
            "manager_email": "g@m.example",
        },
    )

    assert response.status_code == 400
    assert "« 123456789 » n&#x27;est pas un numéro SIREN valide" in response.text
    assert not Cooperative.objects.filter(slug="mauvaise").exists()


def test_the_platform_page_does_not_exist_for_cooperative_members(
    world: World, client: Client
) -> None:
    client.force_login(world.charlie)
    assert client.get("/platform/cooperatives/").status_code == 404
    assert (
        client.post(
            "/platform/cooperatives/",
            {
                "name": "X",
                "slug": "x",
                "siren": "842135709",
                "legal_form": "scop_sa",
                "manager_email": "x@x.example",
            },
        ).status_code
        == 404
    )
    assert not Cooperative.objects.filter(slug="x").exists()
