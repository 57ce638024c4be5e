"""Printable documents of the accompaniment, rendered by Celery workers (never in a request)."""

from __future__ import annotations

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone

from entrepreneurs.models import Workshop, WorkshopRegistration
from perspectives.core.pdf import render_pdf


@transaction.atomic
def workshop_attendance_sheet_render(*, workshop_id: int) -> Workshop:
    """Render the attendance sheet (one line to sign per registered person) and store it under
    the cooperative's folder, replacing the previous one."""
    workshop = Workshop.objects.select_for_update().get(pk=workshop_id)
    registrations = (
        WorkshopRegistration.objects.filter(workshop=workshop)
        .select_related("entrepreneur")
        .order_by("entrepreneur__last_name", "entrepreneur__first_name")
    )
    html = render_to_string(
        "entrepreneurs/pdf/attendance_sheet.html",
        {"workshop": workshop, "registrations": registrations, "cooperative": workshop.cooperative},
    )
    pdf = render_pdf(html)
    if workshop.attendance_sheet:
        workshop.attendance_sheet.delete(save=False)
    name = f"cooperatives/{workshop.cooperative_id}/workshops/{workshop.pk}/emargement.pdf"
    workshop.attendance_sheet.save(name, ContentFile(pdf), save=False)
    workshop.attendance_sheet_rendered_at = timezone.now()
    workshop.save(update_fields=["attendance_sheet", "attendance_sheet_rendered_at"])
    return workshop
