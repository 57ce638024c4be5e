"""The imports page: dry run then import, the result kept, large files to a worker, templates
and exports, for managers of the cooperative only."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from entrepreneurs.models import Entrepreneur
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job
from tests.conftest import World
from top.onboarding.imports import runs
from top.onboarding.models import ImportRun

FILES = Path(__file__).parent / "files"


def _upload(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, (FILES / name).read_bytes())


def test_a_manager_tries_then_imports_a_file_and_the_result_is_kept(
    world: World, client: Client
) -> None:
    client.force_login(world.carl)

    tried = client.post(
        "/c/coop-a/imports/",
        {"kind": "entrepreneurs", "file": _upload("entrepreneurs_30.xlsx"), "dry_run": "on"},
    )
    with cooperative_context(world.coop_a.pk):
        trial = ImportRun.objects.get()
        assert Entrepreneur.objects.count() == 1
    done = client.post(
        "/c/coop-a/imports/", {"kind": "entrepreneurs", "file": _upload("entrepreneurs_30.xlsx")}
    )

    assert tried.status_code == 302
    assert (trial.state, trial.dry_run, trial.created, trial.refused, bytes(trial.data)) == (
        "done",
        True,
        30,
        0,
        b"",
    )
    page = client.get(done["Location"])
    assert "Import terminé." in page.text
    with cooperative_context(world.coop_a.pk):
        assert Entrepreneur.objects.count() == 31
        run = ImportRun.objects.order_by("pk").last()
        assert run is not None
        assert (run.created, run.requested_by) == (30, world.carl)
    listing = client.get("/c/coop-a/imports/")
    assert "entrepreneurs_30.xlsx" in listing.text


def test_refused_lines_are_shown_with_their_reason(world: World, client: Client) -> None:
    client.force_login(world.carl)

    response = client.post(
        "/c/coop-a/imports/",
        {"kind": "entrepreneurs", "file": _upload("entrepreneurs_bad.csv")},
        follow=True,
    )

    assert "Des lignes sont refusées : rien n'a été importé." in response.text
    assert "Nom : valeur obligatoire manquante." in response.text
    with cooperative_context(world.coop_a.pk):
        assert Entrepreneur.objects.count() == 1
        assert ImportRun.objects.get().refused == 5


def test_a_large_file_goes_to_a_worker_and_shows_its_progress(
    world: World, client: Client, django_capture_on_commit_callbacks: Any, monkeypatch: Any
) -> None:
    monkeypatch.setattr(runs, "WORKER_THRESHOLD_BYTES", 100)
    client.force_login(world.carl)

    with django_capture_on_commit_callbacks(execute=False):
        response = client.post(
            "/c/coop-a/imports/", {"kind": "entrepreneurs", "file": _upload("entrepreneurs.csv")}
        )
    with cooperative_context(world.coop_a.pk):
        run = ImportRun.objects.get()
        job = Job.objects.get()
        assert (run.state, job.task, job.kwargs) == (
            "pending",
            "top.onboarding.tasks.import_run_execute_task",
            {"import_id": run.pk},
        )
    pending = client.get(response["Location"], headers={"HX-Request": "true"})
    assert 'hx-trigger="every 2s"' in pending.text

    from top.onboarding.tasks import import_run_execute_task

    import_run_execute_task(cooperative_id=world.coop_a.pk, import_id=run.pk)
    import_run_execute_task(cooperative_id=world.coop_a.pk, import_id=run.pk)  # a second delivery

    with cooperative_context(world.coop_a.pk):
        run.refresh_from_db()
        assert (run.state, run.created) == ("done", 3)
        assert Entrepreneur.objects.count() == 4
    finished = client.get(response["Location"], headers={"HX-Request": "true"})
    assert "every 2s" not in finished.text
    assert "Import terminé." in finished.text


def test_templates_and_exports_download(world: World, client: Client) -> None:
    client.force_login(world.carl)
    template = client.get("/c/coop-a/imports/template/?kind=associates")
    export = client.get("/c/coop-a/exports/?kind=entrepreneurs")

    assert template.status_code == 200
    assert template.content.decode("utf-8").startswith(
        "\ufeffNom;E-mail de l'entrepreneur·e;Catégorie;Collège;Admis·e le;Parts"
    )
    assert export.content.decode().splitlines()[1].startswith("Arnaud;Alice;")
    assert client.get("/c/coop-a/imports/template/?kind=unknown").status_code == 404


def test_only_managers_import_and_other_cooperatives_get_a_404(
    world: World, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        run = ImportRun.objects.create(cooperative=world.coop_a, kind="entrepreneurs", data=b"")
    client.force_login(world.bob)
    assert client.get("/c/coop-a/imports/").status_code == 403
    assert client.get("/c/coop-a/exports/?kind=entrepreneurs").status_code == 403
    client.force_login(world.alice)
    assert (
        client.post(
            "/c/coop-a/imports/",
            {"kind": "entrepreneurs", "file": _upload("entrepreneurs.csv")},
        ).status_code
        == 403
    )
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-a/imports/{run.pk}/").status_code == 404
    assert client.get(f"/c/coop-b/imports/{run.pk}/").status_code == 404
    assert client.get("/c/coop-a/exports/?kind=entrepreneurs").status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert Entrepreneur.objects.count() == 1
