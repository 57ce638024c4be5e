"""An import asked for from the page: kept with its result, run at once for a small file or
by a worker for a large one, its progress readable while it runs."""

from __future__ import annotations

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.jobs import job_enqueue
from top.onboarding.imports.service import data_import, kind_get
from top.onboarding.models import ImportRun

# Files above this size go to a worker; the page follows their progress.
WORKER_THRESHOLD_BYTES = 100_000
MAX_BYTES = 20_000_000


def _progress_key(run: ImportRun) -> str:
    return f"import-progress:{run.cooperative_id}:{run.pk}"


def import_run_progress(*, run: ImportRun) -> tuple[int, int] | None:
    value = cache.get(_progress_key(run))
    return None if value is None else (int(value[0]), int(value[1]))


@transaction.atomic
def import_run_create(
    *,
    kind: str,
    data: bytes,
    filename: str,
    dry_run: bool,
    by: User | None,
    activity_code: str = "",
) -> ImportRun:
    kind_get(kind)  # refuses unknown and not yet possible kinds before anything is kept
    if not data:
        raise ApplicationError(_("Le fichier est vide."))
    if len(data) > MAX_BYTES:
        raise ApplicationError(_("Ce fichier dépasse 20 Mo : découpez-le."))
    run: ImportRun = ImportRun.objects.create(
        cooperative_id=require_cooperative_id(),
        kind=kind,
        filename=filename[:255],
        data=data,
        dry_run=dry_run,
        activity_code=activity_code,
        requested_by=by,
    )
    if len(data) > WORKER_THRESHOLD_BYTES:
        from top.onboarding.tasks import import_run_execute_task

        job_enqueue(import_run_execute_task, import_id=run.pk)
    else:
        run = import_run_execute(import_id=run.pk)
    return run


def import_run_execute(*, import_id: int) -> ImportRun:
    """Run the import (idempotent: a finished run is not run again)."""
    run = ImportRun.objects.select_for_update().get(pk=import_id)
    if run.state in (ImportRun.State.DONE, ImportRun.State.FAILED):
        return run
    run.state = ImportRun.State.RUNNING
    run.save(update_fields=["state"])
    key = _progress_key(run)

    def progress(done: int, total: int) -> None:
        cache.set(key, (done, total), timeout=3600)

    try:
        result = data_import(
            kind=run.kind,
            data=bytes(run.data),
            filename=run.filename,
            dry_run=run.dry_run,
            by=run.requested_by,
            activity_code=run.activity_code,
            progress=progress,
        )
    except ApplicationError as error:
        run.state = ImportRun.State.FAILED
        run.error = error.message
    else:
        run.state = ImportRun.State.DONE
        run.total = result.total
        run.created = result.created
        run.updated = result.updated + result.unchanged
        run.refused = len(result.refused)
        run.result = result.as_dict()
    # The file has been read: only the result is kept.
    run.data = b""
    run.finished_at = timezone.now()
    run.save()
    return run


def import_run_list() -> list[ImportRun]:
    return list(ImportRun.objects.select_related("requested_by").defer("data")[:50])
