"""Quorum and majority, computed from the cooperative's statute rules. Pure functions: no database.

Every result carries a French explanation that names the rule applied (its citation), so the
minutes can say why a resolution was adopted or rejected. Thresholds are exact fractions, never
floats: "more than 1/2 of 20" needs 11 votes, "at least 3/4 of 10" needs 8.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import Any

from django.utils.translation import gettext as _

from governance.law import SA, SARL, SAS, UNANIMITY_SOURCES, law_for
from governance.models import Convocation, DecisionClass, MajorityBase, ProxyCap, QuorumBase


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
    citation: str  # the source of the numbers: the law, or the model statutes
    written_consultation_allowed: bool = False
    correspondence_allowed: bool = False
    remote_participation_allowed: bool = False
    second_round_if_majority_missed: bool = False
    secret_ballot_mandatory: bool = False
    statutes_article: str = ""

    @classmethod
    def from_model(cls, rule: Any) -> Rule:
        return cls(**{field: getattr(rule, field) for field in cls.__dataclass_fields__})

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rule:
        return cls(**{field: data[field] for field in cls.__dataclass_fields__ if field in data})

    @property
    def reference(self) -> str:
        """What a result cites: the statutes' article, then the source of the numbers."""
        article = self.statutes_article.strip()
        return f"{_('statuts')} {article} ; {self.citation}" if article else self.citation


@dataclass(frozen=True)
class Statutes:
    """A statute profile as it stands (or as frozen at an assembly's convocation): the
    profile-level terms and the rules. Serialised to the assembly's `profile_snapshot`."""

    profile_id: int
    name: str
    legal_form: str
    convocation_delay_days: int
    second_convocation_delay_days: int
    written_answer_delay_days: int
    proxy_cap: str
    proxy_max: int | None
    employee_quota: bool
    automatic_admission: bool
    automatic_admission_months: int | None
    checked_at: str  # ISO date and time of the sign-off, "" when not signed off
    checked_by: int | None
    articles: dict[str, str]
    rules: tuple[Rule, ...]

    def rule(self, *, decision_class: str, convocation: int) -> Rule | None:
        for rule in self.rules:
            if rule.decision_class == decision_class and rule.convocation == convocation:
                return rule
        return None

    def to_dict(self) -> dict[str, Any]:
        data = {field: getattr(self, field) for field in self.__dataclass_fields__}
        data["rules"] = [
            {field: getattr(rule, field) for field in rule.__dataclass_fields__}
            for rule in sorted(self.rules, key=lambda r: (r.decision_class, r.convocation))
        ]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Statutes:
        values = {field: data[field] for field in cls.__dataclass_fields__ if field != "rules"}
        return cls(**values, rules=tuple(Rule.from_dict(rule) for rule in data["rules"]))

    def digest(self) -> str:
        canonical = json.dumps(
            self.to_dict(), ensure_ascii=False, sort_keys=True, separators=(",", ":")
        )
        return hashlib.sha256(canonical.encode()).hexdigest()


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
    # The majority of all associates was missed at a first consultation whose rule calls for a
    # second one (L.223-29 al. 2): neither adopted nor rejected.
    second_round: bool = False


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
            explanation=_("Aucun quorum requis (%(rule)s).") % {"rule": rule.reference},
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
            "rule": rule.reference,
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
    second_round = not adopted and rule.second_round_if_majority_missed
    comparison = _("plus de") if rule.majority_strict else _("au moins")
    message = (
        _("Adoptée")
        if adopted
        else _("Seconde consultation nécessaire")
        if second_round
        else _("Rejetée")
    )
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
        "rule": rule.reference,
    }
    if second_round:
        explanation += " " + _(
            "La majorité de tous les associé·es n'est pas atteinte : les associé·es sont "
            "convoqué·es ou consulté·es une seconde fois (Code de commerce L.223-29 al. 2)."
        )
    return MajorityResult(
        adopted=adopted,
        votes_for=votes_for,
        votes_against=votes_against,
        votes_abstain=votes_abstain,
        base=base,
        required=required,
        explanation=explanation,
        second_round=second_round,
    )


# --------------------------------------------------------------------------- presets
#
# One preset per legal form: the law's floor (`governance.law`) and, where the law leaves the
# numbers to the statutes, the model statutes. Every optional way of taking part (remote
# presence, vote by correspondence, written consultation) is off: the statutes turn it on, and
# the profile then cites their article. A preset is not the cooperative's statutes: the
# managers check it rule by rule and sign it off before the first convocation.


@dataclass(frozen=True)
class Preset:
    key: str  # the legal form (tenancy.LegalForm)
    name: str
    convocation_delay_days: int
    second_convocation_delay_days: int
    written_answer_delay_days: int
    proxy_cap: str
    employee_quota: bool
    rules: tuple[Rule, ...]
    sources: dict[str, str]  # profile-level setting → where its value comes from


O, AC, X, E, A, U = (  # noqa: E741 (short names keep the preset tables readable)
    DecisionClass.ORDINARY,
    DecisionClass.ACCOUNTS,
    DecisionClass.EXTRAORDINARY,
    DecisionClass.ELECTION,
    DecisionClass.ADMISSION,
    DecisionClass.UNANIMITY,
)
FIRST, SECOND = Convocation.FIRST, Convocation.SECOND
ALL, PRESENT, CAST = (
    MajorityBase.ALL_ASSOCIATES,
    MajorityBase.PRESENT_OR_REPRESENTED,
    MajorityBase.VOTES_CAST,
)
HALF = (1, 2)
Quorum = tuple[int, int] | None


def _r(
    decision_class: str,
    convocation: int,
    quorum: Quorum,
    majority_base: str,
    majority: tuple[int, int],
    strict: bool,
    citation: str,
    **flags: Any,
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
        citation=citation,
        **flags,
    )


def _unanimity(source: str) -> tuple[Rule, ...]:
    return tuple(_r(U, c, None, ALL, (1, 1), False, source) for c in (FIRST, SECOND))


def _ordinary_like(
    *,
    first: tuple[Quorum, str, tuple[int, int], bool],
    second: tuple[Quorum, str, tuple[int, int], bool],
    source: str,
    second_round: bool,
    election_secret: bool,
    admission_source: str,
) -> tuple[Rule, ...]:
    """The ordinary decisions, the approval of the accounts, the elections of managers and the
    admission of associates share the ordinary decisions' quorum and majority."""
    rules = []
    for decision_class, label, secret in (
        (O, "décisions ordinaires", False),
        (AC, "approbation des comptes", False),
        (E, "nomination des gérant·es / administrateur·rices", election_secret),
        (A, f"admission, {admission_source}", False),
    ):
        for convocation, (quorum, base, majority, strict) in ((FIRST, first), (SECOND, second)):
            flags = {"secret_ballot_mandatory": secret}
            if convocation == FIRST and second_round:
                flags["second_round_if_majority_missed"] = True
            ordinal = "1re" if convocation == FIRST else "2e"
            rules.append(
                _r(
                    decision_class,
                    convocation,
                    quorum,
                    base,
                    majority,
                    strict,
                    f"{source}, {label}, {ordinal} consultation",
                    **flags,
                )
            )
    return tuple(rules)


def _preset(key: str, name: str, rules: tuple[Rule, ...], **values: Any) -> Preset:
    law = law_for(key)
    return Preset(
        key=key,
        name=name,
        convocation_delay_days=values.get("convocation", law.convocation_delay_days),
        second_convocation_delay_days=values.get("second", law.second_convocation_delay_days),
        written_answer_delay_days=values.get("written", law.written_answer_delay_days),
        proxy_cap=ProxyCap.LAW if law.proxy_cap_required else ProxyCap.NONE,
        employee_quota=law.employee_quota_required,
        rules=rules,
        sources={
            "convocation_delay_days": values.get(
                "convocation_source", law.convocation_delay_source
            ),
            "second_convocation_delay_days": values.get(
                "second_source", law.second_convocation_delay_source
            ),
            "written_answer_delay_days": values.get(
                "written_source", law.written_answer_delay_source
            ),
            "proxy_cap": law.proxy_source,
            "employee_quota": law.employee_quota_source,
            "automatic_admission": law.automatic_admission_source,
            "remote": law.remote_source,
            "remote_technical": law.remote_technical_source,
            "correspondence": law.correspondence_source,
            "written_consultation": law.written_consultation_source,
            "email_consent": law.email_consent_source,
            "second_round": law.second_round_source,
        },
    )


_CG_SCOP_SARL = "Statuts types SCOP SARL (CG Scop)"
_SA_ORDINARY = "Code de commerce L.225-98"
_SA_EXTRA = "Code de commerce L.225-96"
_SCIC_SAS = "Statuts types SCIC SAS"
_SAS_DEFAULT = "Statuts (L.227-9) — par défaut, règles de la SA"
_SA_TABLE = (((1, 5), CAST, HALF, True), (None, CAST, HALF, True))
_SA_EXTRA_TABLE = (((1, 4), CAST, (2, 3), False), ((1, 5), CAST, (2, 3), False))


def _sa_like(
    *, ordinary: str, extra: str, election_secret: bool, admission: str
) -> tuple[Rule, ...]:
    return (
        *_ordinary_like(
            first=_SA_TABLE[0],
            second=_SA_TABLE[1],
            source=ordinary,
            second_round=False,
            election_secret=election_secret,
            admission_source=admission,
        ),
        _r(X, FIRST, *_SA_EXTRA_TABLE[0], f"{extra}, décisions extraordinaires, 1re convocation"),
        _r(X, SECOND, *_SA_EXTRA_TABLE[1], f"{extra}, décisions extraordinaires, 2e convocation"),
    )


PRESETS: dict[str, Preset] = {
    "scop_sarl": _preset(
        "scop_sarl",
        "SCOP SARL",
        (
            *_ordinary_like(
                first=(None, ALL, HALF, True),
                second=(None, PRESENT, HALF, True),
                source=f"{_CG_SCOP_SARL} ; Code de commerce L.223-29",
                second_round=True,
                election_secret=True,
                admission_source="loi 78-763 art. 7",
            ),
            _r(
                X,
                FIRST,
                (3, 4),
                PRESENT,
                (3, 4),
                False,
                f"{_CG_SCOP_SARL} ; Code de commerce "
                "L.223-30, décisions extraordinaires, 1re consultation",
            ),
            _r(
                X,
                SECOND,
                (1, 2),
                PRESENT,
                (3, 4),
                False,
                f"{_CG_SCOP_SARL} ; Code de commerce "
                "L.223-30, décisions extraordinaires, 2e consultation",
            ),
            *_unanimity(UNANIMITY_SOURCES[SARL]),
        ),
    ),
    "scop_sa": _preset(
        "scop_sa",
        "SCOP SA",
        (
            *_sa_like(
                ordinary=_SA_ORDINARY,
                extra=_SA_EXTRA,
                election_secret=False,
                admission="loi 78-763 art. 7",
            ),
            *_unanimity(UNANIMITY_SOURCES[SA]),
        ),
    ),
    "scop_sas": _preset(
        "scop_sas",
        "SCOP SAS",
        (
            *_sa_like(
                ordinary=f"{_SAS_DEFAULT} (L.225-98)",
                extra=f"{_SAS_DEFAULT} (L.225-96)",
                election_secret=False,
                admission="loi 78-763 art. 7",
            ),
            *_unanimity(UNANIMITY_SOURCES[SAS]),
        ),
        convocation=15,
        second=10,
        written=15,
        convocation_source=f"{_SAS_DEFAULT} (R.225-69)",
        second_source=f"{_SAS_DEFAULT} (R.225-69)",
        written_source="Statuts (L.227-9) — par défaut, quinze jours comme en SARL (R.223-22)",
    ),
    "scic_sarl": _preset(
        "scic_sarl",
        "SCIC SARL",
        (
            *_ordinary_like(
                first=(None, ALL, HALF, True),
                second=(None, CAST, HALF, True),
                source="Code de commerce L.223-29",
                second_round=True,
                election_secret=False,
                admission_source="statuts (loi 47-1775 art. 19 septies)",
            ),
            _r(
                X,
                FIRST,
                (1, 4),
                PRESENT,
                (2, 3),
                False,
                "Code de commerce L.223-30 al. 3, décisions extraordinaires, 1re consultation",
            ),
            _r(
                X,
                SECOND,
                (1, 5),
                PRESENT,
                (2, 3),
                False,
                "Code de commerce L.223-30 al. 3, décisions extraordinaires, 2e consultation",
            ),
            *_unanimity(UNANIMITY_SOURCES[SARL]),
        ),
    ),
    "scic_sa": _preset(
        "scic_sa",
        "SCIC SA",
        (
            *_sa_like(
                ordinary=_SA_ORDINARY,
                extra=_SA_EXTRA,
                election_secret=False,
                admission="statuts (loi 47-1775 art. 19 septies)",
            ),
            *_unanimity(UNANIMITY_SOURCES[SA]),
        ),
    ),
    "scic_sas": _preset(
        "scic_sas",
        "SCIC SAS",
        (
            *_sa_like(
                ordinary=_SCIC_SAS,
                extra=_SCIC_SAS,
                election_secret=False,
                admission="statuts (loi 47-1775 art. 19 septies)",
            ),
            *_unanimity(UNANIMITY_SOURCES[SAS]),
        ),
        convocation=15,
        second=10,
        written=15,
        convocation_source=f"{_SCIC_SAS} (L.227-9)",
        second_source=f"{_SCIC_SAS} (L.227-9)",
        written_source=f"{_SCIC_SAS} (L.227-9)",
    ),
}

# --------------------------------------------------------------------------- SCIC colleges


@dataclass(frozen=True)
class CollegeTally:
    name: str
    weight: Fraction  # share of the votes, exact: the colleges' shares add up to 1
    votes_for: int
    votes_against: int
    votes_abstain: int
    eligible: int
    weight_label: str = ""  # the weight as frozen with the roll ("1/3"; "33.33" on older rolls)

    @property
    def weight_percent(self) -> str:
        """For display: the exact share and its percent, "1/3 (33,33 %)"."""
        share = Fraction(self.weight)
        return f"{share.numerator}/{share.denominator} ({_percent(share * 100)} %)"


@dataclass(frozen=True)
class WeightedResult:
    adopted: bool
    weighted_for: Fraction  # percent
    weighted_against: Fraction
    explanation: str
    second_round: bool = False  # see MajorityResult


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
    second_round = not adopted and rule.second_round_if_majority_missed
    details = "; ".join(
        _("%(name)s (%(weight)s %%) : %(for)s pour, %(against)s contre, %(abstain)s abstentions")
        % {
            "name": c.name,
            "weight": _percent(Fraction(c.weight) * 100),
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
        "outcome": _("Adoptée")
        if adopted
        else _("Seconde consultation nécessaire")
        if second_round
        else _("Rejetée"),
        "details": details,
        "wfor": _percent(weighted_for),
        "wagainst": _percent(weighted_against),
        "cmp": _("plus de") if rule.majority_strict else _("au moins"),
        "num": rule.majority_numerator,
        "den": rule.majority_denominator,
        "base_label": _base_label(rule.majority_base),
        "rule": rule.reference,
    }
    return WeightedResult(
        adopted=adopted,
        weighted_for=weighted_for,
        weighted_against=weighted_against,
        explanation=explanation,
        second_round=second_round,
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
