"""Quorum and majority arithmetic, and the preset of each legal form against the law: the
numbers and their source, one test per rule with the law's article in its name."""

from __future__ import annotations

from dataclasses import replace

import pytest

from governance.law import LAW, RuleTerms, law_for, proxy_law_cap, rule_violations
from governance.models import DecisionClass, MajorityBase, ProxyCap, QuorumBase
from governance.rules import (
    PRESETS,
    Rule,
    majority_compute,
    quorum_compute,
    threshold_required,
)
from perspectives.tenancy.models import LegalForm


def _preset_rule(preset: str, decision_class: str, convocation: int) -> Rule:
    (rule,) = [
        r
        for r in PRESETS[preset].rules
        if r.decision_class == decision_class and r.convocation == convocation
    ]
    return rule


def _thresholds(rule: Rule) -> tuple[tuple[int, int] | None, str, tuple[int, int], bool]:
    quorum = (
        None
        if rule.quorum_base == QuorumBase.NONE
        else (rule.quorum_numerator, rule.quorum_denominator)
    )
    return (
        quorum,
        rule.majority_base,
        (rule.majority_numerator, rule.majority_denominator),
        rule.majority_strict,
    )


def _terms(rule: Rule) -> RuleTerms:
    return RuleTerms(
        **{field: getattr(rule, field) for field in RuleTerms.__dataclass_fields__},
    )


ALL, PRESENT, CAST = "all", "present", "cast"


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
def test_scop_proxy_cap_loi_78_763_art_14(associates: int, cap: int) -> None:
    assert proxy_law_cap(associates=associates) == cap


def test_one_preset_per_legal_form_covering_every_class_and_convocation() -> None:
    assert set(PRESETS) == set(LegalForm.values) == set(LAW)
    for preset in PRESETS.values():
        keys = {(r.decision_class, r.convocation) for r in preset.rules}
        assert keys == {(c, v) for c in DecisionClass.values for v in (1, 2)}, preset.key
        assert all(r.citation for r in preset.rules)


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_every_preset_is_within_the_law_and_every_optional_way_of_voting_off(preset: str) -> None:
    law = law_for(preset)
    for rule in PRESETS[preset].rules:
        assert rule_violations(law=law, rule=_terms(rule)) == [], (preset, rule)
        assert rule.remote_participation_allowed is False
        assert rule.correspondence_allowed is False
        assert rule.written_consultation_allowed is False


# --------------------------------------------------------------------------- SARL


@pytest.mark.parametrize("preset", ["scop_sarl", "scic_sarl"])
def test_sarl_ordinary_first_more_than_half_of_all_associates_then_second_round_l223_29(
    preset: str,
) -> None:
    for decision_class in ("ordinary", "accounts", "election", "admission"):
        rule = _preset_rule(preset, decision_class, 1)
        assert _thresholds(rule) == (None, ALL, (1, 2), True)
        assert rule.second_round_if_majority_missed is True
    assert "L.223-29" in _preset_rule(preset, "ordinary", 1).citation


def test_scop_sarl_ordinary_second_majority_of_present_cg_scop_l223_29() -> None:
    rule = _preset_rule("scop_sarl", "ordinary", 2)
    assert _thresholds(rule) == (None, PRESENT, (1, 2), True)
    assert rule.second_round_if_majority_missed is False


def test_scic_sarl_ordinary_second_majority_of_votes_cast_l223_29_al_2() -> None:
    assert _thresholds(_preset_rule("scic_sarl", "ordinary", 2)) == (None, CAST, (1, 2), True)


def test_scop_sarl_extraordinary_quorum_three_quarters_then_half_cg_scop_l223_30() -> None:
    assert _thresholds(_preset_rule("scop_sarl", "extraordinary", 1)) == (
        (3, 4),
        PRESENT,
        (3, 4),
        False,
    )
    assert _thresholds(_preset_rule("scop_sarl", "extraordinary", 2)) == (
        (1, 2),
        PRESENT,
        (3, 4),
        False,
    )


def test_scic_sarl_extraordinary_quorum_quarter_then_fifth_two_thirds_l223_30_al_3() -> None:
    first = _preset_rule("scic_sarl", "extraordinary", 1)
    assert _thresholds(first) == ((1, 4), PRESENT, (2, 3), False)
    assert _thresholds(_preset_rule("scic_sarl", "extraordinary", 2)) == (
        (1, 5),
        PRESENT,
        (2, 3),
        False,
    )
    assert first.citation.startswith("Code de commerce L.223-30 al. 3")


@pytest.mark.parametrize("preset", ["scop_sarl", "scic_sarl"])
def test_sarl_delays_fifteen_days_on_every_convocation_r223_20_and_answers_r223_22(
    preset: str,
) -> None:
    spec = PRESETS[preset]
    assert (spec.convocation_delay_days, spec.second_convocation_delay_days) == (15, 15)
    assert spec.written_answer_delay_days == 15
    assert spec.sources["second_convocation_delay_days"].startswith("Code de commerce R.223-20")
    assert "R.223-22" in spec.sources["written_answer_delay_days"]
    assert law_for(preset).email_consent_lead_days == 20


def test_scop_sarl_elections_secret_ballot_cg_scop() -> None:
    assert _preset_rule("scop_sarl", "election", 1).secret_ballot_mandatory is True
    assert _preset_rule("scop_sarl", "ordinary", 1).secret_ballot_mandatory is False


def test_sarl_remote_presence_never_for_the_accounts_l223_27_al_3() -> None:
    law = law_for("scop_sarl")
    accounts = replace(
        _preset_rule("scop_sarl", "accounts", 1),
        remote_participation_allowed=True,
        statutes_article="art. 25",
    )
    ordinary = replace(accounts, decision_class="ordinary")
    assert rule_violations(law=law, rule=_terms(accounts)) == [
        "Approbation des comptes, 1re convocation : la participation à distance est exclue "
        "(Code de commerce L.223-27 al. 3 : jamais pour l'approbation des comptes d'une SARL)."
    ]
    assert rule_violations(law=law, rule=_terms(ordinary)) == []


# --------------------------------------------------------------------------- SA


@pytest.mark.parametrize("preset", ["scop_sa", "scic_sa"])
def test_sa_ordinary_quorum_one_fifth_then_none_majority_of_votes_cast_l225_98(
    preset: str,
) -> None:
    for decision_class in ("ordinary", "accounts", "election", "admission"):
        assert _thresholds(_preset_rule(preset, decision_class, 1)) == ((1, 5), CAST, (1, 2), True)
        assert _thresholds(_preset_rule(preset, decision_class, 2)) == (None, CAST, (1, 2), True)
    assert _preset_rule(preset, "ordinary", 1).citation.startswith("Code de commerce L.225-98")


@pytest.mark.parametrize("preset", ["scop_sa", "scic_sa"])
def test_sa_extraordinary_quorum_quarter_then_fifth_two_thirds_of_votes_cast_l225_96(
    preset: str,
) -> None:
    assert _thresholds(_preset_rule(preset, "extraordinary", 1)) == ((1, 4), CAST, (2, 3), False)
    assert _thresholds(_preset_rule(preset, "extraordinary", 2)) == ((1, 5), CAST, (2, 3), False)


@pytest.mark.parametrize("preset", ["scop_sa", "scic_sa"])
def test_sa_delays_fifteen_then_ten_days_r225_69_and_no_written_consultation(preset: str) -> None:
    spec = PRESETS[preset]
    assert (spec.convocation_delay_days, spec.second_convocation_delay_days) == (15, 10)
    assert spec.sources["convocation_delay_days"] == "Code de commerce R.225-69"
    law = law_for(preset)
    written = replace(
        _preset_rule(preset, "ordinary", 1),
        written_consultation_allowed=True,
        statutes_article="art. 30",
    )
    assert rule_violations(law=law, rule=_terms(written))[0].startswith(
        "Décision ordinaire, 1re convocation : pas de consultation écrite dans cette forme"
    )


def test_sa_remote_presence_without_statutes_clause_loi_2024_537() -> None:
    remote = replace(_preset_rule("scop_sa", "ordinary", 1), remote_participation_allowed=True)
    assert rule_violations(law=law_for("scop_sa"), rule=_terms(remote)) == []
    sarl = replace(_preset_rule("scop_sarl", "ordinary", 1), remote_participation_allowed=True)
    assert rule_violations(law=law_for("scop_sarl"), rule=_terms(sarl)) == [
        "Décision ordinaire, 1re convocation : citez l'article des statuts qui admet la "
        "participation à distance (Loi 47-1775 art. 10 ; Code de commerce L.223-27 al. 3 (si "
        "les statuts le prévoient))."
    ]


def test_sa_quorum_below_one_fifth_is_refused_l225_98() -> None:
    weaker = replace(
        _preset_rule("scop_sa", "ordinary", 1), quorum_numerator=1, quorum_denominator=6
    )
    assert rule_violations(law=law_for("scop_sa"), rule=_terms(weaker)) == [
        "Décision ordinaire, 1re convocation : la loi impose un quorum d'au moins 1/5 (Code de "
        "commerce L.225-98)."
    ]


# --------------------------------------------------------------------------- SAS


@pytest.mark.parametrize("preset", ["scop_sas", "scic_sas"])
def test_sas_numbers_set_by_the_statutes_l227_9_defaults_of_the_sa(preset: str) -> None:
    assert _thresholds(_preset_rule(preset, "ordinary", 1)) == ((1, 5), CAST, (1, 2), True)
    assert _thresholds(_preset_rule(preset, "extraordinary", 1)) == ((1, 4), CAST, (2, 3), False)
    spec = PRESETS[preset]
    assert (spec.convocation_delay_days, spec.second_convocation_delay_days) == (15, 10)
    assert "L.227-9" in spec.sources["convocation_delay_days"]
    law = law_for(preset)
    assert (law.convocation_delay_days, law.second_convocation_delay_days) == (0, 0)
    assert law.written_consultation_possible is True


def test_scop_sas_is_not_the_scop_sa_preset() -> None:
    assert PRESETS["scop_sas"].rules != PRESETS["scop_sa"].rules
    assert "L.227-9" in _preset_rule("scop_sas", "ordinary", 1).citation


# --------------------------------------------------------------------------- every form


@pytest.mark.parametrize("preset", sorted(PRESETS))
def test_unanimity_of_all_associates_code_civil_1836(preset: str) -> None:
    for convocation in (1, 2):
        rule = _preset_rule(preset, "unanimity", convocation)
        assert _thresholds(rule) == (None, ALL, (1, 1), False)
        assert rule.citation.startswith("Code civil 1836 al. 2")
    unanimous = majority_compute(
        rule=_preset_rule(preset, "unanimity", 1),
        eligible=12,
        present_or_represented=12,
        votes_for=12,
        votes_against=0,
        votes_abstain=0,
    )
    short = majority_compute(
        rule=_preset_rule(preset, "unanimity", 1),
        eligible=12,
        present_or_represented=12,
        votes_for=11,
        votes_against=0,
        votes_abstain=1,
    )
    assert (unanimous.adopted, unanimous.required) == (True, 12)
    assert (short.adopted, short.required) == (False, 12)


@pytest.mark.parametrize(
    ("preset", "cap", "quota"),
    [
        ("scop_sarl", ProxyCap.LAW, True),
        ("scop_sa", ProxyCap.LAW, True),
        ("scop_sas", ProxyCap.LAW, True),
        ("scic_sarl", ProxyCap.NONE, False),
        ("scic_sa", ProxyCap.NONE, False),
        ("scic_sas", ProxyCap.NONE, False),
    ],
)
def test_proxy_cap_loi_78_763_art_14_and_employee_quota_art_15_for_scops_only(
    preset: str, cap: str, quota: bool
) -> None:
    assert (PRESETS[preset].proxy_cap, PRESETS[preset].employee_quota) == (cap, quota)


def test_correspondence_needs_the_statutes_article_loi_47_1775_art_10() -> None:
    rule = replace(_preset_rule("scic_sas", "ordinary", 1), correspondence_allowed=True)
    assert rule_violations(law=law_for("scic_sas"), rule=_terms(rule)) == [
        "Décision ordinaire, 1re convocation : citez l'article des statuts qui admet le vote "
        "par correspondance (Loi 47-1775 art. 10 (si les statuts le prévoient))."
    ]
    cited = replace(rule, statutes_article="art. 19")
    assert rule_violations(law=law_for("scic_sas"), rule=_terms(cited)) == []


def test_a_weaker_majority_base_is_refused_even_with_a_higher_fraction() -> None:
    # "2/3 of the votes cast" ignores abstentions: weaker than "2/3 of present" (L.223-30).
    cast = replace(
        _preset_rule("scic_sarl", "extraordinary", 1), majority_base=MajorityBase.VOTES_CAST
    )
    assert rule_violations(law=law_for("scic_sarl"), rule=_terms(cast)) == [
        "Décision extraordinaire, 1re convocation : la loi impose une majorité d'au moins 2/3 "
        "associé·es présent·es ou représenté·es (Code de commerce L.223-30 al. 3)."
    ]


# --------------------------------------------------------------------------- arithmetic


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
    missed = majority_compute(
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
    assert (missed.adopted, missed.second_round, missed.base, missed.required) == (
        False,
        True,
        20,
        11,
    )
    assert missed.explanation == (
        "Seconde consultation nécessaire : 10 pour, 0 contre, 2 abstentions. Majorité requise : "
        "plus de 1/2 des associé·es ayant droit de vote (20), soit 11 voix pour (Statuts types "
        "SCOP SARL (CG Scop) ; Code de commerce L.223-29, décisions ordinaires, 1re "
        "consultation). La majorité de tous les associé·es n'est pas atteinte : les associé·es "
        "sont convoqué·es ou consulté·es une seconde fois (Code de commerce L.223-29 al. 2)."
    )


def test_the_statutes_article_comes_first_in_the_reference() -> None:
    rule = replace(_preset_rule("scop_sarl", "ordinary", 2), statutes_article="art. 24")
    assert rule.reference == (
        "statuts art. 24 ; Statuts types SCOP SARL (CG Scop) ; Code de commerce L.223-29, "
        "décisions ordinaires, 2e consultation"
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
    assert (tie.adopted, tie.second_round) == (False, False)
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
