"""Celery tasks of the sales app: thin, idempotent wrappers around the services."""

from __future__ import annotations

import datetime as dt

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from perspectives.tenancy.jobs import jobs_fan_out
from perspectives.tenancy.tasks import TenantTask
from sales.services import einvoicing, emails, ereporting, reminders, rendering


@shared_task(base=TenantTask, max_retries=3, label=_("PDF d'une facture ou d'un devis"))
def document_pdf_render_task(*, cooperative_id: int, document_id: int) -> None:
    rendering.document_pdf_render(document_id=document_id)


@shared_task(
    base=TenantTask, max_retries=3, label=_("Envoi d'un devis ou d'une facture par e-mail")
)
def document_email_send_task(*, cooperative_id: int, email_id: int) -> None:
    """Idempotent: an e-mail already sent is not sent again (its row says so)."""
    emails.document_email_send(email_id=email_id)


@shared_task(base=TenantTask, label=_("Relances des factures échues"))
def invoices_remind_task(*, cooperative_id: int) -> int:
    """Idempotent: one reminder per invoice and step (a unique constraint), so a second run the
    same day sends nothing more."""
    return len(reminders.invoices_remind())


@shared_task
def invoices_remind_for_all_cooperatives() -> int:
    """Beat entry point (every morning): one task per cooperative."""
    return jobs_fan_out(invoices_remind_task)


@shared_task(base=TenantTask, max_retries=3, label=_("Transmission d'une facture à la plateforme"))
def einvoice_submit_task(*, cooperative_id: int, document_id: int) -> str:
    """Idempotent: a document already submitted is not submitted again."""
    return einvoicing.einvoice_submit(document_id=document_id).flow_id


@shared_task(base=TenantTask, max_retries=3, label=_("Statut de facture envoyé à la plateforme"))
def lifecycle_status_send_task(*, cooperative_id: int, status_id: int) -> None:
    """Idempotent: a status already sent is not sent again."""
    einvoicing.lifecycle_status_send(status_id=status_id)


@shared_task(base=TenantTask, max_retries=3, label=_("Statuts des factures émises"))
def lifecycle_statuses_sync_task(*, cooperative_id: int) -> int:
    """Idempotent: a status flow already recorded is skipped (the cursor, the flow id)."""
    return einvoicing.lifecycle_statuses_sync().recorded


@shared_task(ignore_result=True)
def lifecycle_statuses_sync_for_all_cooperatives() -> int:
    """Beat: one job per cooperative (a cooperative without a platform does nothing)."""
    return jobs_fan_out(lifecycle_statuses_sync_task)


@shared_task(base=TenantTask, max_retries=3, label=_("E-reporting transmis à la plateforme"))
def ereport_submit_task(*, cooperative_id: int, kind: str, start: str, end: str) -> str:
    """Idempotent: a period already reported is not reported again."""
    return ereporting.ereport_submit(
        kind=kind, start=dt.date.fromisoformat(start), end=dt.date.fromisoformat(end)
    ).flow_id


@shared_task(base=TenantTask, label=_("E-reporting des périodes échues"))
def ereports_request_due_task(*, cooperative_id: int) -> int:
    """Idempotent: a period reported or already asked for adds no job."""
    return len(ereporting.ereports_request_due())


@shared_task(ignore_result=True)
def ereports_request_due_for_all_cooperatives() -> int:
    """Beat (every morning): one job per cooperative."""
    return jobs_fan_out(ereports_request_due_task)
