from __future__ import annotations

from celery import shared_task

from governance.services.consultations import consultations_close_due
from governance.services.convocation import convocation_letters_render, convocation_send
from governance.services.minutes import minutes_render
from perspectives.tenancy.models import Cooperative
from perspectives.tenancy.tasks import TenantTask


@shared_task(  # type: ignore[untyped-decorator]
    base=TenantTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def minutes_render_task(*, cooperative_id: int, assembly_id: int) -> None:
    """Idempotent: minutes already rendered are kept (the service checks under a row lock)."""
    minutes_render(assembly_id=assembly_id)


@shared_task(  # type: ignore[untyped-decorator]
    base=TenantTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def convocation_send_task(*, cooperative_id: int, assembly_id: int) -> int:
    """Idempotent: associates already sent to are skipped (one dispatch row each)."""
    return convocation_send(assembly_id=assembly_id)


@shared_task(  # type: ignore[untyped-decorator]
    base=TenantTask, autoretry_for=(OSError,), retry_backoff=True, max_retries=3
)
def convocation_letters_render_task(*, cooperative_id: int, assembly_id: int) -> None:
    """Idempotent: letters already rendered are kept (the service checks under a row lock)."""
    convocation_letters_render(assembly_id=assembly_id)


@shared_task(base=TenantTask, max_retries=0)  # type: ignore[untyped-decorator]
def consultations_close_due_task(*, cooperative_id: int) -> list[int]:
    """Idempotent: only open consultations past their deadline are closed; their minutes follow."""
    closed = consultations_close_due()
    for assembly_id in closed:
        minutes_render_task.delay_on_commit(cooperative_id=cooperative_id, assembly_id=assembly_id)
    return closed


@shared_task  # type: ignore[untyped-decorator]
def consultations_close_due_for_all_cooperatives() -> int:
    """Beat entry point (every quarter of an hour): one task per cooperative."""
    ids = list(Cooperative.objects.values_list("pk", flat=True))
    for cooperative_id in ids:
        consultations_close_due_task.delay(cooperative_id=cooperative_id)
    return len(ids)
