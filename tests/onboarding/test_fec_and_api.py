"""The ledger's history from a page and the API (a FEC, as a run with its state), and the imports
API: created once, followed while a worker runs it, another cooperative's run a 404."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from accounting.models import Entry, EntryLine, ThirdParty
from entrepreneurs.models import Entrepreneur
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job
from tests.conftest import World, travel_to
from tests.factories.entrepreneurs import ActivityFactory, SectorFactory
from top.onboarding.imports import runs
from top.onboarding.models import ImportRun

FILES = Path(__file__).parent / "files"
FEC = "732829320FEC20251231.txt"


@pytest.fixture(autouse=True)
def _clock() -> Iterator[None]:
    with travel_to("2026-03-16"):
        yield


def _fec(name: str = FEC, content: bytes | None = None) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FILES / FEC).read_bytes() if content is None else content)


def test_a_manager_tries_then_loads_a_fec_from_the_page(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        ActivityFactory.create(
            sector=SectorFactory.create(cooperative=world.coop_a), analytic_code="ACT-FER"
        )
    client.force_login(world.carl)

    page = client.get("/c/coop-a/imports/fec/")
    tried = client.post("/c/coop-a/imports/fec/", {"file": _fec(), "dry_run": "on"}, follow=True)
    with cooperative_context(world.coop_a.pk):
        assert Entry.objects.count() == 0
    done = client.post(
        "/c/coop-a/imports/fec/", {"file": _fec(), "activity_code": "act-fer"}, follow=True
    )
    again = client.post(
        "/c/coop-a/imports/fec/", {"file": _fec(), "activity_code": "ACT-FER"}, follow=True
    )

    assert page.status_code == 200
    assert "Essai : rien n'a été écrit." in tried.text
    assert "Import terminé." in done.text
    assert "POSTE" in done.text  # the third party created
    assert "Import terminé." in again.text
    with cooperative_context(world.coop_a.pk):
        first, second, third = ImportRun.objects.order_by("pk")
        assert (first.kind, first.state, first.dry_run, first.created, first.total) == (
            "fec",
            "done",
            True,
            2,
            4,
        )
        assert (second.created, second.updated, second.refused, bytes(second.data)) == (
            2,
            0,
            0,
            b"",
        )
        assert second.result["third_parties"] == ["POSTE"]
        # The same file again: nothing twice.
        assert (third.created, third.updated) == (0, 2)
        assert Entry.objects.count() == 2
        assert ThirdParty.objects.get(code="POSTE").kind == "supplier"
        assert sorted(
            EntryLine.objects.values_list(
                "account__code", "debit", "credit", "activity__analytic_code"
            )
        ) == [
            ("101300", Decimal("0.00"), Decimal("1500.00"), "ACT-FER"),
            ("401000", Decimal("0.00"), Decimal("40.00"), "ACT-FER"),
            ("512000", Decimal("1500.00"), Decimal("0.00"), "ACT-FER"),
            ("626000", Decimal("40.00"), Decimal("0.00"), "ACT-FER"),
        ]
    listing = client.get("/c/coop-a/imports/fec/")
    assert listing.text.count(FEC) == 3


def test_a_bad_fec_is_refused_with_its_reasons_and_nothing_written(
    world: World, client: Client
) -> None:
    client.force_login(world.carl)
    content = (FILES / FEC).read_bytes().replace(b"|40,00|0,00|", b"|45,00|0,00|")

    wrong_name = client.post("/c/coop-a/imports/fec/", {"file": _fec("grand-livre.txt")})
    unbalanced = client.post("/c/coop-a/imports/fec/", {"file": _fec(content=content)}, follow=True)
    unknown = client.post("/c/coop-a/imports/fec/", {"file": _fec(), "activity_code": "NOPE"})

    assert "grand-livre.txt" in client.get(wrong_name["Location"]).text
    assert "Des lignes sont refusées : rien n'a été importé." in unbalanced.text
    assert unknown.status_code == 400
    assert "Activité « NOPE » inconnue : rien n&#x27;a été importé." in unknown.text
    with cooperative_context(world.coop_a.pk):
        assert Entry.objects.count() == 0
        assert list(ImportRun.objects.order_by("pk").values_list("state", "refused")) == [
            ("done", 1),
            ("done", 1),
        ]
        refused = ImportRun.objects.order_by("pk")[0].result["refused"]
        assert refused == [[0, "nom de fichier « grand-livre.txt » : attendu SirenFECAAAAMMJJ"]]


def test_a_large_fec_goes_to_a_worker_with_its_state_visible(
    world: World, client: Client, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(runs, "WORKER_THRESHOLD_BYTES", 100)
    client.force_login(world.carl)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/c/coop-a/imports/fec/", {"file": _fec()})
    pending = client.get(response["Location"], headers={"HX-Request": "true"})
    with cooperative_context(world.coop_a.pk):
        run = ImportRun.objects.get()
        assert (run.state, Job.objects.get().kwargs) == ("pending", {"import_id": run.pk})

    from top.onboarding.tasks import import_run_execute_task

    import_run_execute_task(cooperative_id=world.coop_a.pk, import_id=run.pk)
    import_run_execute_task(cooperative_id=world.coop_a.pk, import_id=run.pk)  # delivered twice

    assert 'hx-trigger="every 2s"' in pending.text
    assert "En attente" in pending.text
    finished = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "every 2s" not in finished.text
    assert "Import terminé." in finished.text
    with cooperative_context(world.coop_a.pk):
        assert Entry.objects.count() == 2


def test_the_api_imports_once_per_key_and_reports_each_refused_line(
    world: World, client: Client
) -> None:
    client.force_login(world.carl)

    def post(name: str, key: str, **extra: str) -> Any:
        return client.post(
            "/api/v1/c/coop-a/imports/",
            {"kind": "entrepreneurs", "file": _upload(name), **extra},
            headers={"Idempotency-Key": key},
        )

    first = post("entrepreneurs.csv", "k-1")
    replay = post("entrepreneurs.csv", "k-1")
    bad = post("entrepreneurs_bad.csv", "k-2")
    fec = client.post(
        "/api/v1/c/coop-a/imports/fec/",
        {"file": _fec(), "dry_run": "true"},
        headers={"Idempotency-Key": "k-3"},
    )

    assert (first.status_code, replay.status_code) == (201, 201)
    assert replay.json()["id"] == first.json()["id"]
    body = first.json()
    assert (body["kind"], body["state"], body["created"], body["refused"]) == (
        "entrepreneurs",
        "done",
        3,
        0,
    )
    assert bad.status_code == 201
    assert bad.json()["result"]["refused"][1] == [3, "Nom : valeur obligatoire manquante."]
    assert (fec.status_code, fec.json()["kind"], fec.json()["created"]) == (201, "fec", 2)
    detail = client.get(f"/api/v1/c/coop-a/imports/{first.json()['id']}/")
    assert (detail.status_code, detail.json()["filename"]) == (200, "entrepreneurs.csv")
    listing = client.get("/api/v1/c/coop-a/imports/")
    assert listing.json()["count"] == 3
    with cooperative_context(world.coop_a.pk):
        assert Entrepreneur.objects.count() == 4
        assert Entry.objects.count() == 0


def test_a_large_file_sent_to_the_api_is_accepted_then_followed(
    world: World, client: Client, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(runs, "WORKER_THRESHOLD_BYTES", 100)
    client.force_login(world.carl)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/api/v1/c/coop-a/imports/",
            {"kind": "entrepreneurs", "file": _upload("entrepreneurs.csv")},
        )

    assert response.status_code == 202
    assert (response.json()["state"], response.json()["progress"]) == ("pending", None)


def test_bad_api_input_is_a_french_400_and_nothing_is_kept(world: World, client: Client) -> None:
    client.force_login(world.carl)

    unknown = client.post("/api/v1/c/coop-a/imports/", {"kind": "planets", "file": _fec()})
    empty = client.post(
        "/api/v1/c/coop-a/imports/fec/",
        {"file": SimpleUploadedFile(FEC, b"x"), "activity_code": "NOPE"},
    )

    assert unknown.status_code == 400
    assert list(unknown.json()) == ["kind"]
    assert empty.status_code == 400
    assert "Activité « NOPE » inconnue" in str(empty.json())
    with cooperative_context(world.coop_a.pk):
        assert ImportRun.objects.count() == 0


def test_only_managers_and_only_their_cooperative(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        run = ImportRun.objects.create(cooperative=world.coop_a, kind="fec", data=b"")
    client.force_login(world.bob)
    assert client.get("/c/coop-a/imports/fec/").status_code == 403
    assert client.get("/api/v1/c/coop-a/imports/").status_code == 403
    assert client.post("/api/v1/c/coop-a/imports/fec/", {"file": _fec()}).status_code == 403
    client.force_login(world.charlie)
    for path in (
        "/c/coop-a/imports/fec/",
        f"/c/coop-a/imports/{run.pk}/",
        f"/c/coop-b/imports/{run.pk}/",
        "/api/v1/c/coop-a/imports/",
        f"/api/v1/c/coop-a/imports/{run.pk}/",
        f"/api/v1/c/coop-b/imports/{run.pk}/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post("/c/coop-a/imports/fec/", {"file": _fec()}).status_code == 404
    assert client.post("/api/v1/c/coop-a/imports/fec/", {"file": _fec()}).status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert (ImportRun.objects.count(), Entry.objects.count()) == (1, 0)
    with cooperative_context(world.coop_b.pk):
        assert ImportRun.objects.count() == 0


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FILES / name).read_bytes())


def test_the_list_costs_the_same_whatever_the_number_of_runs(world: World, client: Client) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.factories.onboarding import ImportRunFactory

    client.force_login(world.carl)

    def count(runs: int) -> int:
        with cooperative_context(world.coop_a.pk):
            ImportRunFactory.create_batch(runs, cooperative=world.coop_a, requested_by=world.carl)
        with CaptureQueriesContext(connection) as queries:
            response = client.get("/api/v1/c/coop-a/imports/")
        assert response.status_code == 200
        return len(queries)

    assert count(2) == count(5)
    assert client.get("/api/v1/c/coop-a/imports/").json()["count"] == 7
