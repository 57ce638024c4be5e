"""What the law itself requires of a cooperative's assemblies, per legal form. Pure data.

A statute profile (`StatuteProfile` and its `StatuteRule` rows) holds the cooperative's own
rules; the statutes may be stricter than the law, never more permissive. This module holds the
law's floor for each legal form (SCOP or SCIC, as a SARL, an SA or an SAS), with the source of
every number, and `statutes_violations` lists what a profile grants beyond it. Sources: loi
47-1775 (coopération), loi 78-763 (SCOP), Code de commerce L.223-27 to L.223-30, L.225-96 to
L.225-107, L.227-9, R.223-20 to R.223-22, R.225-63, R.225-69, R.225-97, Code civil 1836.

Where the law leaves the matter to the statutes (the SAS, L.227-9), the floor is what any
statute must still respect (unanimity where a commitment grows, Code civil 1836).
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from django.utils.translation import gettext as _

from governance.models import DecisionClass, MajorityBase, QuorumBase

SARL, SA, SAS = "sarl", "sa", "sas"
SCOP, SCIC = "scop", "scic"
LEGAL_FORMS = ("scop_sarl", "scop_sa", "scop_sas", "scic_sarl", "scic_sa", "scic_sas")

# How demanding a majority base is: "all associates" counts absent ones against, "present or
# represented" counts abstentions against, "votes cast" counts neither.
BASE_RANK = {
    MajorityBase.VOTES_CAST: 1,
    MajorityBase.PRESENT_OR_REPRESENTED: 2,
    MajorityBase.ALL_ASSOCIATES: 3,
}


def family_of(legal_form: str) -> str:
    return legal_form.split("_", 1)[0]


def company_of(legal_form: str) -> str:
    return legal_form.split("_", 1)[1]


@dataclass(frozen=True)
class Floor:
    """The least a rule may require: quorum (None: the law requires none) and majority."""

    quorum: Fraction | None
    majority_base: str
    majority: Fraction
    strict: bool
    source: str


@dataclass(frozen=True)
class FormLaw:
    legal_form: str
    convocation_delay_days: int
    convocation_delay_source: str
    second_convocation_delay_days: int
    second_convocation_delay_source: str
    written_consultation_possible: bool
    written_consultation_source: str
    written_answer_delay_days: int
    written_answer_delay_source: str
    remote_needs_statutes: bool
    remote_source: str
    remote_technical_source: str
    remote_excluded: tuple[str, ...]  # decision classes never taken with remote presence
    remote_excluded_source: str
    correspondence_source: str
    email_consent_lead_days: int  # written consent to e-mail convocation, days before
    email_consent_source: str
    proxy_cap_required: bool
    proxy_source: str
    employee_quota_required: bool
    employee_quota_source: str
    automatic_admission_possible: bool
    automatic_admission_source: str
    second_round_source: str
    floors: dict[tuple[str, int], Floor]

    @property
    def family(self) -> str:
        return family_of(self.legal_form)

    @property
    def company(self) -> str:
        return company_of(self.legal_form)


HALF = Fraction(1, 2)
ALL, PRESENT, CAST = (
    MajorityBase.ALL_ASSOCIATES,
    MajorityBase.PRESENT_OR_REPRESENTED,
    MajorityBase.VOTES_CAST,
)
ORDINARY_LIKE = (
    DecisionClass.ORDINARY,
    DecisionClass.ACCOUNTS,
    DecisionClass.ELECTION,
    DecisionClass.ADMISSION,
)
UNANIMITY_SOURCES = {
    SARL: "Code civil 1836 al. 2 ; Code de commerce L.223-30 al. 1",
    SA: "Code civil 1836 al. 2 ; Code de commerce L.225-96 al. 1",
    SAS: "Code civil 1836 al. 2 ; Code de commerce L.227-19",
}


def _floors(company: str) -> dict[tuple[str, int], Floor]:
    unanimity = Floor(None, ALL, Fraction(1), False, UNANIMITY_SOURCES[company])
    floors: dict[tuple[str, int], Floor] = {(DecisionClass.UNANIMITY, c): unanimity for c in (1, 2)}
    if company == SARL:
        first = Floor(None, ALL, HALF, True, "Code de commerce L.223-29 al. 1")
        second = Floor(None, CAST, HALF, True, "Code de commerce L.223-29 al. 2")
        for decision_class in ORDINARY_LIKE:
            floors[(decision_class, 1)] = first
            floors[(decision_class, 2)] = second
        floors[(DecisionClass.EXTRAORDINARY, 1)] = Floor(
            Fraction(1, 4), PRESENT, Fraction(2, 3), False, "Code de commerce L.223-30 al. 3"
        )
        floors[(DecisionClass.EXTRAORDINARY, 2)] = Floor(
            Fraction(1, 5), PRESENT, Fraction(2, 3), False, "Code de commerce L.223-30 al. 3"
        )
    elif company == SA:
        for decision_class in ORDINARY_LIKE:
            floors[(decision_class, 1)] = Floor(
                Fraction(1, 5), CAST, HALF, True, "Code de commerce L.225-98"
            )
            floors[(decision_class, 2)] = Floor(None, CAST, HALF, True, "Code de commerce L.225-98")
        floors[(DecisionClass.EXTRAORDINARY, 1)] = Floor(
            Fraction(1, 4), CAST, Fraction(2, 3), False, "Code de commerce L.225-96"
        )
        floors[(DecisionClass.EXTRAORDINARY, 2)] = Floor(
            Fraction(1, 5), CAST, Fraction(2, 3), False, "Code de commerce L.225-96"
        )
    # SAS: the statutes set quorum and majority (L.227-9), unanimity aside.
    return floors


def _law(legal_form: str) -> FormLaw:
    family, company = family_of(legal_form), company_of(legal_form)
    scop = family == SCOP
    return FormLaw(
        legal_form=legal_form,
        convocation_delay_days={SARL: 15, SA: 15, SAS: 0}[company],
        convocation_delay_source={
            SARL: "Code de commerce R.223-20 al. 1",
            SA: "Code de commerce R.225-69",
            SAS: "Code de commerce L.227-9 (fixé par les statuts)",
        }[company],
        second_convocation_delay_days={SARL: 15, SA: 10, SAS: 0}[company],
        second_convocation_delay_source={
            SARL: "Code de commerce R.223-20 al. 1 (toute convocation)",
            SA: "Code de commerce R.225-69",
            SAS: "Code de commerce L.227-9 (fixé par les statuts)",
        }[company],
        written_consultation_possible=company != SA,
        written_consultation_source={
            SARL: "Code de commerce L.223-27 al. 1 (si les statuts le prévoient)",
            SA: "Code de commerce L.225-96 à L.225-107 : pas de consultation écrite en SA",
            SAS: "Code de commerce L.227-9 (si les statuts le prévoient)",
        }[company],
        written_answer_delay_days={SARL: 15, SA: 0, SAS: 0}[company],
        written_answer_delay_source={
            SARL: "Code de commerce R.223-22 (quinze jours au moins à compter de la réception)",
            SA: "—",
            SAS: "Code de commerce L.227-9 (fixé par les statuts)",
        }[company],
        remote_needs_statutes=company != SA,
        remote_source={
            SARL: "Loi 47-1775 art. 10 ; Code de commerce L.223-27 al. 3 (si les statuts le "
            "prévoient)",
            SA: "Code de commerce L.225-107 II (loi 2024-537 : sans clause statutaire)",
            SAS: "Loi 47-1775 art. 10 ; Code de commerce L.227-9 (si les statuts le prévoient)",
        }[company],
        remote_technical_source={
            SARL: "Code de commerce R.223-20-1 (voix et retransmission continue et simultanée)",
            SA: "Code de commerce R.225-97 (voix et retransmission continue et simultanée)",
            SAS: "Code de commerce R.225-97 (voix et retransmission continue et simultanée)",
        }[company],
        remote_excluded=(DecisionClass.ACCOUNTS,) if company == SARL else (),
        remote_excluded_source="Code de commerce L.223-27 al. 3 : jamais pour l'approbation des "
        "comptes d'une SARL",
        correspondence_source={
            SARL: "Loi 47-1775 art. 10 ; Code de commerce L.223-27 (si les statuts le prévoient)",
            SA: "Loi 47-1775 art. 10 ; Code de commerce L.225-107 I (formulaire)",
            SAS: "Loi 47-1775 art. 10 (si les statuts le prévoient)",
        }[company],
        email_consent_lead_days=20 if company == SARL else 0,
        email_consent_source={
            SARL: "Code de commerce R.223-20 al. 2 et 3 (accord écrit vingt jours au moins avant "
            "l'assemblée, sinon lettre recommandée)",
            SA: "Code de commerce R.225-63 (accord écrit préalable, sinon envoi postal)",
            SAS: "Code de commerce L.227-9 et R.225-63 (accord écrit préalable)",
        }[company],
        proxy_cap_required=scop,
        proxy_source="Loi 78-763 art. 14 : un pouvoir au plus sous 20 associé·es, 1/20 au-delà"
        if scop
        else {
            SARL: "Code de commerce L.223-28 : pas de plafond légal",
            SA: "Code de commerce L.225-106 : pas de plafond légal",
            SAS: "Code de commerce L.227-9 : pas de plafond légal",
        }[company],
        employee_quota_required=scop,
        employee_quota_source="Loi 78-763 art. 15 : deux tiers au moins des mandats aux "
        "associé·es salarié·es"
        if scop
        else "—",
        automatic_admission_possible=scop,
        automatic_admission_source="Loi 78-763 art. 8 (si les statuts le prévoient)"
        if scop
        else "—",
        second_round_source="Code de commerce L.223-29 al. 2 (sauf stipulation contraire des "
        "statuts)"
        if company == SARL
        else "—",
        floors=_floors(company),
    )


LAW: dict[str, FormLaw] = {form: _law(form) for form in LEGAL_FORMS}


def law_for(legal_form: str) -> FormLaw:
    if legal_form not in LAW:
        raise KeyError(legal_form)
    return LAW[legal_form]


def proxy_law_cap(*, associates: int) -> int:
    """Proxies one associate may hold on top of their own vote in a SCOP (loi 78-763 art. 14):
    one below 20 associates, else 1/20 of the number of associates, rounded down."""
    if associates < 20:
        return 1
    return associates // 20


# --------------------------------------------------------------------------- validation


@dataclass(frozen=True)
class RuleTerms:
    """What `statutes_violations` reads of one rule (a `StatuteRule` or a preset's `Rule`)."""

    decision_class: str
    convocation: int
    quorum_base: str
    quorum_numerator: int
    quorum_denominator: int
    majority_base: str
    majority_numerator: int
    majority_denominator: int
    majority_strict: bool
    written_consultation_allowed: bool
    correspondence_allowed: bool
    remote_participation_allowed: bool
    second_round_if_majority_missed: bool
    statutes_article: str


@dataclass(frozen=True)
class ProfileTerms:
    legal_form: str
    convocation_delay_days: int
    second_convocation_delay_days: int
    written_answer_delay_days: int
    proxy_cap: str
    proxy_max: int | None
    proxy_article: str
    employee_quota: bool
    automatic_admission: bool
    automatic_admission_months: int | None
    automatic_admission_article: str


def _class_label(decision_class: str, convocation: int) -> str:
    labels = dict(DecisionClass.choices)
    return _("%(class)s, %(convocation)s") % {
        "class": labels.get(decision_class, decision_class),
        "convocation": _("1re convocation") if convocation == 1 else _("2e convocation"),
    }


def _fraction(numerator: int, denominator: int) -> Fraction:
    return Fraction(numerator, denominator or 1)


# Long on purpose: one check per article of the law, in the law's order, each with its source.
def rule_violations(*, law: FormLaw, rule: RuleTerms) -> list[str]:
    """French messages, one per point where `rule` is more permissive than the law."""
    where = _class_label(rule.decision_class, rule.convocation)
    problems = []
    floor = law.floors.get((rule.decision_class, rule.convocation))
    if floor is not None:
        if floor.quorum is not None:
            quorum = (
                Fraction(0)
                if rule.quorum_base == QuorumBase.NONE
                else _fraction(rule.quorum_numerator, rule.quorum_denominator)
            )
            if quorum < floor.quorum:
                problems.append(
                    _("%(where)s : la loi impose un quorum d'au moins %(floor)s (%(source)s).")
                    % {"where": where, "floor": floor.quorum, "source": floor.source}
                )
        majority = _fraction(rule.majority_numerator, rule.majority_denominator)
        weaker = (
            BASE_RANK[MajorityBase(rule.majority_base)]
            < BASE_RANK[MajorityBase(floor.majority_base)]
            or majority < floor.majority
            or (majority == floor.majority and floor.strict and not rule.majority_strict)
        )
        if weaker:
            problems.append(
                _(
                    "%(where)s : la loi impose une majorité d'%(cmp)s %(floor)s %(base)s "
                    "(%(source)s)."
                )
                % {
                    "where": where,
                    "cmp": _("au moins") if not floor.strict else _("plus de"),
                    "floor": floor.majority,
                    "base": dict(MajorityBase.choices)[floor.majority_base].lower(),
                    "source": floor.source,
                }
            )
    article = rule.statutes_article.strip()
    if rule.written_consultation_allowed:
        if not law.written_consultation_possible:
            problems.append(
                _("%(where)s : pas de consultation écrite dans cette forme (%(source)s).")
                % {"where": where, "source": law.written_consultation_source}
            )
        elif not article:
            problems.append(
                _(
                    "%(where)s : citez l'article des statuts qui admet la consultation écrite "
                    "(%(source)s)."
                )
                % {"where": where, "source": law.written_consultation_source}
            )
    if rule.remote_participation_allowed:
        if rule.decision_class in law.remote_excluded:
            problems.append(
                _("%(where)s : la participation à distance est exclue (%(source)s).")
                % {"where": where, "source": law.remote_excluded_source}
            )
        elif law.remote_needs_statutes and not article:
            problems.append(
                _(
                    "%(where)s : citez l'article des statuts qui admet la participation à "
                    "distance (%(source)s)."
                )
                % {"where": where, "source": law.remote_source}
            )
    if rule.correspondence_allowed and not article:
        problems.append(
            _(
                "%(where)s : citez l'article des statuts qui admet le vote par correspondance "
                "(%(source)s)."
            )
            % {"where": where, "source": law.correspondence_source}
        )
    if rule.second_round_if_majority_missed and (
        rule.convocation != 1 or rule.majority_base != MajorityBase.ALL_ASSOCIATES
    ):
        problems.append(
            _(
                "%(where)s : la seconde consultation ne suit qu'une première consultation à la "
                "majorité de tous les associé·es."
            )
            % {"where": where}
        )
    return problems


def profile_violations(*, terms: ProfileTerms) -> list[str]:
    law = law_for(terms.legal_form)
    problems = []
    if terms.convocation_delay_days < law.convocation_delay_days:
        problems.append(
            _("Délai de convocation : %(days)s jours au moins (%(source)s).")
            % {"days": law.convocation_delay_days, "source": law.convocation_delay_source}
        )
    if terms.second_convocation_delay_days < law.second_convocation_delay_days:
        problems.append(
            _("Délai de seconde convocation : %(days)s jours au moins (%(source)s).")
            % {
                "days": law.second_convocation_delay_days,
                "source": law.second_convocation_delay_source,
            }
        )
    if terms.written_answer_delay_days < law.written_answer_delay_days:
        problems.append(
            _("Délai de réponse à une consultation écrite : %(days)s jours au moins (%(source)s).")
            % {"days": law.written_answer_delay_days, "source": law.written_answer_delay_source}
        )
    if law.proxy_cap_required and terms.proxy_cap != "law":
        problems.append(
            _("Pouvoirs : le plafond légal des SCOP s'applique (%(source)s).")
            % {"source": law.proxy_source}
        )
    if terms.proxy_max is not None and terms.proxy_max < 1:
        problems.append(_("Pouvoirs : un plafond statutaire est d'au moins un pouvoir."))
    if terms.proxy_cap == "statutes" and terms.proxy_max is None:
        problems.append(_("Pouvoirs : indiquez le plafond que fixent les statuts."))
    if terms.proxy_max is not None and not terms.proxy_article.strip():
        problems.append(_("Pouvoirs : citez l'article des statuts qui fixe le plafond."))
    if law.employee_quota_required and not terms.employee_quota:
        problems.append(
            _("Mandats : le quota d'associé·es salarié·es s'applique (%(source)s).")
            % {"source": law.employee_quota_source}
        )
    if terms.automatic_admission:
        if not law.automatic_admission_possible:
            problems.append(
                _(
                    "L'admission de plein droit des salarié·es est propre aux SCOP "
                    "(loi 78-763 art. 8)."
                )
            )
        elif not terms.automatic_admission_article.strip():
            problems.append(
                _(
                    "Admission de plein droit : citez l'article des statuts qui la prévoit "
                    "(%(source)s)."
                )
                % {"source": law.automatic_admission_source}
            )
        if terms.automatic_admission_months is None:
            problems.append(
                _("Admission de plein droit : indiquez l'ancienneté requise (en mois).")
            )
    return problems
