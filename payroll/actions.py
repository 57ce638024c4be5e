"""What the run pages and the API do alike: the services, then the Celery work they start, and
the stateless simulation. Views and APIs stay thin around these."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.utils.translation import gettext as _

from payroll import selectors, services, tasks
from payroll.engine import Payslip, PayslipInput, gross_from_budget, payslip_compute
from payroll.models import PayrollRun
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.jobs import job_enqueue


def run_compute_start(*, run: PayrollRun) -> None:
    """Compute (or recompute) the drafts on the workers, once the request's transaction commits."""
    if run.is_locked:
        raise ApplicationError(_("La période est verrouillée."))
    job_enqueue(tasks.payroll_run_compute_task, run_id=run.pk)


def run_validate(*, run: PayrollRun) -> PayrollRun:
    """Hand the validation to a worker: it issues and posts the payslips, then their PDFs are
    rendered by the workers; the run page follows it."""
    return services.payroll_run_validate_request(run_id=run.pk)


def run_pdfs_request(*, run: PayrollRun) -> int:
    """Ask again for the PDFs of the run's issued payslips that have none (after a failure)."""
    ids = list(run.payslips.values_list("pk", flat=True))
    return services.payslip_pdfs_request(payslip_ids=ids)


def payslip_simulate(
    *,
    period: dt.date,
    status: str,
    gross: Decimal | None = None,
    budget: Decimal | None = None,
    pas_rate: Decimal | None = None,
) -> Payslip:
    """One payslip with the cooperative's settings of the month, from a gross or from a budget
    (the total employer cost to fit), stored nowhere."""
    if (gross is None) == (budget is None):
        raise ApplicationError(_("Indiquez soit un salaire brut, soit un budget."))
    params = selectors.parameters_at(period)
    template = PayslipInput(
        period=period,
        gross=Decimal(0),
        status=status,
        company=selectors.company_at(period),
        pas_rate=pas_rate,
    )
    if gross is None:
        return gross_from_budget(params, budget=budget or Decimal(0), template=template)
    return payslip_compute(params, replace(template, gross=gross))
