from __future__ import annotations

from decimal import Decimal

import pytest

from governance.models import Ballot, College
from governance.services import (
    attendance_record,
    college_set,
    college_weight_parse,
    proxy_grant,
    resolution_close,
    resolution_open,
    resolution_record_room_counts,
    roll_hash_compute,
    roll_hash_of,
    vote_cast,
)
from governance.services.verify import governance_verify
from perspectives.core.exceptions import ApplicationError
from tests.conftest import World
from tests.governance.conftest import convened_assembly, opened
from tests.helpers.governance import scic_resolution


def test_college_weights_turn_a_minority_of_heads_into_an_adopted_resolution(
    in_a: World,
) -> None:
    # By heads 3 for, 6 against: rejected. By colleges: A 100 % for, B 0 %, C 20 %:
    # 50 × 1 + 30 × 0 + 20 × 1/5 = 54 % for, 30 × 1 + 20 × 4/5 = 46 % against.
    setup, resolution = scic_resolution(
        ["for", None, "against", "against", "abstain", "for", *["against"] * 4]
    )
    # Associate 1 (college A) gave a proxy to associate 5 (college C), who votes it "for".
    proxy_grant(assembly=setup.assembly, grantor=setup.entries[1], holder=setup.entries[5])
    vote_cast(resolution=resolution, cast_by=setup.entries[5], voter=setup.entries[1], choice="for")
    assert sorted(Ballot.objects.filter(choice="for").values_list("college_name", flat=True)) == [
        "A",
        "A",
        "C",
    ]

    closed = resolution_close(resolution=resolution)

    assert (closed.votes_for, closed.votes_against, closed.votes_abstain) == (3, 6, 1)
    assert (closed.weighted_for, closed.weighted_against) == (Decimal("54"), Decimal("46"))
    assert closed.outcome == "adopted"
    assert closed.explanation.endswith(
        "Adoptée : vote par collèges pondérés — A (50,00 %) : 2 pour, 0 contre, 0 abstentions; "
        "B (30,00 %) : 0 pour, 2 contre, 1 abstentions; C (20,00 %) : 1 pour, 4 contre, "
        "0 abstentions. Résultat pondéré : 54,00 % pour, 46,00 % contre. Majorité requise : "
        "plus de 1/2 des suffrages exprimés, après pondération (statuts art. 25 ; Statuts "
        "types SCIC SAS, décisions ordinaires, 1re consultation)."
    )


def test_a_college_without_votes_cast_gives_its_weight_to_the_others(in_a: World) -> None:
    # A abstains entirely: B (30) 2/3 for, C (20) 1/5 for → (20 + 4) / 50 = 48 % for,
    # (10 + 16) / 50 = 52 % against: rejected, though 3 heads for and 5 against as well.
    _setup, resolution = scic_resolution(
        ["abstain", "abstain", "for", "for", "against", "for", *["against"] * 4]
    )
    closed = resolution_close(resolution=resolution)
    assert (closed.weighted_for, closed.weighted_against) == (Decimal("48"), Decimal("52"))
    assert closed.outcome == "rejected"
    assert "Résultat pondéré : 48,00 % pour, 52,00 % contre." in closed.explanation


def test_weighted_shares_keep_exact_fractions(in_a: World) -> None:
    # B: 1 for, 2 against (1/3); C: 5 for (1); A: 1 for, 1 against (1/2):
    # 50/2 + 30/3 + 20 = 55 % for; 25 + 20 + 0 = 45 % against.
    _setup, resolution = scic_resolution(
        ["for", "against", "for", "against", "against", *["for"] * 5]
    )
    closed = resolution_close(resolution=resolution)
    assert (closed.weighted_for, closed.weighted_against) == (Decimal("55"), Decimal("45"))


def test_room_counts_are_refused_when_voting_by_colleges(in_a: World) -> None:
    setup, resolution = scic_resolution([None] * 10)
    attendance_record(assembly=setup.assembly, entry=setup.entries[0], mode="room")
    with pytest.raises(ApplicationError, match="Vote par collèges"):
        resolution_record_room_counts(
            resolution=resolution, votes_for=1, votes_against=0, votes_abstain=0
        )
    resolution.refresh_from_db()
    assert (resolution.room_for, resolution.weighted_for) == (0, None)


def test_weights_are_frozen_with_the_roll_and_verified(in_a: World) -> None:
    setup, resolution = scic_resolution(
        ["for", "against", "for", "against", "against", *["for"] * 5]
    )
    # Editing the colleges after the convocation changes nothing already convened.
    College.objects.filter(name="A").update(weight_numerator=2, weight_denominator=5)
    College.objects.filter(name="C").update(weight_numerator=3, weight_denominator=10)
    closed = resolution_close(resolution=resolution)
    weights = set(
        setup.assembly.roll.values_list(
            "college_name", "college_weight_numerator", "college_weight_denominator"
        )
    )

    assert weights == {("A", 1, 2), ("B", 3, 10), ("C", 1, 5)}
    assert (closed.weighted_for, closed.weighted_against) == (Decimal(55), Decimal(45))
    assert roll_hash_of(setup.assembly) == setup.assembly.roll_hash
    assert governance_verify() == []
    # The frozen weights are in the roll's hash: the same roll with another weight differs.
    entries: list[tuple[int, str, str, *tuple[str, ...]]] = [
        (1, "Ana", "A", "50.00"),
        (2, "Léo", "C", "20.00"),
    ]
    changed: list[tuple[int, str, str, *tuple[str, ...]]] = [
        (1, "Ana", "A", "40.00"),
        (2, "Léo", "C", "20.00"),
    ]
    assert roll_hash_compute(assembly_id=1, entries=entries) != roll_hash_compute(
        assembly_id=1, entries=changed
    )


def test_three_equal_colleges_count_exactly_a_third_each(in_a: World) -> None:
    # A: 1 for out of 1; B: 1 for, 1 against; C: all against. Exactly 1/3 + 1/6 = 1/2 for:
    # "more than half" is not reached. Rounded to 33.33 % each, A + B/2 would give 49.995 %.
    colleges = college_set(weights={name: college_weight_parse("1/3") for name in "ABC"})
    by_name = {c.name: c for c in colleges}
    layout = ["A", "B", "B", "C", "C"]
    setup = convened_assembly(
        associates=5, preset="scic_sas", colleges=[by_name[n] for n in layout]
    )
    opened(setup)
    resolution = resolution_open(resolution=setup.resolutions[0])
    for entry, choice in zip(
        setup.entries, ["for", "for", "against", "against", "against"], strict=True
    ):
        vote_cast(resolution=resolution, cast_by=entry, choice=choice)
    closed = resolution_close(resolution=resolution)
    assert (closed.weighted_for, closed.weighted_against) == (Decimal(50), Decimal(50))
    assert closed.outcome == "rejected"
    assert "A (33,33 %) : 1 pour" in closed.explanation
    assert set(
        setup.assembly.roll.values_list("college_weight_numerator", "college_weight_denominator")
    ) == {(1, 3)}
    assert governance_verify() == []
