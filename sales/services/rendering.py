"""PDF rendering of sales documents, done by a worker (a job the jobs page shows)."""

from __future__ import annotations

import hashlib

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.jobs import job_enqueue
from perspectives.tenancy.models import Job
from sales.models import Document, DocumentFile, document_pdf_path

PDF_TASK = "sales.tasks.document_pdf_render_task"


def document_pdf_request(*, document: Document) -> Job:
    """Ask a worker for the document's PDF (Factur-X for invoices and credit notes)."""
    if document.status == Document.Status.DRAFT:
        raise ApplicationError(_("Un brouillon n'a pas de PDF : validez-le ou envoyez-le."))
    return job_enqueue(PDF_TASK, document_id=document.pk)


@transaction.atomic
def document_pdf_render(*, document_id: int, force: bool = False) -> DocumentFile:
    """Render and store the PDF once. Idempotent: a rendered document is left as it is, unless
    `force` (a quote's PDF after its answer, for instance)."""
    from sales.facturx import facturx_pdf

    document = Document.objects.select_related(
        "activity__cooperative", "customer", "credited_invoice"
    ).get(pk=document_id)
    if document.status == Document.Status.DRAFT:
        raise ApplicationError(_("Un brouillon n'a pas de PDF."))
    file, _created = DocumentFile.objects.select_for_update().get_or_create(
        cooperative_id=document.cooperative_id, document=document
    )
    if file.pdf and not force:
        return file
    content = facturx_pdf(document)
    # A render killed after writing its file but before its commit left that file: replace it.
    storage, name = file.pdf.storage, document_pdf_path(file, "")
    if storage.exists(name):
        storage.delete(name)
    file.pdf.save(f"{document.pk}.pdf", ContentFile(content), save=False)
    file.sha256 = hashlib.sha256(content).hexdigest()
    file.rendered_at = timezone.now()
    file.save()
    return file
