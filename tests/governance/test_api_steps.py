"""Managers take an assembly through its steps with the API: the same services as the pages."""

from __future__ import annotations

import datetime as dt

from django.test import Client
from django.utils import timezone

from governance.models import Assembly, Resolution, RollEntry
from governance.services import assembly_create, resolution_add
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.governance import AssociateFactory
from tests.governance.conftest import convened_assembly, opened, statutes_signed

API = "/api/v1/c/{slug}/governance/assemblies/{assembly}/"


def test_manager_convenes_with_the_api(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        statutes_signed(preset="scop_sarl")
        for index in range(3):
            AssociateFactory.create(cooperative=world.coop_a, full_name=f"Associé·e {index}")
        assembly = assembly_create(
            title="AGO 2027",
            kind="ordinary",
            mode="hybrid",
            scheduled_at=timezone.now() + dt.timedelta(days=20),
            place="Perpignan",
            correspondence_deadline=timezone.now() + dt.timedelta(days=19),
        )
        resolution_add(
            assembly=assembly,
            title="Comptes",
            text="Approbation des comptes.",
            decision_class="ordinary",
            secret=False,
        )
    url = API.format(slug="coop-a", assembly=assembly.pk)
    client.force_login(world.alice)
    assert client.post(url + "convene/").status_code == 403
    client.force_login(world.carl)
    response = client.post(url + "convene/")
    assert (response.status_code, response.json()["status"]) == (200, "convened")
    with cooperative_context(world.coop_a.pk):
        assert RollEntry.objects.filter(assembly=assembly).count() == 3
    # Twenty days early: refused in French, nothing changes.
    early = client.post(url + "open/")
    assert early.status_code == 400
    assert "L'assemblée ne peut s'ouvrir avant sa date." in early.text
    with cooperative_context(world.coop_a.pk):
        assert Assembly.objects.get(pk=assembly.pk).status == "convened"


def test_manager_runs_and_closes_with_the_api(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(associates=4, users=[world.alice, world.carl])
        opened(setup)
    resolution = setup.resolutions[0]
    url = API.format(slug="coop-a", assembly=setup.assembly.pk)
    client.force_login(world.carl)
    opened_vote = client.post(url + f"resolutions/{resolution.pk}/open/")
    assert (opened_vote.status_code, opened_vote.json()["status"]) == (200, "open")
    client.force_login(world.alice)
    assert client.post(url + f"resolutions/{resolution.pk}/close/").status_code == 403
    vote = client.post(
        url + f"resolutions/{resolution.pk}/votes/",
        {"choice": "for"},
        content_type="application/json",
    )
    assert vote.status_code == 201
    client.force_login(world.carl)
    closed_vote = client.post(url + f"resolutions/{resolution.pk}/close/").json()
    assert (closed_vote["status"], closed_vote["votes_for"], closed_vote["votes_against"]) == (
        "closed",
        1,
        0,
    )
    closed = client.post(url + "close/")
    assert (closed.status_code, closed.json()["status"]) == (200, "closed")
    again = client.post(url + "open/")
    assert again.status_code == 400
    assert "Seule une assemblée convoquée peut être ouverte." in again.text
    with cooperative_context(world.coop_a.pk):
        assert Resolution.objects.get(pk=resolution.pk).votes_for == 1


def test_other_cooperative_gets_404_on_every_step(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(associates=2)
    resolution = setup.resolutions[0]
    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        url = API.format(slug=slug, assembly=setup.assembly.pk)
        for suffix in ("open/", "close/", f"resolutions/{resolution.pk}/open/"):
            assert client.post(url + suffix).status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert Assembly.objects.get(pk=setup.assembly.pk).status == "convened"
