"""Each way an assembly's decisions could be annulled, refused by the platform: the law's
article in each test's name."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.utils import timezone

from governance.models import (
    AdmissionApplication,
    Assembly,
    Attendance,
    Participation,
    Proxy,
    Resolution,
    RollEntry,
)
from governance.services import (
    admission_admit_automatically,
    admission_apply,
    assembly_close,
    assembly_convene,
    assembly_create,
    assembly_open,
    assembly_remote_session_record,
    attendance_record,
    candidacy_file,
    consultation_answer,
    consultation_close,
    consultation_create,
    consultation_deadline_extend,
    consultation_send,
    convocation_letters_record,
    convocation_receipt_record,
    proxy_grant,
    resolution_add,
    resolution_close,
    resolution_open,
    statute_profile_sign_off,
    statute_profile_update,
    vote_cast,
)
from governance.services.verify import governance_verify
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.models import Cooperative
from tests.conftest import World, travel_to
from tests.factories.governance import AssociateFactory
from tests.governance.conftest import (
    a_manager,
    alice_file,
    convened_assembly,
    convocations_regular,
    opened,
    start_cesa,
    statutes_signed,
)

# --------------------------------------------------------------------------- remote presence


def _hybrid(*, remote_clause: bool, session: bool, preset: str = "scop_sarl") -> Assembly:
    """Four associates, a hybrid assembly convened, letters posted; the statutes admit remote
    participation or not; the remote session recorded (voice, continuous) or not. Open."""
    statutes_signed(preset=preset, remote=remote_clause)
    for index in range(4):
        AssociateFactory.create(
            cooperative=Cooperative.objects.get(slug="coop-a"), full_name=f"A{index}"
        )
    assembly = assembly_create(
        title="AGO",
        kind="ordinary",
        mode="hybrid",
        scheduled_at=timezone.now() + dt.timedelta(days=20),
    )
    for decision_class in ("ordinary", "accounts"):
        resolution_add(
            assembly=assembly, title=decision_class, text="Texte.", decision_class=decision_class
        )
    assembly = convocations_regular(assembly_convene(assembly=assembly), remote=session)
    return assembly_open(assembly=assembly, now=assembly.scheduled_at)


def test_an_online_voter_without_the_statutes_clause_does_not_count_as_present_l47_art_10(
    in_a: World,
) -> None:
    assembly = _hybrid(remote_clause=False, session=True)
    ordinary = resolution_open(resolution=assembly.resolutions.get(decision_class="ordinary"))
    online, in_room = RollEntry.objects.filter(assembly=assembly).order_by("full_name")[:2]
    with pytest.raises(ApplicationError, match="participation à distance n'est pas admise"):
        vote_cast(resolution=ordinary, cast_by=online, choice="for")
    with pytest.raises(ApplicationError, match="participation à distance n'est pas admise"):
        attendance_record(assembly=assembly, entry=online, mode="video")
    # In the room, the same online ballot counts: the bureau signed them in.
    attendance_record(assembly=assembly, entry=in_room, mode="room")
    vote_cast(resolution=ordinary, cast_by=in_room, choice="for")
    assert list(Participation.objects.values_list("voter__full_name", flat=True)) == ["A1"]
    assert list(Attendance.objects.values_list("mode", flat=True)) == ["room"]


def test_an_online_voter_without_voice_and_continuous_retransmission_is_not_present_r223_20_1(
    in_a: World,
) -> None:
    assembly = _hybrid(remote_clause=True, session=False)
    ordinary = resolution_open(resolution=assembly.resolutions.get(decision_class="ordinary"))
    entry = RollEntry.objects.filter(assembly=assembly).first()
    assert entry is not None
    with pytest.raises(ApplicationError, match="retransmission continue et simultanée"):
        vote_cast(resolution=ordinary, cast_by=entry, choice="for")
    # A session recorded without continuous retransmission is no better.
    assembly_remote_session_record(
        assembly=assembly, means="Téléphone", voice=True, continuous=False, by=a_manager()
    )
    with pytest.raises(ApplicationError, match=r"R\.223-20-1"):
        vote_cast(resolution=ordinary, cast_by=entry, choice="for")
    assert Participation.objects.count() == 0


def test_remote_presence_never_for_a_sarl_s_approval_of_the_accounts_l223_27(
    in_a: World,
) -> None:
    assembly = _hybrid(remote_clause=True, session=True)
    ordinary = assembly.resolutions.get(decision_class="ordinary")
    accounts = assembly.resolutions.get(decision_class="accounts")
    a0, a1, a2, _a3 = RollEntry.objects.filter(assembly=assembly).order_by("full_name")
    attendance_record(assembly=assembly, entry=a0, mode="video")
    attendance_record(assembly=assembly, entry=a1, mode="video")
    attendance_record(assembly=assembly, entry=a2, mode="room")
    resolution_open(resolution=ordinary)
    resolution_open(resolution=accounts)
    vote_cast(resolution=ordinary, cast_by=a0, choice="for")
    with pytest.raises(ApplicationError, match="jamais pour l'approbation des comptes"):
        vote_cast(resolution=accounts, cast_by=a0, choice="for")
    vote_cast(resolution=accounts, cast_by=a2, choice="for")
    ordinary = resolution_close(resolution=ordinary)
    accounts = resolution_close(resolution=accounts)
    # Three present for the ordinary decision; only the room counts for the accounts.
    assert (ordinary.present_or_represented, accounts.present_or_represented) == (3, 1)


def test_correspondence_votes_need_the_statutes_clause_l47_art_10(in_a: World) -> None:
    statutes_signed(preset="scic_sa", correspondence=False)
    AssociateFactory.create(cooperative=in_a.coop_a, full_name="A")
    assembly = assembly_create(
        title="AGO",
        kind="ordinary",
        mode="hybrid",
        scheduled_at=timezone.now() + dt.timedelta(days=20),
        correspondence_deadline=timezone.now() + dt.timedelta(days=19),
    )
    resolution = resolution_add(assembly=assembly, title="R", text="Texte.")
    assembly = assembly_convene(assembly=assembly)
    entry = RollEntry.objects.get(assembly=assembly)
    with pytest.raises(ApplicationError, match="n'admettent pas le vote par correspondance"):
        vote_cast(resolution=resolution, cast_by=entry, choice="for", correspondence=True)
    assert Participation.objects.count() == 0


# --------------------------------------------------------------------------- delays


def _second_convocation(preset: str) -> Assembly:
    """A first convocation whose extraordinary decision missed its quorum: the draft of the
    second convocation, dated by the statutes' delay."""
    setup = convened_assembly(associates=4, resolutions=(("extraordinary", False),), preset=preset)
    opened(setup)
    assembly_close(assembly=setup.assembly)
    second: Assembly = Assembly.objects.get(convocation=2)
    return second


def test_a_scop_sarl_second_convocation_cannot_be_sent_before_15_days_r223_20(
    in_a: World,
) -> None:
    second = _second_convocation("scop_sarl")
    today = timezone.localdate()
    assert timezone.localdate(second.scheduled_at) == today + dt.timedelta(days=16)
    with pytest.raises(ApplicationError, match="au moins 15 jours avant l'assemblée"):
        assembly_convene(assembly=second, now=second.scheduled_at - dt.timedelta(days=14))
    assert Assembly.objects.get(pk=second.pk).status == "draft"
    convened = assembly_convene(assembly=second, now=second.scheduled_at - dt.timedelta(days=15))
    assert convened.status == "convened"


def test_a_scop_sa_second_convocation_waits_10_days_r225_69(in_a: World) -> None:
    second = _second_convocation("scop_sa")
    assert timezone.localdate(second.scheduled_at) == timezone.localdate() + dt.timedelta(days=11)
    with pytest.raises(ApplicationError, match="au moins 10 jours"):
        assembly_convene(assembly=second, now=second.scheduled_at - dt.timedelta(days=9))


def test_the_written_answer_delay_runs_from_receipt_r223_22(in_a: World) -> None:
    statutes_signed(preset="scic_sarl", written=True)
    for index in range(3):
        AssociateFactory.create(cooperative=in_a.coop_a, full_name=f"A{index}")
    consultation = consultation_create(
        title="Consultation",
        kind="ordinary",
        response_deadline=timezone.now() + dt.timedelta(days=16),
    )
    resolution_add(assembly=consultation, title="R", text="Texte.")
    consultation = consultation_send(consultation=consultation)
    letters = list(consultation.dispatches.order_by("entry__full_name"))
    convocation_letters_record(
        assembly=consultation,
        posted_on=timezone.localdate(),
        numbers={d.pk: f"1A{d.pk:011d}" for d in letters},
        by=a_manager(),
    )
    entries = list(consultation.roll.order_by("full_name"))
    answers = {consultation.resolutions.get().pk: "for"}
    consultation_answer(consultation=consultation, entry=entries[0], answers=answers)
    # A1's letter arrives the next day, A2's after five days: fifteen days from the receipt
    # run beyond the deadline, sixteen days from the sending.
    with time_machine.travel(timezone.now() + dt.timedelta(days=5), tick=True):
        convocation_receipt_record(
            dispatch=letters[1], received_on=timezone.localdate() - dt.timedelta(days=4), by=None
        )
        convocation_receipt_record(dispatch=letters[2], received_on=timezone.localdate(), by=None)
    deadline = consultation.scheduled_at
    with pytest.raises(ApplicationError, match="A2 : reçu le") as refused:
        consultation_close(consultation=consultation, now=deadline + dt.timedelta(minutes=1))
    assert "A1" not in str(refused.value)
    consultation = consultation_deadline_extend(
        consultation=consultation, deadline=deadline + dt.timedelta(days=5), by=a_manager()
    )
    closed = consultation_close(
        consultation=consultation, now=consultation.scheduled_at + dt.timedelta(minutes=1)
    )
    assert closed.status == "closed"


# --------------------------------------------------------------------------- majorities


def test_a_missed_majority_of_all_associates_calls_a_second_written_consultation_l223_29(
    in_a: World,
) -> None:
    statutes_signed(preset="scic_sarl", written=True)
    for index in range(4):
        AssociateFactory.create(cooperative=in_a.coop_a, full_name=f"A{index}")
    consultation = consultation_create(
        title="Consultation",
        kind="ordinary",
        response_deadline=timezone.now() + dt.timedelta(days=20),
    )
    resolution_add(assembly=consultation, title="Cotisation", text="Texte.")
    consultation = consultation_send(consultation=consultation)
    resolution = consultation.resolutions.get()
    for entry, choice in zip(
        consultation.roll.order_by("full_name"), ["for", "for", "against", "abstain"], strict=True
    ):
        consultation_answer(consultation=consultation, entry=entry, answers={resolution.pk: choice})
    consultation_close(consultation=consultation)
    resolution.refresh_from_db()
    second = Assembly.objects.get(first_assembly=consultation)
    # 2 for out of 4 associates is not more than half: consulted again (not "Rejetée"); on the
    # second consultation, the majority of the votes cast decides.
    assert resolution.outcome == "second_round"
    assert (second.mode, second.convocation, second.status) == ("written", 2, "draft")
    assert list(second.resolutions.values_list("title", flat=True)) == ["Cotisation"]
    assert timezone.localdate(second.scheduled_at) == timezone.localdate() + dt.timedelta(days=16)


def test_a_unanimous_decision_needs_every_associate_code_civil_1836(in_a: World) -> None:
    setup = convened_assembly(associates=3, resolutions=(("unanimity", False),))
    opened(setup)
    resolution = resolution_open(resolution=setup.resolutions[0])
    for entry in setup.entries[:2]:
        attendance_record(assembly=setup.assembly, entry=entry, mode="room")
        vote_cast(resolution=resolution, cast_by=entry, choice="for")
    closed = resolution_close(resolution=resolution)
    assert (closed.votes_for, closed.outcome) == (2, "rejected")
    assert "au moins 1/1 des associé·es ayant droit de vote (3), soit 3 voix pour" in (
        closed.explanation
    )


# --------------------------------------------------------------------------- proxies, mandates


def test_the_scop_proxy_cap_loi_78_763_art_14_applies_to_scops_only(in_a: World) -> None:
    scop = convened_assembly(associates=5, preset="scop_sa")
    holder = scop.entries[0]
    proxy_grant(assembly=scop.assembly, grantor=scop.entries[1], holder=holder)
    with pytest.raises(
        ApplicationError, match=r"le plafond est de 1 pour 5 associé·es \(Loi 78-763 art. 14"
    ):
        proxy_grant(assembly=scop.assembly, grantor=scop.entries[2], holder=holder)
    scic = convened_assembly(associates=0, preset="scic_sa")
    entries = list(RollEntry.objects.filter(assembly=scic.assembly).order_by("full_name"))
    for grantor in entries[1:4]:
        proxy_grant(assembly=scic.assembly, grantor=grantor, holder=entries[0])
    assert Proxy.objects.filter(assembly=scic.assembly, holder=entries[0]).count() == 3


def _single_seat_election(*, continuing_employees: int, continuing_others: int) -> Resolution:
    """SCOP SARL: three associates (one not an employee, who stands), one seat, every associate
    in the room votes for the candidate; the mandates that go on are given."""
    statutes_signed(preset="scop_sarl")
    for name, category in (("Non salariée", "other"), ("E1", "employee"), ("E2", "employee")):
        AssociateFactory.create(
            cooperative=Cooperative.objects.get(slug="coop-a"), full_name=name, category=category
        )
    assembly = assembly_create(
        title="AGO",
        kind="ordinary",
        mode="in_person",
        scheduled_at=timezone.now() + dt.timedelta(days=20),
    )
    election = resolution_add(
        assembly=assembly,
        title="Gérance",
        text="Un siège.",
        decision_class="election",
        continuing_employees=continuing_employees,
        continuing_others=continuing_others,
    )
    assembly = convocations_regular(assembly_convene(assembly=assembly))
    entries = list(RollEntry.objects.filter(assembly=assembly).order_by("full_name"))
    candidate = candidacy_file(
        resolution=election, entry=next(e for e in entries if e.full_name == "Non salariée")
    )
    assembly_open(assembly=assembly, now=assembly.scheduled_at)
    resolution_open(resolution=election)
    for entry in entries:
        attendance_record(assembly=assembly, entry=entry, mode="room")
        vote_cast(resolution=election, cast_by=entry, choice="for", candidates=[candidate.pk])
    return resolution_close(resolution=election)


QUOTA = "loi 78-763 art. 15 : deux tiers au moins des mandats aux associé·es salarié·es"


def test_a_non_employee_may_join_a_body_of_employees_loi_78_763_art_15(in_a: World) -> None:
    # Alone, one non-employee elected is no two thirds; with the two employees whose mandates
    # go on, the body is two employees in three.
    closed = _single_seat_election(continuing_employees=2, continuing_others=0)
    assert closed.outcome == "adopted"
    assert closed.explanation.endswith(
        "Élu·es : Non salariée. Deux tiers au moins de salarié·es dans l'organe après "
        f"l'élection : 2 sur 3 dont 2 mandat(s) en cours conservé(s), respecté ({QUOTA})."
    )


def test_the_employee_quota_counts_the_whole_body_after_the_election_loi_78_763_art_15(
    in_a: World,
) -> None:
    # One employee and one other associate keep their mandates: a non-employee elected would
    # leave one employee in three.
    closed = _single_seat_election(continuing_employees=1, continuing_others=1)
    assert list(closed.candidacies.values_list("votes", "elected")) == [(3, False)]
    assert (
        f"Non élu·es pour respecter les deux tiers de salarié·es ({QUOTA}) : Non salariée."
        in closed.explanation
    )


@travel_to("2026-06-01")
def test_automatic_admission_of_an_employee_where_the_statutes_provide_it_loi_78_763_art_8(
    in_a: World,
) -> None:
    profile = statutes_signed(preset="scop_sarl")
    entrepreneur = start_cesa(alice_file(in_a), dt.date(2024, 1, 8))
    application = admission_apply(
        full_name="Alice Arnaud",
        category="employee",
        applied_on=dt.date(2024, 6, 1),
        entrepreneur=entrepreneur,
    )
    with pytest.raises(ApplicationError, match="ne prévoient pas d'admission de plein droit"):
        admission_admit_automatically(
            application=application, decided_on=dt.date(2025, 2, 1), by=in_a.carl
        )
    profile = statute_profile_update(
        profile=profile,
        by=in_a.carl,
        automatic_admission=True,
        automatic_admission_months=12,
        automatic_admission_article="art. 9",
    )
    statute_profile_sign_off(profile=profile, by=in_a.carl)
    with pytest.raises(ApplicationError, match="possible à partir du 08/01/2025"):
        admission_admit_automatically(
            application=application, decided_on=dt.date(2024, 12, 31), by=in_a.carl
        )
    admitted = admission_admit_automatically(
        application=application, decided_on=dt.date(2025, 1, 8), by=in_a.carl
    )
    assert (admitted.status, admitted.automatic, admitted.resolution) == ("approved", True, None)
    assert AdmissionApplication.objects.get().decided_on == dt.date(2025, 1, 8)


# --------------------------------------------------------------------------- verification


def test_verify_checks_a_closed_assembly_against_the_statutes_frozen_at_convocation(
    in_a: World,
) -> None:
    setup = convened_assembly(associates=3)
    opened(setup)
    resolution = resolution_open(resolution=setup.resolutions[0])
    for entry in setup.entries:
        vote_cast(resolution=resolution, cast_by=entry, choice="for")
    assembly_close(assembly=setup.assembly)
    assert governance_verify() == []
    # What the database still lets the application role change is caught: a frozen statute
    # edited after the fact, or a remote session withdrawn after the votes.
    snapshot = Assembly.objects.get(pk=setup.assembly.pk).profile_snapshot
    snapshot["convocation_delay_days"] = 8
    Assembly.objects.filter(pk=setup.assembly.pk).update(profile_snapshot=snapshot)
    assert governance_verify() == [
        f"assembly {setup.assembly.pk}: the statutes frozen at convocation do not match the "
        "audit chain"
    ]
    snapshot["convocation_delay_days"] = 15
    Assembly.objects.filter(pk=setup.assembly.pk).update(
        profile_snapshot=snapshot, remote_continuous=False
    )
    assert governance_verify() == [
        f"resolution {resolution.pk}: vote cast from a distance without a basis for presence"
    ] * 3 + [f"resolution {resolution.pk}: 3 counted present, the statutes give 0"]
    assert Resolution.objects.get(pk=resolution.pk).outcome == "adopted"
