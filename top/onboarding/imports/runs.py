"""An import asked for from the page or the API: kept with its result, run at once for a small
file or by a worker for a large one, its progress readable while it runs. Besides the kinds of
imports/kinds.py, a run may load a FEC (the ledger's history, `accounting.fec_import`)."""

from __future__ import annotations

from typing import Any

from django.core.cache import cache
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.fec_import import fec_import
from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.jobs import job_enqueue
from top.onboarding.imports.service import data_import, kind_get
from top.onboarding.models import ImportRun

# Files above this size go to a worker; the page follows their progress.
WORKER_THRESHOLD_BYTES = 100_000
MAX_BYTES = 20_000_000
# A FEC holds years of entries: a larger bound.
FEC_KIND = "fec"
FEC_MAX_BYTES = 200_000_000


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
    if kind == FEC_KIND:
        if activity_code:
            _fec_activity(activity_code)  # an unknown activity is refused before anything is kept
        limit, too_large = FEC_MAX_BYTES, _("Ce fichier dépasse 200 Mo : découpez-le par exercice.")
    else:
        kind_get(kind)  # refuses unknown kinds before anything is kept
        limit, too_large = MAX_BYTES, _("Ce fichier dépasse 20 Mo : découpez-le.")
    if not data:
        raise ApplicationError(_("Le fichier est vide."))
    if len(data) > limit:
        raise ApplicationError(too_large)
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
        if run.kind == FEC_KIND:
            _fec_run(run)
        else:
            result = data_import(
                kind=run.kind,
                data=bytes(run.data),
                filename=run.filename,
                dry_run=run.dry_run,
                by=run.requested_by,
                activity_code=run.activity_code,
                progress=progress,
            )
            run.total = result.total
            run.created = result.created
            run.updated = result.updated + result.unchanged
            run.refused = len(result.refused)
            run.result = result.as_dict()
    except ApplicationError as error:
        run.state = ImportRun.State.FAILED
        run.error = error.message
    else:
        run.state = ImportRun.State.DONE
    # The file has been read: only the result is kept.
    run.data = b""
    run.finished_at = timezone.now()
    run.save()
    return run


def _fec_activity(code: str) -> Activity:
    activity: Activity | None = Activity.objects.filter(analytic_code__iexact=code.strip()).first()
    if activity is None:
        raise ApplicationError(
            _("Activité « %(code)s » inconnue : rien n'a été importé.") % {"code": code}
        )
    return activity


def _fec_run(run: ImportRun) -> None:
    """A FEC's entries, all or nothing: its counts in the run's (entries for rows, entries
    already there for updated ones, problems for refused ones)."""
    report = fec_import(
        bytes(run.data),
        filename=run.filename,
        dry_run=run.dry_run,
        default_activity=_fec_activity(run.activity_code) if run.activity_code else None,
    )
    refused = [[problem.line, problem.message] for problem in report.problems]
    run.total = report.lines
    run.created = report.entries
    run.updated = report.already_imported
    run.refused = len(refused)
    result: dict[str, Any] = {
        "kind": FEC_KIND,
        "dry_run": run.dry_run,
        "entries": report.entries,
        "lines": report.lines,
        "already_imported": report.already_imported,
        "journals": report.journals,
        "accounts": report.accounts,
        "third_parties": report.third_parties,
        "refused": refused,
    }
    run.result = result


def import_run_list(*, kind: str | None = None) -> list[ImportRun]:
    runs = ImportRun.objects.select_related("requested_by").defer("data")
    if kind is not None:
        runs = runs.filter(kind=kind)
    return list(runs[:50])
