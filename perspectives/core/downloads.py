"""Files served only through views that checked the reader (never as static files)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _


def private_file(
    file: FieldFile, *, content_type: str, filename: str, no_store: bool = False
) -> FileResponse:
    """An attachment the browser must not sniff; `no_store`: nor keep in any cache (personal
    data such as payslips)."""
    try:
        handle = file.open("rb")
    except (FileNotFoundError, ValueError) as missing:
        # A row whose file is gone (a restore without its media, a purge): the reader gets the
        # friendly "not found" page, never a server error.
        raise Http404(_("Ce document est introuvable.")) from missing
    response = FileResponse(
        handle, content_type=content_type, as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    if no_store:
        response["Cache-Control"] = "private, no-store"
    return response
