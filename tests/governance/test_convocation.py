"""Convocations: e-mail only with the associate's written consent recorded in time, otherwise a
registered letter printed from the letters PDF and tracked (posting date, registered-post
number, receipt); the assembly cannot open on an irregular convocation."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.db import IntegrityError, transaction
from django.utils import timezone

from governance.models import Assembly, Associate, AuditEvent, ConvocationDispatch
from governance.services import (
    assembly_convene,
    assembly_create,
    assembly_open,
    associate_convocation_update,
    convocation_letters_record,
    convocation_problems,
    resolution_add,
)
from governance.services.convocation import convocation_letters_render
from governance.tasks import convocation_send_task
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.governance import AssociateFactory
from tests.governance.conftest import a_manager, email_consent, statutes_signed


def _convened(world: World, *, consents: dict[str, dt.date | None], days: int = 30) -> Assembly:
    """Inside cooperative A (SCOP SARL): Alice, Carl and a third associate without an account;
    `consents` gives the date of each one's consent to e-mail convocation (None: none). An
    assembly in `days` days, convened now."""
    statutes_signed(preset="scop_sarl")
    people = {
        "Alice Arnaud": world.alice,
        "Carl Cazals": world.carl,
        "Dominique Durand": None,
    }
    for name, user in people.items():
        associate = AssociateFactory.create(cooperative=world.coop_a, user=user, full_name=name)
        associate.postal_address = f"{name}\n1 rue des Lilas\n66000 Perpignan"
        associate.save(update_fields=["postal_address"])
        if consents.get(name) is not None:
            email_consent(associate, on=consents[name])  # type: ignore[arg-type]
    assembly = assembly_create(
        title="AGO 2026",
        kind="ordinary",
        mode="in_person",
        scheduled_at=timezone.now() + dt.timedelta(days=days),
        place="Perpignan",
    )
    resolution_add(assembly=assembly, title="Résolution 1", text="Texte de la résolution 1.")
    resolution_add(
        assembly=assembly,
        title="Résolution 2",
        text="Texte de la résolution 2.",
        decision_class="extraordinary",
    )
    return assembly_convene(assembly=assembly)


def test_e_mail_only_to_associates_who_consented_others_get_a_registered_letter_r223_20(
    world: World,
) -> None:
    # Alice consented long ago; Carl yesterday, for an assembly in 18 days: less than the twenty
    # days before the assembly a SARL requires (R.223-20 al. 2), so he gets a letter this time.
    today = timezone.localdate()
    with cooperative_context(world.coop_a.pk):
        assembly = _convened(
            world,
            consents={
                "Alice Arnaud": dt.date(2024, 1, 15),
                "Carl Cazals": today - dt.timedelta(days=1),
                "Dominique Durand": None,
            },
            days=18,
        )
        channels = dict(ConvocationDispatch.objects.values_list("entry__full_name", "channel"))
    first = convocation_send_task(cooperative_id=world.coop_a.pk, assembly_id=assembly.pk)
    again = convocation_send_task(cooperative_id=world.coop_a.pk, assembly_id=assembly.pk)

    assert channels == {
        "Alice Arnaud": "email",
        "Carl Cazals": "registered_letter",
        "Dominique Durand": "registered_letter",
    }
    assert (first, again) == (1, 0)
    assert [m.to for m in mail.outbox] == [["alice@a.example"]]
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Convocation : AGO 2026"
    assert "1. Résolution 1 (Décision ordinaire)" in body
    assert "Texte de la résolution 2." in body
    assert f"/c/coop-a/governance/assemblies/{assembly.pk}/" in body
    with cooperative_context(world.coop_a.pk):
        sent = ConvocationDispatch.objects.get(channel="email")
        assert sent.message_id == mail.outbox[0].extra_headers["Message-ID"]
        assert sent.consent_on == dt.date(2024, 1, 15)
        assert sorted(convocation_problems(assembly=assembly)) == [
            "Carl Cazals : lettre recommandée pas encore postée.",
            "Dominique Durand : lettre recommandée pas encore postée.",
        ]


def test_an_associate_without_consent_cannot_be_convened_by_e_mail_only(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        assembly = _convened(world, consents={})
        dispatch = ConvocationDispatch.objects.get(entry__full_name="Alice Arnaud")
    sent = convocation_send_task(cooperative_id=world.coop_a.pk, assembly_id=assembly.pk)
    assert (sent, mail.outbox) == (0, [])
    with cooperative_context(world.coop_a.pk):
        # The database refuses an e-mail convocation without the consent it rests on.
        assert dispatch.channel == "registered_letter"
        with pytest.raises(IntegrityError), transaction.atomic():
            ConvocationDispatch.objects.filter(pk=dispatch.pk).update(
                channel="email", email="alice@a.example"
            )
        # And the assembly cannot open while the letters are not posted.
        Assembly.objects.filter(pk=assembly.pk).update(scheduled_at=timezone.now())
        assembly.refresh_from_db()
        with pytest.raises(ApplicationError, match="Convocation irrégulière"):
            assembly_open(assembly=assembly)
        assert Assembly.objects.get(pk=assembly.pk).status == "convened"


def test_letters_are_rendered_posted_with_their_numbers_and_audited(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        assembly = _convened(world, consents={"Alice Arnaud": dt.date(2024, 1, 15)})
        assembly = convocation_letters_render(assembly_id=assembly.pk)
        letters = {
            d.entry.full_name: d
            for d in ConvocationDispatch.objects.filter(channel="registered_letter")
        }
        manager = a_manager()
        with pytest.raises(ApplicationError, match="numéro du recommandé"):
            convocation_letters_record(
                assembly=assembly,
                posted_on=timezone.localdate(),
                numbers={letters["Carl Cazals"].pk: " "},
                by=manager,
            )
        with pytest.raises(ApplicationError, match="dans le futur"):
            convocation_letters_record(
                assembly=assembly,
                posted_on=timezone.localdate() + dt.timedelta(days=1),
                numbers={letters["Carl Cazals"].pk: "1A00000000001"},
                by=manager,
            )
        assert ConvocationDispatch.objects.exclude(posted_on=None).count() == 0
        convocation_letters_record(
            assembly=assembly,
            posted_on=timezone.localdate(),
            numbers={
                letters["Carl Cazals"].pk: "1A 000 000 0001",
                letters["Dominique Durand"].pk: "1A00000000002",
            },
            by=manager,
        )
        recorded = sorted(
            ConvocationDispatch.objects.exclude(posted_on=None).values_list(
                "entry__full_name", "registered_number"
            )
        )
        event = AuditEvent.objects.get(kind="letters_sent")
        with pytest.raises(ApplicationError, match="déjà partie"):
            convocation_letters_record(
                assembly=assembly,
                posted_on=timezone.localdate(),
                numbers={letters["Carl Cazals"].pk: "1A00000000009"},
                by=manager,
            )
        problems = convocation_problems(assembly=assembly)
    assert assembly.letters_file.name.startswith(
        f"cooperatives/{world.coop_a.pk}/governance/letters/{assembly.pk}-"
    )
    assert recorded == [("Carl Cazals", "1A0000000001"), ("Dominique Durand", "1A00000000002")]
    assert event.payload["by"] == manager.pk
    # Alice's e-mail is still to go (the worker sends it): the only irregularity left.
    assert problems == ["Alice Arnaud : e-mail pas encore envoyé."]


def test_a_letter_posted_too_late_makes_the_convocation_irregular_r223_20(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        assembly = _convened(world, consents={})
        # The assembly brought forward to ten days from now: letters posted today are late.
        Assembly.objects.filter(pk=assembly.pk).update(
            scheduled_at=timezone.now() + dt.timedelta(days=10)
        )
        assembly.refresh_from_db()
        convocation_letters_record(
            assembly=assembly,
            posted_on=timezone.localdate(),
            numbers={d.pk: f"1A{d.pk:011d}" for d in ConvocationDispatch.objects.order_by("pk")},
            by=a_manager(),
        )
        problems = convocation_problems(assembly=assembly)
    today = timezone.localdate().strftime("%d/%m/%Y")
    assert problems == [
        f"{name} : convocation envoyée le {today}, moins de 15 jours avant l'assemblée."
        for name in ("Alice Arnaud", "Carl Cazals", "Dominique Durand")
    ]


def test_a_withdrawn_consent_means_letters_again(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        statutes_signed(preset="scop_sarl")
        associate = email_consent(
            AssociateFactory.create(cooperative=world.coop_a, user=world.alice, full_name="Alice")
        )
        withdrawn = associate_convocation_update(
            associate=associate,
            postal_address="1 rue des Lilas, Perpignan",
            consent_on=None,
            by=a_manager(),
        )
        events = list(
            AuditEvent.objects.filter(kind="email_consent")
            .order_by("seq")
            .values_list("payload", flat=True)
        )
        stored = Associate.objects.get(pk=associate.pk)
    assert (withdrawn.email_consent_on, stored.email_consent_address) == (None, "")
    assert [e["consent_on"] for e in events] == ["2024-01-15", None]


def test_an_assembly_convened_before_consents_were_tracked_still_opens(world: World) -> None:
    # Convened before this version: no frozen statutes, its e-mails sent without a recorded
    # consent. It opens as it was convened; verify skips the checks it could not satisfy.
    with cooperative_context(world.coop_a.pk):
        assembly = _convened(world, consents={})
        ConvocationDispatch.objects.filter(assembly=assembly).update(
            channel="unconsented_email", email="x@example.org", sent_at=timezone.now()
        )
        Assembly.objects.filter(pk=assembly.pk).update(
            profile_snapshot={}, scheduled_at=timezone.now()
        )
        assembly.refresh_from_db()
        opened = assembly_open(assembly=assembly)
        problems = convocation_problems(assembly=assembly)
    assert opened.status == "open"
    assert problems[0] == "Alice Arnaud : convocation par e-mail sans accord écrit enregistré."
