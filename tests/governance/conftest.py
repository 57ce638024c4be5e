from __future__ import annotations

import datetime as dt
import time
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
from governance.law import law_for
from governance.models import (
    Assembly,
    Associate,
    College,
    ConvocationDispatch,
    Resolution,
    RollEntry,
    StatuteProfile,
)
from governance.services import (
    assembly_convene,
    assembly_create,
    assembly_open,
    assembly_remote_session_record,
    associate_convocation_update,
    convocation_letters_record,
    convocation_receipt_record,
    resolution_add,
    statute_profile_create_from_preset,
    statute_profile_sign_off,
    statute_rule_update,
)
from governance.services.convocation import convocation_send
from perspectives.accounts.models import User
from perspectives.tenancy.context import cooperative_context, require_cooperative_id
from perspectives.tenancy.models import Cooperative, Role
from tests.conftest import TOTP_SECRET, World
from tests.factories.core import MembershipFactory
from tests.factories.governance import AssociateFactory

# The article of the test cooperatives' statutes that admits remote participation, votes by
# correspondence and written consultations.
ARTICLE = "art. 25"


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


def a_manager() -> User:
    """A manager of the active cooperative (carl in A, charlie in B; created if none)."""
    cooperative_id = require_cooperative_id()
    user = User.objects.filter(
        memberships__cooperative_id=cooperative_id, memberships__roles__contains=[Role.MANAGER]
    ).first()
    if user is None:
        user = MembershipFactory.create(cooperative_id=cooperative_id, roles=[Role.MANAGER]).user
    return user


def statutes_signed(
    *,
    preset: str = "scop_sarl",
    remote: bool = True,
    correspondence: bool = True,
    written: bool = False,
) -> StatuteProfile:
    """Inside a cooperative context: the cooperative takes `preset`'s legal form and signs off
    its profile, where its statutes (article 25) admit remote participation (SARL accounts
    aside), votes by correspondence and, with `written`, written consultations."""
    Cooperative.objects.filter(pk=require_cooperative_id()).update(legal_form=preset)
    profile = statute_profile_create_from_preset(preset=preset)
    law = law_for(preset)
    manager = a_manager()
    for rule in profile.rules.order_by("pk"):
        values = {
            "remote_participation_allowed": remote
            and rule.decision_class not in law.remote_excluded,
            "correspondence_allowed": correspondence,
            "written_consultation_allowed": written and law.written_consultation_possible,
        }
        if any(values.values()):
            statute_rule_update(rule=rule, by=manager, statutes_article=ARTICLE, **values)
    return statute_profile_sign_off(profile=profile, by=manager)


def convocations_regular(assembly: Assembly, *, remote: bool = True) -> Assembly:
    """The e-mails of a just convened assembly sent, its letters posted today with their
    numbers, and (hybrid or remote) its session recorded as carrying voice and a continuous
    retransmission."""
    manager = a_manager()
    convocation_send(assembly_id=assembly.pk)
    letters = ConvocationDispatch.objects.filter(
        assembly=assembly, channel=ConvocationDispatch.Channel.REGISTERED_LETTER
    )
    numbers = {d.pk: f"1A{d.pk:011d}" for d in letters}
    if numbers:
        convocation_letters_record(
            assembly=assembly, posted_on=timezone.localdate(), numbers=numbers, by=manager
        )
    if remote and assembly.mode in (Assembly.Mode.HYBRID, Assembly.Mode.REMOTE):
        assembly = assembly_remote_session_record(
            assembly=assembly,
            means="Visioconférence, son et image",
            voice=True,
            continuous=True,
            by=manager,
        )
    return assembly


def email_consent(associate: Associate, *, on: dt.date = dt.date(2024, 1, 15)) -> Associate:
    """The associate's written consent to e-mail convocation, recorded by a manager."""
    return associate_convocation_update(
        associate=associate,
        postal_address=associate.postal_address,
        consent_on=on,
        consent_how="electronic",
        consent_address=associate.user.email if associate.user else "associe@example.org",
        by=a_manager(),
    )


def consultation_delivered(consultation: Assembly) -> Assembly:
    """A just sent written consultation: its e-mails sent, its registered letters posted today
    and received today (the answer delay runs from then)."""
    convocation_send(assembly_id=consultation.pk)
    letters = ConvocationDispatch.objects.filter(
        assembly=consultation, channel=ConvocationDispatch.Channel.REGISTERED_LETTER
    )
    numbers = {d.pk: f"1A{d.pk:011d}" for d in letters}
    manager = a_manager()
    if numbers:
        convocation_letters_record(
            assembly=consultation, posted_on=timezone.localdate(), numbers=numbers, by=manager
        )
    for dispatch in letters:
        convocation_receipt_record(dispatch=dispatch, received_on=timezone.localdate(), by=manager)
    return consultation


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
    """Inside a cooperative context: a signed-off statute profile (remote participation and
    votes by correspondence admitted), `associates` associates (the first ones linked to
    `users`), and a hybrid assembly in 20 days, convened now (letters posted, remote session
    recorded), with a correspondence deadline in 19 days."""
    statutes_signed(preset=preset)
    users = users or []
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    for index in range(associates):
        user = users[index] if index < len(users) else None
        AssociateFactory.create(
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
    assembly = convocations_regular(assembly_convene(assembly=assembly))
    entries = list(RollEntry.objects.filter(assembly=assembly).order_by("full_name", "pk"))
    return Setup(assembly=assembly, entries=entries, resolutions=created)


def opened(setup: Setup) -> Assembly:
    assembly = assembly_open(assembly=setup.assembly, now=setup.assembly.scheduled_at)
    setup.assembly = assembly
    return assembly


def totp_now() -> str:
    """The current TOTP code of the personas who have one (carl, charlie). A code taken in the
    last seconds of its 30-second period would expire before the test has posted it twice."""
    for _wait in range(20):  # at most 5 s, even under a frozen clock
        if 30 - time.time() % 30 >= 4:
            break
        time.sleep(0.25)
    return str(
        format_hotp_value(hotp_value(TOTP_SECRET, next(iter(yield_hotp_counters_from_time()))))
    )
