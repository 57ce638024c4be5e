"""Re-check everything the published results rest on: the audit chain, the frozen voter rolls and
every tally (recounted from the stored ballots)."""

from __future__ import annotations

from governance.models import Assembly, AuditEvent, Resolution
from governance.services.assemblies import roll_hash_of
from governance.services.audit import audit_chain_verify
from governance.services.voting import resolution_count
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
    return problems
