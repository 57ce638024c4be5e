""" "A vote is waiting for you": one e-mail per assembly to each associate who can vote now, only
with their written consent to e-mail, never to one who gave a proxy; and the notice on the home
page of an associate whatever their role."""

from __future__ import annotations

import pytest
from django.core import mail
from django.test import Client

from governance.models import Associate, VoteNotice
from governance.services import proxy_grant, vote_cast, vote_open
from governance.tasks import vote_waiting_notify_task
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job, Role
from tests.conftest import World, activate_totp
from tests.factories.core import MembershipFactory
from tests.governance.conftest import Setup, convened_assembly, email_consent, opened
from tests.helpers.governance import make_consultation

TASK = "governance.tasks.vote_waiting_notify_task"


def _session(world: World) -> Setup:
    """Inside cooperative A: Alice, Carl and two associates without an account on the roll of
    an assembly in session. Alice and both others consented to e-mail (after the convocation,
    which went by letter); Carl did not; "Associé·e 003" gave Alice a proxy."""
    setup = convened_assembly(associates=4, users=[world.alice, world.carl])
    for associate in Associate.objects.exclude(full_name="Carl Cazals").order_by("pk"):
        email_consent(associate)
    opened(setup)
    by_name = {entry.full_name: entry for entry in setup.entries}
    proxy_grant(
        assembly=setup.assembly, grantor=by_name["Associé·e 003"], holder=by_name["Alice Arnaud"]
    )
    mail.outbox.clear()
    return setup


def test_opening_a_vote_tells_once_the_associates_who_consented_to_e_mail(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = _session(world)
        vote_open(resolution=setup.resolutions[0])
        queued = list(Job.objects.filter(task=TASK).values_list("kwargs", flat=True))
    first = vote_waiting_notify_task(cooperative_id=world.coop_a.pk, assembly_id=setup.assembly.pk)
    again = vote_waiting_notify_task(cooperative_id=world.coop_a.pk, assembly_id=setup.assembly.pk)

    assert queued == [{"assembly_id": setup.assembly.pk}]
    assert (first, again) == (2, 0)
    assert [m.to for m in mail.outbox] == [["alice@a.example"], ["associe@example.org"]]
    message = mail.outbox[0]
    assert message.subject == "Un vote vous attend : AGO 2026"
    assert "Bonjour Alice Arnaud," in message.body
    assert "l'assemblée « AGO 2026 » de Coopérative A est en séance" in message.body
    assert "1. Résolution 1\n" in message.body
    assert f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/" in message.body
    with cooperative_context(world.coop_a.pk):
        notices = list(
            VoteNotice.objects.order_by("entry__full_name").values_list(
                "entry__full_name", "email", "message_id"
            )
        )
    assert notices == [
        ("Alice Arnaud", "alice@a.example", message.extra_headers["Message-ID"]),
        ("Associé·e 002", "associe@example.org", mail.outbox[1].extra_headers["Message-ID"]),
    ]


def test_no_e_mail_to_an_associate_who_already_voted(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = _session(world)
        resolution = vote_open(resolution=setup.resolutions[0])
        alice = next(e for e in setup.entries if e.full_name == "Alice Arnaud")
        vote_cast(resolution=resolution, cast_by=alice, choice="for")
    sent = vote_waiting_notify_task(cooperative_id=world.coop_a.pk, assembly_id=setup.assembly.pk)
    assert sent == 1
    assert [m.to for m in mail.outbox] == [["associe@example.org"]]


def test_a_written_consultation_tells_who_had_a_letter_but_consents_now(world: World) -> None:
    # Alice and Carl consented before: their convocation e-mail carried the ballot link. The
    # third associate consents once the letter has gone: the notice is theirs only.
    with cooperative_context(world.coop_a.pk):
        consultation = make_consultation(world, associates=3)
        email_consent(Associate.objects.get(full_name="Associé·e 002"))
    mail.outbox.clear()
    sent = vote_waiting_notify_task(cooperative_id=world.coop_a.pk, assembly_id=consultation.pk)

    assert sent == 1
    assert [m.to for m in mail.outbox] == [["associe@example.org"]]
    assert mail.outbox[0].subject == "Un vote vous attend : Approbation des comptes 2025"
    assert "consulte ses associé·es par écrit" in mail.outbox[0].body


def test_another_cooperative_cannot_send_the_notices(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = _session(world)
        vote_open(resolution=setup.resolutions[0])
    sent = vote_waiting_notify_task(cooperative_id=world.coop_b.pk, assembly_id=setup.assembly.pk)
    assert (sent, mail.outbox) == (0, [])
    with cooperative_context(world.coop_a.pk):
        assert VoteNotice.objects.count() == 0


@pytest.mark.parametrize("role", [Role.ACCOUNTANT, Role.PAYROLL, Role.ENTREPRENEUR])
def test_the_home_page_of_any_associate_says_a_vote_is_waiting(
    world: World, client: Client, role: Role
) -> None:
    # An associate with no entrepreneur file (staff, or a file not opened yet).
    user = MembershipFactory.create(cooperative=world.coop_a, roles=[role]).user
    activate_totp(user)
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(associates=2, users=[user])
        opened(setup)
        vote_open(resolution=setup.resolutions[0])
    client.force_login(user)
    home = client.get("/c/coop-a/")
    assert home.status_code == 200
    assert "AGO 2026 : 1 résolution attend votre vote." in home.text
    assert f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/" in home.text
