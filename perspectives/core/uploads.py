"""Uploaded files are typed by their name and first bytes, never by what the browser claims."""

from __future__ import annotations

from collections.abc import Collection

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from perspectives.core.exceptions import ApplicationError

_ZIP = (b"PK\x03\x04",)
# Extension → (content type, magic bytes at the start of the file).
SIGNATURES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}


def sniffed_content_type(upload: UploadedFile, *, extensions: Collection[str], refusal: str) -> str:
    """The file's real content type, among `extensions` (keys of SIGNATURES); `refusal` is the
    message for any other extension."""
    name = (upload.name or "").lower()
    extension = name[name.rfind(".") :] if "." in name else ""
    if extension not in extensions:
        raise ApplicationError(refusal)
    content_type, signatures = SIGNATURES[extension]
    upload.seek(0)
    head = upload.read(16)
    upload.seek(0)
    if not any(head.startswith(signature) for signature in signatures):
        raise ApplicationError(_("Le contenu du fichier ne correspond pas à son extension."))
    return content_type
