"""Written consultations: created, sent, answered and closed under the statute profile's rules."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail
from django.db import IntegrityError, transaction
from django.db.models.expressions import RawSQL
from django.test import Client
from django.utils import timezone

from governance.models import (
    Assembly,
    Attendance,
    AuditEvent,
    Ballot,
    ConvocationDispatch,
    Participation,
    Resolution,
    RollEntry,
)
from governance.services import (
    consultation_answer,
    consultation_close,
    consultation_create,
    consultation_send,
    consultations_close_due,
    proxy_grant,
    resolution_add,
    resolution_close,
    roll_hash_of,
)
from governance.services.verify import governance_verify
from governance.tasks import consultations_close_due_task, convocation_send_task
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.governance import AssociateFactory
from tests.governance.conftest import (
    statutes_signed,
    totp_now,
)
from tests.helpers.governance import make_consultation


def _entries(consultation: Assembly) -> list[RollEntry]:
    return list(RollEntry.objects.filter(assembly=consultation).order_by("full_name", "pk"))


def _answers(consultation: Assembly, *choices: str) -> dict[int, str]:
    ids = consultation.resolutions.order_by("position").values_list("pk", flat=True)
    return dict(zip(ids, choices, strict=True))


def test_statutes_that_forbid_written_consultation_refuse_it(in_a: World) -> None:
    statutes_signed(preset="scop_sarl")
    with pytest.raises(ApplicationError, match="n'admet aucune consultation écrite"):
        consultation_create(
            title="Consultation",
            kind="ordinary",
            response_deadline=timezone.now() + dt.timedelta(days=20),
        )
    assert Assembly.objects.count() == 0


def test_sending_freezes_the_roll_opens_every_resolution_and_is_audited(in_a: World) -> None:
    consultation = make_consultation(in_a)
    resolutions = list(consultation.resolutions.order_by("position"))
    events = list(
        AuditEvent.objects.filter(assembly=consultation)
        .order_by("seq")
        .values_list("kind", flat=True)
    )

    assert (consultation.status, consultation.roll_size, consultation.mode) == (
        "open",
        5,
        "written",
    )
    assert roll_hash_of(consultation) == consultation.roll_hash
    assert [r.status for r in resolutions] == ["open", "open"]
    assert events == [
        "convened",
        "opened",
        "resolution_opened",
        "resolution_opened",
        "letters_sent",
        *["letter_received"] * 3,
    ]
    # No proxy, no room count, no closing one resolution alone.
    a, b = _entries(consultation)[:2]
    with pytest.raises(ApplicationError, match="Pas de pouvoir dans une consultation écrite"):
        proxy_grant(assembly=consultation, grantor=a, holder=b)
    with pytest.raises(ApplicationError, match="se clôt en entier"):
        resolution_close(resolution=resolutions[0])


def test_the_answer_delay_of_the_statutes_is_checked_at_sending(in_a: World) -> None:
    consultation = make_consultation(in_a, send=False)
    consultation.scheduled_at = timezone.now() + dt.timedelta(days=10)
    consultation.save(update_fields=["scheduled_at"])
    with pytest.raises(ApplicationError, match="au moins 15 jours pour répondre"):
        consultation_send(consultation=consultation)
    consultation.refresh_from_db()
    assert (consultation.status, RollEntry.objects.count()) == ("draft", 0)


def test_the_consultation_is_e_mailed_once_with_proof_of_sending(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        consultation = make_consultation(world, deliver=False)
    first = convocation_send_task(cooperative_id=world.coop_a.pk, assembly_id=consultation.pk)
    again = convocation_send_task(cooperative_id=world.coop_a.pk, assembly_id=consultation.pk)

    assert (first, again) == (2, 0)
    assert mail.outbox[0].subject == "Consultation écrite : Approbation des comptes 2025"
    body = mail.outbox[0].body
    assert "Répondez en ligne avant le" in body
    assert "2. Résolution 2 (Décision ordinaire)" in body
    assert f"/c/coop-a/governance/assemblies/{consultation.pk}/" in body
    with cooperative_context(world.coop_a.pk):
        assert ConvocationDispatch.objects.exclude(sent_at=None).count() == 2
        assert ConvocationDispatch.objects.filter(sent_at=None).count() == 3  # postal


def test_associates_answer_once_each_personally(in_a: World) -> None:
    consultation = make_consultation(in_a)
    alice = _entries(consultation)[0]
    receipts = consultation_answer(
        consultation=consultation, entry=alice, answers=_answers(consultation, "for", "against")
    )
    with pytest.raises(ApplicationError, match="déjà enregistré"):
        consultation_answer(
            consultation=consultation, entry=alice, answers=_answers(consultation, "for", "for")
        )
    with pytest.raises(ApplicationError, match="il manque : 2"):
        consultation_answer(
            consultation=consultation,
            entry=_entries(consultation)[1],
            answers=dict(list(_answers(consultation, "for", "for").items())[:1]),
        )

    assert len(receipts) == 2
    assert sorted(Ballot.objects.values_list("tracker", flat=True)) == sorted(
        r.tracker for r in receipts
    )
    assert list(Participation.objects.values_list("channel", flat=True)) == ["written"] * 2
    assert list(Attendance.objects.values_list("mode", flat=True)) == ["written"]


def test_an_answer_after_the_deadline_is_refused_in_french(in_a: World) -> None:
    consultation = make_consultation(in_a)
    Assembly.objects.filter(pk=consultation.pk).update(
        scheduled_at=timezone.now() - dt.timedelta(minutes=1)
    )
    consultation.refresh_from_db()
    with pytest.raises(ApplicationError, match="La consultation écrite est close depuis le"):
        consultation_answer(
            consultation=consultation,
            entry=_entries(consultation)[0],
            answers=_answers(consultation, "for", "for"),
        )
    assert (Participation.objects.count(), Ballot.objects.count()) == (0, 0)


def test_the_database_refuses_an_answer_after_the_deadline(in_a: World) -> None:
    consultation = make_consultation(in_a)
    # The trigger reads the database's clock, which a test's travel in time does not move.
    Assembly.objects.filter(pk=consultation.pk).update(
        scheduled_at=RawSQL("clock_timestamp() - interval '1 second'", ())
    )
    entry = _entries(consultation)[0]
    with (
        pytest.raises(IntegrityError, match="written consultation is closed"),
        transaction.atomic(),
    ):
        Participation.objects.create(
            cooperative=in_a.coop_a,
            resolution=consultation.resolutions.order_by("position")[0],
            voter=entry,
            cast_by=entry,
            channel="written",
        )
    assert Participation.objects.count() == 0


def test_an_associate_of_another_consultation_cannot_answer(in_a: World) -> None:
    consultation = make_consultation(in_a)
    other = consultation_create(
        title="Autre",
        kind="ordinary",
        response_deadline=timezone.now() + dt.timedelta(days=20),
    )
    resolution_add(assembly=other, title="R", text="Texte.")
    other = consultation_send(consultation=other)
    outsider = RollEntry.objects.filter(assembly=other).first()
    assert outsider is not None
    with pytest.raises(ApplicationError, match="pas sur la liste des associé·es consulté·es"):
        consultation_answer(
            consultation=consultation,
            entry=outsider,
            answers=_answers(consultation, "for", "for"),
        )
    assert Participation.objects.count() == 0


def test_close_before_the_deadline_needs_every_answer(in_a: World) -> None:
    consultation = make_consultation(in_a, associates=3)
    entries = _entries(consultation)
    consultation_answer(
        consultation=consultation, entry=entries[0], answers=_answers(consultation, "for", "for")
    )
    with pytest.raises(ApplicationError, match="2 associé·e\\(s\\) sur 3 n'ont pas encore répondu"):
        consultation_close(consultation=consultation)
    for entry, choices in ((entries[1], ("for", "against")), (entries[2], ("against", "against"))):
        consultation_answer(
            consultation=consultation, entry=entry, answers=_answers(consultation, *choices)
        )
    closed = consultation_close(consultation=consultation)
    results = list(
        closed.resolutions.order_by("position").values_list(
            "votes_for", "votes_against", "votes_abstain", "present_or_represented", "outcome"
        )
    )
    assert closed.status == "closed"
    assert results == [(2, 1, 0, 3, "adopted"), (1, 2, 0, 3, "rejected")]
    # No second round for a consultation.
    assert Assembly.objects.count() == 1
    assert governance_verify() == []


def test_the_deadline_freezes_the_results_under_the_profile_rules(in_a: World) -> None:
    consultation = make_consultation(in_a, associates=10)
    entries = _entries(consultation)
    consultation_answer(
        consultation=consultation,
        entry=entries[0],
        answers=_answers(consultation, "for", "abstain"),
    )
    consultation_answer(
        consultation=consultation,
        entry=entries[1],
        answers=_answers(consultation, "for", "for"),
    )
    # Not due yet: nothing closed.
    assert consultations_close_due() == []
    closed_ids = consultations_close_due(now=consultation.scheduled_at)

    assert closed_ids == [consultation.pk]
    first, second = Resolution.objects.filter(assembly=consultation).order_by("position")
    # SCIC SAS, ordinary decisions on first consultation: quorum 1/5 of 10 = 2 answers, then
    # more than half of the votes cast (abstentions left out).
    assert (first.votes_for, first.outcome) == (2, "adopted")
    assert (second.votes_for, second.votes_abstain, second.outcome) == (1, 1, "adopted")
    assert "Quorum atteint : 2 associé·es" in first.explanation
    assert "Statuts types SCIC SAS, décisions ordinaires, 1re" in first.explanation
    assert AuditEvent.objects.order_by("-seq").first().kind == "closed"  # type: ignore[union-attr]
    assert governance_verify() == []


def test_too_few_answers_miss_the_quorum(in_a: World) -> None:
    consultation = make_consultation(in_a, associates=10)
    consultation_answer(
        consultation=consultation,
        entry=_entries(consultation)[0],
        answers=_answers(consultation, "for", "for"),
    )
    consultations_close_due(now=consultation.scheduled_at + dt.timedelta(minutes=5))
    outcomes = set(Resolution.objects.values_list("outcome", flat=True))
    assert outcomes == {"no_quorum"}
    assert Assembly.objects.count() == 1


def test_the_periodic_task_closes_due_consultations(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        consultation = make_consultation(world)
    # The deadline has passed, and with it the fifteen days from every receipt.
    with time_machine.travel(consultation.scheduled_at + dt.timedelta(minutes=1), tick=True):
        closed = consultations_close_due_task(cooperative_id=world.coop_a.pk)
        again = consultations_close_due_task(cooperative_id=world.coop_a.pk)
    assert (closed, again) == ([consultation.pk], [])
    with cooperative_context(world.coop_a.pk):
        assert Assembly.objects.get(pk=consultation.pk).status == "closed"


# --------------------------------------------------------------------------- pages and API


def _url(consultation: Assembly, suffix: str = "", slug: str = "coop-a") -> str:
    return f"/c/{slug}/governance/assemblies/{consultation.pk}/{suffix}"


def test_manager_creates_and_sends_through_the_pages(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        statutes_signed(preset="scic_sas", written=True)
        AssociateFactory.create(
            cooperative=world.coop_a, user=world.alice, full_name="Alice Arnaud"
        )
    client.force_login(world.carl)
    deadline = timezone.localtime() + dt.timedelta(days=16)
    created = client.post(
        "/c/coop-a/governance/consultations/new/",
        {
            "title": "Consultation de rentrée",
            "kind": "ordinary",
            "response_deadline": deadline.strftime("%Y-%m-%dT%H:%M"),
        },
    )
    with cooperative_context(world.coop_a.pk):
        consultation = Assembly.objects.get()
    client.post(
        _url(consultation, "resolutions/new/"),
        {"title": "Cotisation", "text": "Texte.", "decision_class": "ordinary"},
    )
    draft = client.get(_url(consultation))
    sent = client.post(_url(consultation, "send/"), follow=True)
    closing = client.post(_url(consultation, "close/"), follow=True)

    assert created.status_code == 302
    assert "Envoyer la consultation (fige la liste des associé·es)" in draft.text
    assert "Joindre un document à la convocation" in draft.text
    assert "Proposer un amendement" not in draft.text
    # Before the deadline, the management closes only once everyone has answered.
    assert "n&#x27;ont pas encore répondu" in closing.text
    assert "Consultation envoyée" in sent.text
    with cooperative_context(world.coop_a.pk):
        consultation.refresh_from_db()
        assert (consultation.mode, consultation.status, consultation.roll_size) == (
            "written",
            "open",
            1,
        )


def test_associate_answers_on_the_page_and_non_associates_cannot(
    world: World, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        consultation = make_consultation(world)
        ids = list(consultation.resolutions.order_by("position").values_list("pk", flat=True))
    client.force_login(world.alice)
    page = client.get(_url(consultation))
    answered = client.post(
        _url(consultation, "answer/"),
        {f"resolution_{ids[0]}": "for", f"resolution_{ids[1]}": "abstain"},
        follow=True,
    )
    client.force_login(world.bob)
    bob_page = client.get(_url(consultation))
    bob = client.post(
        _url(consultation, "answer/"),
        {f"resolution_{ids[0]}": "for", f"resolution_{ids[1]}": "for"},
    )

    assert page.status_code == 200
    assert "Envoyer ma réponse" in page.text
    assert "Votre réponse est enregistrée" in answered.text
    assert "1 associé·es sur 5 ont répondu" in answered.text
    assert "Envoyer ma réponse" not in bob_page.text
    assert bob.status_code == 403
    with cooperative_context(world.coop_a.pk):
        assert Participation.objects.count() == 2


def test_api_answer_and_refusals(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        consultation = make_consultation(world)
        ids = list(consultation.resolutions.order_by("position").values_list("pk", flat=True))
    url = f"/api/v1/c/coop-a/governance/assemblies/{consultation.pk}/answers/"
    body = {"answers": [{"resolution_id": i, "choice": "for"} for i in ids]}
    client.force_login(world.alice)
    created = client.post(url, body, content_type="application/json")
    again = client.post(url, body, content_type="application/json")
    client.force_login(world.bob)
    bob = client.post(url, body, content_type="application/json")

    assert created.status_code == 201
    assert [r["resolution_id"] for r in created.json()] == ids
    assert again.status_code == 400
    assert "déjà enregistré" in again.text
    assert bob.status_code == 403
    with cooperative_context(world.coop_a.pk):
        assert Participation.objects.count() == 2


def test_other_cooperative_gets_404_on_every_consultation_url(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        consultation = make_consultation(world)
        ids = list(consultation.resolutions.order_by("position").values_list("pk", flat=True))
    client.force_login(world.charlie)
    answers = {f"resolution_{i}": "for" for i in ids}
    for slug in ("coop-a", "coop-b"):
        assert client.get(f"/c/{slug}/governance/consultations/new/").status_code == (
            404 if slug == "coop-a" else 200
        )
        assert client.post(_url(consultation, "answer/", slug), answers).status_code == 404
        assert client.post(_url(consultation, "send/", slug)).status_code == 404
        assert client.post(_url(consultation, "close/", slug)).status_code == 404
        api = client.post(
            f"/api/v1/c/{slug}/governance/assemblies/{consultation.pk}/answers/",
            {"answers": [{"resolution_id": i, "choice": "for"} for i in ids]},
            content_type="application/json",
        )
        assert api.status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert Participation.objects.count() == 0
        assert Assembly.objects.get().status == "open"


def test_a_secret_resolution_keeps_no_choice_and_asks_the_second_factor(
    world: World, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        consultation = make_consultation(world, secret=True)
        ids = list(consultation.resolutions.order_by("position").values_list("pk", flat=True))
    answers = {f"resolution_{ids[0]}": "for", f"resolution_{ids[1]}": "against"}
    client.force_login(world.carl)  # has TOTP
    without_code = client.post(_url(consultation, "answer/"), answers, follow=True)
    with cooperative_context(world.coop_a.pk):
        before = Participation.objects.count()
    with_code = client.post(
        _url(consultation, "answer/"), {**answers, "otp_code": totp_now()}, follow=True
    )

    assert "saisissez le code à six chiffres" in without_code.text
    assert before == 0
    assert "Réponse enregistrée" in with_code.text
    with cooperative_context(world.coop_a.pk):
        choices = dict(Participation.objects.values_list("resolution_id", "choice"))
        ballots = sorted(Ballot.objects.values_list("choice", flat=True))
    assert choices == {ids[0]: "for", ids[1]: ""}  # the secret one keeps no choice
    assert ballots == ["against", "for"]
