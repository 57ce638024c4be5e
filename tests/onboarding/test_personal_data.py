"""Personal data: the ZIP a person (or a manager for them) downloads, the access log, the
anonymisation after the retention period."""

from __future__ import annotations

import datetime as dt
import io
import json
import zipfile
from typing import Any

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from entrepreneurs.models import Entrepreneur, PersonalDataAccess
from entrepreneurs.services import document_upload, path_step_record
from governance.models import ConvocationDispatch
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.governance import (
    AssociateFactory,
    ConvocationDispatchFactory,
    RollEntryFactory,
    VoteNoticeFactory,
)
from tests.factories.payroll import OpeningBalanceFactory
from top.onboarding.gdpr import personal_data_collect, personal_data_retention_run

PDF = b"%PDF-1.4\n%perso\n"


def _alice(world: World) -> Entrepreneur:
    with cooperative_context(world.coop_a.pk):
        return Entrepreneur.objects.get(user=world.alice)


def test_a_person_downloads_everything_held_about_them(world: World, client: Client) -> None:
    alice = _alice(world)
    with cooperative_context(world.coop_a.pk):
        path_step_record(
            entrepreneur=alice, kind="cesa_start", date=dt.date(2025, 3, 3), recorded_by=None
        )
        document_upload(
            entrepreneur=alice,
            kind="diploma",
            title="BTS",
            upload=SimpleUploadedFile("bts.pdf", PDF, content_type="application/pdf"),
            uploaded_by=world.bob,
        )
        OpeningBalanceFactory.create(entrepreneur=alice, year=2025)
    client.force_login(world.alice)

    page = client.get(f"/c/coop-a/entrepreneurs/{alice.pk}/personal-data/")
    api = client.get(f"/api/v1/c/coop-a/entrepreneurs/{alice.pk}/personal-data/")

    assert (page.status_code, api.status_code) == (200, 200)
    assert page["Content-Type"] == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(page.content))
    names = archive.namelist()
    assert names[0] == "donnees.json"
    assert names[1].startswith("documents/")
    assert names[1].endswith("-bts.pdf")
    assert len(names) == 2
    assert archive.read(names[1]) == PDF
    data = json.loads(archive.read("donnees.json"))
    assert data["dossier"]["first_name"] == "Alice"
    assert data["dossier"]["cesa_start"] == "2025-03-03"
    assert [step["kind"] for step in data["parcours"]] == ["cesa_start"]
    assert data["cumuls_de_paie_de_reprise"] == [
        {
            "year": 2025,
            "gross": "7500.00",
            "hours": "455.00",
            "net_social": "5850.00",
            "taxable": "6050.00",
            "leave_acquired": "7.50",
            "leave_taken": "2.00",
        }
    ]
    with cooperative_context(world.coop_a.pk):
        assert list(
            PersonalDataAccess.objects.filter(entrepreneur=alice).values_list("action", "user")
        ) == [("export", world.alice.pk), ("export", world.alice.pk)]


def test_the_export_holds_the_convocations_and_vote_notices_sent_to_the_person(
    world: World,
) -> None:
    alice = _alice(world)
    with cooperative_context(world.coop_a.pk):
        associate = AssociateFactory.create(
            cooperative=world.coop_a, entrepreneur=alice, full_name="Alice Arnaud"
        )
        entry = RollEntryFactory.create(
            assembly__profile__cooperative=world.coop_a,
            assembly__title="AG 2026",
            associate=associate,
        )
        ConvocationDispatchFactory.create(
            entry=entry,
            channel=ConvocationDispatch.Channel.EMAIL,
            email="alice@example.org",
            consent_on=dt.date(2026, 1, 5),
            message_id="<convocation-1@perspectives.coop>",
            sent_at=dt.datetime(2026, 3, 2, 8, 0, tzinfo=dt.UTC),
        )
        VoteNoticeFactory.create(
            entry=entry,
            email="alice@example.org",
            sent_at=dt.datetime(2026, 4, 1, 7, 0, tzinfo=dt.UTC),
        )
        someone_else = RollEntryFactory.create(assembly=entry.assembly)
        ConvocationDispatchFactory.create(entry=someone_else, email="autre@example.org")
        VoteNoticeFactory.create(entry=someone_else, email="autre@example.org")

        data = personal_data_collect(entrepreneur=alice)

    assert data["convocations"] == [
        {
            "assemblee": "AG 2026",
            "channel": "email",
            "email": "alice@example.org",
            "consent_on": "2026-01-05",
            "postal_address": "",
            "sent_at": "2026-03-02T08:00:00+00:00",
            "posted_on": None,
            "registered_number": "",
            "received_on": None,
        }
    ]
    assert data["avis_de_vote"] == [
        {
            "assemblee": "AG 2026",
            "email": "alice@example.org",
            "envoye_le": "2026-04-01T07:00:00+00:00",
        }
    ]


def test_managers_may_export_support_staff_may_not_and_other_cooperatives_get_a_404(
    world: World, client: Client
) -> None:
    alice = _alice(world)
    client.force_login(world.carl)
    assert client.get(f"/c/coop-a/entrepreneurs/{alice.pk}/personal-data/").status_code == 200
    client.force_login(world.bob)
    assert client.get(f"/c/coop-a/entrepreneurs/{alice.pk}/personal-data/").status_code == 403
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-a/entrepreneurs/{alice.pk}/personal-data/").status_code == 404
    assert client.get(f"/c/coop-b/entrepreneurs/{alice.pk}/personal-data/").status_code == 404
    assert (
        client.get(f"/api/v1/c/coop-b/entrepreneurs/{alice.pk}/personal-data/").status_code == 404
    )


def test_opening_and_changing_a_file_is_logged(world: World, client: Client) -> None:
    alice = _alice(world)
    client.force_login(world.bob)
    client.get(f"/c/coop-a/entrepreneurs/{alice.pk}/")
    client.force_login(world.alice)
    client.get(f"/c/coop-a/entrepreneurs/{alice.pk}/")  # her own file: not an access to log

    with cooperative_context(world.coop_a.pk):
        assert list(
            PersonalDataAccess.objects.filter(entrepreneur=alice).values_list("action", "user")
        ) == [("view", world.bob.pk)]


def test_exited_files_past_the_retention_period_are_anonymised_and_managers_told(
    world: World, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.PERSONAL_DATA_RETENTION_YEARS = 3
    alice = _alice(world)
    with cooperative_context(world.coop_a.pk):
        path_step_record(
            entrepreneur=alice,
            kind="exit",
            date=dt.date(2022, 6, 30),
            exit_reason="salaried_job",
            recorded_by=None,
        )
        assert personal_data_retention_run(today=dt.date(2025, 6, 29)) == []
        with django_capture_on_commit_callbacks(execute=True):
            done = personal_data_retention_run(today=dt.date(2025, 6, 30))
        alice.refresh_from_db()

    assert done == ["Alice Arnaud"]
    assert (alice.first_name, alice.last_name, alice.email, alice.birth_date, alice.user) == (
        "Anonyme",
        f"#{alice.pk}",
        "",
        None,
        None,
    )
    assert (alice.stage, alice.exited_on) == ("exited", dt.date(2022, 6, 30))
    assert alice.archived_at is not None
    assert mail.outbox[0].to == ["carl@a.example"]
    assert "- Alice Arnaud" in mail.outbox[0].body


def test_a_manager_anonymises_an_exited_file_sooner(world: World, client: Client) -> None:
    alice = _alice(world)
    client.force_login(world.carl)
    refused = client.post(f"/c/coop-a/entrepreneurs/{alice.pk}/anonymise/", follow=True)
    assert "Seules les données d&#x27;une personne sortie" in refused.text
    with cooperative_context(world.coop_a.pk):
        path_step_record(
            entrepreneur=alice,
            kind="exit",
            date=dt.date(2026, 1, 5),
            exit_reason="stop",
            recorded_by=None,
        )
    client.force_login(world.bob)
    assert client.post(f"/c/coop-a/entrepreneurs/{alice.pk}/anonymise/").status_code == 403
    client.force_login(world.carl)
    client.post(f"/c/coop-a/entrepreneurs/{alice.pk}/anonymise/")
    with cooperative_context(world.coop_a.pk):
        assert Entrepreneur.objects.get(pk=alice.pk).first_name == "Anonyme"
