from __future__ import annotations

import datetime as dt

import pytest
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.models import Assembly, Associate, Proxy, RollEntry
from governance.services import (
    assembly_convene,
    assembly_create,
    associate_exit,
    attendance_record,
    proxy_grant,
    proxy_revoke,
    resolution_add,
    resolution_open,
    roll_hash_compute,
    roll_hash_of,
    vote_cast,
)
from perspectives.core.exceptions import ApplicationError
from tests.conftest import World
from tests.factories.governance import AssociateFactory
from tests.governance.conftest import convened_assembly, opened, statutes_signed


def test_convocation_freezes_the_roll_and_its_hash(in_a: World) -> None:
    setup = convened_assembly(associates=5)
    assembly = setup.assembly
    assert (assembly.status, assembly.roll_size) == ("convened", 5)
    assert [e.full_name for e in setup.entries] == [f"Associé·e {i:03d}" for i in range(5)]
    expected = roll_hash_compute(
        assembly_id=assembly.pk,
        entries=[(e.associate_id, e.full_name, "") for e in setup.entries],
    )
    assert assembly.roll_hash == expected == roll_hash_of(assembly)
    assert len(assembly.roll_hash) == 64
    # Later register changes do not alter the frozen roll.
    associate_exit(
        associate=Associate.objects.get(pk=setup.entries[0].associate_id),
        exited_on=timezone.localdate(),
        reason="resignation",
    )
    AssociateFactory.create(cooperative=in_a.coop_a, full_name="Nouvelle")
    assert RollEntry.objects.filter(assembly=assembly).count() == 5
    assert roll_hash_of(assembly) == assembly.roll_hash


def test_roll_hash_changes_with_any_entry() -> None:
    base = roll_hash_compute(assembly_id=1, entries=[(1, "Ana", ""), (2, "Léo", "")])
    assert base == roll_hash_compute(assembly_id=1, entries=[(2, "Léo", ""), (1, "Ana", "")])
    assert base != roll_hash_compute(assembly_id=1, entries=[(1, "Ana", ""), (2, "Leo", "")])
    assert base != roll_hash_compute(assembly_id=2, entries=[(1, "Ana", ""), (2, "Léo", "")])


def test_convocation_respects_the_statutory_delay(in_a: World) -> None:
    statutes_signed(preset="scop_sarl")
    AssociateFactory.create(cooperative=in_a.coop_a)
    now = timezone.now()
    assembly = assembly_create(
        title="AGO", kind="ordinary", mode="in_person", scheduled_at=now + dt.timedelta(days=14)
    )
    resolution_add(assembly=assembly, title="Comptes", text="Approbation des comptes.")
    with pytest.raises(ApplicationError, match="au moins 15 jours avant"):
        assembly_convene(assembly=assembly, now=now)
    assembly.refresh_from_db()
    assert (assembly.status, assembly.roll_hash, RollEntry.objects.count()) == ("draft", "", 0)
    convened = assembly_convene(assembly=assembly, now=now - dt.timedelta(days=1))
    assert convened.status == "convened"
    with pytest.raises(ApplicationError, match="arrêté"):
        resolution_add(assembly=assembly, title="Ajout", text="Trop tard.")


def test_election_of_managers_is_always_secret_in_scop_sarl(in_a: World) -> None:
    statutes_signed(preset="scop_sarl")
    assembly = assembly_create(
        title="AGO",
        kind="ordinary",
        mode="in_person",
        scheduled_at=timezone.now() + dt.timedelta(days=30),
    )
    election = resolution_add(
        assembly=assembly, title="Gérance", text="Nomination.", decision_class="election"
    )
    ordinary = resolution_add(assembly=assembly, title="Comptes", text="Approbation.")
    assert (election.secret, ordinary.secret) == (True, False)
    assert (election.position, ordinary.position) == (1, 2)


def test_proxy_only_to_an_associate_of_the_roll(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    other = convened_assembly(associates=0)  # a second assembly, same associates
    a, b, _c = setup.entries
    with pytest.raises(ApplicationError, match="que par un·e autre associé·e"):
        proxy_grant(assembly=setup.assembly, grantor=a, holder=other.entries[1])
    with pytest.raises(ApplicationError, match="à soi-même"):
        proxy_grant(assembly=setup.assembly, grantor=a, holder=a)
    assert Proxy.objects.count() == 0
    proxy = proxy_grant(assembly=setup.assembly, grantor=a, holder=b)
    assert (proxy.grantor_id, proxy.holder_id, proxy.revoked_at) == (a.pk, b.pk, None)
    with pytest.raises(ApplicationError, match="déjà donné pouvoir"):
        proxy_grant(assembly=setup.assembly, grantor=a, holder=None)


def test_proxy_cap_is_one_below_twenty_associates(in_a: World) -> None:
    setup = convened_assembly(associates=19)
    a, b, holder = setup.entries[:3]
    proxy_grant(assembly=setup.assembly, grantor=a, holder=holder)
    with pytest.raises(ApplicationError, match="plafond est de 1 pour 19"):
        proxy_grant(assembly=setup.assembly, grantor=b, holder=holder)
    assert Proxy.objects.filter(holder=holder).count() == 1


def test_proxy_cap_is_one_twentieth_from_twenty_associates(in_a: World) -> None:
    setup = convened_assembly(associates=40)
    holder = setup.entries[0]
    proxy_grant(assembly=setup.assembly, grantor=setup.entries[1], holder=holder)
    proxy_grant(assembly=setup.assembly, grantor=setup.entries[2], holder=holder)
    with pytest.raises(ApplicationError, match="plafond est de 2 pour 40"):
        proxy_grant(assembly=setup.assembly, grantor=setup.entries[3], holder=holder)
    # Blank proxies have no holder, hence no cap.
    for grantor in setup.entries[4:8]:
        proxy_grant(assembly=setup.assembly, grantor=grantor, holder=None)
    assert Proxy.objects.filter(holder=holder).count() == 2
    assert Proxy.objects.filter(holder__isnull=True).count() == 4


def test_proxy_is_revocable_until_the_holder_votes_with_it(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    a, b, _c = setup.entries
    first = proxy_grant(assembly=setup.assembly, grantor=a, holder=b)
    revoked = proxy_revoke(proxy=first)
    assert revoked.revoked_at is not None
    second = proxy_grant(assembly=setup.assembly, grantor=a, holder=b)
    opened(setup)
    resolution_open(resolution=setup.resolutions[0])
    vote_cast(resolution=setup.resolutions[0], cast_by=b, voter=a, choice="for")
    with pytest.raises(ApplicationError, match="n'est plus révocable"):
        proxy_revoke(proxy=second)
    second.refresh_from_db()
    assert second.revoked_at is None


def test_a_holder_cannot_delegate_and_a_grantor_cannot_hold(in_a: World) -> None:
    setup = convened_assembly(associates=4)
    a, b, c, _d = setup.entries
    proxy_grant(assembly=setup.assembly, grantor=a, holder=b)
    with pytest.raises(ApplicationError, match="a elle-même donné pouvoir"):
        proxy_grant(assembly=setup.assembly, grantor=c, holder=a)
    with pytest.raises(ApplicationError, match="détenez des pouvoirs"):
        proxy_grant(assembly=setup.assembly, grantor=b, holder=c)
    assert Proxy.objects.count() == 1


def test_attending_revokes_ones_unused_proxy(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    a, b, _c = setup.entries
    proxy = proxy_grant(assembly=setup.assembly, grantor=a, holder=b)
    attendance = attendance_record(assembly=setup.assembly, entry=a, mode="room")
    proxy.refresh_from_db()
    assert attendance.mode == "room"
    assert proxy.revoked_at is not None
    with pytest.raises(ApplicationError, match="déjà enregistrée"):
        attendance_record(assembly=setup.assembly, entry=a, mode="video")


def test_database_refuses_two_active_proxies_of_one_grantor(in_a: World) -> None:
    setup = convened_assembly(associates=3)
    a, b, c = setup.entries
    proxy_grant(assembly=setup.assembly, grantor=a, holder=b)
    with pytest.raises(IntegrityError), transaction.atomic():
        Proxy.objects.create(cooperative=in_a.coop_a, assembly=setup.assembly, grantor=a, holder=c)
    assert Proxy.objects.count() == 1


def test_draft_assembly_takes_no_proxy(in_a: World) -> None:
    setup = convened_assembly(associates=2)
    assembly = assembly_create(
        title="AGE",
        kind="extraordinary",
        mode="remote",
        scheduled_at=timezone.now() + dt.timedelta(30),
    )
    a, b = setup.entries
    with pytest.raises(ApplicationError, match="entre la convocation et la clôture"):
        proxy_grant(assembly=assembly, grantor=a, holder=b)
    assert (assembly.status, Proxy.objects.count()) == (Assembly.Status.DRAFT, 0)
