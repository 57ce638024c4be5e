"""Elections of managers (gérant·es, administrateur·rices): candidacies and the count.

An election is a `Resolution` of the class "election" with a number of seats. Candidates are
associates on the assembly's frozen roll. The vote reuses the unlinked secret ballot: one
`Ballot` per voter (choice "for" when it names someone, "abstain" when blank) and one
`BallotMark` per name ticked, neither carrying a voter nor a time. At close each candidate's
marks are counted against the statute rule of the election (the same majority as any
resolution: a candidate needs the required number of votes); the best placed fill the seats.
In a SCOP (`employee_quota`), at least two thirds of those elected must be employee
associates: non-employees are admitted in vote order only while the elected set keeps that
share, and the database checks the final set.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from governance.models import (
    Assembly,
    AssociateCategory,
    Candidacy,
    Choice,
    DecisionClass,
    Resolution,
    RollEntry,
)
from governance.rules import Rule, majority_compute
from perspectives.core.exceptions import ApplicationError

EMPLOYEE_QUOTA_CITATION = "loi 78-763, statuts types CG Scop : deux tiers des gérant·es salarié·es"


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
    if Candidacy.objects.filter(resolution=resolution, entry=entry).exists():
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
    known = set(resolution.candidacies.filter(pk__in=candidates).values_list("pk", flat=True))
    if known != set(candidates):
        raise ApplicationError(_("Candidat·e inconnu·e dans cette élection."))


@dataclass(frozen=True)
class ElectionResult:
    elected: list[int]  # candidacy ids, best placed first
    votes: dict[int, int]
    explanation: str


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
) -> ElectionResult:
    """Pure: `candidates` are (candidacy id, name, employee, votes). A candidate needs the
    majority of the rule; seats go by votes; a tie for the last seat leaves it empty (the
    assembly votes again); the SCOP quota admits a non-employee only while at least two thirds
    of the elected set stay employees."""
    lines: list[str] = []
    qualified: list[tuple[int, str, bool, int]] = []
    required = 0
    for candidacy_id, name, employee, votes in sorted(candidates, key=lambda c: (-c[3], c[1])):
        majority = majority_compute(
            rule=rule,
            eligible=eligible,
            present_or_represented=present_or_represented,
            votes_for=votes,
            votes_against=ballots_named - votes,
            votes_abstain=ballots_blank,
        )
        required = majority.required
        if majority.adopted:
            qualified.append((candidacy_id, name, employee, votes))
    elected: list[tuple[int, str, bool, int]] = []
    skipped: list[str] = []
    for index, candidate in enumerate(qualified):
        if len(elected) == seats:
            break
        tied = [c for c in qualified[index:] if c[3] == candidate[3]]
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
            if 3 * final_employees < 2 * final_size:
                skipped.append(candidate[1])
                continue
        elected.append(candidate)
    if employee_quota:
        employees = sum(1 for c in elected if c[2])
        if 3 * employees < 2 * len(elected):  # defensive: never happens with the loop above
            raise ApplicationError(_("Anomalie : quota de salarié·es non respecté."))
    votes_text = ", ".join(
        _("%(name)s %(votes)s voix") % {"name": c[1], "votes": c[3]}
        for c in sorted(candidates, key=lambda c: (-c[3], c[1]))
    )
    head = _(
        "%(seats)s siège(s), %(named)s bulletin(s) exprimé(s), %(blank)s blanc(s) : %(votes)s. "
        "Majorité requise par candidat·e : %(required)s voix (%(rule)s)."
    ) % {
        "seats": seats,
        "named": ballots_named,
        "blank": ballots_blank,
        "votes": votes_text or _("aucun·e candidat·e"),
        "required": required,
        "rule": rule.citation,
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
    elif employee_quota:
        parts.append(
            _("Deux tiers au moins de salarié·es parmi les élu·es : respecté (%(rule)s).")
            % {"rule": EMPLOYEE_QUOTA_CITATION}
        )
    parts.extend(lines)
    return ElectionResult(
        elected=[c[0] for c in elected],
        votes={c[0]: c[3] for c in candidates},
        explanation=" ".join(parts),
    )


def election_count(
    *, resolution: Resolution, assembly: Assembly, rule: Rule, present_or_represented: int
) -> ElectionResult:
    """Count the marks of a (locked, still open) election and compute its result."""
    marks = dict(resolution.candidacies.annotate(n=Count("marks")).values_list("pk", "n"))
    candidates = [
        (c.pk, c.entry.full_name, c.employee, marks.get(c.pk, 0))
        for c in resolution.candidacies.select_related("entry")
    ]
    named = resolution.ballots.filter(choice=Choice.FOR).count()
    blank = resolution.ballots.filter(choice=Choice.ABSTAIN).count()
    return election_compute(
        rule=rule,
        seats=resolution.seats,
        employee_quota=resolution.employee_quota,
        candidates=candidates,
        eligible=assembly.roll_size,
        present_or_represented=present_or_represented,
        ballots_named=named,
        ballots_blank=blank,
    )
