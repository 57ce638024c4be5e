"""The hash-chained audit journal of governance, and its verification."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from typing import Any

from django.db import connection
from django.utils import timezone

from governance.models import Assembly, AuditEvent
from perspectives.tenancy.context import require_cooperative_id

GENESIS = "0" * 64
# Namespace of the per-cooperative advisory lock that serialises appends to the chain.
_LOCK_NAMESPACE = 0x60F


def event_hash(
    *,
    prev_hash: str,
    seq: int,
    kind: str,
    assembly_id: int | None,
    payload: dict[str, Any],
    at: str,
) -> str:
    canonical = json.dumps(
        {
            "prev": prev_hash,
            "seq": seq,
            "kind": kind,
            "assembly": assembly_id,
            "payload": payload,
            "at": at,
        },
        ensure_ascii=False,
        sort_keys=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def audit_chain_head() -> tuple[int, str]:
    """(seq, hash) of the last event, under the chain's lock (held until commit), so the next
    event recorded in this transaction follows exactly this head. (0, GENESIS) when empty."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT pg_advisory_xact_lock(%s, %s)", [_LOCK_NAMESPACE, require_cooperative_id()]
        )
    last = AuditEvent.objects.order_by("-seq").only("seq", "hash").first()
    return (0, GENESIS) if last is None else (last.seq, last.hash)


def audit_record(
    *, kind: str, assembly: Assembly | None = None, payload: dict[str, Any] | None = None
) -> AuditEvent:
    """Append one event. Must run inside the caller's transaction: the advisory lock (held until
    commit) makes concurrent appends of one cooperative wait for each other."""
    cooperative_id = require_cooperative_id()
    last_seq, prev_hash = audit_chain_head()
    seq = last_seq + 1
    now = timezone.now()
    payload = payload or {}
    event: AuditEvent = AuditEvent.objects.create(
        cooperative_id=cooperative_id,
        seq=seq,
        kind=kind,
        assembly=assembly,
        payload=payload,
        created_at=now,
        prev_hash=prev_hash,
        hash=event_hash(
            prev_hash=prev_hash,
            seq=seq,
            kind=kind,
            assembly_id=None if assembly is None else assembly.pk,
            payload=payload,
            at=now.isoformat(),
        ),
    )
    return event


def audit_chain_verify(events: Iterable[AuditEvent]) -> list[str]:
    """Problems found in the chain (empty when it holds): gaps, broken links, altered rows."""
    problems = []
    expected_prev, expected_seq = GENESIS, 1
    for event in events:
        if event.seq != expected_seq:
            problems.append(f"event {event.seq}: expected sequence number {expected_seq}")
        if event.prev_hash != expected_prev:
            problems.append(f"event {event.seq}: does not follow the previous event")
        recomputed = event_hash(
            prev_hash=event.prev_hash,
            seq=event.seq,
            kind=event.kind,
            assembly_id=event.assembly_id,
            payload=event.payload,
            at=event.created_at.isoformat(),
        )
        if recomputed != event.hash:
            problems.append(f"event {event.seq}: content altered")
        expected_prev, expected_seq = event.hash, event.seq + 1
    return problems
