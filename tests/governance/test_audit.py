from __future__ import annotations

import copy
import io
import itertools

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.models import AuditEvent, Proxy, Resolution, RollEntry
from governance.services import (
    assembly_close,
    attendance_record,
    proxy_grant,
    proxy_revoke,
    resolution_open,
    vote_cast,
)
from governance.services.audit import audit_chain_verify
from governance.services.verify import governance_verify
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.governance import AssociateFactory, RollEntryFactory
from tests.governance.conftest import Setup, convened_assembly, opened


def _session(world: World) -> Setup:
    setup = convened_assembly(associates=4, resolutions=(("ordinary", False), ("election", True)))
    a, b, c, d = setup.entries
    proxy = proxy_grant(assembly=setup.assembly, grantor=a, holder=b)
    proxy_revoke(proxy=proxy)
    proxy_grant(assembly=setup.assembly, grantor=d, holder=None)
    opened(setup)
    attendance_record(assembly=setup.assembly, entry=c, mode="room")
    for resolution in setup.resolutions:
        resolution_open(resolution=resolution)
        vote_cast(resolution=resolution, cast_by=a, choice="for")
        vote_cast(resolution=resolution, cast_by=b, choice="against")
    assembly_close(assembly=setup.assembly)
    return setup


def test_every_step_is_chained_and_verifies(in_a: World) -> None:
    _session(in_a)
    events = list(AuditEvent.objects.order_by("seq"))
    # Before the assembly: the statute profile put in force, edited (one event per rule: six
    # decision classes, two convocations) and signed off.
    setup = [e.kind for e in events if e.assembly_id is None]
    assert setup == ["profile_activated", *["profile_changed"] * 12, "profile_signed_off"]
    assert [e.kind for e in events if e.assembly_id is not None] == [
        "convened",
        "letters_sent",
        "remote_session",
        "proxy_granted",
        "proxy_revoked",
        "proxy_granted",
        "opened",
        "resolution_opened",
        "resolution_opened",
        "resolution_closed",
        "resolution_closed",
        "closed",
    ]
    assert [e.seq for e in events] == list(range(1, 27))
    assert events[0].prev_hash == "0" * 64
    assert all(later.prev_hash == earlier.hash for earlier, later in itertools.pairwise(events))
    closed = next(e for e in events if e.kind == "resolution_closed").payload
    # The blank proxy votes for the management's resolution: 2 for, 1 against.
    assert (closed["for"], closed["against"], closed["ballots"]) == (2, 1, 2)
    assert audit_chain_verify(events) == []
    assert governance_verify() == []


def test_tampering_with_any_event_breaks_the_chain(in_a: World) -> None:
    _session(in_a)
    events = list(AuditEvent.objects.order_by("seq"))
    closed = next(i for i, e in enumerate(events) if e.kind == "resolution_closed")
    altered = copy.deepcopy(events)
    altered[closed].payload["for"] = 3
    assert audit_chain_verify(altered) == [f"event {closed + 1}: content altered"]
    removed = events[:4] + events[5:]
    assert audit_chain_verify(removed)[0] == "event 6: expected sequence number 5"
    # The database refuses to rewrite the journal anyway.
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        AuditEvent.objects.filter(seq=closed + 1).update(payload={})
    with pytest.raises(IntegrityError, match="immutable"), transaction.atomic():
        AuditEvent.objects.filter(seq=len(events)).delete()
    assert AuditEvent.objects.count() == 26


def test_the_roll_is_frozen_by_the_database_and_verify_finds_a_changed_proxy(
    in_a: World,
) -> None:
    setup = _session(in_a)
    intruder = AssociateFactory.create(cooperative=in_a.coop_a, full_name="Intrus")
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
        RollEntryFactory.create(assembly=setup.assembly, associate=intruder)
    with pytest.raises(IntegrityError, match="frozen"), transaction.atomic():
        RollEntry.objects.filter(assembly=setup.assembly).update(full_name="Intrus")
    assert governance_verify() == []
    # What the database still lets the application role change after close is caught.
    Proxy.objects.filter(holder__isnull=True).update(revoked_at=timezone.now())
    first, second = setup.resolutions
    assert governance_verify() == [
        # Against the statutes frozen at convocation: the blank proxy no longer counts.
        f"resolution {first.pk}: 4 counted present, the statutes give 3",
        f"resolution {second.pk}: 4 counted present, the statutes give 3",
        f"resolution {first.pk}: recount (1, 1, 0) differs from (2, 1, 0)",
        f"resolution {second.pk}: recount (1, 1, 0) differs from (2, 1, 0)",
    ]


def test_a_proxy_is_no_longer_revocable_once_the_assembly_closed(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    proxy = proxy_grant(assembly=setup.assembly, grantor=setup.entries[0], holder=None)
    opened(setup)
    assembly_close(assembly=setup.assembly)
    with pytest.raises(ApplicationError, match="n'est plus révocable"):
        proxy_revoke(proxy=proxy)
    proxy.refresh_from_db()
    assert proxy.revoked_at is None
    # One vote for (the blank proxy) out of three associates: the majority of all associates
    # is missed at the first consultation, so a second one follows (L.223-29 al. 2).
    assert Resolution.objects.get(assembly=setup.assembly).outcome == "second_round"
    assert Resolution.objects.filter(assembly__first_assembly=setup.assembly).count() == 1


def test_verify_command_exit_status(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        _session(world)
    out = io.StringIO()
    call_command("governance_verify", cooperative="coop-a", stdout=out)
    assert out.getvalue().strip() == "OK: audit chain, voter rolls, tallies and minutes verified."
    with pytest.raises(CommandError, match="No cooperative"):
        call_command("governance_verify", cooperative="nope")
