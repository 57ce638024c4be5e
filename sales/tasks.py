"""Celery tasks of the sales app: thin, idempotent wrappers around the services."""

from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.tasks import TenantTask
from sales.services import rendering


@shared_task(base=TenantTask, max_retries=3, label=_("PDF d'une facture ou d'un devis"))
def document_pdf_render_task(*, cooperative_id: int, document_id: int) -> None:
    rendering.document_pdf_render(document_id=document_id)
