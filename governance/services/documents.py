"""Documents sent with a convocation or a written consultation (accounts, reports, drafts).

Checked on upload (size, type from the name and the first bytes), stored under the cooperative's
folder with a random name, attached while the assembly is a draft only (the database refuses any
change afterwards), and fingerprinted (SHA-256) in the convocation's audit event. They are served
only through a view that checks the reader is a manager or on the assembly's roll.
"""

from __future__ import annotations

import hashlib

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from governance.models import Assembly, AssemblyDocument
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.core.uploads import sniffed_content_type

MAX_DOCUMENT_BYTES = 20 * 1024 * 1024
EXTENSIONS = (".pdf", ".odt", ".ods", ".docx", ".xlsx", ".png", ".jpg", ".jpeg")


def _content_type(upload: UploadedFile) -> str:
    return sniffed_content_type(
        upload,
        extensions=EXTENSIONS,
        refusal=_("Type de fichier refusé : PDF, ODT, ODS, DOCX, XLSX, PNG ou JPEG seulement."),
    )


def _sha256(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    upload.seek(0)
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


@transaction.atomic
def assembly_document_add(
    *, assembly: Assembly, title: str, upload: UploadedFile, uploaded_by: User | None
) -> AssemblyDocument:
    assembly = Assembly.objects.select_for_update().get(pk=assembly.pk)
    if assembly.status != Assembly.Status.DRAFT:
        raise ApplicationError(
            _("Les documents se joignent avant l'envoi : ils font partie de la convocation.")
        )
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise ApplicationError(_("Le fichier dépasse 20 Mo."))
    if upload.size == 0:
        raise ApplicationError(_("Le fichier est vide."))
    title = title.strip() or (upload.name or "")
    if AssemblyDocument.objects.filter(assembly=assembly, title=title).exists():
        raise ApplicationError(_("Un document porte déjà ce titre."))
    document = AssemblyDocument(
        cooperative_id=assembly.cooperative_id,
        assembly=assembly,
        title=title[:200],
        original_name=(upload.name or "")[:255],
        content_type=_content_type(upload),
        size=upload.size,
        sha256=_sha256(upload),
        uploaded_by=uploaded_by,
    )
    document.file.save(upload.name or "document", upload, save=False)
    try:
        with transaction.atomic():
            document.save()
    except Exception:
        # The file reached the disk before the row: do not leave it behind.
        document.file.delete(save=False)
        raise
    return document


@transaction.atomic
def assembly_document_remove(*, document: AssemblyDocument) -> None:
    assembly = Assembly.objects.select_for_update().get(pk=document.assembly_id)
    if assembly.status != Assembly.Status.DRAFT:
        raise ApplicationError(_("La convocation est partie : ses documents ne changent plus."))
    name = document.file.name
    document.delete()
    transaction.on_commit(lambda: document.file.storage.delete(name))
