"""The run every payroll write starts from: locked for the transaction, refused once its
period is validated. Its own module so that every writer imports it without a cycle."""

from __future__ import annotations

from django.utils.translation import gettext as _

from payroll.models import PayrollRun
from perspectives.core.exceptions import ApplicationError


def locked_run(run_id: int) -> PayrollRun:
    run: PayrollRun = PayrollRun.objects.select_for_update().get(pk=run_id)
    if run.is_locked:
        raise ApplicationError(
            _("La paie de %(period)s est validée : la période est verrouillée.")
            % {"period": f"{run.period:%m/%Y}"}
        )
    return run
