from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone

from entrepreneurs import services
from entrepreneurs.models import Document, Entrepreneur, Note, Sector
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Membership
from tests.conftest import World, activate_totp
from tests.factories import UserFactory

SHARED = "Devis envoyés à trois clients : bravo."
SECRET = "Fragile en ce moment, à surveiller de près."


@pytest.fixture
def alice_file(world: World) -> Entrepreneur:
    with cooperative_context(world.coop_a.pk):
        return Entrepreneur.objects.get(user=world.alice)


def _appointment_with_notes(client: Client, world: World, alice_file: Entrepreneur):
    client.force_login(world.bob)
    return client.post(
        f"/c/coop-a/entrepreneurs/{alice_file.pk}/appointments/",
        {
            "starts_at": "2026-03-02T10:00",
            "duration_minutes": "60",
            "mode": "video",
            "kind": "follow_up",
            "shared_note": SHARED,
            "staff_note": SECRET,
        },
    )


def test_staff_only_notes_never_reach_the_entrepreneur(
    world: World, client: Client, alice_file: Entrepreneur
) -> None:
    response = _appointment_with_notes(client, world, alice_file)
    assert response.status_code == 302
    staff_page = client.get(f"/c/coop-a/entrepreneurs/{alice_file.pk}/")
    assert SHARED in staff_page.text
    assert SECRET in staff_page.text

    client.force_login(world.alice)
    page = client.get(f"/c/coop-a/entrepreneurs/{alice_file.pk}/")
    timeline = client.get(f"/api/v1/c/coop-a/entrepreneurs/{alice_file.pk}/timeline/").json()
    notes = client.get(f"/api/v1/c/coop-a/entrepreneurs/{alice_file.pk}/notes/").json()
    assert SHARED in page.text
    assert SECRET not in page.text
    assert [event["detail"] for event in timeline if event["kind"] == "note"] == [SHARED]
    assert [note["body"] for note in notes["results"]] == [SHARED]
    assert SECRET not in str(timeline)
    assert SECRET not in str(notes)
    # Exports carry no notes at all.
    client.force_login(world.carl)
    csv_export = client.get("/c/coop-a/entrepreneurs/?format=csv")
    assert csv_export.status_code == 200
    assert SECRET not in csv_export.getvalue().decode()
    assert SHARED not in csv_export.getvalue().decode()


def test_accountant_sees_the_file_but_not_the_accompaniment(
    world: World, client: Client, alice_file: Entrepreneur
) -> None:
    _appointment_with_notes(client, world, alice_file)
    accountant = UserFactory.create(email="nadia@a.example")
    activate_totp(accountant)
    Membership.objects.create(cooperative=world.coop_a, user=accountant, roles=["accountant"])
    client.force_login(accountant)
    page = client.get(f"/c/coop-a/entrepreneurs/{alice_file.pk}/")
    assert page.status_code == 200
    assert SHARED not in page.text
    assert SECRET not in page.text
    assert client.get(f"/api/v1/c/coop-a/entrepreneurs/{alice_file.pk}/notes/").json()["count"] == 0
    refused = client.post(
        f"/c/coop-a/entrepreneurs/{alice_file.pk}/notes/", {"body": "x", "visibility": "shared"}
    )
    assert refused.status_code == 403


def test_an_entrepreneur_cannot_open_another_file(
    world: World, client: Client, alice_file: Entrepreneur
) -> None:
    with cooperative_context(world.coop_a.pk):
        other = services.entrepreneur_create(
            first_name="Omar", last_name="Ortiz", sector=Sector.objects.get()
        )
    client.force_login(world.alice)
    for path in (
        f"/c/coop-a/entrepreneurs/{other.pk}/",
        f"/api/v1/c/coop-a/entrepreneurs/{other.pk}/",
        f"/api/v1/c/coop-a/entrepreneurs/{other.pk}/timeline/",
        f"/api/v1/c/coop-a/entrepreneurs/{other.pk}/notes/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.get("/c/coop-a/entrepreneurs/").status_code == 403
    assert (
        client.get("/c/coop-a/my-file/")["Location"] == f"/c/coop-a/entrepreneurs/{alice_file.pk}/"
    )


def test_forbidden_path_step_from_the_page_is_a_400_and_changes_nothing(
    world: World, client: Client, alice_file: Entrepreneur
) -> None:
    client.force_login(world.bob)
    response = client.post(
        f"/c/coop-a/entrepreneurs/{alice_file.pk}/path/",
        {"kind": "associate", "date": "2026-01-10"},
    )
    assert response.status_code == 400
    assert "Seul·e un·e titulaire d&#x27;un CESA peut devenir associé·e." in response.text
    with cooperative_context(world.coop_a.pk):
        alice_file.refresh_from_db()
    assert (alice_file.stage, alice_file.version) == ("prospect", 1)


def test_portfolio_filters_and_csv(world: World, client: Client, alice_file: Entrepreneur) -> None:
    with cooperative_context(world.coop_a.pk):
        services.path_step_record(
            entrepreneur=alice_file, kind="cesa_start", date=dt.date(2023, 9, 1), recorded_by=None
        )
        sector = Sector.objects.get()
        services.entrepreneur_create(first_name="Paul", last_name="Prat", sector=sector)
    client.force_login(world.bob)
    everyone = client.get("/c/coop-a/entrepreneurs/")
    assert everyone.context["page"].paginator.count == 2
    near = client.get("/c/coop-a/entrepreneurs/?deadline=12&stage=cesa")
    # Deadline 2026-09-01: inside twelve months of today only if today is after 2025-09-01.
    expected = 1 if timezone.localdate() >= dt.date(2025, 9, 1) else 0
    assert near.context["page"].paginator.count == expected
    csv_lines = (
        client.get("/c/coop-a/entrepreneurs/?format=csv&stage=cesa")
        .getvalue()
        .decode("utf-8-sig")
        .splitlines()
    )
    assert csv_lines[0].startswith(
        "Nom;Prénom;Pôle;Étape;Référent·e;Début du CESA;Échéance du sociétariat"
    )
    assert csv_lines[1] == "Arnaud;Alice;Communication;CESA;Bob Bertin;2023-09-01;2026-09-01;;;0;0"
    assert len(csv_lines) == 2


def test_portfolio_page_has_a_bounded_number_of_queries(
    world: World, client: Client, django_assert_max_num_queries
) -> None:
    from tests.factories.entrepreneurs import AppointmentFactory, EntrepreneurFactory, NoteFactory

    with cooperative_context(world.coop_a.pk):
        sector = Sector.objects.get()
        for index in range(60):
            entrepreneur = EntrepreneurFactory.create(sector=sector, referent=world.bob)
            AppointmentFactory.create(entrepreneur=entrepreneur)
            NoteFactory.create(entrepreneur=entrepreneur)
            if index % 3 == 0:
                services.path_step_record(
                    entrepreneur=entrepreneur,
                    kind="cesa_start",
                    date=dt.date(2024, 1, 1),
                    recorded_by=None,
                )
    client.force_login(world.bob)
    with django_assert_max_num_queries(20):
        assert client.get("/c/coop-a/entrepreneurs/").status_code == 200
    with django_assert_max_num_queries(24):
        assert client.get("/c/coop-a/").status_code == 200


def test_timeline_has_a_bounded_number_of_queries(
    world: World, client: Client, alice_file: Entrepreneur, django_assert_max_num_queries
) -> None:
    from tests.factories.entrepreneurs import AppointmentFactory, DocumentFactory, NoteFactory

    with cooperative_context(world.coop_a.pk):
        for _index in range(40):
            appointment = AppointmentFactory.create(entrepreneur=alice_file, staff=world.bob)
            NoteFactory.create(entrepreneur=alice_file, appointment=appointment)
            NoteFactory.create(entrepreneur=alice_file, visibility=Note.Visibility.STAFF)
        DocumentFactory.create(entrepreneur=alice_file)
    client.force_login(world.bob)
    # 20, and one for the team offered as referents.
    with django_assert_max_num_queries(21):
        response = client.get(f"/c/coop-a/entrepreneurs/{alice_file.pk}/")
    assert response.status_code == 200
    # Each appointment carries its note; the staff-only notes stand alone; one document.
    assert len(response.context["timeline"]) == 40 + 40 + 1
    assert sum(len(entry.notes) for entry in response.context["timeline"]) == 40


def test_concurrent_edits_do_not_silently_lose_data(
    world: World, client: Client, alice_file: Entrepreneur
) -> None:
    client.force_login(world.bob)
    form = client.get(f"/c/coop-a/entrepreneurs/{alice_file.pk}/edit/").context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data["sector"] = alice_file.sector_id
    first = {**data, "phone": "04 68 00 00 01"}
    second = {**data, "phone": "04 68 00 00 02"}
    assert client.post(f"/c/coop-a/entrepreneurs/{alice_file.pk}/edit/", first).status_code == 302
    stale = client.post(f"/c/coop-a/entrepreneurs/{alice_file.pk}/edit/", second)
    assert stale.status_code == 400
    assert "modifié par quelqu&#x27;un d&#x27;autre" in stale.text
    with cooperative_context(world.coop_a.pk):
        alice_file.refresh_from_db()
    assert (alice_file.phone, alice_file.version) == ("04 68 00 00 01", 2)


def test_invalid_iban_is_refused(world: World, client: Client, alice_file: Entrepreneur) -> None:
    client.force_login(world.bob)
    form = client.get(f"/c/coop-a/entrepreneurs/{alice_file.pk}/edit/").context["form"]
    data = {name: form.initial.get(name) or "" for name in form.fields}
    data.update(sector=alice_file.sector_id, iban="FR76 3000 6000 0112 3456 7890 188")
    response = client.post(f"/c/coop-a/entrepreneurs/{alice_file.pk}/edit/", data)
    assert response.status_code == 400
    assert "Cet IBAN n&#x27;est pas valide" in response.text
    data["iban"] = "FR76 3000 6000 0112 3456 7890 189"
    assert client.post(f"/c/coop-a/entrepreneurs/{alice_file.pk}/edit/", data).status_code == 302
    with cooperative_context(world.coop_a.pk):
        alice_file.refresh_from_db()
    assert alice_file.iban == "FR7630006000011234567890189"


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("virus.exe", b"MZ\x90\x00", "Type de fichier refusé"),
        ("fake.pdf", b"MZ\x90\x00 not a pdf", "ne correspond pas à son extension"),
        ("empty.pdf", b"", "Le fichier soumis est vide."),
    ],
)
def test_bad_documents_are_refused_and_nothing_is_stored(
    world: World, client: Client, alice_file: Entrepreneur, name: str, content: bytes, message: str
) -> None:
    client.force_login(world.bob)
    response = client.post(
        f"/c/coop-a/entrepreneurs/{alice_file.pk}/documents/",
        {"kind": "diploma", "title": "x", "file": SimpleUploadedFile(name, content)},
    )
    assert response.status_code == 400
    assert message in response.text.replace("&#x27;", "'")
    with cooperative_context(world.coop_a.pk):
        assert Document.objects.count() == 0


def test_oversize_document_is_refused(
    world: World, client: Client, alice_file: Entrepreneur
) -> None:
    client.force_login(world.bob)
    big = SimpleUploadedFile("big.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024))
    response = client.post(
        f"/c/coop-a/entrepreneurs/{alice_file.pk}/documents/",
        {"kind": "diploma", "title": "x", "file": big},
    )
    assert response.status_code == 400
    assert "Le fichier dépasse 10 Mo." in response.text
    with cooperative_context(world.coop_a.pk):
        assert Document.objects.count() == 0


def test_documents_are_stored_per_cooperative_and_served_only_to_allowed_people(
    world: World, client: Client, alice_file: Entrepreneur
) -> None:
    client.force_login(world.bob)
    pdf = b"%PDF-1.4\n%insurance\n"
    response = client.post(
        f"/c/coop-a/entrepreneurs/{alice_file.pk}/documents/",
        {
            "kind": "decennial",
            "title": "Décennale 2026",
            "file": SimpleUploadedFile("d.pdf", pdf),
            "expires_on": "2026-12-31",
        },
    )
    assert response.status_code == 302
    with cooperative_context(world.coop_a.pk):
        document = Document.objects.get()
    assert document.file.name.startswith(f"cooperatives/{world.coop_a.pk}/documents/")
    assert (document.content_type, document.size, document.expires_on) == (
        "application/pdf",
        len(pdf),
        dt.date(2026, 12, 31),
    )
    client.force_login(world.alice)
    download = client.get(f"/c/coop-a/documents/{document.pk}/")
    assert download.status_code == 200
    assert download.getvalue() == pdf
    with cooperative_context(world.coop_a.pk):
        other_user = UserFactory.create(email="omar@a.example")
        Membership.objects.create(cooperative=world.coop_a, user=other_user, roles=["entrepreneur"])
    client.force_login(other_user)
    assert client.get(f"/c/coop-a/documents/{document.pk}/").status_code == 404


def test_activity_shares_must_sum_to_100(world: World, alice_file: Entrepreneur) -> None:
    from perspectives.core.exceptions import ApplicationError

    with cooperative_context(world.coop_a.pk):
        sector = Sector.objects.get()
        bruno = services.entrepreneur_create(first_name="Bruno", last_name="Bosch", sector=sector)
        with pytest.raises(ApplicationError, match=r"totaliser 100 % \(total actuel : 90,00 %\)"):
            services.activity_create(
                analytic_code="dupont",
                name="Dupont & co",
                sector=sector,
                start_date=dt.date(2026, 1, 1),
                shares=[(alice_file, Decimal("60.00")), (bruno, Decimal("30.00"))],
            )
        activity = services.activity_create(
            analytic_code="dupont",
            name="Dupont & co",
            sector=sector,
            start_date=dt.date(2026, 1, 1),
            shares=[(alice_file, Decimal("60.00")), (bruno, Decimal("40.00"))],
        )
        assert activity.analytic_code == "DUPONT"
        with pytest.raises(ApplicationError, match=r"Le code analytique DUPONT est déjà utilisé\."):
            services.activity_create(
                analytic_code="DUPONT",
                name="Autre",
                sector=sector,
                start_date=dt.date(2026, 1, 1),
                shares=[(alice_file, Decimal("100"))],
            )
        with pytest.raises(ApplicationError, match="ne peut pas précéder son début"):
            services.activity_create(
                analytic_code="LATE",
                name="Autre",
                sector=sector,
                start_date=dt.date(2026, 1, 1),
                end_date=dt.date(2025, 1, 1),
                shares=[(alice_file, Decimal("100"))],
            )
        assert [m.share for m in activity.members.order_by("share")] == [
            Decimal("40.00"),
            Decimal("60.00"),
        ]


def test_the_database_refuses_shares_that_do_not_sum_to_100(
    world: World, alice_file: Entrepreneur
) -> None:
    from django.db import connection, transaction
    from django.db.utils import IntegrityError

    with cooperative_context(world.coop_a.pk):
        sector = Sector.objects.get()
        activity = services.activity_create(
            analytic_code="SOLO",
            name="Solo",
            sector=sector,
            start_date=dt.date(2026, 1, 1),
            shares=[(alice_file, Decimal("100"))],
        )

        def break_the_split() -> None:
            with transaction.atomic(), connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE entrepreneurs_activitymember SET share = 70 WHERE activity_id = %s",
                    [activity.pk],
                )
                cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")

        with pytest.raises(IntegrityError, match=r"sum to 70\.00, not 100"):
            break_the_split()
        assert [m.share for m in activity.members.all()] == [Decimal("100.00")]
