from __future__ import annotations

import datetime as dt

from django.core import mail

from entrepreneurs.models import AlertNotice, Entrepreneur
from entrepreneurs.services import path_step_record
from entrepreneurs.services.alerts import accompaniment_alerts_send
from entrepreneurs.tasks import accompaniment_alerts_send_task
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World

TODAY = dt.date(2026, 11, 26)


def test_weekly_digest_goes_to_the_referent_and_managers_once(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
        # CESA since 2024-02-01 without CAPE: deadline 2027-02-01, inside the 6-month window.
        path_step_record(
            entrepreneur=alice, kind="cesa_start", date=dt.date(2024, 2, 1), recorded_by=None
        )
        assert accompaniment_alerts_send(today=TODAY) == 2
        assert accompaniment_alerts_send(today=TODAY) == 0
        assert AlertNotice.objects.filter(period="2026-W48").count() == 2
    assert sorted(message.to[0] for message in mail.outbox) == ["bob@a.example", "carl@a.example"]
    assert mail.outbox[0].subject == "Coopérative A : 1 dossier(s) demandent votre attention"
    assert (
        "Alice Arnaud (Communication) : Doit devenir associé·e avant le 01/02/2027"
        in mail.outbox[0].body
    )


def test_nothing_to_say_sends_nothing(world: World) -> None:
    with cooperative_context(world.coop_b.pk):
        assert accompaniment_alerts_send(today=TODAY) == 0
    assert mail.outbox == []


def test_the_task_runs_inside_its_cooperative(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
        path_step_record(
            entrepreneur=alice, kind="cesa_start", date=dt.date(2020, 2, 1), recorded_by=None
        )
    result = accompaniment_alerts_send_task.apply(kwargs={"cooperative_id": world.coop_b.pk})
    assert result.get() == 0
    result = accompaniment_alerts_send_task.apply(kwargs={"cooperative_id": world.coop_a.pk})
    assert result.get() == 2
