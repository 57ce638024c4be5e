"""The minutes (procès-verbal) of a closed assembly, rendered to PDF by a Celery worker.

Integrity (no electronic signature provider): the minutes carry a seal, the SHA-256 of the
canonical content they state (roll hash, attendance, proxies, documents, every resolution's
result, candidates, college counts, digests of the published ballots and receipts) together with
the head of the governance audit chain at that moment. The seal and the chain head are printed
in the PDF; the seal, the chain head and the SHA-256 of the PDF file are recorded in the chain's
`minutes` event (a PDF cannot contain its own hash). `governance_verify` recomputes the seal
from the database and the file's hash from storage, so editing a result, a ballot or the PDF
after the fact is detected; the members of the bureau still sign the minutes.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from typing import Any

from django.core.files.base import ContentFile
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import (
    Assembly,
    Attendance,
    AuditEvent,
    Ballot,
    Candidacy,
    DecisionClass,
    Proxy,
    Resolution,
)
from governance.rules import CollegeTally
from governance.services.assemblies import assembly_presence, roll_hash_of
from governance.services.audit import audit_chain_head, audit_record
from governance.services.voting import college_tallies, college_weights
from perspectives.core.exceptions import ApplicationError
from perspectives.core.pdf import render_pdf


def minutes_path(assembly: Assembly) -> str:
    """Under the cooperative's folder; a random name, so a path reveals nothing."""
    return (
        f"cooperatives/{assembly.cooperative_id}/governance/minutes/"
        f"{assembly.pk}-{secrets.token_hex(8)}.pdf"
    )


def _digest(values: list[str]) -> str:
    return hashlib.sha256("\n".join(sorted(values)).encode()).hexdigest()


@dataclass(frozen=True)
class MinutesResolution:
    resolution: Resolution
    candidacies: list[Candidacy]
    colleges: list[CollegeTally]
    ballots_digest: str  # SHA-256 of the published choices, sorted
    trackers_digest: str  # SHA-256 of the published receipts, sorted

    @property
    def weighted_candidates(self) -> bool:
        """SCIC elections: the candidates' weighted shares, frozen at close."""
        return any(getattr(c, "weighted_votes", None) is not None for c in self.candidacies)


@dataclass(frozen=True)
class MinutesData:
    attendances: list[Attendance]
    proxies: list[Proxy]
    documents: list[Any]
    resolutions: list[MinutesResolution]


def _minutes_resolution(resolution: Resolution, assembly: Assembly) -> MinutesResolution:
    candidacies: list[Candidacy] = []
    if resolution.decision_class == DecisionClass.ELECTION:
        candidacies = list(
            Candidacy.objects.filter(resolution=resolution)
            .select_related("entry")
            .order_by(F("votes").desc(nulls_last=True), "entry__full_name", "pk")
        )
    colleges: list[CollegeTally] = []
    if resolution.weighted_for is not None:
        weights = college_weights(assembly=assembly) or {}
        colleges = college_tallies(resolution=resolution, assembly=assembly, weights=weights)
    ballots = list(Ballot.objects.filter(resolution=resolution).values_list("choice", "tracker"))
    return MinutesResolution(
        resolution=resolution,
        candidacies=candidacies,
        colleges=colleges,
        ballots_digest=_digest([choice for choice, _tracker in ballots]),
        trackers_digest=_digest([tracker for _choice, tracker in ballots]),
    )


def minutes_data(*, assembly: Assembly) -> MinutesData:
    """What the minutes state, read once for both the PDF and its seal."""
    documents = getattr(assembly, "documents", None)  # documents sent with the convocation
    return MinutesData(
        attendances=list(
            Attendance.objects.filter(assembly=assembly)
            .select_related("entry")
            .order_by("entry__full_name", "pk")
        ),
        proxies=list(
            Proxy.objects.filter(assembly=assembly, revoked_at__isnull=True)
            .select_related("grantor", "holder")
            .order_by("grantor__full_name", "pk")
        ),
        documents=[] if documents is None else list(documents.order_by("pk")),
        resolutions=[
            _minutes_resolution(resolution, assembly)
            for resolution in Resolution.objects.filter(assembly=assembly)
            .select_related("amends")
            .order_by("position")
        ],
    )


def _text(value: object) -> str:
    return "" if value is None else str(value)


def _candidate(candidacy: Candidacy) -> list[object]:
    withdrawn = getattr(candidacy, "withdrawn_at", None)
    return [
        candidacy.entry_id,
        candidacy.entry.full_name,
        candidacy.votes,
        candidacy.elected,
        _text(getattr(candidacy, "weighted_votes", None)),
        "" if withdrawn is None else withdrawn.isoformat(),
    ]


def minutes_seal(*, assembly: Assembly, data: MinutesData, chain_head: str) -> str:
    """SHA-256 of the canonical JSON of what the minutes state and the audit chain head."""
    content = {
        "assembly": [
            assembly.pk,
            assembly.title,
            assembly.kind,
            assembly.mode,
            assembly.convocation,
            assembly.scheduled_at.isoformat(),
            _text(assembly.closed_at and assembly.closed_at.isoformat()),
            assembly.roll_hash,
            assembly.roll_size,
        ],
        "attendance": [[a.entry_id, a.entry.full_name, a.mode] for a in data.attendances],
        "proxies": [[p.grantor_id, p.holder_id] for p in data.proxies],
        "documents": [[str(d), _text(getattr(d, "sha256", ""))] for d in data.documents],
        "resolutions": [
            {
                "id": item.resolution.pk,
                "position": item.resolution.position,
                "title": item.resolution.title,
                "text": item.resolution.text,
                "amends": item.resolution.amends_id,
                "proposed_by": item.resolution.proposed_by,
                "original_text": item.resolution.original_text,
                "secret": item.resolution.secret,
                "result": [
                    item.resolution.votes_for,
                    item.resolution.votes_against,
                    item.resolution.votes_abstain,
                    item.resolution.present_or_represented,
                    _text(item.resolution.weighted_for),
                    _text(item.resolution.weighted_against),
                    item.resolution.outcome,
                    item.resolution.explanation,
                ],
                "candidates": [_candidate(c) for c in item.candidacies],
                "colleges": [
                    [c.name, c.weight_label, c.votes_for, c.votes_against, c.votes_abstain]
                    for c in item.colleges
                ],
                "ballots": item.ballots_digest,
                "trackers": item.trackers_digest,
            }
            for item in data.resolutions
        ],
        "chain_head": chain_head,
    }
    canonical = json.dumps(content, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@transaction.atomic
def minutes_render(*, assembly_id: int, force: bool = False) -> Assembly:
    """Render the minutes of a closed assembly: date, place, bureau, attendance, documents,
    every resolution (rejected ones too) with its result and the rule applied, the candidates of
    elections, the colleges' counts of weighted votes, the voter roll hash and the seal.

    Idempotent: an assembly whose minutes exist is left as is unless `force`."""
    assembly: Assembly = (
        Assembly.objects.select_for_update().select_related("profile").get(pk=assembly_id)
    )
    if assembly.status != Assembly.Status.CLOSED:
        raise ApplicationError(_("Le procès-verbal se rédige après la clôture de l'assemblée."))
    if assembly.minutes_file and not force:
        return assembly
    if roll_hash_of(assembly) != assembly.roll_hash:
        raise ApplicationError(_("La liste d'émargement ne correspond plus à son empreinte."))
    # The chain's lock is held from here to commit: the minutes event follows this head.
    chain_seq, chain_head = audit_chain_head()
    data = minutes_data(assembly=assembly)
    seal = minutes_seal(assembly=assembly, data=data, chain_head=chain_head)
    html = render_to_string(
        "governance/pdf/minutes.html",
        {
            "assembly": assembly,
            "cooperative": assembly.cooperative,
            "presence": assembly_presence(assembly=assembly),
            "data": data,
            "seal": seal,
            "chain_seq": chain_seq,
            "chain_head": chain_head,
            "generated_at": timezone.now(),
        },
    )
    pdf = render_pdf(html)
    if assembly.minutes_file:
        assembly.minutes_file.delete(save=False)
    assembly.minutes_file.save(minutes_path(assembly), ContentFile(pdf), save=False)
    assembly.minutes_generated_at = timezone.now()
    assembly.save(update_fields=["minutes_file", "minutes_generated_at"])
    audit_record(
        kind=AuditEvent.Kind.MINUTES,
        assembly=assembly,
        payload={
            "sha256": hashlib.sha256(pdf).hexdigest(),
            "file": assembly.minutes_file.name,
            "seal": seal,
            "chain_head": chain_head,
            "chain_seq": chain_seq,
        },
    )
    return assembly
