"""Documents of a file: checked on upload, stored under the cooperative's own folder."""

from __future__ import annotations

import datetime as dt

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from entrepreneurs.models import Document, Entrepreneur
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.core.uploads import sniffed_content_type

MAX_DOCUMENT_BYTES = 10 * 1024 * 1024
EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg")


def _sniff(upload: UploadedFile) -> str:
    return sniffed_content_type(
        upload,
        extensions=EXTENSIONS,
        refusal=_("Type de fichier refusé : PDF, PNG ou JPEG seulement."),
    )


@transaction.atomic
def document_upload(
    *,
    entrepreneur: Entrepreneur,
    kind: str,
    title: str,
    upload: UploadedFile,
    uploaded_by: User | None,
    expires_on: dt.date | None = None,
) -> Document:
    if kind not in Document.Kind.values:
        raise ApplicationError(_("Type de document inconnu."))
    if upload.size is None or upload.size > MAX_DOCUMENT_BYTES:
        raise ApplicationError(_("Le fichier dépasse 10 Mo."))
    if upload.size == 0:
        raise ApplicationError(_("Le fichier est vide."))
    content_type = _sniff(upload)
    document = Document(
        cooperative_id=entrepreneur.cooperative_id,
        entrepreneur=entrepreneur,
        kind=kind,
        title=title.strip() or (upload.name or ""),
        original_name=(upload.name or "")[:255],
        content_type=content_type,
        size=upload.size,
        expires_on=expires_on,
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
