"""Re-check everything the published results rest on: the audit chain, the frozen voter rolls,
every tally (recounted from the stored ballots) and the minutes (seal and PDF hash)."""

from __future__ import annotations

import hashlib

from django.db.models import Count

from governance.models import Assembly, AuditEvent, Candidacy, Resolution
from governance.rules import weighted_majority_compute
from governance.services.assemblies import roll_hash_of, rule_for
from governance.services.audit import audit_chain_verify
from governance.services.elections import election_weighted_shares
from governance.services.minutes import minutes_data, minutes_seal
from governance.services.voting import (
    blank_proxies_by_college,
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
        problems.extend(_minutes_problems(assembly))
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
    """Each candidate's stored votes equal the marks on the published ballots (none for a
    withdrawn candidacy), and with SCIC colleges each stored weighted share equals the one
    recomputed from the marks and the weights frozen with the roll."""
    problems = []
    candidacies = list(
        Candidacy.objects.filter(resolution=resolution).annotate(n=Count("marks")).order_by("pk")
    )
    for candidacy in candidacies:
        expected = 0 if candidacy.withdrawn_at is not None else candidacy.votes
        if expected != candidacy.n:
            problems.append(
                f"resolution {resolution.pk}: candidacy {candidacy.pk} recount {candidacy.n} "
                f"differs from {expected}"
            )
    weighted = [c for c in candidacies if c.weighted_votes is not None]
    if not weighted:
        return problems
    assembly = resolution.assembly
    try:
        weights = college_weights(assembly=assembly)
        if weights is None:
            return [*problems, f"resolution {resolution.pk}: weighted result without colleges"]
        shares = election_weighted_shares(
            resolution=resolution,
            assembly=assembly,
            rule=rule_for(
                profile=assembly.profile,
                decision_class=resolution.decision_class,
                convocation=assembly.convocation,
            ),
            weights=weights,
            blank_proxies=blank_proxies_by_college(resolution=resolution, assembly=assembly),
            candidacy_ids=[c.pk for c in weighted],
        )
    except ApplicationError as error:
        return [*problems, f"resolution {resolution.pk}: {error.message}"]
    for candidacy in weighted:
        recount = weighted_share_quantize(shares[candidacy.pk])
        if recount != candidacy.weighted_votes:
            problems.append(
                f"resolution {resolution.pk}: candidacy {candidacy.pk} weighted recount "
                f"{recount} differs from {candidacy.weighted_votes}"
            )
    return problems


def _weighted_problems(resolution: Resolution) -> list[str]:
    """The weighted shares recomputed from the ballots and the weights frozen with the roll."""
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


def _minutes_problems(assembly: Assembly) -> list[str]:
    """The latest minutes event of the assembly: its seal recomputed from the database, its
    chain head, and the SHA-256 of the stored PDF."""
    event = (
        AuditEvent.objects.filter(assembly=assembly, kind=AuditEvent.Kind.MINUTES)
        .order_by("-seq")
        .first()
    )
    if event is None:
        if assembly.minutes_file:
            return [f"assembly {assembly.pk}: minutes without their audit event"]
        return []
    problems = []
    payload = event.payload
    if payload.get("file") != assembly.minutes_file.name:
        problems.append(f"assembly {assembly.pk}: the minutes file is not the one recorded")
    else:
        try:
            with assembly.minutes_file.open("rb") as pdf:
                digest = hashlib.sha256(pdf.read()).hexdigest()
        except OSError:
            digest = "missing"
        if digest != payload.get("sha256"):
            problems.append(f"assembly {assembly.pk}: the minutes PDF differs from its hash")
    if "seal" in payload:  # minutes rendered before seals carry only the file's hash
        if payload.get("chain_head") != event.prev_hash:
            problems.append(f"assembly {assembly.pk}: the minutes' chain head is not theirs")
        try:
            seal = minutes_seal(
                assembly=assembly,
                data=minutes_data(assembly=assembly),
                chain_head=str(payload.get("chain_head")),
            )
        except ApplicationError as error:
            return [*problems, f"assembly {assembly.pk}: minutes' seal: {error.message}"]
        if seal != payload["seal"]:
            problems.append(f"assembly {assembly.pk}: the minutes' seal does not match")
    return problems
