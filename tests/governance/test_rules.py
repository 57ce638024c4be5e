from __future__ import annotations

import pytest

from governance.models import DecisionClass, MajorityBase
from governance.rules import (
    PRESETS,
    Rule,
    majority_compute,
    proxy_cap,
    quorum_compute,
    threshold_required,
)


def _preset_rule(preset: str, decision_class: str, convocation: int) -> Rule:
    (rule,) = [
        r
        for r in PRESETS[preset].rules
        if r.decision_class == decision_class and r.convocation == convocation
    ]
    return rule


@pytest.mark.parametrize(
    ("base", "num", "den", "strict", "expected"),
    [
        (20, 1, 2, True, 11),  # more than half of 20
        (21, 1, 2, True, 11),  # more than half of 21
        (10, 3, 4, False, 8),  # at least 3/4 of 10
        (12, 3, 4, False, 9),  # at least 3/4 of 12
        (9, 2, 3, False, 6),
        (10, 1, 5, False, 2),
        (0, 1, 2, True, 1),
    ],
)
def test_threshold_required(base: int, num: int, den: int, strict: bool, expected: int) -> None:
    assert threshold_required(base=base, numerator=num, denominator=den, strict=strict) == expected


@pytest.mark.parametrize(
    ("associates", "cap"), [(1, 1), (19, 1), (20, 1), (39, 1), (40, 2), (150, 7)]
)
def test_proxy_cap_follows_the_law(associates: int, cap: int) -> None:
    assert proxy_cap(associates=associates) == cap


def test_every_preset_covers_every_class_and_convocation_and_is_marked_to_check() -> None:
    for preset in PRESETS.values():
        keys = {(r.decision_class, r.convocation) for r in preset.rules}
        assert keys == {(c, v) for c in DecisionClass.values for v in (1, 2)}, preset.key
        assert all("à vérifier au regard de vos statuts" in r.citation for r in preset.rules)


def test_scop_sarl_ordinary_first_needs_more_than_half_of_all_associates() -> None:
    rule = _preset_rule("scop_sarl", DecisionClass.ORDINARY, 1)
    quorum = quorum_compute(rule=rule, eligible=20, present_or_represented=12)
    adopted = majority_compute(
        rule=rule,
        eligible=20,
        present_or_represented=12,
        votes_for=11,
        votes_against=1,
        votes_abstain=0,
    )
    rejected = majority_compute(
        rule=rule,
        eligible=20,
        present_or_represented=12,
        votes_for=10,
        votes_against=0,
        votes_abstain=2,
    )
    assert quorum.reached is True
    assert quorum.explanation.startswith("Aucun quorum requis (Statuts types SCOP SARL")
    assert (adopted.adopted, adopted.base, adopted.required) == (True, 20, 11)
    assert (rejected.adopted, rejected.base, rejected.required) == (False, 20, 11)
    assert rejected.explanation == (
        "Rejetée : 10 pour, 0 contre, 2 abstentions. Majorité requise : plus de 1/2 des "
        "associé·es ayant droit de vote (20), soit 11 voix pour (Statuts types SCOP SARL "
        "(CG Scop), décisions ordinaires, 1re consultation — à vérifier au regard de vos statuts)."
    )


def test_scop_sarl_extraordinary_quorum_and_three_quarters_of_present() -> None:
    rule = _preset_rule("scop_sarl", DecisionClass.EXTRAORDINARY, 1)
    missed = quorum_compute(rule=rule, eligible=20, present_or_represented=14)
    reached = quorum_compute(rule=rule, eligible=20, present_or_represented=15)
    result = majority_compute(
        rule=rule,
        eligible=20,
        present_or_represented=16,
        votes_for=12,
        votes_against=3,
        votes_abstain=1,
    )
    assert (missed.reached, missed.required) == (False, 15)
    assert missed.explanation.startswith("Quorum non atteint : 14 associé·es")
    assert reached.reached is True
    # At least 3/4 of 16 present or represented = 12: the abstention weighs as a vote against.
    assert (result.adopted, result.base, result.required) == (True, 16, 12)
    second = _preset_rule("scop_sarl", DecisionClass.EXTRAORDINARY, 2)
    assert quorum_compute(rule=second, eligible=20, present_or_represented=10).reached is True


def test_scop_sa_majority_of_votes_cast_ignores_abstentions() -> None:
    rule = _preset_rule("scop_sa", DecisionClass.ORDINARY, 1)
    result = majority_compute(
        rule=rule,
        eligible=100,
        present_or_represented=30,
        votes_for=6,
        votes_against=5,
        votes_abstain=19,
    )
    assert (result.adopted, result.base, result.required) == (True, 11, 6)
    tie = majority_compute(
        rule=rule,
        eligible=100,
        present_or_represented=30,
        votes_for=5,
        votes_against=5,
        votes_abstain=20,
    )
    assert tie.adopted is False
    assert quorum_compute(rule=rule, eligible=100, present_or_represented=19).reached is False
    assert quorum_compute(rule=rule, eligible=100, present_or_represented=20).reached is True
    age = _preset_rule("scop_sa", DecisionClass.EXTRAORDINARY, 1)
    two_thirds = majority_compute(
        rule=age,
        eligible=100,
        present_or_represented=30,
        votes_for=20,
        votes_against=10,
        votes_abstain=0,
    )
    assert (two_thirds.adopted, two_thirds.required) == (True, 20)


def test_nobody_voting_adopts_nothing() -> None:
    rule = _preset_rule("scic_sas", DecisionClass.ORDINARY, 2)
    result = majority_compute(
        rule=rule,
        eligible=10,
        present_or_represented=0,
        votes_for=0,
        votes_against=0,
        votes_abstain=0,
    )
    assert (result.adopted, result.required) == (False, 1)


def test_elections_of_managers_require_secret_ballot_in_scop_sarl() -> None:
    assert _preset_rule("scop_sarl", DecisionClass.ELECTION, 1).secret_ballot_mandatory is True
    assert _preset_rule("scop_sarl", DecisionClass.ORDINARY, 1).secret_ballot_mandatory is False
    assert (
        _preset_rule("scop_sarl", DecisionClass.ORDINARY, 1).written_consultation_allowed is False
    )
    assert _preset_rule("scic_sas", DecisionClass.ORDINARY, 1).written_consultation_allowed is True
    assert (
        _preset_rule("scop_sa", DecisionClass.ORDINARY, 1).majority_base == MajorityBase.VOTES_CAST
    )
