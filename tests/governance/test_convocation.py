from __future__ import annotations

from django.core import mail

from governance.models import ConvocationDispatch
from governance.tasks import convocation_send_task
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.governance.conftest import convened_assembly


def test_convocations_are_sent_once_with_agenda_and_proof(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(
            associates=3,
            users=[world.alice, world.carl],
            resolutions=(("ordinary", False), ("extraordinary", False)),
        )
    first = convocation_send_task(cooperative_id=world.coop_a.pk, assembly_id=setup.assembly.pk)
    again = convocation_send_task(cooperative_id=world.coop_a.pk, assembly_id=setup.assembly.pk)

    assert (first, again) == (2, 0)
    assert sorted(m.to[0] for m in mail.outbox) == ["alice@a.example", "carl@a.example"]
    body = mail.outbox[0].body
    assert mail.outbox[0].subject == "Convocation : AGO 2026"
    assert "1. Résolution 1 (Décision ordinaire)" in body
    assert "Texte de la résolution 2." in body
    assert f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/" in body
    with cooperative_context(world.coop_a.pk):
        rows = sorted(ConvocationDispatch.objects.values_list("email", "error"), key=lambda r: r[0])
        proofs = ConvocationDispatch.objects.exclude(sent_at=None)
        message_ids = {d.message_id for d in proofs}
    assert rows == [
        ("", "Pas d'adresse e-mail : convocation postale à envoyer."),
        ("alice@a.example", ""),
        ("carl@a.example", ""),
    ]
    assert {m.extra_headers["Message-ID"] for m in mail.outbox} == message_ids
