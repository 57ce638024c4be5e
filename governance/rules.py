"""Quorum and majority, computed from the cooperative's statute rules. Pure functions: no database.

Every result carries a French explanation that names the rule applied (its citation), so the
minutes can say why a resolution was adopted or rejected. Thresholds are exact fractions, never
floats: "more than 1/2 of 20" needs 11 votes, "at least 3/4 of 10" needs 8.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from governance.models import Convocation, DecisionClass, MajorityBase, QuorumBase


@dataclass(frozen=True)
class Rule:
    decision_class: str
    convocation: int
    quorum_base: str
    quorum_numerator: int
    quorum_denominator: int
    majority_base: str
    majority_numerator: int
    majority_denominator: int
    majority_strict: bool
    citation: str
    written_consultation_allowed: bool = False
    correspondence_allowed: bool = True
    secret_ballot_mandatory: bool = False

    @classmethod
    def from_model(cls, rule: Any) -> Rule:
        return cls(**{field: getattr(rule, field) for field in cls.__dataclass_fields__})


@dataclass(frozen=True)
class QuorumResult:
    reached: bool
    required: int
    present_or_represented: int
    eligible: int
    explanation: str


@dataclass(frozen=True)
class MajorityResult:
    adopted: bool
    votes_for: int
    votes_against: int
    votes_abstain: int
    base: int
    required: int
    explanation: str


def _ceil_div(a: int, b: int) -> int:
    return -(-a // b)


def threshold_required(*, base: int, numerator: int, denominator: int, strict: bool) -> int:
    """The smallest whole number of votes that meets the threshold on `base`."""
    if strict:  # more than numerator/denominator of base
        return base * numerator // denominator + 1
    return _ceil_div(base * numerator, denominator)  # at least


def quorum_compute(*, rule: Rule, eligible: int, present_or_represented: int) -> QuorumResult:
    if rule.quorum_base == QuorumBase.NONE:
        return QuorumResult(
            reached=True,
            required=0,
            present_or_represented=present_or_represented,
            eligible=eligible,
            explanation=_("Aucun quorum requis (%(rule)s).") % {"rule": rule.citation},
        )
    required = threshold_required(
        base=eligible,
        numerator=rule.quorum_numerator,
        denominator=rule.quorum_denominator,
        strict=False,
    )
    reached = present_or_represented >= required and present_or_represented > 0
    message = (
        _(
            "Quorum atteint : %(present)s associé·es présent·es ou représenté·es sur %(eligible)s, "
            "pour un quorum de %(num)s/%(den)s, soit %(required)s (%(rule)s)."
        )
        if reached
        else _(
            "Quorum non atteint : %(present)s associé·es présent·es ou représenté·es sur "
            "%(eligible)s, pour un quorum de %(num)s/%(den)s, soit %(required)s (%(rule)s)."
        )
    )
    return QuorumResult(
        reached=reached,
        required=required,
        present_or_represented=present_or_represented,
        eligible=eligible,
        explanation=message
        % {
            "present": present_or_represented,
            "eligible": eligible,
            "num": rule.quorum_numerator,
            "den": rule.quorum_denominator,
            "required": required,
            "rule": rule.citation,
        },
    )


def _base_label(base: str) -> str:
    return {
        MajorityBase.ALL_ASSOCIATES: _("des associé·es ayant droit de vote"),
        MajorityBase.PRESENT_OR_REPRESENTED: _("des associé·es présent·es ou représenté·es"),
        MajorityBase.VOTES_CAST: _("des suffrages exprimés"),
    }[MajorityBase(base)]


def majority_compute(
    *,
    rule: Rule,
    eligible: int,
    present_or_represented: int,
    votes_for: int,
    votes_against: int,
    votes_abstain: int,
) -> MajorityResult:
    """Abstentions (and blank votes) are never votes for: with the bases "all associates" and
    "present or represented" they weigh like votes against; with "votes cast" they are left out
    (Code de commerce since loi 2019-744)."""
    if rule.majority_base == MajorityBase.ALL_ASSOCIATES:
        base = eligible
    elif rule.majority_base == MajorityBase.PRESENT_OR_REPRESENTED:
        base = present_or_represented
    else:
        base = votes_for + votes_against
    required = max(
        1,
        threshold_required(
            base=base,
            numerator=rule.majority_numerator,
            denominator=rule.majority_denominator,
            strict=rule.majority_strict,
        ),
    )
    adopted = votes_for >= required
    comparison = _("plus de") if rule.majority_strict else _("au moins")
    message = _("Adoptée") if adopted else _("Rejetée")
    explanation = _(
        "%(outcome)s : %(for)s pour, %(against)s contre, %(abstain)s abstentions. Majorité "
        "requise : %(cmp)s %(num)s/%(den)s %(base_label)s (%(base)s), soit %(required)s voix pour "
        "(%(rule)s)."
    ) % {
        "outcome": message,
        "for": votes_for,
        "against": votes_against,
        "abstain": votes_abstain,
        "cmp": comparison,
        "num": rule.majority_numerator,
        "den": rule.majority_denominator,
        "base_label": _base_label(rule.majority_base),
        "base": base,
        "required": required,
        "rule": rule.citation,
    }
    return MajorityResult(
        adopted=adopted,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        base=base,
        required=required,
        explanation=explanation,
    )


def proxy_cap(*, associates: int) -> int:
    """Proxies one associate may hold on top of their own vote (loi 78-763, SCOP): 1 below 20
    associates, else 1/20 of the number of associates (rounded down)."""
    if associates < 20:
        return 1
    return associates // 20


# --------------------------------------------------------------------------- presets

TO_CHECK = "à vérifier au regard de vos statuts"


def _r(
    decision_class: str,
    convocation: int,
    quorum: tuple[int, int] | None,
    majority_base: str,
    majority: tuple[int, int],
    strict: bool,
    citation: str,
    **flags: bool,
) -> Rule:
    return Rule(
        decision_class=decision_class,
        convocation=convocation,
        quorum_base=QuorumBase.NONE if quorum is None else QuorumBase.ASSOCIATES,
        quorum_numerator=0 if quorum is None else quorum[0],
        quorum_denominator=1 if quorum is None else quorum[1],
        majority_base=majority_base,
        majority_numerator=majority[0],
        majority_denominator=majority[1],
        majority_strict=strict,
        citation=f"{citation} — {TO_CHECK}",
        **flags,
    )


O, X, E, A = (  # noqa: E741 (short names keep the preset tables readable)
    DecisionClass.ORDINARY,
    DecisionClass.EXTRAORDINARY,
    DecisionClass.ELECTION,
    DecisionClass.ADMISSION,
)
FIRST, SECOND = Convocation.FIRST, Convocation.SECOND
ALL, PRESENT, CAST = (
    MajorityBase.ALL_ASSOCIATES,
    MajorityBase.PRESENT_OR_REPRESENTED,
    MajorityBase.VOTES_CAST,
)
HALF = (1, 2)


@dataclass(frozen=True)
class Preset:
    key: str
    name: str
    convocation_delay_days: int
    second_convocation_delay_days: int
    rules: tuple[Rule, ...]


_SARL = "Statuts types SCOP SARL (CG Scop)"
_SA = "Code de commerce, SA"
_SCIC = "Statuts types SCIC SAS"

PRESETS: dict[str, Preset] = {
    "scop_sarl": Preset(
        key="scop_sarl",
        name="SCOP SARL (modèle CG Scop)",
        convocation_delay_days=15,
        second_convocation_delay_days=6,
        rules=(
            _r(O, FIRST, None, ALL, HALF, True, f"{_SARL}, décisions ordinaires, 1re consultation"),
            _r(O, SECOND, None, PRESENT, HALF, True, f"{_SARL}, décisions ordinaires, 2e"),
            _r(X, FIRST, (3, 4), PRESENT, (3, 4), False, f"{_SARL}, extraordinaires, 1re"),
            _r(X, SECOND, (1, 2), PRESENT, (3, 4), False, f"{_SARL}, extraordinaires, 2e"),
            _r(
                E,
                FIRST,
                None,
                ALL,
                HALF,
                True,
                f"{_SARL}, nomination des gérant·es, 1re",
                secret_ballot_mandatory=True,
            ),
            _r(
                E,
                SECOND,
                None,
                PRESENT,
                HALF,
                True,
                f"{_SARL}, nomination des gérant·es, 2e",
                secret_ballot_mandatory=True,
            ),
            _r(A, FIRST, None, ALL, HALF, True, f"{_SARL} et loi 78-763 art. 7, admission, 1re"),
            _r(
                A, SECOND, None, PRESENT, HALF, True, f"{_SARL} et loi 78-763 art. 7, admission, 2e"
            ),
        ),
    ),
    "scop_sa": Preset(
        key="scop_sa",
        name="SCOP SA",
        convocation_delay_days=15,
        second_convocation_delay_days=10,
        rules=(
            _r(O, FIRST, (1, 5), CAST, HALF, True, f"{_SA}, L.225-98, AGO 1re convocation"),
            _r(O, SECOND, None, CAST, HALF, True, f"{_SA}, L.225-98, AGO 2e convocation"),
            _r(X, FIRST, (1, 4), CAST, (2, 3), False, f"{_SA}, L.225-96, AGE 1re convocation"),
            _r(X, SECOND, (1, 5), CAST, (2, 3), False, f"{_SA}, L.225-96, AGE 2e convocation"),
            _r(E, FIRST, (1, 5), CAST, HALF, True, f"{_SA}, L.225-98, nominations, 1re"),
            _r(E, SECOND, None, CAST, HALF, True, f"{_SA}, L.225-98, nominations, 2e"),
            _r(A, FIRST, (1, 5), CAST, HALF, True, f"{_SA} et loi 78-763 art. 7, admission, 1re"),
            _r(A, SECOND, None, CAST, HALF, True, f"{_SA} et loi 78-763 art. 7, admission, 2e"),
        ),
    ),
    "scic_sas": Preset(
        key="scic_sas",
        name="SCIC SAS",
        convocation_delay_days=15,
        second_convocation_delay_days=10,
        rules=tuple(
            _r(
                cls,
                conv,
                quorum,
                CAST,
                majority,
                strict,
                f"{_SCIC}, {label}",
                written_consultation_allowed=True,
            )
            for cls, conv, quorum, majority, strict, label in (
                (O, FIRST, (1, 5), HALF, True, "décisions ordinaires, 1re"),
                (O, SECOND, None, HALF, True, "décisions ordinaires, 2e"),
                (X, FIRST, (1, 4), (2, 3), False, "décisions extraordinaires, 1re"),
                (X, SECOND, (1, 5), (2, 3), False, "décisions extraordinaires, 2e"),
                (E, FIRST, (1, 5), HALF, True, "nominations, 1re"),
                (E, SECOND, None, HALF, True, "nominations, 2e"),
                (A, FIRST, (1, 5), HALF, True, "admission, 1re"),
                (A, SECOND, None, HALF, True, "admission, 2e"),
            )
        ),
    ),
}


# --------------------------------------------------------------------------- SCIC colleges


@dataclass(frozen=True)
class CollegeTally:
    name: str
    weight: Decimal  # percent of the votes, the colleges' weights total 100
    votes_for: int
    votes_against: int
    votes_abstain: int
    eligible: int


@dataclass(frozen=True)
class WeightedResult:
    adopted: bool
    weighted_for: Fraction  # percent
    weighted_against: Fraction
    explanation: str


def weighted_majority_compute(*, rule: Rule, colleges: list[CollegeTally]) -> WeightedResult:
    """SCIC voting by colleges: each college's result is a share of its own base (votes cast
    without abstentions, or those who voted, or its associates on the roll, per the majority
    base), then weighted by the college's weight. A college with an empty base gives its weight
    to the others in proportion (statuts types SCIC). The resolution is adopted when the
    weighted share "for" meets the threshold. Exact fractions, never floats."""
    parts: list[tuple[CollegeTally, int]] = []
    for college in colleges:
        if rule.majority_base == MajorityBase.VOTES_CAST:
            base = college.votes_for + college.votes_against
        elif rule.majority_base == MajorityBase.PRESENT_OR_REPRESENTED:
            base = college.votes_for + college.votes_against + college.votes_abstain
        else:
            base = college.eligible
        if base > 0:
            parts.append((college, base))
    total_weight = sum((Fraction(c.weight) for c, _b in parts), Fraction(0))
    if total_weight == 0:
        weighted_for = weighted_against = Fraction(0)
    else:
        weighted_for = (
            sum((Fraction(c.weight) * Fraction(c.votes_for, b) for c, b in parts), Fraction(0))
            * 100
            / total_weight
        )
        weighted_against = (
            sum((Fraction(c.weight) * Fraction(c.votes_against, b) for c, b in parts), Fraction(0))
            * 100
            / total_weight
        )
    threshold = Fraction(100 * rule.majority_numerator, rule.majority_denominator)
    adopted = weighted_for > threshold if rule.majority_strict else weighted_for >= threshold
    details = "; ".join(
        _("%(name)s (%(weight)s %%) : %(for)s pour, %(against)s contre, %(abstain)s abstentions")
        % {
            "name": c.name,
            "weight": _percent(Fraction(c.weight)),
            "for": c.votes_for,
            "against": c.votes_against,
            "abstain": c.votes_abstain,
        }
        for c in colleges
    )
    explanation = _(
        "%(outcome)s : vote par collèges pondérés — %(details)s. Résultat pondéré : "
        "%(wfor)s %% pour, %(wagainst)s %% contre. Majorité requise : %(cmp)s %(num)s/%(den)s "
        "%(base_label)s, après pondération (%(rule)s)."
    ) % {
        "outcome": _("Adoptée") if adopted else _("Rejetée"),
        "details": details,
        "wfor": _percent(weighted_for),
        "wagainst": _percent(weighted_against),
        "cmp": _("plus de") if rule.majority_strict else _("au moins"),
        "num": rule.majority_numerator,
        "den": rule.majority_denominator,
        "base_label": _base_label(rule.majority_base),
        "rule": rule.citation,
    }
    return WeightedResult(
        adopted=adopted,
        weighted_for=weighted_for,
        weighted_against=weighted_against,
        explanation=explanation,
    )


def _percent(value: Fraction) -> str:
    """Two decimals, French comma, rounded half up (for display only)."""
    quantized = (Decimal(value.numerator) / Decimal(value.denominator)).quantize(
        Decimal("0.01"), rounding=ROUND_HALF_UP
    )
    return str(quantized).replace(".", ",")


# Public names for the explanations written elsewhere (elections).
base_label = _base_label
percent_text = _percent
