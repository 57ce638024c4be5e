"""Amendments: voted before the resolution they amend, whose text they replace when adopted."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone

from governance.models import AuditEvent, Resolution
from governance.services import (
    amendment_propose,
    assembly_close,
    consultation_create,
    resolution_add,
    resolution_close,
    resolution_open,
    vote_cast,
)
from governance.services.verify import governance_verify
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.governance.conftest import (
    convened_assembly,
    opened,
    statutes_signed,
)
from tests.helpers.governance import NEW_TEXT, draft_with_amendment, open_session


def test_an_amendment_is_a_resolution_with_its_author_voted_first(in_a: World) -> None:
    resolution, amendment = draft_with_amendment(in_a)
    open_session(resolution)

    assert (amendment.position, amendment.amends_id, amendment.proposed_by) == (
        2,
        resolution.pk,
        "Associé·e 1",
    )
    assert amendment.title == "Amendement n° 1 à la résolution 1"
    assert (amendment.decision_class, amendment.management_supported) == ("ordinary", False)
    with pytest.raises(ApplicationError, match=r"amendements à cette résolution \(n° 2\)"):
        resolution_open(resolution=resolution)
    assert AuditEvent.objects.filter(kind="amendment_proposed").count() == 1


def test_an_adopted_amendment_replaces_the_text_voted_and_keeps_the_first(in_a: World) -> None:
    resolution, amendment = draft_with_amendment(in_a)
    first_text = resolution.text
    a, b, c = open_session(resolution)
    resolution_open(resolution=amendment)
    for entry, choice in ((a, "for"), (b, "for"), (c, "against")):
        vote_cast(resolution=amendment, cast_by=entry, choice=choice)
    closed = resolution_close(resolution=amendment)
    resolution.refresh_from_db()
    resolution_open(resolution=resolution)
    vote_cast(resolution=resolution, cast_by=a, choice="for")
    assembly_close(assembly=resolution.assembly)
    resolution.refresh_from_db()

    assert (closed.votes_for, closed.votes_against, closed.outcome) == (2, 1, "adopted")
    assert (resolution.text, resolution.original_text) == (NEW_TEXT, first_text)
    assert resolution.outcome == "adopted"
    event = AuditEvent.objects.get(kind="resolution_amended")
    assert event.payload["resolution"] == resolution.pk
    assert event.payload["amendment"] == amendment.pk
    assert governance_verify() == []


def test_a_rejected_amendment_leaves_the_text(in_a: World) -> None:
    resolution, amendment = draft_with_amendment(in_a)
    first_text = resolution.text
    a, _b, _c = open_session(resolution)
    resolution_open(resolution=amendment)
    vote_cast(resolution=amendment, cast_by=a, choice="against")
    resolution_close(resolution=amendment)
    resolution.refresh_from_db()
    assert (resolution.text, resolution.original_text) == (first_text, "")
    assert not AuditEvent.objects.filter(kind="resolution_amended").exists()


def test_closing_the_assembly_closes_amendments_before_their_resolution(in_a: World) -> None:
    resolution, amendment = draft_with_amendment(in_a)
    a, b, _c = open_session(resolution)
    resolution_open(resolution=amendment)
    vote_cast(resolution=amendment, cast_by=a, choice="for")
    vote_cast(resolution=amendment, cast_by=b, choice="for")
    assembly_close(assembly=resolution.assembly)
    resolution.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.closed_at == resolution.closed_at
    assert (amendment.outcome, resolution.text) == ("adopted", NEW_TEXT)


def test_amendments_refused_in_french_where_they_do_not_belong(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    resolution = setup.resolutions[0]
    with pytest.raises(ApplicationError, match="ne changent pas avant la séance"):
        amendment_propose(resolution=resolution, text="Autre texte.", proposed_by="X")
    opened(setup)
    with pytest.raises(ApplicationError, match="Indiquez l'auteur·rice"):
        amendment_propose(resolution=resolution, text="Autre texte.", proposed_by=" ")
    with pytest.raises(ApplicationError, match="texte différent"):
        amendment_propose(resolution=resolution, text=resolution.text, proposed_by="X")
    amendment = amendment_propose(resolution=resolution, text="Autre texte.", proposed_by="X")
    with pytest.raises(ApplicationError, match="pas un amendement"):
        amendment_propose(resolution=amendment, text="Encore.", proposed_by="Y")
    resolution_open(resolution=amendment)
    resolution_close(resolution=amendment)
    resolution_open(resolution=resolution)
    with pytest.raises(ApplicationError, match="trop tard"):
        amendment_propose(resolution=resolution, text="Tard.", proposed_by="Y")
    assert Resolution.objects.filter(amends__isnull=False).count() == 1


def test_no_amendment_once_correspondence_votes_reached_the_text(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    resolution = setup.resolutions[0]
    vote_cast(resolution=resolution, cast_by=setup.entries[0], choice="for", correspondence=True)
    opened(setup)
    with pytest.raises(ApplicationError, match="Des votes par correspondance portent déjà"):
        amendment_propose(resolution=resolution, text="Autre texte.", proposed_by="X")


def test_a_written_consultation_has_no_amendments(in_a: World) -> None:
    statutes_signed(preset="scic_sas", written=True)
    consultation = consultation_create(
        title="C", kind="ordinary", response_deadline=timezone.now() + dt.timedelta(days=20)
    )
    resolution = resolution_add(assembly=consultation, title="R", text="Texte.")
    with pytest.raises(ApplicationError, match="ne s'amende pas"):
        amendment_propose(resolution=resolution, text="Autre.", proposed_by="X")


def test_pages_and_api_file_amendments_managers_only(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(associates=3, users=[world.alice])
        opened(setup)
    resolution = setup.resolutions[0]
    base = f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/resolutions/{resolution.pk}/"
    api = f"/api/v1/c/coop-a/governance/assemblies/{setup.assembly.pk}/resolutions/{resolution.pk}/"
    client.force_login(world.alice)
    refused_page = client.post(base + "amendments/", {"text": "A.", "proposed_by": "Alice"})
    refused_api = client.post(
        api + "amendments/", {"text": "A.", "proposed_by": "Alice"}, content_type="application/json"
    )
    client.force_login(world.carl)
    page = client.post(
        base + "amendments/", {"text": "Texte amendé.", "proposed_by": "Alice Arnaud"}, follow=True
    )
    created = client.post(
        api + "amendments/",
        {"text": "Autre texte amendé.", "proposed_by": "Carl Cazals"},
        content_type="application/json",
    )
    client.force_login(world.charlie)
    charlie = [
        client.post(
            base.replace("coop-a", slug) + "amendments/", {"text": "C.", "proposed_by": "C"}
        ).status_code
        for slug in ("coop-a", "coop-b")
    ] + [
        client.post(
            api.replace("coop-a", slug) + "amendments/",
            {"text": "C.", "proposed_by": "C"},
            content_type="application/json",
        ).status_code
        for slug in ("coop-a", "coop-b")
    ]

    assert (refused_page.status_code, refused_api.status_code) == (403, 403)
    assert "Amendement enregistré" in page.text
    assert "Amendement à la résolution 1, proposé par Alice Arnaud" in page.text
    assert created.status_code == 201
    assert (created.json()["amends_id"], created.json()["position"]) == (resolution.pk, 3)
    assert charlie == [404, 404, 404, 404]
    with cooperative_context(world.coop_a.pk):
        assert Resolution.objects.filter(amends=resolution).count() == 2
