"""Re-check everything the published results rest on: the audit chain, the frozen voter rolls,
every tally (recounted from the stored ballots), the minutes (seal and PDF hash), and each
closed assembly against the statutes frozen when it was convened: delays and channels of the
convocations, who counted as present and on what basis, quorum and majority."""

from __future__ import annotations

import datetime as dt
import hashlib

from django.db.models import Count
from django.utils import timezone

from governance.law import law_for
from governance.models import (
    Assembly,
    Attendance,
    AuditEvent,
    Candidacy,
    ConvocationDispatch,
    Participation,
    PresenceMode,
    Proxy,
    Resolution,
)
from governance.rules import Statutes, majority_compute, quorum_compute, weighted_majority_compute
from governance.services.assemblies import presence_for, proxy_cap, roll_hash_of
from governance.services.audit import audit_chain_verify
from governance.services.consultations import consultation_delay_problems
from governance.services.convocation import convocation_problems
from governance.services.elections import election_weighted_shares
from governance.services.minutes import minutes_data, minutes_seal
from governance.services.statutes import assembly_rule
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
        if assembly.status == Assembly.Status.CLOSED and assembly.profile_snapshot:
            problems.extend(_statutes_problems(assembly))
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
            rule=assembly_rule(assembly=assembly, decision_class=resolution.decision_class),
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
        rule = assembly_rule(assembly=assembly, decision_class=resolution.decision_class)
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


def _statutes_problems(assembly: Assembly) -> list[str]:
    """A closed assembly against the statutes frozen at its convocation (whose SHA-256 the
    convocation's audit event holds)."""
    prefix = f"assembly {assembly.pk}"
    statutes = Statutes.from_dict(assembly.profile_snapshot)
    convened = (
        AuditEvent.objects.filter(assembly=assembly, kind=AuditEvent.Kind.CONVENED)
        .order_by("seq")
        .first()
    )
    if convened is None or convened.payload.get("statutes") != statutes.digest():
        return [f"{prefix}: the statutes frozen at convocation do not match the audit chain"]
    problems: list[str] = []
    if assembly.mode == Assembly.Mode.WRITTEN:
        problems.extend(
            f"{prefix}: answer delay from receipt: {message}"
            for message in consultation_delay_problems(consultation=assembly)
        )
    problems.extend(
        f"{prefix}: convocation: {message}" for message in convocation_problems(assembly=assembly)
    )
    lead = law_for(statutes.legal_form).email_consent_lead_days
    day = timezone.localdate(assembly.scheduled_at)
    for dispatch in ConvocationDispatch.objects.filter(
        assembly=assembly, channel=ConvocationDispatch.Channel.EMAIL
    ):
        if dispatch.consent_on is None or dispatch.consent_on > day - dt.timedelta(days=lead):
            problems.append(
                f"{prefix}: dispatch {dispatch.pk}: e-mail without a consent given in time"
            )
    cap = proxy_cap(statutes=statutes, associates=assembly.roll_size)
    if cap is not None:
        held = (
            Proxy.objects.filter(assembly=assembly, revoked_at__isnull=True, holder__isnull=False)
            .values("holder_id")
            .annotate(n=Count("id"))
            .filter(n__gt=cap)
        )
        for row in held:
            problems.append(
                f"{prefix}: entry {row['holder_id']} holds {row['n']} proxies (cap {cap})"
            )
    in_room = set(
        Attendance.objects.filter(assembly=assembly, mode=PresenceMode.ROOM).values_list(
            "entry_id", flat=True
        )
    )
    for resolution in assembly.resolutions.filter(status=Resolution.Status.CLOSED).order_by("pk"):
        problems.extend(_resolution_basis_problems(assembly, resolution, in_room))
    return problems


def _resolution_basis_problems(
    assembly: Assembly, resolution: Resolution, in_room: set[int]
) -> list[str]:
    prefix = f"resolution {resolution.pk}"
    try:
        rule = assembly_rule(assembly=assembly, decision_class=resolution.decision_class)
    except ApplicationError as error:
        return [f"{prefix}: {error.message}"]
    problems: list[str] = []
    remote_ok = rule.remote_participation_allowed and assembly.remote_session_valid
    for channel, cast_by in Participation.objects.filter(resolution=resolution).values_list(
        "channel", "cast_by_id"
    ):
        if channel == Participation.Channel.CORRESPONDENCE and not rule.correspondence_allowed:
            problems.append(f"{prefix}: vote by correspondence the statutes do not admit")
        elif channel == Participation.Channel.WRITTEN and not rule.written_consultation_allowed:
            problems.append(f"{prefix}: written answer the statutes do not admit")
        elif (
            channel in (Participation.Channel.ONLINE, Participation.Channel.PROXY)
            and cast_by not in in_room
            and not remote_ok
        ):
            problems.append(f"{prefix}: vote cast from a distance without a basis for presence")
    presence = presence_for(assembly=assembly, rule=rule)
    if presence.present_or_represented != resolution.present_or_represented:
        problems.append(
            f"{prefix}: {resolution.present_or_represented} counted present, the statutes give "
            f"{presence.present_or_represented}"
        )
    quorum = quorum_compute(
        rule=rule,
        eligible=assembly.roll_size,
        present_or_represented=resolution.present_or_represented or 0,
    )
    if not quorum.reached:
        expected = Resolution.Outcome.NO_QUORUM
    elif resolution.weighted_for is not None or resolution.decision_class == "election":
        return problems  # checked by the weighted and election recounts
    else:
        majority = majority_compute(
            rule=rule,
            eligible=assembly.roll_size,
            present_or_represented=resolution.present_or_represented or 0,
            votes_for=resolution.votes_for or 0,
            votes_against=resolution.votes_against or 0,
            votes_abstain=resolution.votes_abstain or 0,
        )
        expected = (
            Resolution.Outcome.ADOPTED
            if majority.adopted
            else Resolution.Outcome.SECOND_ROUND
            if majority.second_round
            else Resolution.Outcome.REJECTED
        )
    if resolution.outcome != expected:
        problems.append(
            f"{prefix}: outcome {resolution.outcome}, the frozen statutes give {expected}"
        )
    return problems
