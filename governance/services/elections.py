"""Elections of managers (gérant·es, administrateur·rices): candidacies and the count.

An election is a `Resolution` of the class "election" with a number of seats. Candidates are
associates on the assembly's frozen roll. The vote reuses the unlinked secret ballot: one
`Ballot` per voter (choice "for" when it names someone, "abstain" when blank) and one
`BallotMark` per name ticked, neither carrying a voter nor a time. At close each candidate's
marks are counted against the statute rule of the election (the same majority as any
resolution: a candidate needs the required number of votes); the best placed fill the seats.
In a SCOP (`employee_quota`), at least two thirds of the mandates of the body must be held by
employee associates (loi 78-763 art. 15): the quota is checked on the whole body after the
election, those elected together with the members whose mandates go on (`continuing_employees`,
`continuing_others` on the resolution). Non-employees are admitted in vote order only while the
body keeps that share.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from fractions import Fraction

from django.db import transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    Assembly,
    AssociateCategory,
    AuditEvent,
    BallotMark,
    Candidacy,
    Choice,
    DecisionClass,
    MajorityBase,
    Resolution,
    RollEntry,
)
from governance.rules import Rule, base_label, majority_compute, percent_text
from governance.services.audit import audit_record
from perspectives.core.exceptions import ApplicationError

EMPLOYEE_QUOTA_CITATION = (
    "loi 78-763 art. 15 : deux tiers au moins des mandats aux associé·es salarié·es"
)


@transaction.atomic
def candidacy_file(*, resolution: Resolution, entry: RollEntry) -> Candidacy:
    """File an associate's candidacy, before the vote opens."""
    resolution = Resolution.objects.select_for_update().get(pk=resolution.pk)
    if resolution.decision_class != DecisionClass.ELECTION:
        raise ApplicationError(_("Cette résolution n'est pas une élection."))
    if resolution.status != Resolution.Status.PENDING:
        raise ApplicationError(_("Les candidatures sont closes une fois le vote ouvert."))
    entry = RollEntry.objects.select_related("associate").get(pk=entry.pk)
    if entry.assembly_id != resolution.assembly_id:
        raise ApplicationError(
            _("Seul·e un·e associé·e inscrit·e sur la liste d'émargement peut être candidat·e.")
        )
    if entry.associate.exited_on is not None:
        raise ApplicationError(
            _("%(name)s n'est plus associé·e : candidature impossible.") % {"name": entry.full_name}
        )
    existing = Candidacy.objects.filter(resolution=resolution, entry=entry).first()
    if existing is not None and existing.withdrawn_at is not None:
        raise ApplicationError(
            _("%(name)s a retiré sa candidature à cette élection.") % {"name": entry.full_name}
        )
    if existing is not None:
        raise ApplicationError(_("%(name)s est déjà candidat·e.") % {"name": entry.full_name})
    candidacy: Candidacy = Candidacy.objects.create(
        cooperative_id=resolution.cooperative_id,
        resolution=resolution,
        entry=entry,
        employee=entry.associate.category == AssociateCategory.EMPLOYEE,
    )
    return candidacy


def election_marks_check(*, resolution: Resolution, choice: str, candidates: list[int]) -> None:
    """A ballot names between one candidate and the number of seats, or is blank (abstain)."""
    if choice == Choice.AGAINST:
        raise ApplicationError(_("Dans une élection, cochez des noms ou votez blanc."))
    if len(set(candidates)) != len(candidates):
        raise ApplicationError(_("Un même nom ne peut être coché deux fois."))
    if choice == Choice.ABSTAIN and candidates:
        raise ApplicationError(_("Un bulletin blanc ne coche aucun nom."))
    if choice == Choice.FOR and not candidates:
        raise ApplicationError(_("Cochez au moins un nom, ou votez blanc."))
    if len(candidates) > resolution.seats:
        raise ApplicationError(_("Cochez au plus %(seats)s nom(s).") % {"seats": resolution.seats})
    known = set(
        resolution.candidacies.filter(pk__in=candidates, withdrawn_at__isnull=True).values_list(
            "pk", flat=True
        )
    )
    if known != set(candidates):
        raise ApplicationError(_("Candidat·e inconnu·e dans cette élection."))


@dataclass(frozen=True)
class ElectionResult:
    elected: list[int]  # candidacy ids, best placed first
    votes: dict[int, int]
    explanation: str
    shares: dict[int, Fraction] = field(default_factory=dict)  # SCIC: weighted, in percent


# Long on purpose: the election's rules applied in order (majority, seats by votes, a tie for
# the last seat, the employee quota on the whole body).
def election_compute(
    *,
    rule: Rule,
    seats: int,
    employee_quota: bool,
    candidates: list[tuple[int, str, bool, int]],
    eligible: int,
    present_or_represented: int,
    ballots_named: int,
    ballots_blank: int,
    shares: dict[int, Fraction] | None = None,
    continuing_employees: int = 0,
    continuing_others: int = 0,
) -> ElectionResult:
    """Pure: `candidates` are (candidacy id, name, employee, votes). A candidate needs the
    majority of the rule; seats go by votes; a tie for the last seat leaves it empty (the
    assembly votes again); the SCOP quota admits a non-employee only while at least two thirds
    of the whole body (those elected and the continuing members) stay employees. With `shares`
    (SCIC colleges: each candidate's weighted share of the votes, in percent), the majority
    and the ranking apply to those shares."""
    lines: list[str] = []
    qualified: list[tuple[int, str, bool, int]] = []
    required = 0

    def score(c: tuple[int, str, bool, int]) -> Fraction:
        return shares[c[0]] if shares is not None else Fraction(c[3])

    threshold = Fraction(100 * rule.majority_numerator, rule.majority_denominator)
    for candidate in sorted(candidates, key=lambda c: (-score(c), c[1])):
        if shares is not None:
            share = shares[candidate[0]]
            adopted = share > threshold if rule.majority_strict else share >= threshold
        else:
            majority = majority_compute(
                rule=rule,
                eligible=eligible,
                present_or_represented=present_or_represented,
                votes_for=candidate[3],
                votes_against=ballots_named - candidate[3],
                votes_abstain=ballots_blank,
            )
            required = majority.required
            adopted = majority.adopted
        if adopted:
            qualified.append(candidate)
    elected: list[tuple[int, str, bool, int]] = []
    skipped: list[str] = []
    for index, candidate in enumerate(qualified):
        if len(elected) == seats:
            break
        tied = [c for c in qualified[index:] if score(c) == score(candidate)]
        if len(elected) + len(tied) > seats:
            lines.append(
                _("Égalité de voix pour le dernier siège entre %(names)s : siège non pourvu.")
                % {"names": ", ".join(c[1] for c in tied)}
            )
            break
        if employee_quota and not candidate[2]:
            employees = sum(1 for c in elected if c[2])
            # The seats still open can all go to employees: the final set must keep 2/3.
            final_size = len(elected) + 1 + sum(1 for c in qualified[index + 1 :] if c[2])
            final_size = min(final_size, seats)
            final_employees = employees + (final_size - len(elected) - 1)
            body_employees = continuing_employees + final_employees
            body_size = continuing_employees + continuing_others + final_size
            if 3 * body_employees < 2 * body_size:
                skipped.append(candidate[1])
                continue
        elected.append(candidate)
    body_employees = continuing_employees + sum(1 for c in elected if c[2])
    body_size = continuing_employees + continuing_others + len(elected)
    ordered = sorted(candidates, key=lambda c: (-score(c), c[1]))
    if shares is not None:
        votes_text = ", ".join(
            _("%(name)s %(votes)s voix, %(share)s %% pondéré")
            % {"name": c[1], "votes": c[3], "share": percent_text(shares[c[0]])}
            for c in ordered
        )
        head = _(
            "%(seats)s siège(s), %(named)s bulletin(s) exprimé(s), %(blank)s blanc(s), vote par "
            "collèges pondérés : %(votes)s. Majorité requise par candidat·e : %(cmp)s "
            "%(num)s/%(den)s %(base_label)s, après pondération (%(rule)s)."
        ) % {
            "seats": seats,
            "named": ballots_named,
            "blank": ballots_blank,
            "votes": votes_text or _("aucun·e candidat·e"),
            "cmp": _("plus de") if rule.majority_strict else _("au moins"),
            "num": rule.majority_numerator,
            "den": rule.majority_denominator,
            "base_label": base_label(rule.majority_base),
            "rule": rule.reference,
        }
    else:
        votes_text = ", ".join(
            _("%(name)s %(votes)s voix") % {"name": c[1], "votes": c[3]} for c in ordered
        )
        head = _(
            "%(seats)s siège(s), %(named)s bulletin(s) exprimé(s), %(blank)s blanc(s) : "
            "%(votes)s. Majorité requise par candidat·e : %(required)s voix (%(rule)s)."
        ) % {
            "seats": seats,
            "named": ballots_named,
            "blank": ballots_blank,
            "votes": votes_text or _("aucun·e candidat·e"),
            "required": required,
            "rule": rule.reference,
        }
    parts = [head]
    if elected:
        parts.append(_("Élu·es : %(names)s.") % {"names": ", ".join(c[1] for c in elected)})
    else:
        parts.append(_("Aucun·e élu·e."))
    if skipped:
        parts.append(
            _("Non élu·es pour respecter les deux tiers de salarié·es (%(rule)s) : %(names)s.")
            % {"names": ", ".join(skipped), "rule": EMPLOYEE_QUOTA_CITATION}
        )
    if employee_quota and body_size:
        kept = (
            _(" dont %(continuing)s mandat(s) en cours conservé(s)")
            % {"continuing": continuing_employees + continuing_others}
            if continuing_employees + continuing_others
            else ""
        )
        if 3 * body_employees >= 2 * body_size:
            parts.append(
                _(
                    "Deux tiers au moins de salarié·es dans l'organe après l'élection : "
                    "%(employees)s sur %(size)s%(kept)s, respecté (%(rule)s)."
                )
                % {
                    "employees": body_employees,
                    "size": body_size,
                    "kept": kept,
                    "rule": EMPLOYEE_QUOTA_CITATION,
                }
            )
        else:
            # Only the mandates that go on can leave the body short: no non-employee was
            # elected beyond the quota.
            parts.append(
                _(
                    "Deux tiers de salarié·es non atteints dans l'organe après l'élection : "
                    "%(employees)s sur %(size)s%(kept)s (%(rule)s) : complétez-le par des "
                    "associé·es salarié·es."
                )
                % {
                    "employees": body_employees,
                    "size": body_size,
                    "kept": kept,
                    "rule": EMPLOYEE_QUOTA_CITATION,
                }
            )
    parts.extend(lines)
    return ElectionResult(
        elected=[c[0] for c in elected],
        votes={c[0]: c[3] for c in candidates},
        explanation=" ".join(parts),
        shares=dict(shares or {}),
    )


def election_count(
    *,
    resolution: Resolution,
    assembly: Assembly,
    rule: Rule,
    present_or_represented: int,
    blank_proxies: dict[str, int],
    weights: dict[str, Fraction] | None = None,
) -> ElectionResult:
    """Count the marks of a (locked, still open) election and compute its result.

    Blank proxies (`blank_proxies`, per college name, "" without colleges) count as blank
    ballots: a blank proxy carries no choice of persons, and naming managers on someone's behalf
    would go against the personal, secret ballot the statutes require for their election
    (documented decision; L.225-106's rule on blank proxies speaks of draft resolutions).
    With SCIC `weights`, each candidate's share is weighted by college like any resolution."""
    candidacies = list(
        resolution.candidacies.filter(withdrawn_at__isnull=True).select_related("entry")
    )
    marks = dict(
        resolution.candidacies.filter(withdrawn_at__isnull=True)
        .annotate(n=Count("marks"))
        .values_list("pk", "n")
    )
    candidates = [(c.pk, c.entry.full_name, c.employee, marks.get(c.pk, 0)) for c in candidacies]
    named = resolution.ballots.filter(choice=Choice.FOR).count()
    blank = resolution.ballots.filter(choice=Choice.ABSTAIN).count() + sum(blank_proxies.values())
    shares = None
    if weights is not None:
        shares = election_weighted_shares(
            resolution=resolution,
            assembly=assembly,
            rule=rule,
            weights=weights,
            blank_proxies=blank_proxies,
            candidacy_ids=[c.pk for c in candidacies],
        )
    return election_compute(
        rule=rule,
        seats=resolution.seats,
        employee_quota=resolution.employee_quota,
        candidates=candidates,
        eligible=assembly.roll_size,
        present_or_represented=present_or_represented,
        ballots_named=named,
        ballots_blank=blank,
        shares=shares,
        continuing_employees=resolution.continuing_employees,
        continuing_others=resolution.continuing_others,
    )


def election_weighted_shares(
    *,
    resolution: Resolution,
    assembly: Assembly,
    rule: Rule,
    weights: dict[str, Fraction],
    blank_proxies: dict[str, int],
    candidacy_ids: list[int],
) -> dict[int, Fraction]:
    """Each candidate's share (percent) of the votes, college by college, weighted: in a
    college, the candidate's marks over the college's base (named ballots for "votes cast", all
    its ballots and blank proxies for "present or represented", its associates on the roll for
    "all"), times the college's weight; colleges with an empty base give their weight to the
    others in proportion (as for resolutions). Exact fractions."""
    named: dict[str, int] = dict.fromkeys(weights, 0)
    present: dict[str, int] = {name: blank_proxies.get(name, 0) for name in weights}
    for name, choice, n in (
        resolution.ballots.values_list("college_name", "choice")
        .annotate(n=Count("id"))
        .values_list("college_name", "choice", "n")
    ):
        if name not in weights:
            raise ApplicationError(_("Anomalie : bulletin sans collège dans un vote par collèges."))
        present[name] += n
        if choice == Choice.FOR:
            named[name] += n
    eligible = dict(
        RollEntry.objects.filter(assembly=assembly)
        .values("college_name")
        .annotate(n=Count("id"))
        .values_list("college_name", "n")
    )
    bases = {
        name: named[name]
        if rule.majority_base == MajorityBase.VOTES_CAST
        else present[name]
        if rule.majority_base == MajorityBase.PRESENT_OR_REPRESENTED
        else eligible.get(name, 0)
        for name in weights
    }
    counted = {name: Fraction(weights[name]) for name in weights if bases[name] > 0}
    total = sum(counted.values(), Fraction(0))
    marks: dict[tuple[int, str], int] = {
        (candidacy_id, name): n
        for candidacy_id, name, n in BallotMark.objects.filter(resolution=resolution)
        .values_list("candidacy_id", "ballot__college_name")
        .annotate(n=Count("id"))
        .values_list("candidacy_id", "ballot__college_name", "n")
    }
    return {
        candidacy_id: (
            sum(
                (
                    weight * Fraction(marks.get((candidacy_id, name), 0), bases[name])
                    for name, weight in counted.items()
                ),
                Fraction(0),
            )
            * 100
            / total
            if total
            else Fraction(0)
        )
        for candidacy_id in candidacy_ids
    }


@transaction.atomic
def candidacy_withdraw(*, candidacy: Candidacy, now: datetime | None = None) -> Candidacy:
    """Withdraw a candidacy before the vote opens (it stays listed as withdrawn)."""
    resolution = Resolution.objects.select_for_update().get(pk=candidacy.resolution_id)
    candidacy = Candidacy.objects.select_for_update().select_related("entry").get(pk=candidacy.pk)
    if resolution.status != Resolution.Status.PENDING:
        raise ApplicationError(_("Le vote est ouvert : une candidature ne se retire plus."))
    if candidacy.withdrawn_at is not None:
        raise ApplicationError(_("Cette candidature est déjà retirée."))
    candidacy.withdrawn_at = now or timezone.now()
    candidacy.save(update_fields=["withdrawn_at"])
    audit_record(
        kind=AuditEvent.Kind.CANDIDACY_WITHDRAWN,
        assembly=resolution.assembly,
        payload={"resolution": resolution.pk, "candidacy": candidacy.pk},
    )
    return candidacy
