from __future__ import annotations

from celery import shared_task
from django.utils.translation import gettext_lazy as _

from governance.services.consultations import consultations_close_due
from governance.services.convocation import convocation_letters_render, convocation_send
from governance.services.minutes import minutes_render
from governance.services.notices import vote_waiting_notify
from perspectives.tenancy.jobs import job_enqueue, jobs_fan_out
from perspectives.tenancy.tasks import TenantTask


@shared_task(base=TenantTask, max_retries=3, label=_("Procès-verbal d'une assemblée"))
def minutes_render_task(*, cooperative_id: int, assembly_id: int) -> None:
    """Idempotent: minutes already rendered are kept (the service checks under a row lock)."""
    minutes_render(assembly_id=assembly_id)


@shared_task(base=TenantTask, max_retries=3, label=_("Envoi des convocations d'une assemblée"))
def convocation_send_task(*, cooperative_id: int, assembly_id: int) -> int:
    """Idempotent: associates already sent to are skipped (one dispatch row each)."""
    return convocation_send(assembly_id=assembly_id)


@shared_task(base=TenantTask, max_retries=3, label=_("Lettres de convocation à imprimer"))
def convocation_letters_render_task(*, cooperative_id: int, assembly_id: int) -> None:
    """Idempotent: letters already rendered are kept (the service checks under a row lock)."""
    convocation_letters_render(assembly_id=assembly_id)


@shared_task(base=TenantTask, max_retries=3, label=_("Avis « un vote vous attend »"))
def vote_waiting_notify_task(*, cooperative_id: int, assembly_id: int) -> int:
    """Idempotent: each associate is told at most once per assembly (one notice row each)."""
    return vote_waiting_notify(assembly_id=assembly_id)


@shared_task(base=TenantTask, label=_("Clôture des consultations écrites échues"))
def consultations_close_due_task(*, cooperative_id: int) -> list[int]:
    """Idempotent: only open consultations past their deadline are closed; their minutes follow."""
    closed = consultations_close_due()
    for assembly_id in closed:
        job_enqueue(minutes_render_task, assembly_id=assembly_id)
    return closed


@shared_task
def consultations_close_due_for_all_cooperatives() -> int:
    """Beat entry point (every quarter of an hour): one task per cooperative."""
    return jobs_fan_out(consultations_close_due_task)
