"""Documents attached to a convocation or a written consultation."""

from __future__ import annotations

import hashlib

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import IntegrityError, transaction
from django.test import Client

from governance.models import AssemblyDocument, AuditEvent
from governance.services import (
    assembly_convene,
    assembly_document_add,
    assembly_document_remove,
)
from governance.tasks import convocation_send_task
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.helpers.governance import ACCOUNTS, accounts_pdf, draft_assembly


def test_a_document_is_checked_stored_under_the_cooperative_and_fingerprinted(
    in_a: World,
) -> None:
    assembly = draft_assembly(in_a)
    document = assembly_document_add(
        assembly=assembly,
        title="Comptes annuels 2025",
        upload=accounts_pdf(),
        uploaded_by=in_a.carl,
    )
    assembly = assembly_convene(assembly=assembly)
    event = AuditEvent.objects.get(kind="convened")

    assert document.file.name.startswith(
        f"cooperatives/{in_a.coop_a.pk}/governance/documents/{assembly.pk}-"
    )
    assert document.file.name.endswith(".pdf")
    assert (document.size, document.content_type) == (len(ACCOUNTS), "application/pdf")
    assert document.sha256 == hashlib.sha256(ACCOUNTS).hexdigest()
    assert event.payload["documents"] == [[document.pk, document.sha256]]
    assert [d.title for d in assembly.documents.all()] == ["Comptes annuels 2025"]


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (accounts_pdf("virus.exe", b"MZ\x90\x00"), "Type de fichier refusé"),
        (accounts_pdf("faux.pdf", b"GIF89a"), "ne correspond pas à son extension"),
        (accounts_pdf("vide.pdf", b""), "Le fichier est vide."),
    ],
)
def test_bad_files_are_refused_in_french(
    in_a: World, upload: SimpleUploadedFile, message: str
) -> None:
    assembly = draft_assembly(in_a)
    with pytest.raises(ApplicationError, match=message):
        assembly_document_add(assembly=assembly, title="X", upload=upload, uploaded_by=None)
    assert AssemblyDocument.objects.count() == 0


def test_documents_are_frozen_once_convened(in_a: World) -> None:
    assembly = draft_assembly(in_a)
    document = assembly_document_add(
        assembly=assembly, title="Rapport", upload=accounts_pdf(), uploaded_by=None
    )
    assembly_convene(assembly=assembly)
    with pytest.raises(ApplicationError, match="avant l'envoi"):
        assembly_document_add(
            assembly=assembly, title="Autre", upload=accounts_pdf(), uploaded_by=None
        )
    with pytest.raises(ApplicationError, match="ne changent plus"):
        assembly_document_remove(document=document)
    # The database refuses too.
    with pytest.raises(IntegrityError), transaction.atomic():
        AssemblyDocument.objects.filter(pk=document.pk).update(title="Modifié")
    assert list(AssemblyDocument.objects.values_list("title", flat=True)) == ["Rapport"]


def test_a_draft_document_can_be_removed(in_a: World) -> None:
    assembly = draft_assembly(in_a)
    document = assembly_document_add(
        assembly=assembly, title="Rapport", upload=accounts_pdf(), uploaded_by=None
    )
    assembly_document_remove(document=document)
    assert AssemblyDocument.objects.count() == 0


def test_the_convocation_lists_the_documents_with_links(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        assembly = draft_assembly(world)
        document = assembly_document_add(
            assembly=assembly, title="Comptes annuels 2025", upload=accounts_pdf(), uploaded_by=None
        )
        assembly_convene(assembly=assembly)
    convocation_send_task(cooperative_id=world.coop_a.pk, assembly_id=assembly.pk)
    link = f"/c/coop-a/governance/assemblies/{assembly.pk}/documents/{document.pk}/"
    assert len(mail.outbox) == 2
    assert "- Comptes annuels 2025 : http" in mail.outbox[0].body
    assert link in mail.outbox[0].body


def test_pages_upload_download_and_permissions(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        assembly = draft_assembly(world)
    base = f"/c/coop-a/governance/assemblies/{assembly.pk}/"
    client.force_login(world.alice)
    refused = client.post(base + "documents/", {"title": "R", "file": accounts_pdf()})
    client.force_login(world.carl)
    uploaded = client.post(
        base + "documents/", {"title": "Comptes", "file": accounts_pdf()}, follow=True
    )
    with cooperative_context(world.coop_a.pk):
        document = AssemblyDocument.objects.get()
        assembly_convene(assembly=assembly)
    url = f"{base}documents/{document.pk}/"
    carl = client.get(url)
    client.force_login(world.alice)
    alice = client.get(url)
    page = client.get(base)
    client.force_login(world.bob)  # a member, not an associate
    bob = client.get(url)

    assert refused.status_code == 403
    assert "Document joint." in uploaded.text
    assert carl.status_code == alice.status_code == 200
    assert b"".join(alice.streaming_content) == ACCOUNTS  # type: ignore[attr-defined]
    assert alice["Content-Disposition"] == 'attachment; filename="comptes-2025.pdf"'
    assert f'href="{url}"' in page.text
    assert bob.status_code == 403


def test_api_lists_the_documents(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        assembly = draft_assembly(world)
        document = assembly_document_add(
            assembly=assembly, title="Comptes", upload=accounts_pdf(), uploaded_by=None
        )
        assembly_convene(assembly=assembly)
    client.force_login(world.alice)
    data = client.get(f"/api/v1/c/coop-a/governance/assemblies/{assembly.pk}/").json()
    assert data["documents"] == [
        {
            "id": document.pk,
            "title": "Comptes",
            "original_name": "comptes-2025.pdf",
            "content_type": "application/pdf",
            "size": len(ACCOUNTS),
            "sha256": hashlib.sha256(ACCOUNTS).hexdigest(),
            "url": f"/c/coop-a/governance/assemblies/{assembly.pk}/documents/{document.pk}/",
        }
    ]


def test_other_cooperative_gets_404_on_the_document_urls(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        assembly = draft_assembly(world)
        document = assembly_document_add(
            assembly=assembly, title="Comptes", upload=accounts_pdf(), uploaded_by=None
        )
    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        base = f"/c/{slug}/governance/assemblies/{assembly.pk}/documents/"
        assert client.get(f"{base}{document.pk}/").status_code == 404
        assert client.post(f"{base}{document.pk}/remove/").status_code == 404
        assert client.post(base, {"title": "X", "file": accounts_pdf()}).status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert AssemblyDocument.objects.count() == 1
