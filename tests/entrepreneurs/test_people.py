"""Opening files from the portfolio, referents, archiving, the social file."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.core import mail
from django.test import Client

from entrepreneurs.models import Entrepreneur, PathStep, Sector
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Invitation, Membership
from tests.conftest import World, activate_totp
from tests.factories import UserFactory


def _sector(world: World) -> Sector:
    with cooperative_context(world.coop_a.pk):
        return Sector.objects.get()


def _file(world: World, **lookup: object) -> Entrepreneur:
    with cooperative_context(world.coop_a.pk):
        return Entrepreneur.objects.select_related("referent").get(**lookup)


def test_support_staff_open_a_cesa_file_with_its_social_file_and_an_invitation(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    client.force_login(world.bob)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            "/c/coop-a/entrepreneurs/new/",
            {
                "civility": "woman",
                "first_name": "Inès",
                "last_name": "Ferrer",
                "email": "ines@ferrer.example",
                "sector": _sector(world).pk,
                "birth_date": "1988-04-12",
                "education_level": "6",
                "entry_situation": "job_seeker_are",
                "unemployment_rights_end": "2027-06-30",
                "rqth": "on",
                "qpv": "on",
                "prescriber": "france_travail",
                "stage": "cesa",
                "start_date": "2026-03-01",
                "fixed_pay": "1200.00",
                "referent": world.bob.pk,
                "invite": "on",
            },
        )

    assert response.status_code == 302
    ines = _file(world, last_name="Ferrer")
    assert (ines.stage, ines.cesa_start, ines.referent) == ("cesa", dt.date(2026, 3, 1), world.bob)
    assert (ines.civility, ines.education_level, ines.entry_situation) == (
        "woman",
        "6",
        "job_seeker_are",
    )
    assert (ines.unemployment_rights_end, ines.rqth, ines.qpv, ines.zrr) == (
        dt.date(2027, 6, 30),
        True,
        True,
        False,
    )
    with cooperative_context(world.coop_a.pk):
        assert list(PathStep.objects.filter(entrepreneur=ines).values_list("kind", flat=True)) == [
            "cesa_start"
        ]
    invitation = Invitation.objects.get(email="ines@ferrer.example")
    assert invitation.roles == ["entrepreneur"]
    assert len(mail.outbox) == 1

    # When she accepts, her file is hers.
    client.logout()
    from perspectives.tenancy.services import invitation_accept_new_account

    membership = invitation_accept_new_account(
        invitation=invitation, first_name="Inès", last_name="Ferrer", password="x-long-password-1"
    )
    assert _file(world, last_name="Ferrer").user == membership.user


def test_a_prospect_is_opened_without_a_path_step_and_a_bad_form_creates_nothing(
    world: World, client: Client
) -> None:
    client.force_login(world.carl)
    ok = client.post(
        "/c/coop-a/entrepreneurs/new/",
        {"first_name": "Paul", "last_name": "Py", "sector": _sector(world).pk, "stage": "prospect"},
    )
    refused = client.post(
        "/c/coop-a/entrepreneurs/new/",
        {"first_name": "Zoé", "last_name": "Mas", "sector": _sector(world).pk, "stage": "cape"},
    )

    assert ok.status_code == 302
    assert _file(world, last_name="Py").stage == "prospect"
    assert refused.status_code == 400
    assert "Indiquez la date de début du contrat." in refused.text
    with cooperative_context(world.coop_a.pk):
        assert not Entrepreneur.objects.filter(last_name="Mas").exists()


def test_referents_are_assigned_to_many_files_at_once(world: World, client: Client) -> None:
    sophie = UserFactory.create(email="sophie@a.example", first_name="Sophie", last_name="Lambert")
    Membership.objects.create(cooperative=world.coop_a, user=sophie, roles=["support"])
    with cooperative_context(world.coop_a.pk):
        sector = Sector.objects.get()
        ids = [
            Entrepreneur.objects.create(
                cooperative=world.coop_a, first_name="P", last_name=f"N{i}", sector=sector
            ).pk
            for i in range(3)
        ]
    client.force_login(world.carl)

    response = client.post(
        "/c/coop-a/entrepreneurs/referents/", {"ids": ids[:2], "referent": sophie.pk}
    )

    assert response.status_code == 302
    with cooperative_context(world.coop_a.pk):
        assert list(
            Entrepreneur.objects.filter(pk__in=ids)
            .order_by("last_name")
            .values_list("referent_id", flat=True)
        ) == [sophie.pk, sophie.pk, None]


def test_a_referent_must_be_support_staff_and_nothing_changes_otherwise(
    world: World, client: Client
) -> None:
    alice_file = _file(world, user=world.alice)
    client.force_login(world.carl)

    client.post(
        "/c/coop-a/entrepreneurs/referents/", {"ids": [alice_file.pk], "referent": world.alice.pk}
    )

    assert _file(world, user=world.alice).referent == world.bob


def test_an_entrepreneur_cannot_change_their_referent_or_their_path(
    world: World, client: Client
) -> None:
    alice_file = _file(world, user=world.alice)
    client.force_login(world.alice)

    referent = client.post(
        "/c/coop-a/entrepreneurs/referents/", {"ids": [alice_file.pk], "referent": ""}
    )
    path = client.post(
        f"/c/coop-a/entrepreneurs/{alice_file.pk}/path/", {"kind": "exit", "date": "2026-01-05"}
    )
    new = client.get("/c/coop-a/entrepreneurs/new/")

    assert (referent.status_code, path.status_code, new.status_code) == (403, 403, 403)
    after = _file(world, user=world.alice)
    assert (after.referent, after.stage, after.version) == (world.bob, alice_file.stage, 1)


def test_another_cooperative_gets_a_404(world: World, client: Client) -> None:
    alice_file = _file(world, user=world.alice)
    client.force_login(world.charlie)

    assigned = client.post(
        "/c/coop-b/entrepreneurs/referents/", {"ids": [alice_file.pk], "referent": ""}
    )
    archived = client.post(f"/c/coop-b/entrepreneurs/{alice_file.pk}/archive/")

    assert archived.status_code == 404
    assert assigned.status_code == 302  # refused with a message: the file is not found
    assert _file(world, user=world.alice).referent == world.bob
    assert client.get("/c/coop-a/entrepreneurs/new/").status_code == 404


def test_only_an_exited_file_is_archived_and_leaves_the_portfolio(
    world: World, client: Client
) -> None:
    alice_file = _file(world, user=world.alice)
    client.force_login(world.carl)

    client.post(f"/c/coop-a/entrepreneurs/{alice_file.pk}/archive/")
    assert _file(world, user=world.alice).archived_at is None

    client.force_login(world.bob)
    client.post(
        f"/c/coop-a/entrepreneurs/{alice_file.pk}/path/",
        {"kind": "exit", "date": "2026-01-05", "exit_reason": "salaried_job"},
    )
    client.force_login(world.carl)
    client.post(f"/c/coop-a/entrepreneurs/{alice_file.pk}/archive/")

    assert _file(world, user=world.alice).archived_at is not None
    portfolio = client.get("/c/coop-a/entrepreneurs/")
    archived = client.get("/c/coop-a/entrepreneurs/?archived=on")
    assert "Arnaud" not in portfolio.text
    assert "Arnaud" in archived.text


@pytest.mark.parametrize("role", ["accountant", "payroll"])
def test_accounting_and_payroll_staff_do_not_open_files(
    world: World, client: Client, role: str
) -> None:
    person = UserFactory.create(email=f"{role}@a.example")
    activate_totp(person)
    Membership.objects.create(cooperative=world.coop_a, user=person, roles=[role])
    client.force_login(person)
    assert client.get("/c/coop-a/entrepreneurs/new/").status_code == 403
