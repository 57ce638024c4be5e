from __future__ import annotations

import pytest
from django.db import IntegrityError, connection, transaction
from django.test import Client

from governance.models import Associate, Ballot, BallotMark, Candidacy, Participation
from governance.rules import PRESETS, Rule
from governance.services import (
    assembly_close,
    associate_exit,
    candidacy_file,
    resolution_close,
    resolution_open,
    resolution_record_room_counts,
    vote_cast,
)
from governance.services.elections import election_compute
from governance.services.verify import governance_verify
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.governance.conftest import convened_assembly, opened

ELECTION_1ST = next(
    r for r in PRESETS["scop_sarl"].rules if r.decision_class == "election" and r.convocation == 1
)


def _state() -> tuple[int, int, int]:
    return Participation.objects.count(), Ballot.objects.count(), BallotMark.objects.count()


def _employees(*entries: object) -> None:
    Associate.objects.filter(pk__in=[e.associate_id for e in entries]).update(  # type: ignore[attr-defined]
        category="employee"
    )


def test_scop_election_of_three_managers_keeps_two_thirds_of_employees(in_a: World) -> None:
    setup = convened_assembly(associates=7, resolutions=(("election", False),), seats=3)
    e = setup.entries
    election = setup.resolutions[0]
    # The SCOP SARL preset makes the ballot secret and the employee quota apply.
    assert (election.secret, election.seats, election.employee_quota) == (True, 3, True)
    _employees(e[1], e[2])
    c0, c1, c2, c3 = (candidacy_file(resolution=election, entry=x) for x in e[:4])
    assert [c.employee for c in (c0, c1, c2, c3)] == [False, True, True, False]
    opened(setup)
    resolution_open(resolution=election)
    tickets = {
        0: [c0, c1, c2],
        1: [c0, c3, c1],
        2: [c0, c3, c1],
        3: [c0, c3, c1],
        4: [c0, c3, c2],
        5: [c0, c3, c2],
        6: [c0, c3, c2],
    }
    for index, names in tickets.items():
        vote_cast(
            resolution=election, cast_by=e[index], choice="for", candidates=[c.pk for c in names]
        )
    assert _state() == (7, 7, 21)
    assert set(Participation.objects.values_list("choice", flat=True)) == {""}

    closed = resolution_close(resolution=election)

    votes = dict(Candidacy.objects.values_list("entry__full_name", "votes"))
    assert votes == {
        "Associé·e 000": 7,
        "Associé·e 001": 4,
        "Associé·e 002": 4,
        "Associé·e 003": 6,
    }
    elected = list(
        Candidacy.objects.filter(elected=True)
        .order_by("entry__full_name")
        .values_list("entry__full_name", flat=True)
    )
    # Associé·e 003 (6 votes, not an employee) would leave one employee in three.
    assert elected == ["Associé·e 000", "Associé·e 001", "Associé·e 002"]
    assert (closed.outcome, closed.votes_for, closed.votes_abstain) == ("adopted", 7, 0)
    reference = (
        "statuts art. 25 ; Statuts types SCOP SARL (CG Scop) ; Code de commerce L.223-29, "
        "nomination des gérant·es / administrateur·rices, 1re consultation"
    )
    quota = "loi 78-763 art. 15 : deux tiers au moins des mandats aux associé·es salarié·es"
    assert closed.explanation == (
        f"Aucun quorum requis ({reference}). 3 siège(s), 7 bulletin(s) exprimé(s), 0 blanc(s) : "
        "Associé·e 000 7 voix, Associé·e 003 6 voix, Associé·e 001 4 voix, Associé·e 002 4 voix. "
        f"Majorité requise par candidat·e : 4 voix ({reference}). Élu·es : Associé·e 000, "
        "Associé·e 001, Associé·e 002. Non élu·es pour respecter les deux tiers de salarié·es "
        f"({quota}) : Associé·e 003. Deux tiers au moins de salarié·es dans l'organe après "
        f"l'élection : 2 sur 3, respecté ({quota})."
    )
    # Frozen: the database refuses to change the result afterwards.
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidacy.objects.filter(pk=c3.pk).update(elected=True)


def test_candidacies_only_for_associates_on_the_roll_before_the_vote(in_a: World) -> None:
    setup = convened_assembly(associates=3, resolutions=(("election", True), ("ordinary", False)))
    other = convened_assembly(associates=1)
    election, ordinary = setup.resolutions
    with pytest.raises(ApplicationError, match="pas une élection"):
        candidacy_file(resolution=ordinary, entry=setup.entries[0])
    with pytest.raises(ApplicationError, match="inscrit·e sur la liste d'émargement"):
        candidacy_file(resolution=election, entry=other.entries[0])
    associate_exit(
        associate=setup.entries[2].associate,
        exited_on=setup.entries[2].associate.admitted_on,
        reason="resignation",
    )
    with pytest.raises(ApplicationError, match="n'est plus associé·e"):
        candidacy_file(resolution=election, entry=setup.entries[2])
    candidacy_file(resolution=election, entry=setup.entries[0])
    with pytest.raises(ApplicationError, match="déjà candidat·e"):
        candidacy_file(resolution=election, entry=setup.entries[0])
    # The database refuses a candidate from another assembly's roll or on a non-election.
    for resolution, entry in ((election, other.entries[0]), (ordinary, setup.entries[1])):
        with pytest.raises(IntegrityError), transaction.atomic():
            Candidacy.objects.create(
                cooperative_id=election.cooperative_id,
                resolution=resolution,
                entry=entry,
                employee=False,
            )
    opened(setup)
    resolution_open(resolution=election)
    with pytest.raises(ApplicationError, match="closes une fois le vote ouvert"):
        candidacy_file(resolution=election, entry=setup.entries[1])
    assert list(Candidacy.objects.values_list("entry_id", flat=True)) == [setup.entries[0].pk]


def test_election_ballots_are_checked_and_enforced_by_the_database(in_a: World) -> None:
    setup = convened_assembly(associates=4, resolutions=(("election", True),), seats=2)
    e = setup.entries
    election = setup.resolutions[0]
    c0, c1, c2 = (candidacy_file(resolution=election, entry=x) for x in e[:3])
    opened(setup)
    resolution_open(resolution=election)
    refused: tuple[tuple[str, list[int], str], ...] = (
        ("for", [c0.pk, c1.pk, c2.pk], "au plus 2 nom"),
        ("against", [], "cochez des noms ou votez blanc"),
        ("for", [c0.pk, c0.pk], "coché deux fois"),
        ("for", [], "au moins un nom"),
        ("abstain", [c0.pk], "bulletin blanc ne coche aucun nom"),
        ("for", [c0.pk + 1000], "Candidat·e inconnu·e"),
    )
    for choice, names, message in refused:
        with pytest.raises(ApplicationError, match=message):
            vote_cast(resolution=election, cast_by=e[0], choice=choice, candidates=names)
    with pytest.raises(ApplicationError, match="main levée"):
        resolution_record_room_counts(
            resolution=election, votes_for=1, votes_against=0, votes_abstain=0
        )
    assert _state() == (0, 0, 0)
    vote_cast(resolution=election, cast_by=e[0], choice="for", candidates=[c0.pk, c1.pk])
    vote_cast(resolution=election, cast_by=e[1], choice="abstain")
    ballot = Ballot.objects.get(choice="for")
    # Below the services: a third mark on a two-seat ballot, or any edit, is refused.
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotMark.objects.create(
            cooperative_id=election.cooperative_id,
            resolution=election,
            ballot=ballot,
            candidacy=c2,
        )
    with pytest.raises(IntegrityError), transaction.atomic():
        BallotMark.objects.filter(candidacy=c0).update(candidacy=c2)
    assert _state() == (2, 2, 2)
    assert sorted(BallotMark.objects.values_list("candidacy_id", flat=True)) == [c0.pk, c1.pk]


def test_the_database_refuses_an_elected_set_without_two_thirds_of_employees(
    in_a: World,
) -> None:
    setup = convened_assembly(associates=3, resolutions=(("election", True),), seats=3)
    election = setup.resolutions[0]
    _employees(setup.entries[0])
    for entry in setup.entries:
        candidacy_file(resolution=election, entry=entry)
    with connection.cursor() as cursor:  # the deferred check runs at each statement
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    with pytest.raises(IntegrityError), transaction.atomic():
        Candidacy.objects.update(votes=2, elected=True)  # one employee in three
    assert set(Candidacy.objects.values_list("elected", flat=True)) == {None}


def test_single_seat_blank_ballots_and_no_majority(in_a: World) -> None:
    setup = convened_assembly(associates=5, resolutions=(("election", True),))
    e = setup.entries
    election = setup.resolutions[0]
    _employees(e[0], e[1])
    c0, c1 = (candidacy_file(resolution=election, entry=x) for x in e[:2])
    opened(setup)
    resolution_open(resolution=election)
    vote_cast(resolution=election, cast_by=e[0], choice="for", candidates=[c0.pk])
    vote_cast(resolution=election, cast_by=e[1], choice="for", candidates=[c0.pk])
    vote_cast(resolution=election, cast_by=e[2], choice="for", candidates=[c1.pk])
    vote_cast(resolution=election, cast_by=e[3], choice="abstain")

    assembly_close(assembly=setup.assembly)

    election.refresh_from_db()
    # More than half of all 5 associates is 3 votes: 2 is not enough, nobody is elected; the
    # associates are consulted a second time (L.223-29 al. 2).
    assert (election.outcome, election.votes_for, election.votes_abstain) == (
        "second_round",
        3,
        1,
    )
    assert list(Candidacy.objects.order_by("entry__full_name").values_list("votes", "elected")) == [
        (2, False),
        (1, False),
    ]
    assert "Majorité requise par candidat·e : 3 voix" in election.explanation
    assert election.explanation.endswith("Aucun·e élu·e.")


CAST_RULE = Rule(
    decision_class="election",
    convocation=1,
    quorum_base="none",
    quorum_numerator=0,
    quorum_denominator=1,
    majority_base="cast",
    majority_numerator=1,
    majority_denominator=2,
    majority_strict=True,
    citation="Statuts, art. 15",
)


@pytest.mark.parametrize(
    ("seats", "quota", "candidates", "elected", "tail"),
    [
        # One seat, SCOP quota: the best placed non-employee cannot be the only manager.
        (1, True, [(1, "A", False, 7), (2, "B", True, 6)], [2], "Non élu·es"),
        (1, False, [(1, "A", False, 7), (2, "B", True, 6)], [1], "Élu·es : A."),
        # A tie for the last seat leaves it empty.
        (2, False, [(1, "A", True, 7), (2, "B", True, 6), (3, "C", True, 6)], [1], "Égalité"),
    ],
)
def test_election_compute(
    seats: int,
    quota: bool,
    candidates: list[tuple[int, str, bool, int]],
    elected: list[int],
    tail: str,
) -> None:
    result = election_compute(
        rule=CAST_RULE,
        seats=seats,
        employee_quota=quota,
        candidates=candidates,
        eligible=12,
        present_or_represented=11,
        ballots_named=10,
        ballots_blank=1,
    )
    assert result.elected == elected
    assert tail in result.explanation
    assert "Majorité requise par candidat·e : 6 voix (Statuts, art. 15)." in result.explanation


def test_managers_file_candidacies_through_the_page(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(
            associates=3, users=[world.alice, world.carl], resolutions=(("election", True),)
        )
    election = setup.resolutions[0]
    alice_entry = next(e for e in setup.entries if e.user_id == world.alice.pk)
    url = (
        f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/resolutions/{election.pk}/"
        "candidacies/"
    )
    client.force_login(world.alice)  # an associate, not a manager
    assert client.post(url, {"entry": alice_entry.pk}).status_code == 403
    client.force_login(world.charlie)  # another cooperative
    assert (
        client.post(url.replace("coop-a", "coop-b"), {"entry": alice_entry.pk}).status_code == 404
    )
    client.force_login(world.carl)
    filed = client.post(url, {"entry": alice_entry.pk}, follow=True)
    again = client.post(url, {"entry": alice_entry.pk}, follow=True)
    unknown = client.post(url, {"entry": "x"})
    assert "Candidature de Alice Arnaud enregistrée." in filed.text
    assert "Alice Arnaud est déjà candidat·e." in again.text
    assert unknown.status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert list(Candidacy.objects.values_list("entry_id", "employee")) == [
            (alice_entry.pk, False)
        ]


def test_verify_recounts_each_candidate_from_the_marks(in_a: World) -> None:
    setup = convened_assembly(associates=3, resolutions=(("election", True),))
    election = setup.resolutions[0]
    _employees(setup.entries[0])
    candidacy = candidacy_file(resolution=election, entry=setup.entries[0])
    opened(setup)
    resolution_open(resolution=election)
    for entry in setup.entries[:2]:
        vote_cast(resolution=election, cast_by=entry, choice="for", candidates=[candidacy.pk])
    resolution_close(resolution=election)
    candidacy.refresh_from_db()
    assert (candidacy.votes, candidacy.elected) == (2, True)
    assert governance_verify() == []
