from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy import services
from perspectives.tenancy.models import Invitation, Membership
from tests.conftest import World


def _invite(client: Client, world: World, email: str = "eve@new.example") -> str:
    client.force_login(world.carl)
    response = client.post(
        "/c/coop-a/members/", {"email": email, "roles": ["entrepreneur"]}, follow=False
    )
    assert response.status_code == 302
    assert len(mail.outbox) == 1
    match = re.search(r"http://127.0.0.1:8000/invitations/([\w-]+)/", str(mail.outbox[0].body))
    assert match is not None
    client.logout()
    return match.group(1)


@pytest.mark.django_db(transaction=True)
def test_admin_invites_and_a_new_person_joins(world: World, client: Client) -> None:
    token = _invite(client, world)
    assert mail.outbox[0].to == ["eve@new.example"]
    assert mail.outbox[0].subject == "Invitation à rejoindre Coopérative A sur Perspectives"
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 200
    assert "Créer votre compte" in page.text
    response = client.post(
        f"/invitations/{token}/",
        {
            "first_name": "Ève",
            "last_name": "Estève",
            "password1": "un-long-mot-de-passe",
            "password2": "un-long-mot-de-passe",
        },
    )
    assert (response.status_code, response["Location"]) == (302, "/c/coop-a/")
    eve = User.objects.get(email="eve@new.example")
    assert Membership.objects.get(user=eve).roles == ["entrepreneur"]
    assert client.get("/c/coop-a/").status_code == 200
    # The link works once.
    client.logout()
    assert client.get(f"/invitations/{token}/").status_code == 410


def test_expired_invitation_is_refused_and_creates_nothing(world: World, client: Client) -> None:
    invitation, token = services.invitation_create(
        cooperative=world.coop_a, email="late@new.example", roles=["support"], invited_by=world.carl
    )
    Invitation.objects.filter(pk=invitation.pk).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    page = client.get(f"/invitations/{token}/")
    assert page.status_code == 410
    assert "Cette invitation a expiré" in page.text
    response = client.post(
        f"/invitations/{token}/",
        {
            "first_name": "L",
            "last_name": "L",
            "password1": "un-long-mot-de-passe",
            "password2": "un-long-mot-de-passe",
        },
    )
    assert response.status_code == 410
    assert not User.objects.filter(email="late@new.example").exists()


def test_unknown_token_is_404(db: None, client: Client) -> None:
    assert client.get("/invitations/not-a-token/").status_code == 404


def test_existing_account_must_log_in_with_the_invited_address(
    world: World, client: Client
) -> None:
    _invitation, token = services.invitation_create(
        cooperative=world.coop_b,
        email="alice@a.example",
        roles=["support"],
        invited_by=world.charlie,
    )
    page = client.get(f"/invitations/{token}/")
    assert "Connectez-vous pour accepter" in page.text
    client.force_login(world.bob)
    refused = client.post(f"/invitations/{token}/")
    assert refused.status_code == 400
    assert "une autre adresse que celle de votre compte" in refused.text
    assert not Membership.objects.filter(user=world.bob, cooperative=world.coop_b).exists()
    client.force_login(world.alice)
    accepted = client.post(f"/invitations/{token}/")
    assert (accepted.status_code, accepted["Location"]) == (302, "/c/coop-b/")
    assert Membership.objects.get(user=world.alice, cooperative=world.coop_b).roles == ["support"]


def test_a_second_pending_invitation_for_the_same_address_is_refused(world: World) -> None:
    services.invitation_create(
        cooperative=world.coop_a,
        email="twice@new.example",
        roles=["support"],
        invited_by=world.carl,
    )
    with pytest.raises(ApplicationError, match="déjà en attente"):
        services.invitation_create(
            cooperative=world.coop_a,
            email="TWICE@new.example",
            roles=["support"],
            invited_by=world.carl,
        )
    assert Invitation.objects.filter(email="twice@new.example").count() == 1


def test_invitation_form_errors_are_shown_in_french_and_nothing_is_sent(
    world: World, client: Client
) -> None:
    client.force_login(world.carl)
    response = client.post("/c/coop-a/members/", {"email": "not-an-email", "roles": ["pilot"]})
    assert response.status_code == 400
    assert "Saisissez une adresse e-mail valide." in response.text
    assert "Sélectionnez un choix valide. pilot n’en fait pas partie." in response.text
    assert Invitation.objects.count() == 0
    assert mail.outbox == []


def test_revoked_invitation_cannot_be_used(world: World, client: Client) -> None:
    invitation, token = services.invitation_create(
        cooperative=world.coop_a, email="gone@new.example", roles=["support"], invited_by=world.carl
    )
    client.force_login(world.carl)
    assert client.post(f"/c/coop-a/invitations/{invitation.pk}/revoke/").status_code == 302
    client.logout()
    assert client.get(f"/invitations/{token}/").status_code == 410


def test_admin_removes_a_member_but_not_themself(world: World, client: Client) -> None:
    client.force_login(world.carl)
    client.post(f"/c/coop-a/members/{world.alice_membership.pk}/remove/")
    assert not Membership.objects.filter(pk=world.alice_membership.pk).exists()
    response = client.post(f"/c/coop-a/members/{world.carl_membership.pk}/remove/", follow=True)
    assert "Vous ne pouvez pas retirer votre propre adhésion." in response.text
    assert Membership.objects.filter(pk=world.carl_membership.pk).exists()
