from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, connection, transaction
from django.utils import timezone

from governance.models import Assembly, Ballot, Participation, Resolution
from governance.services import (
    assembly_close,
    assembly_presence,
    attendance_record,
    proxy_grant,
    resolution_close,
    resolution_open,
    resolution_record_room_counts,
    vote_cast,
)
from perspectives.core.exceptions import ApplicationError
from tests.conftest import World
from tests.governance.conftest import convened_assembly, opened


def _state() -> tuple[int, int]:
    return Participation.objects.count(), Ballot.objects.count()


def test_one_vote_per_voter_and_resolution(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    opened(setup)
    resolution = resolution_open(resolution=setup.resolutions[0])
    a = setup.entries[0]
    receipt = vote_cast(resolution=resolution, cast_by=a, choice="for")
    with pytest.raises(ApplicationError, match="déjà enregistré"):
        vote_cast(resolution=resolution, cast_by=a, choice="against")
    assert _state() == (1, 1)
    participation = Participation.objects.get()
    assert (participation.voter_id, participation.cast_by_id, participation.channel) == (
        a.pk,
        a.pk,
        "online",
    )
    assert participation.choice == "for"  # a nominal resolution keeps the choice
    assert Ballot.objects.get().tracker == receipt.tracker
    # The database itself refuses a second participation.
    with pytest.raises(IntegrityError), transaction.atomic():
        Participation.objects.create(
            cooperative=in_a.coop_a, resolution=resolution, voter=a, cast_by=a, channel="online"
        )


def test_vote_for_someone_needs_their_proxy(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    a, b, c = setup.entries
    proxy_grant(assembly=setup.assembly, grantor=a, holder=b)
    opened(setup)
    resolution = resolution_open(resolution=setup.resolutions[0])
    with pytest.raises(ApplicationError, match="ne détenez pas de pouvoir de"):
        vote_cast(resolution=resolution, cast_by=c, voter=a, choice="for")
    with pytest.raises(ApplicationError, match="révoquez-le avant de voter"):
        vote_cast(resolution=resolution, cast_by=a, choice="for")
    assert _state() == (0, 0)
    vote_cast(resolution=resolution, cast_by=b, voter=a, choice="against")
    vote_cast(resolution=resolution, cast_by=b, choice="for")
    channels = sorted(Participation.objects.values_list("voter_id", "cast_by_id", "channel"))
    assert channels == sorted([(a.pk, b.pk, "proxy"), (b.pk, b.pk, "online")])


def test_no_vote_on_a_pending_or_closed_resolution(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    opened(setup)
    resolution = setup.resolutions[0]
    a, b, _c = setup.entries
    with pytest.raises(ApplicationError, match="n'est pas ouvert"):
        vote_cast(resolution=resolution, cast_by=a, choice="for")
    resolution_open(resolution=resolution)
    vote_cast(resolution=resolution, cast_by=a, choice="for")
    resolution_close(resolution=resolution)
    with pytest.raises(ApplicationError, match="n'est pas ouvert"):
        vote_cast(resolution=resolution, cast_by=b, choice="for")
    assert _state() == (1, 1)


def test_the_database_refuses_ballots_on_closed_resolutions_and_frozen_results(
    in_a: World,
) -> None:
    setup = convened_assembly(associates=2)
    opened(setup)
    resolution = resolution_open(resolution=setup.resolutions[0])
    vote_cast(resolution=resolution, cast_by=setup.entries[0], choice="for")
    closed = resolution_close(resolution=resolution)
    with pytest.raises(IntegrityError, match="closed"), transaction.atomic():
        Ballot.objects.create(cooperative=in_a.coop_a, resolution=closed, choice="for")
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
        Resolution.objects.filter(pk=closed.pk).update(votes_for=2)
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        Ballot.objects.update(choice="against")
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        Ballot.objects.all().delete()
    closed.refresh_from_db()
    assert (closed.votes_for, Ballot.objects.get().choice) == (1, "for")


def test_secret_ballot_cannot_be_linked_to_its_voter(in_a: World) -> None:
    setup = convened_assembly(associates=3, resolutions=(("election", True),))
    opened(setup)
    resolution = resolution_open(resolution=setup.resolutions[0])
    receipt = vote_cast(resolution=resolution, cast_by=setup.entries[1], choice="against")
    participation = Participation.objects.get()
    assert (participation.voter_id, participation.choice) == (setup.entries[1].pk, "")
    # The ballot table has no column that names or dates a voter, and no serial key.
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT column_name, data_type FROM information_schema.columns "
            "WHERE table_name = 'governance_ballot' ORDER BY column_name"
        )
        columns = cursor.fetchall()
    assert columns == [
        ("choice", "character varying"),
        ("college_name", "character varying"),  # SCIC weighting; empty without colleges
        ("cooperative_id", "bigint"),
        ("id", "uuid"),
        ("resolution_id", "bigint"),
        ("tracker", "character varying"),
    ]
    assert Ballot.objects.get().tracker == receipt.tracker
    assert len(receipt.tracker) == 16


def test_correspondence_vote_before_the_deadline_only(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    a, b, _c = setup.entries
    resolution = setup.resolutions[0]
    vote_cast(resolution=resolution, cast_by=a, choice="for", correspondence=True)
    Assembly.objects.filter(pk=setup.assembly.pk).update(
        correspondence_deadline=timezone.now() - dt.timedelta(seconds=1)
    )
    with pytest.raises(ApplicationError, match="correspondance est clos"):
        vote_cast(resolution=resolution, cast_by=b, choice="for", correspondence=True)
    assert _state() == (1, 1)
    assert Participation.objects.get().channel == "correspondence"
    presence = assembly_presence(assembly=setup.assembly)
    assert (presence.correspondence, presence.present_or_represented) == (1, 1)


def test_close_counts_room_online_correspondence_and_blank_proxies(in_a: World) -> None:
    # SCOP SARL ordinary decision, 1st consultation: more than half of ALL 10 associates.
    setup = convened_assembly(associates=10)
    e = setup.entries
    resolution = setup.resolutions[0]
    vote_cast(resolution=resolution, cast_by=e[0], choice="for", correspondence=True)
    proxy_grant(assembly=setup.assembly, grantor=e[1], holder=None)  # blank: for
    proxy_grant(assembly=setup.assembly, grantor=e[2], holder=e[3])
    opened(setup)
    for entry in e[3:8]:
        attendance_record(assembly=setup.assembly, entry=entry, mode="room")
    resolution_open(resolution=resolution)
    vote_cast(resolution=resolution, cast_by=e[3], voter=e[2], choice="for")
    vote_cast(resolution=resolution, cast_by=e[3], choice="abstain")
    resolution_record_room_counts(
        resolution=resolution, votes_for=2, votes_against=2, votes_abstain=0
    )
    presence = assembly_presence(assembly=setup.assembly)
    assert (presence.room, presence.correspondence, presence.represented) == (5, 1, 2)

    closed = resolution_close(resolution=resolution)

    assert (closed.votes_for, closed.votes_against, closed.votes_abstain) == (5, 2, 1)
    # 5 is not more than half of 10: neither adopted nor rejected, the associates are
    # convened a second time (L.223-29 al. 2).
    assert (closed.present_or_represented, closed.outcome) == (8, "second_round")
    assert "soit 6 voix pour" in closed.explanation
    assert (
        "statuts art. 25 ; Statuts types SCOP SARL (CG Scop) ; Code de commerce L.223-29, "
        "décisions ordinaires, 1re consultation"
    ) in closed.explanation


def test_room_counts_cannot_exceed_those_present(in_a: World) -> None:
    setup = convened_assembly(associates=5)
    opened(setup)
    attendance_record(assembly=setup.assembly, entry=setup.entries[0], mode="room")
    resolution = resolution_open(resolution=setup.resolutions[0])
    with pytest.raises(ApplicationError, match="dépassent les 1 associé·es"):
        resolution_record_room_counts(
            resolution=resolution, votes_for=2, votes_against=0, votes_abstain=0
        )
    resolution.refresh_from_db()
    assert (resolution.room_for, resolution.room_against) == (0, 0)


def test_missed_quorum_prepares_the_second_convocation(in_a: World) -> None:
    # Extraordinary decision, SCOP SARL: quorum 3/4 on first convocation.
    setup = convened_assembly(
        associates=4, resolutions=(("ordinary", False), ("extraordinary", False))
    )
    opened(setup)
    for entry in setup.entries[:2]:
        attendance_record(assembly=setup.assembly, entry=entry, mode="video")
    ordinary, extraordinary = setup.resolutions
    resolution_open(resolution=ordinary)
    for entry in setup.entries[:2]:
        vote_cast(resolution=ordinary, cast_by=entry, choice="for")

    closed = assembly_close(assembly=setup.assembly)

    ordinary.refresh_from_db()
    extraordinary.refresh_from_db()
    assert closed.status == "closed"
    # 2 is not more than 4/2: a second consultation (L.223-29 al. 2).
    assert (ordinary.outcome, ordinary.votes_for) == ("second_round", 2)
    assert extraordinary.outcome == "no_quorum"
    assert extraordinary.explanation.startswith(
        "Quorum non atteint : 2 associé·es présent·es ou représenté·es sur 4, pour un quorum de "
        "3/4, soit 3"
    )
    second = Assembly.objects.get(convocation=2)
    assert (second.first_assembly_id, second.status, second.kind) == (
        setup.assembly.pk,
        "draft",
        "ordinary",
    )
    assert list(
        second.resolutions.order_by("position").values_list("position", "title", "decision_class")
    ) == [(1, "Résolution 1", "ordinary"), (2, "Résolution 2", "extraordinary")]


def test_non_listed_voter_cannot_vote(in_a: World) -> None:
    setup = convened_assembly(associates=2)
    other = convened_assembly(associates=0)
    opened(setup)
    resolution = resolution_open(resolution=setup.resolutions[0])
    with pytest.raises(ApplicationError, match="pas sur la liste d'émargement"):
        vote_cast(resolution=resolution, cast_by=other.entries[0], choice="for")
    with pytest.raises(ApplicationError, match="Choix de vote inconnu"):
        vote_cast(resolution=resolution, cast_by=setup.entries[0], choice="maybe")
    assert _state() == (0, 0)
