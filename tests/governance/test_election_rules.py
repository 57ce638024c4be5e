"""Elections: withdrawal of a candidacy, SCIC college weighting, blank proxies."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.db import IntegrityError, transaction
from django.test import Client
from django.utils import timezone

from governance.models import AuditEvent, Ballot, BallotMark, Candidacy
from governance.services import (
    candidacy_file,
    candidacy_withdraw,
    college_set,
    proxy_grant,
    resolution_close,
    resolution_open,
    vote_cast,
)
from governance.services.verify import governance_verify
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.governance.conftest import convened_assembly, opened


def test_a_candidacy_is_withdrawn_before_the_vote_and_audited(in_a: World) -> None:
    setup = convened_assembly(associates=5, resolutions=(("election", True),), preset="scic_sas")
    election = setup.resolutions[0]
    e = setup.entries
    kept, withdrawn = (candidacy_file(resolution=election, entry=x) for x in e[:2])
    candidacy_withdraw(candidacy=withdrawn)
    with pytest.raises(ApplicationError, match="déjà retirée"):
        candidacy_withdraw(candidacy=withdrawn)
    with pytest.raises(ApplicationError, match="a retiré sa candidature"):
        candidacy_file(resolution=election, entry=e[1])
    opened(setup)
    election = resolution_open(resolution=election)
    with pytest.raises(ApplicationError, match="ne se retire plus"):
        candidacy_withdraw(candidacy=kept)
    with pytest.raises(ApplicationError, match="Candidat·e inconnu·e"):
        vote_cast(resolution=election, cast_by=e[0], choice="for", candidates=[withdrawn.pk])
    vote_cast(resolution=election, cast_by=e[0], choice="for", candidates=[kept.pk])
    vote_cast(resolution=election, cast_by=e[2], choice="for", candidates=[kept.pk])
    closed = resolution_close(resolution=election)
    kept.refresh_from_db()
    withdrawn.refresh_from_db()

    assert (kept.votes, kept.elected) == (2, True)
    assert (withdrawn.votes, withdrawn.elected) == (None, None)
    assert closed.outcome == "adopted"
    event = AuditEvent.objects.get(kind="candidacy_withdrawn")
    assert event.payload == {"resolution": election.pk, "candidacy": withdrawn.pk}
    assert governance_verify() == []


def test_the_database_refuses_a_late_withdrawal_and_marks_for_a_withdrawn_candidate(
    in_a: World,
) -> None:
    setup = convened_assembly(associates=4, resolutions=(("election", True),), preset="scic_sas")
    election = setup.resolutions[0]
    kept, withdrawn = (candidacy_file(resolution=election, entry=x) for x in setup.entries[:2])
    candidacy_withdraw(candidacy=withdrawn)
    opened(setup)
    election = resolution_open(resolution=election)
    receipt = vote_cast(
        resolution=election, cast_by=setup.entries[0], choice="for", candidates=[kept.pk]
    )
    ballot = Ballot.objects.get(tracker=receipt.tracker)
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidacy.objects.filter(pk=kept.pk).update(withdrawn_at=timezone.now())
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotMark.objects.create(
            cooperative=in_a.coop_a, resolution=election, ballot=ballot, candidacy=withdrawn
        )
    assert BallotMark.objects.count() == 1


def test_college_weighting_decides_an_election_with_candidates(in_a: World) -> None:
    """Ten associates: 0-1 in A (50 %), 2-4 in B (30 %), 5-9 in C (20 %). By heads Yves leads
    6 to 4; by colleges Xavier has 50 × 2/2 + 30 × 2/3 = 70 %, Yves 30 × 1/3 + 20 × 5/5 = 30 %."""
    colleges = college_set(weights={"A": Decimal(50), "B": Decimal(30), "C": Decimal(20)})
    by_name = {c.name: c for c in colleges}
    layout = ["A"] * 2 + ["B"] * 3 + ["C"] * 5
    setup = convened_assembly(
        associates=10,
        preset="scic_sas",
        resolutions=(("election", True),),
        colleges=[by_name[n] for n in layout],
    )
    election = setup.resolutions[0]
    e = setup.entries
    xavier, yves = (candidacy_file(resolution=election, entry=x) for x in (e[0], e[9]))
    opened(setup)
    election = resolution_open(resolution=election)
    for index, entry in enumerate(e):
        chosen = xavier if index in (0, 1, 2, 3) else yves
        vote_cast(resolution=election, cast_by=entry, choice="for", candidates=[chosen.pk])
    closed = resolution_close(resolution=election)
    xavier.refresh_from_db()
    yves.refresh_from_db()

    assert (xavier.votes, xavier.weighted_votes, xavier.elected) == (4, Decimal(70), True)
    assert (yves.votes, yves.weighted_votes, yves.elected) == (6, Decimal(30), False)
    assert "70,00 % pondéré" in closed.explanation
    assert "plus de 1/2 des suffrages exprimés, après pondération" in closed.explanation
    assert governance_verify() == []


def test_blank_proxies_count_as_blank_ballots_in_an_election(in_a: World) -> None:
    setup = convened_assembly(associates=5, resolutions=(("election", True),), preset="scic_sas")
    election = setup.resolutions[0]
    e = setup.entries
    xavier, yves = (candidacy_file(resolution=election, entry=x) for x in e[:2])
    proxy_grant(assembly=setup.assembly, grantor=e[4], holder=None)
    opened(setup)
    election = resolution_open(resolution=election)
    vote_cast(resolution=election, cast_by=e[0], choice="for", candidates=[xavier.pk])
    vote_cast(resolution=election, cast_by=e[1], choice="for", candidates=[xavier.pk])
    vote_cast(resolution=election, cast_by=e[2], choice="for", candidates=[yves.pk])
    vote_cast(resolution=election, cast_by=e[3], choice="abstain")
    closed = resolution_close(resolution=election)
    xavier.refresh_from_db()

    # Three named ballots; one blank ballot and one blank proxy; nobody named by the proxy.
    assert (closed.votes_for, closed.votes_against, closed.votes_abstain) == (3, 0, 2)
    assert (closed.present_or_represented, xavier.votes, xavier.elected) == (5, 2, True)
    assert "3 bulletin(s) exprimé(s), 2 blanc(s)" in closed.explanation
    assert governance_verify() == []


def test_managers_withdraw_candidacies_on_the_page(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(
            associates=3,
            resolutions=(("election", True),),
            preset="scic_sas",
            users=[world.alice],
        )
        election = setup.resolutions[0]
        candidacy = candidacy_file(resolution=election, entry=setup.entries[0])
    url = (
        f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/resolutions/{election.pk}/"
        "candidacies/withdraw/"
    )
    client.force_login(world.alice)
    refused = client.post(url, {"candidacy": candidacy.pk})
    client.force_login(world.charlie)
    charlie = [
        client.post(url.replace("coop-a", slug), {"candidacy": candidacy.pk}).status_code
        for slug in ("coop-a", "coop-b")
    ]
    client.force_login(world.carl)
    done = client.post(url, {"candidacy": candidacy.pk}, follow=True)

    assert refused.status_code == 403
    assert charlie == [404, 404]
    assert "Candidature de Alice Arnaud retirée." in done.text
    assert "candidature retirée" in done.text
    with cooperative_context(world.coop_a.pk):
        assert Candidacy.objects.get().withdrawn_at is not None
