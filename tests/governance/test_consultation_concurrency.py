"""Answers to a written consultation under real concurrent transactions."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import pytest
from django.utils import timezone

from governance.models import Assembly, Ballot, Participation, Resolution, RollEntry
from governance.services import (
    consultation_answer,
    consultation_close,
    consultation_create,
    consultation_send,
    resolution_add,
)
from governance.services.convocation import convocation_send
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.factories import CooperativeFactory
from tests.factories.governance import AssociateFactory
from tests.governance.conftest import statutes_signed
from tests.helpers.governance import run_together

pytestmark = pytest.mark.django_db(transaction=True)


def _sent(associates: int) -> tuple[int, Assembly, list[RollEntry], dict[int, str]]:
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        statutes_signed(preset="scic_sas", written=True)
        for index in range(associates):
            # Convened by e-mail with their written consent, so that each reception is known
            # (a registered letter's is not until its notice comes back).
            AssociateFactory.create(
                cooperative=cooperative,
                full_name=f"Associé·e {index:03d}",
                email_consent_on=dt.date(2024, 6, 1),
                email_consent_how="signed_form",
                email_consent_address=f"associe{index:03d}@example.org",
            )
        consultation = consultation_create(
            title="Consultation",
            kind="ordinary",
            response_deadline=timezone.now() + dt.timedelta(days=20),
        )
        for index in (1, 2):
            resolution_add(assembly=consultation, title=f"R{index}", text="Texte.")
        consultation = consultation_send(consultation=consultation)
        # The convocation e-mails are out (the worker's job, run here): closing at the
        # deadline then depends on the answers only.
        convocation_send(assembly_id=consultation.pk)
        entries = list(RollEntry.objects.filter(assembly=consultation).order_by("full_name"))
        answers = dict.fromkeys(consultation.resolutions.values_list("pk", flat=True), "for")
    return cooperative.pk, consultation, entries, answers


def test_the_same_associate_answering_many_times_at_once_is_counted_once() -> None:
    cooperative_id, consultation, entries, answers = _sent(3)
    results = run_together(
        cooperative_id,
        [lambda: consultation_answer(consultation=consultation, entry=entries[0], answers=answers)]
        * 8,
    )
    errors = [r for r in results if isinstance(r, Exception)]
    assert len(errors) == 7
    assert all(isinstance(e, ApplicationError) and "déjà enregistré" in e.message for e in errors)
    with cooperative_context(cooperative_id):
        assert (Participation.objects.count(), Ballot.objects.count()) == (2, 2)


def test_answers_racing_the_close_at_the_deadline_none_after_close() -> None:
    cooperative_id, consultation, entries, answers = _sent(20)

    def staggered(index: int, job: Callable[[], Any]) -> Callable[[], Any]:
        def run() -> Any:
            time.sleep(index * 0.01)
            return job()

        return run

    jobs: list[Callable[[], Any]] = [
        staggered(
            i,
            partial(consultation_answer, consultation=consultation, entry=e, answers=answers),
        )
        for i, e in enumerate(entries)
    ]

    def close_after_some_answers() -> Assembly:
        deadline = time.monotonic() + 10
        while Participation.objects.count() < 8 and time.monotonic() < deadline:
            time.sleep(0.001)
        # The deadline has come (the server's clock of the closing task).
        return consultation_close(consultation=consultation, now=consultation.scheduled_at)

    jobs.append(close_after_some_answers)
    results = run_together(cooperative_id, jobs)

    accepted = [r for r in results[:-1] if not isinstance(r, Exception)]
    refused = [r for r in results[:-1] if isinstance(r, Exception)]
    assert not isinstance(results[-1], Exception), results[-1]
    assert all(
        isinstance(e, ApplicationError) and "n'est pas ouverte" in e.message for e in refused
    ), refused
    with cooperative_context(cooperative_id):
        closed = list(Resolution.objects.filter(assembly=consultation).order_by("position"))
        participations = Participation.objects.count()
        ballots = Ballot.objects.count()
    # Every accepted answer (two ballots each) is in the frozen count; none came after close.
    assert participations == ballots == 2 * len(accepted)
    assert [r.votes_for for r in closed] == [len(accepted)] * 2
    assert len(accepted) + len(refused) == 20
    assert len(accepted) >= 4
