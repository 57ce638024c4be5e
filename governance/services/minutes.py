"""The minutes (procès-verbal) of a closed assembly, rendered to PDF by a Celery worker."""

from __future__ import annotations

import hashlib
import secrets

from django.core.files.base import ContentFile
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from governance.models import Assembly, Attendance, AuditEvent, Proxy, Resolution
from governance.services.assemblies import assembly_presence, roll_hash_of
from governance.services.audit import audit_record
from perspectives.core.exceptions import ApplicationError


def render_pdf(html: str) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=html).write_pdf())


def minutes_path(assembly: Assembly) -> str:
    """Under the cooperative's folder; a random name, so a path reveals nothing."""
    return (
        f"cooperatives/{assembly.cooperative_id}/governance/minutes/"
        f"{assembly.pk}-{secrets.token_hex(8)}.pdf"
    )


@transaction.atomic
def minutes_render(*, assembly_id: int, force: bool = False) -> Assembly:
    """Render the minutes of a closed assembly: date, place, bureau, attendance, every resolution
    (rejected ones too) with its result and the rule applied, and the voter roll hash.

    Idempotent: an assembly whose minutes exist is left as is unless `force`."""
    assembly: Assembly = (
        Assembly.objects.select_for_update().select_related("profile").get(pk=assembly_id)
    )
    if assembly.status != Assembly.Status.CLOSED:
        raise ApplicationError(_("Le procès-verbal se rédige après la clôture de l'assemblée."))
    if assembly.minutes_file and not force:
        return assembly
    if roll_hash_of(assembly) != assembly.roll_hash:
        raise ApplicationError(_("La liste d'émargement ne correspond plus à son empreinte."))
    attendances = (
        Attendance.objects.filter(assembly=assembly)
        .select_related("entry")
        .order_by("entry__full_name")
    )
    proxies = (
        Proxy.objects.filter(assembly=assembly, revoked_at__isnull=True)
        .select_related("grantor", "holder")
        .order_by("grantor__full_name")
    )
    html = render_to_string(
        "governance/pdf/minutes.html",
        {
            "assembly": assembly,
            "cooperative": assembly.cooperative,
            "presence": assembly_presence(assembly=assembly),
            "attendances": attendances,
            "proxies": proxies,
            "resolutions": Resolution.objects.filter(assembly=assembly).order_by("position"),
            "generated_at": timezone.now(),
        },
    )
    pdf = render_pdf(html)
    if assembly.minutes_file:
        assembly.minutes_file.delete(save=False)
    assembly.minutes_file.save(minutes_path(assembly), ContentFile(pdf), save=False)
    assembly.minutes_generated_at = timezone.now()
    assembly.save(update_fields=["minutes_file", "minutes_generated_at"])
    audit_record(
        kind=AuditEvent.Kind.MINUTES,
        assembly=assembly,
        payload={"sha256": hashlib.sha256(pdf).hexdigest(), "file": assembly.minutes_file.name},
    )
    return assembly
