"""Supporting documents of entries by hand: PDF or images checked by content, served only to
the cooperative's accounting team and managers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from accounting.models import Entry
from bank import services
from bank.models import EntryAttachment
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import build_ledger
from tests.conftest import World

PDF = b"%PDF-1.4\n%bail\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 8


def _draft(world: World) -> Entry:
    with cooperative_context(world.coop_a.pk):
        build_ledger(world.coop_a)
        return services.manual_entry_save(
            journal="OD",
            date=dt.date(2025, 4, 1),
            label="Loyer d'avril",
            lines=[
                {"account": "613", "debit": Decimal("500.00"), "credit": Decimal("0")},
                {"account": "512", "debit": Decimal("0"), "credit": Decimal("500.00")},
            ],
        )


def _count(world: World) -> int:
    with cooperative_context(world.coop_a.pk):
        return EntryAttachment.objects.count()


def test_the_page_attaches_files_and_serves_them_to_the_team_only(
    world: World, client: Client
) -> None:
    entry = _draft(world)
    page = f"/c/coop-a/bank/entries/{entry.pk}/"
    client.force_login(world.carl)
    added = client.post(
        page,
        {
            "files": [
                SimpleUploadedFile("bail.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("quittance.png", PNG, content_type="image/png"),
            ]
        },
    )
    assert added.status_code == 302
    with cooperative_context(world.coop_a.pk):
        rows = list(
            EntryAttachment.objects.order_by("pk").values_list("name", "content_type", "size")
        )
        first = EntryAttachment.objects.order_by("pk").first()
    assert rows == [("bail.pdf", "application/pdf", 15), ("quittance.png", "image/png", 16)]
    assert first is not None
    listed = client.get(page).content.decode()
    assert "bail.pdf" in listed
    assert "quittance.png" in listed
    download = client.get(f"{page}attachments/{first.pk}/")
    assert download.status_code == 200
    body = b"".join(download.streaming_content)  # type: ignore[attr-defined]
    assert (download["Content-Type"], body) == ("application/pdf", PDF)
    # A renamed executable and an oversized file: refused in French, nothing kept.
    disguised = client.post(
        page,
        {"files": [SimpleUploadedFile("bail.pdf", b"MZ\x90\x00", content_type="application/pdf")]},
    )
    assert disguised.status_code == 400
    assert "Le contenu du fichier ne correspond pas à son extension." in disguised.text
    heavy = client.post(
        page,
        {
            "files": [
                SimpleUploadedFile("ok.pdf", PDF),
                SimpleUploadedFile("gros.pdf", b"%PDF-" + b"0" * (10 * 1024 * 1024)),
            ]
        },
    )
    assert heavy.status_code == 400
    assert "gros.pdf : fichier trop lourd (10 Mo au plus)." in heavy.text
    text = client.post(page, {"files": [SimpleUploadedFile("notes.txt", b"hello")]})
    assert "seuls les PDF et les images (PNG, JPEG) sont acceptés" in text.text
    assert _count(world) == 2
    client.force_login(world.alice)
    assert client.get(f"{page}attachments/{first.pk}/").status_code == 403
    client.force_login(world.charlie)
    assert (
        client.get(f"/c/coop-b/bank/entries/{entry.pk}/attachments/{first.pk}/").status_code == 404
    )
    assert client.get(f"/c/coop-b/bank/entries/{entry.pk}/").status_code == 404


def test_a_validated_entry_takes_attachments_by_the_api(world: World, client: Client) -> None:
    entry = _draft(world)
    with cooperative_context(world.coop_a.pk):
        services.manual_entry_validate(entry=entry)
    auth: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=world.carl).key}"
    }
    url = f"/api/v1/c/coop-a/bank/entries/{entry.pk}/attachments/"
    created, replayed = (
        client.post(
            url,
            {"files": [SimpleUploadedFile("police.pdf", PDF)]},
            HTTP_IDEMPOTENCY_KEY="att-1",
            **auth,
        )
        for _ in range(2)
    )
    assert created.status_code == 201, created.content
    assert (replayed.status_code, replayed.json()) == (201, created.json())
    [attachment] = created.json()
    assert (attachment["name"], attachment["content_type"], attachment["size"]) == (
        "police.pdf",
        "application/pdf",
        15,
    )
    assert attachment["url"] == (
        f"/c/coop-a/bank/entries/{entry.pk}/attachments/{attachment['id']}/"
    )
    assert [a["name"] for a in client.get(url, **auth).json()] == ["police.pdf"]
    refused = client.post(url, {"files": [SimpleUploadedFile("x.jpg", PDF)]}, **auth)
    assert refused.status_code == 400
    assert _count(world) == 1
    charlie: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=world.charlie).key}"
    }
    other = f"/api/v1/c/coop-b/bank/entries/{entry.pk}/attachments/"
    assert client.get(other, **charlie).status_code == 404
    assert (
        client.post(other, {"files": [SimpleUploadedFile("p.pdf", PDF)]}, **charlie).status_code
        == 404
    )
    assert _count(world) == 1


def test_a_drafts_attachments_are_deleted_a_validated_entrys_stay(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    entry = _draft(world)
    with cooperative_context(world.coop_a.pk):
        first, second, third = services.entry_attachments_add(
            entry=entry,
            uploads=[
                SimpleUploadedFile("bail.pdf", PDF),
                SimpleUploadedFile("plan.png", PNG),
                SimpleUploadedFile("devis.pdf", PDF),
            ],
        )
    page = f"/c/coop-a/bank/entries/{entry.pk}/"
    delete = f"{page}attachments/{first.pk}/delete/"
    # Someone outside the accounting team, and another cooperative: nothing deleted.
    client.force_login(world.alice)
    assert client.post(delete).status_code == 403
    client.force_login(world.charlie)
    assert client.post(delete).status_code == 404
    assert (
        client.post(f"/c/coop-b/bank/entries/{entry.pk}/attachments/{first.pk}/delete/").status_code
        == 404
    )
    charlie: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=world.charlie).key}"
    }
    api_b = f"/api/v1/c/coop-b/bank/entries/{entry.pk}/attachments/{second.pk}/"
    assert client.delete(api_b, **charlie).status_code == 404
    assert client.get(api_b, **charlie).status_code == 404
    assert _count(world) == 3

    client.force_login(world.carl)
    assert "Supprimer bail.pdf" in client.get(page).text
    storage = first.file.storage
    with django_capture_on_commit_callbacks(execute=True):
        done = client.post(delete, follow=True)
    assert done.status_code == 200
    assert "Pièce jointe bail.pdf supprimée." in done.text
    assert (_count(world), storage.exists(first.file.name)) == (2, False)
    assert client.post(delete).status_code == 404
    auth: dict[str, Any] = {
        "HTTP_AUTHORIZATION": f"Token {Token.objects.create(user=world.carl).key}"
    }
    api = f"/api/v1/c/coop-a/bank/entries/{entry.pk}/attachments/{second.pk}/"
    assert client.get(api, **auth).json()["name"] == "plan.png"
    assert client.delete(api, **auth).status_code == 204
    assert _count(world) == 1

    with cooperative_context(world.coop_a.pk):
        services.manual_entry_validate(entry=entry)
    refused = client.post(f"{page}attachments/{third.pk}/delete/", follow=True)
    message = (
        "L&#x27;écriture est validée : ses pièces jointes restent, comme elle "
        "(le grand livre ne s&#x27;efface pas)."
    )
    assert message in refused.text
    assert "Supprimer devis.pdf" not in refused.text
    api_refused = client.delete(
        f"/api/v1/c/coop-a/bank/entries/{entry.pk}/attachments/{third.pk}/", **auth
    )
    assert api_refused.status_code == 400
    assert "ses pièces jointes restent" in api_refused.text
    assert (_count(world), storage.exists(third.file.name)) == (1, True)
