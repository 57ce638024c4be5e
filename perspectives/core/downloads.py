"""Files served only through views that checked the reader (never as static files)."""

from __future__ import annotations

from django.db.models.fields.files import FieldFile
from django.http import FileResponse


def private_file(
    file: FieldFile, *, content_type: str, filename: str, no_store: bool = False
) -> FileResponse:
    """An attachment the browser must not sniff; `no_store`: nor keep in any cache (personal
    data such as payslips)."""
    response = FileResponse(
        file.open("rb"), content_type=content_type, as_attachment=True, filename=filename
    )
    response["X-Content-Type-Options"] = "nosniff"
    if no_store:
        response["Cache-Control"] = "private, no-store"
    return response
