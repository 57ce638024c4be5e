"""Re-check everything the published results rest on: the audit chain, the frozen voter rolls and
every tally (recounted from the stored ballots)."""

from __future__ import annotations

from django.db.models import Count

from governance.models import Assembly, AuditEvent, Candidacy, Resolution
from governance.rules import weighted_majority_compute
from governance.services.assemblies import roll_hash_of, rule_for
from governance.services.audit import audit_chain_verify
from governance.services.voting import (
    college_tallies,
    college_weights,
    resolution_count,
    weighted_share_quantize,
)
from perspectives.core.exceptions import ApplicationError


def governance_verify() -> list[str]:
    """Problems found in the active cooperative (empty when everything holds)."""
    problems = audit_chain_verify(AuditEvent.objects.order_by("seq"))
    for assembly in Assembly.objects.exclude(status=Assembly.Status.DRAFT).order_by("pk"):
        if roll_hash_of(assembly) != assembly.roll_hash:
            problems.append(f"assembly {assembly.pk}: the voter roll does not match its hash")
    closed = Resolution.objects.filter(status=Resolution.Status.CLOSED).select_related("assembly")
    for resolution in closed.order_by("pk"):
        try:
            recount = resolution_count(resolution=resolution, assembly=resolution.assembly)
        except ApplicationError as error:
            problems.append(f"resolution {resolution.pk}: {error.message}")
            continue
        stored = (resolution.votes_for, resolution.votes_against, resolution.votes_abstain)
        if recount != stored:
            problems.append(f"resolution {resolution.pk}: recount {recount} differs from {stored}")
        problems.extend(_election_problems(resolution))
        if resolution.weighted_for is not None:
            problems.extend(_weighted_problems(resolution))
    return problems


def _election_problems(resolution: Resolution) -> list[str]:
    """Each candidate's stored votes equal the marks on the published ballots."""
    problems = []
    candidacies = Candidacy.objects.filter(resolution=resolution).annotate(n=Count("marks"))
    for candidacy in candidacies.order_by("pk"):
        if candidacy.votes != candidacy.n:
            problems.append(
                f"resolution {resolution.pk}: candidacy {candidacy.pk} recount {candidacy.n} "
                f"differs from {candidacy.votes}"
            )
    return problems


def _weighted_problems(resolution: Resolution) -> list[str]:
    """The weighted shares recomputed from the ballots and the colleges' current weights."""
    assembly = resolution.assembly
    try:
        weights = college_weights(assembly=assembly)
        if weights is None:
            return [f"resolution {resolution.pk}: weighted result without colleges"]
        rule = rule_for(
            profile=assembly.profile,
            decision_class=resolution.decision_class,
            convocation=assembly.convocation,
        )
        result = weighted_majority_compute(
            rule=rule,
            colleges=college_tallies(resolution=resolution, assembly=assembly, weights=weights),
        )
    except ApplicationError as error:
        return [f"resolution {resolution.pk}: {error.message}"]
    recount = (
        weighted_share_quantize(result.weighted_for),
        weighted_share_quantize(result.weighted_against),
    )
    stored = (resolution.weighted_for, resolution.weighted_against)
    if recount != stored:
        return [f"resolution {resolution.pk}: weighted recount {recount} differs from {stored}"]
    return []
