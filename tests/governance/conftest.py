from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)
from django.utils import timezone

from entrepreneurs.models import Entrepreneur
from entrepreneurs.services import path_step_record
from governance.models import Assembly, College, Resolution, RollEntry
from governance.services import (
    assembly_convene,
    assembly_create,
    assembly_open,
    resolution_add,
    statute_profile_create_from_preset,
)
from perspectives.accounts.models import User
from perspectives.tenancy.context import cooperative_context, require_cooperative_id
from perspectives.tenancy.models import Cooperative
from tests.conftest import TOTP_SECRET, World
from tests.factories.governance import AssociateFactory


@pytest.fixture
def in_a(world: World) -> Iterator[World]:
    """The test body runs inside cooperative A."""
    with cooperative_context(world.coop_a.pk):
        yield world


def alice_file(world: World) -> Entrepreneur:
    return Entrepreneur.objects.get(user=world.alice)


def start_cesa(entrepreneur: Entrepreneur, day: dt.date = dt.date(2024, 1, 8)) -> Entrepreneur:
    path_step_record(entrepreneur=entrepreneur, kind="cesa_start", date=day, recorded_by=None)
    entrepreneur.refresh_from_db()
    return entrepreneur


@dataclass
class Setup:
    assembly: Assembly
    entries: list[RollEntry]
    resolutions: list[Resolution]


def convened_assembly(
    *,
    associates: int,
    resolutions: tuple[tuple[str, bool], ...] = (("ordinary", False),),
    preset: str = "scop_sarl",
    users: list[User] | None = None,
    seats: int = 1,
    colleges: list[College] | None = None,
) -> Setup:
    """Inside a cooperative context: a statute profile, `associates` associates (the first ones
    linked to `users`), and an assembly in 20 days, convened now, with a correspondence deadline
    in 19 days."""
    statute_profile_create_from_preset(preset=preset)
    users = users or []
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    for index in range(associates):
        user = users[index] if index < len(users) else None
        AssociateFactory(
            cooperative=cooperative,
            full_name=f"Associé·e {index:03d}" if user is None else user.get_full_name(),
            user=user,
            college=colleges[index] if colleges and index < len(colleges) else None,
        )
    now = timezone.now()
    assembly = assembly_create(
        title="AGO 2026",
        kind="ordinary",
        mode="hybrid",
        scheduled_at=now + dt.timedelta(days=20),
        place="Perpignan",
        correspondence_deadline=now + dt.timedelta(days=19),
    )
    created = [
        resolution_add(
            assembly=assembly,
            title=f"Résolution {index}",
            text=f"Texte de la résolution {index}.",
            decision_class=decision_class,
            secret=secret,
            seats=seats if decision_class == "election" else 1,
        )
        for index, (decision_class, secret) in enumerate(resolutions, start=1)
    ]
    assembly = assembly_convene(assembly=assembly)
    entries = list(RollEntry.objects.filter(assembly=assembly).order_by("full_name", "pk"))
    return Setup(assembly=assembly, entries=entries, resolutions=created)


def opened(setup: Setup) -> Assembly:
    assembly = assembly_open(assembly=setup.assembly, now=setup.assembly.scheduled_at)
    setup.assembly = assembly
    return assembly


def totp_now() -> str:
    """The current TOTP code of the personas who have one (carl, charlie)."""
    return str(
        format_hotp_value(hotp_value(TOTP_SECRET, next(iter(yield_hotp_counters_from_time()))))
    )
