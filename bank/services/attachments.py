"""Supporting documents of entries by hand: PDF or images, typed by their first bytes. A draft's
documents may be removed; a validated entry's stay, as the entry does (the ledger is
immutable)."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _

from accounting.models import Entry
from bank.models import EntryAttachment
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.core.uploads import sniffed_content_type
from perspectives.tenancy.context import require_cooperative_id

MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
ATTACHMENT_EXTENSIONS = (".pdf", ".png", ".jpg", ".jpeg")


@transaction.atomic
def entry_attachments_add(
    *, entry: Entry, uploads: Sequence[UploadedFile], user: User | None = None
) -> list[EntryAttachment]:
    """All the files or none: each is checked (size, type by content) before any is kept."""
    if entry.source != "manual":
        raise ApplicationError(_("Seules les écritures saisies à la main reçoivent des pièces."))
    if not uploads:
        raise ApplicationError(_("Choisissez au moins un fichier."))
    checked = []
    for upload in uploads:
        if upload.size is None or upload.size > MAX_ATTACHMENT_BYTES:
            raise ApplicationError(
                _("%(name)s : fichier trop lourd (10 Mo au plus).") % {"name": upload.name}
            )
        content_type = sniffed_content_type(
            upload,
            extensions=ATTACHMENT_EXTENSIONS,
            refusal=_("%(name)s : seuls les PDF et les images (PNG, JPEG) sont acceptés.")
            % {"name": upload.name},
        )
        checked.append((upload, content_type))
    attachments = []
    for upload, content_type in checked:
        attachment = EntryAttachment(
            cooperative_id=require_cooperative_id(),
            entry=entry,
            name=(upload.name or "piece")[:255],
            content_type=content_type,
            size=upload.size or 0,
            uploaded_by=user,
        )
        attachment.file.save(upload.name or "piece", upload, save=False)
        attachment.save()
        attachments.append(attachment)
    return attachments


@transaction.atomic
def entry_attachment_delete(*, attachment: EntryAttachment) -> None:
    """Remove a document of a draft entry, its file once the transaction commits. The entry is
    locked, so that it is not validated meanwhile."""
    entry = Entry.objects.select_for_update().get(pk=attachment.entry_id)
    if entry.status != Entry.Status.DRAFT:
        raise ApplicationError(
            _(
                "L'écriture est validée : ses pièces jointes restent, comme elle "
                "(le grand livre ne s'efface pas)."
            )
        )
    stored = EntryAttachment.objects.filter(pk=attachment.pk).first()
    if stored is None:
        return
    file = stored.file
    stored.delete()
    transaction.on_commit(lambda: file.delete(save=False))
