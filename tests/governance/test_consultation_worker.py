"""Written consultations on a real Celery worker and Redis: the e-mails, then the close by the
beat entry point once the deadline has passed, with the minutes rendered after it."""

from __future__ import annotations

import datetime as dt
import time

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from governance.models import Assembly, ConvocationDispatch
from governance.services import consultation_answer
from governance.tasks import consultations_close_due_for_all_cooperatives, convocation_send_task
from perspectives.celery import app
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.helpers.governance import make_consultation


@pytest.mark.celery_worker
def test_a_real_worker_sends_then_closes_the_consultation(world: World, worker: None) -> None:
    with cooperative_context(world.coop_a.pk):
        # Alice and Carl, both convened by e-mail with their consent, answer everything: the
        # deadline may then close the consultation whatever the delay from receipt.
        consultation = make_consultation(world, associates=2, deliver=False)
        for entry in consultation.roll.all():
            consultation_answer(
                consultation=consultation,
                entry=entry,
                answers=dict.fromkeys(consultation.resolutions.values_list("pk", flat=True), "for"),
            )
    sent = convocation_send_task.delay(
        cooperative_id=world.coop_a.pk, assembly_id=consultation.pk
    ).get(timeout=30)
    with cooperative_context(world.coop_a.pk):
        proofs = ConvocationDispatch.objects.exclude(sent_at=None).count()
        Assembly.objects.filter(pk=consultation.pk).update(
            scheduled_at=timezone.now() - dt.timedelta(seconds=1)
        )
    beat = settings.CELERY_BEAT_SCHEDULE["governance-consultations-close"]
    assert beat["task"] in app.tasks
    fanned_out = consultations_close_due_for_all_cooperatives.delay().get(timeout=30)
    deadline = time.monotonic() + 60
    while True:
        with cooperative_context(world.coop_a.pk):
            closed = Assembly.objects.get(pk=consultation.pk)
        if closed.minutes_file or time.monotonic() > deadline:
            break
        time.sleep(0.2)

    assert (sent, proofs, len(mail.outbox)) == (2, 2, 2)
    assert fanned_out == 2  # one task per cooperative
    assert closed.status == "closed"
    assert closed.minutes_file.name.startswith(f"cooperatives/{world.coop_a.pk}/governance/")
    with cooperative_context(world.coop_b.pk):
        assert not Assembly.objects.exists()
