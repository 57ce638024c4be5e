"""Writes of the payroll app."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext as _

from entrepreneurs.models import Entrepreneur
from payroll import selectors
from payroll.engine import Payslip as EnginePayslip
from payroll.engine import PayslipInput, YearToDate, gross_from_budget, payslip_compute
from payroll.engine.payslip import ABSURD_GROSS, year_to_date_from_json
from payroll.models import (
    LegalParameter,
    PayProfile,
    PayrollRun,
    PayrollSettings,
    Payslip,
    payslip_pdf_path,
)
from payroll.parameter_files import PARAMETERS_DIR, parameter_rows_read
from payroll.selectors import company_at, parameters_at, payslip_year_to_date
from payroll.services.absences import month_data, month_inputs
from payroll.services.ledger import payslip_payment_post, payslip_post
from payroll.services.run_lock import locked_run
from payroll.services.salaries import paid_profiles, regularisation_budget, salary_proposals_refresh
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.core.formats import money
from perspectives.core.pdf import render_pdf
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.jobs import job_enqueue


@dataclass(frozen=True)
class LoadReport:
    created: int
    updated: int
    unchanged: int


@transaction.atomic
def legal_parameters_load(*, directory: Path = PARAMETERS_DIR) -> LoadReport:
    """Upsert every dated parameter of the files into the reference table. Rows are never deleted:
    a payslip already issued keeps pointing at the values it used."""
    created = updated = unchanged = 0
    existing = {(row.key, row.valid_from): row for row in LegalParameter.objects.all()}
    for row in parameter_rows_read(directory):
        current = existing.get((row.key, row.valid_from))
        if current is None:
            LegalParameter.objects.create(
                key=row.key,
                valid_from=row.valid_from,
                value=row.value,
                reference=row.reference,
                source=row.source,
            )
            created += 1
        elif (current.value, current.reference, current.source) != (
            row.value,
            row.reference,
            row.source,
        ):
            current.value, current.reference, current.source = row.value, row.reference, row.source
            current.save(update_fields=["value", "reference", "source"])
            updated += 1
        else:
            unchanged += 1
    return LoadReport(created=created, updated=updated, unchanged=unchanged)


@transaction.atomic
def payroll_settings_set(
    *,
    valid_from: dt.date,
    headcount: int,
    at_rate: Decimal,
    collective_agreement: str = "",
    mutuelle_employee: Decimal = Decimal(0),
    mutuelle_employer: Decimal = Decimal(0),
    prevoyance_employee_rate: Decimal = Decimal(0),
    prevoyance_employer_rate: Decimal = Decimal(0),
    mobility_rate: Decimal = Decimal(0),
    alsace_moselle: bool = False,
) -> PayrollSettings:
    """Record the active cooperative's payroll settings from `valid_from` (one row per date)."""
    if headcount < 1:
        raise ApplicationError("L'effectif doit compter au moins une personne.")
    if not Decimal(0) <= at_rate <= Decimal(20):
        raise ApplicationError("Le taux accident du travail doit être compris entre 0 et 20 %.")
    settings: PayrollSettings
    settings, _created = PayrollSettings.objects.update_or_create(
        cooperative_id=require_cooperative_id(),
        valid_from=valid_from,
        defaults={
            "headcount": headcount,
            "at_rate": at_rate,
            "collective_agreement": collective_agreement,
            "mutuelle_employee": mutuelle_employee,
            "mutuelle_employer": mutuelle_employer,
            "prevoyance_employee_rate": prevoyance_employee_rate,
            "prevoyance_employer_rate": prevoyance_employer_rate,
            "mobility_rate": mobility_rate,
            "alsace_moselle": alsace_moselle,
        },
    )
    return settings


def _first_of_month(day: dt.date) -> dt.date:
    return day.replace(day=1)


@transaction.atomic
def pay_profile_set(
    *,
    entrepreneur: Entrepreneur,
    monthly_gross: Decimal,
    status: str = PayProfile.Status.NON_CADRE,
    pas_rate: Decimal | None = None,
    variable_advance: Decimal = Decimal(0),
) -> PayProfile:
    """`monthly_gross` is the fixed part plus `variable_advance`, the monthly advance on the
    variable part that the yearly regularisation settles."""
    if monthly_gross < 0 or monthly_gross > ABSURD_GROSS:
        raise ApplicationError("Salaire brut mensuel invraisemblable.")
    if not 0 <= variable_advance <= monthly_gross:
        raise ApplicationError(
            "L'avance sur la part variable doit être comprise entre zéro et le brut mensuel."
        )
    if status not in PayProfile.Status.values:
        raise ApplicationError(f"Statut inconnu « {status} ».")
    profile: PayProfile
    profile, _created = PayProfile.objects.update_or_create(
        cooperative_id=require_cooperative_id(),
        entrepreneur=entrepreneur,
        defaults={
            "monthly_gross": monthly_gross,
            "variable_advance": variable_advance,
            "status": status,
            "pas_rate": pas_rate,
        },
    )
    return profile


@transaction.atomic
def payroll_run_create(*, period: dt.date, created_by: User | None) -> PayrollRun:
    """A draft run for one month; the month's parameters and the cooperative's settings must
    exist, and there is one run per month (a correction is a new payslip, not a new run)."""
    period = _first_of_month(period)
    parameters_at(period).decimal("pmss")
    company_at(period)
    if PayrollRun.objects.filter(period=period).exists():
        raise ApplicationError(f"Une paie existe déjà pour {period:%m/%Y}.")
    try:
        with transaction.atomic():
            run: PayrollRun = PayrollRun.objects.create(
                cooperative_id=require_cooperative_id(), period=period, created_by=created_by
            )
    except IntegrityError:
        raise ApplicationError(f"Une paie existe déjà pour {period:%m/%Y}.") from None
    salary_proposals_refresh(run_id=run.pk)
    return run


@transaction.atomic
def payroll_run_start(*, run_id: int) -> list[int]:
    """Mark the run as computing and return the entrepreneurs to compute (one task each).
    Re-running drops the drafts of entrepreneurs no longer paid, and never duplicates."""
    run = locked_run(run_id)
    ids = [profile.entrepreneur_id for profile in paid_profiles(period=run.period)]
    Payslip.objects.filter(run=run, issued_at__isnull=True).exclude(
        entrepreneur_id__in=ids
    ).delete()
    run.status = PayrollRun.Status.COMPUTING if ids else PayrollRun.Status.COMPUTED
    run.expected = len(ids)
    run.computation_started_at = timezone.now()
    run.validation_error = ""
    run.save(update_fields=["status", "expected", "computation_started_at", "validation_error"])
    return ids


FIXED_PART_LABEL = "Salaire de base (part fixe)"
ADVANCE_LABEL = "Avance sur la part variable"
REGULARISATION_LABEL = "Régularisation annuelle de la part variable"


def _payslip_fields(slip: EnginePayslip, status: str) -> dict[str, object]:
    return {
        "status": status,
        "gross": slip.gross,
        "net_social": slip.net_social,
        "net_before_tax": slip.net_before_tax,
        "net_paid": slip.net_paid,
        "employer_cost": slip.employer_cost,
        "reduction": slip.reduction,
        "computed_at": timezone.now(),
    }


@transaction.atomic
def payslip_draft_compute(*, run_id: int, entrepreneur_id: int) -> Payslip:
    """Compute (or recompute) one entrepreneur's draft payslip of a run: idempotent. The gross
    is the one retained in the run's salary proposal (the profile's otherwise), split into the
    fixed part and the advance on the variable part; the month's absences add their lines. In
    December, and in the month of an exit, a regularisation payslip follows."""
    from payroll.models import SalaryProposal

    run = locked_run(run_id)
    profile = PayProfile.objects.select_related("entrepreneur").get(entrepreneur_id=entrepreneur_id)
    proposal = SalaryProposal.objects.filter(run=run, entrepreneur_id=entrepreneur_id).first()
    gross = proposal.chosen_gross if proposal else profile.monthly_gross
    slip, data = _monthly_compute(run=run, profile=profile, gross=gross, status=profile.status)
    payslip: Payslip
    payslip, _created = Payslip.objects.update_or_create(
        cooperative_id=run.cooperative_id,
        run=run,
        entrepreneur_id=entrepreneur_id,
        kind=Payslip.Kind.MONTHLY,
        version=1,
        defaults={
            "period": run.period,
            **_payslip_fields(slip, profile.status),
            "data": data,
        },
    )
    _regularisation_compute(run=run, profile=profile, monthly=payslip, slip=slip)
    current = Payslip.objects.filter(run=run, kind=Payslip.Kind.MONTHLY)
    if run.computation_started_at is not None:
        current = current.filter(computed_at__gte=run.computation_started_at)
    if run.status == PayrollRun.Status.COMPUTING and current.count() >= run.expected:
        run.status = PayrollRun.Status.COMPUTED
        run.save(update_fields=["status"])
    return payslip


def _monthly_compute(
    *, run: PayrollRun, profile: PayProfile, gross: Decimal, status: str
) -> tuple[EnginePayslip, dict[str, Any]]:
    """A month's payslip for a base gross: the fixed part, the advance on the variable part
    above it, and the lines of the month's absences."""
    fixed = min(profile.fixed_gross, gross)
    params = parameters_at(run.period)
    month = month_inputs(params, run=run, profile=profile, base_gross=gross)
    advance = ((ADVANCE_LABEL, gross - fixed),) if gross > fixed else ()
    slip = payslip_compute(
        params,
        PayslipInput(
            period=run.period,
            gross=fixed,
            base_label=FIXED_PART_LABEL,
            extras=advance + month.absences.items,
            ijss_subrogation=month.absences.ijss_subrogation,
            status=status,
            company=company_at(run.period),
            pas_rate=profile.pas_rate,
            ytd=payslip_year_to_date(entrepreneur_id=profile.entrepreneur_id, period=run.period),
        ),
    )
    return slip, {**slip.as_json(), **month_data(month)}


def _regularisation_input(
    *, run: PayrollRun, profile: PayProfile, status: str, ytd: YearToDate
) -> PayslipInput:
    return PayslipInput(
        period=run.period,
        gross=Decimal(0),
        base_label=REGULARISATION_LABEL,
        # The month's SMIC already counts in the monthly payslip's cumulatives.
        hours=Decimal(0),
        status=status,
        company=company_at(run.period),
        pas_rate=profile.pas_rate,
        ytd=ytd,
    )


def _regularisation_compute(
    *, run: PayrollRun, profile: PayProfile, monthly: Payslip, slip: EnginePayslip
) -> Payslip | None:
    """At year end or exit, settle the variable part against the activity's actual result:
    a payslip whose employer cost uses up what is left of the year's result, with the year's
    cumulatives (so the RGDU's annual regularisation claws back what the bonus reduces). When
    the advances exceeded the result, no payslip: the note says by how much."""
    exit_on = profile.entrepreneur.exited_on
    exiting = exit_on is not None and exit_on.replace(day=1) == run.period
    drafts = Payslip.objects.filter(
        run=run, entrepreneur_id=profile.entrepreneur_id, kind=Payslip.Kind.REGULARISATION
    )
    if run.period.month != 12 and not exiting:
        drafts.filter(issued_at__isnull=True).delete()
        return None
    activity, budget = regularisation_budget(
        entrepreneur_id=profile.entrepreneur_id,
        period=run.period,
        month_cost=monthly.employer_cost,
    )
    note = ""
    regularisation: EnginePayslip | None = None
    if activity is None:
        note = gettext("Aucune activité : pas de régularisation de la part variable.")
    elif budget <= 0:
        note = gettext(
            "Les avances versées dépassent le résultat de l'activité de %(amount)s : aucune "
            "régularisation ; à reprendre sur les avances de l'an prochain."
        ) % {"amount": money(-budget)}
    else:
        template = _regularisation_input(
            run=run, profile=profile, status=profile.status, ytd=slip.ytd
        )
        try:
            regularisation = gross_from_budget(
                parameters_at(run.period), budget=budget, template=template
            )
        except ApplicationError as error:
            note = error.message
    data = dict(monthly.data)
    data["regularisation"] = {"budget": str(budget), "note": note}
    Payslip.objects.filter(pk=monthly.pk).update(data=data)
    monthly.data = data
    if regularisation is None or regularisation.gross <= 0:
        drafts.filter(issued_at__isnull=True).delete()
        return None
    payslip: Payslip
    payslip, _created = Payslip.objects.update_or_create(
        cooperative_id=run.cooperative_id,
        run=run,
        entrepreneur_id=profile.entrepreneur_id,
        kind=Payslip.Kind.REGULARISATION,
        version=1,
        defaults={
            "period": run.period,
            **_payslip_fields(regularisation, profile.status),
            "data": {**regularisation.as_json(), "regularisation": {"budget": str(budget)}},
        },
    )
    return payslip


RUN_COMPUTE_TASK = "payroll.tasks.payroll_run_compute_task"
PAYSLIP_PDF_TASK = "payroll.tasks.payslip_pdf_render_task"
RUN_VALIDATE_TASK = "payroll.tasks.payroll_run_validate_task"


@transaction.atomic
def payroll_run_validate_request(*, run_id: int) -> PayrollRun:
    """Hand the validation of a computed run to a worker (posting every payslip takes seconds);
    the run shows "Validation en cours" and nothing can be recomputed meanwhile."""
    run = locked_run(run_id)
    if run.status != PayrollRun.Status.COMPUTED:
        raise ApplicationError("Seule une paie entièrement calculée peut être validée.")
    run.status, run.validation_error = PayrollRun.Status.VALIDATING, ""
    run.save(update_fields=["status", "validation_error"])
    job_enqueue(RUN_VALIDATE_TASK, run_id=run.pk)
    return run


@transaction.atomic
def payroll_run_validate_finish(*, run_id: int) -> list[int]:
    """The worker's part: validate, then hand each payslip's PDF to the workers. A refusal of
    the ledger puts the run back to computed with its reason, for the page to show."""
    try:
        with transaction.atomic():
            ids = payroll_run_validate(run_id=run_id)
    except ApplicationError as error:
        PayrollRun.objects.filter(pk=run_id, status=PayrollRun.Status.VALIDATING).update(
            status=PayrollRun.Status.COMPUTED, validation_error=error.message
        )
        return []
    payslip_pdfs_request(payslip_ids=ids)
    return ids


def payslip_pdfs_request(*, payslip_ids: list[int]) -> int:
    """Hand the PDFs of these issued payslips to the workers (those not rendered yet; a PDF
    already waiting is not asked twice). Returns how many were asked."""
    missing = list(
        Payslip.objects.filter(pk__in=payslip_ids, issued_at__isnull=False, pdf="")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    for payslip_id in missing:
        job_enqueue(PAYSLIP_PDF_TASK, payslip_id=payslip_id)
    return len(missing)


@transaction.atomic
def payroll_run_validate(*, run_id: int) -> list[int]:
    """Issue every payslip of a computed run (they become immutable) and lock the period.
    Returns the payslip ids whose PDF is to be rendered."""
    run: PayrollRun = PayrollRun.objects.select_for_update().get(pk=run_id)
    if run.status in (PayrollRun.Status.VALIDATED, PayrollRun.Status.PAID):
        locked_run(run_id)  # refuses with the locked period's message
    if run.status not in (PayrollRun.Status.COMPUTED, PayrollRun.Status.VALIDATING):
        raise ApplicationError("Seule une paie entièrement calculée peut être validée.")
    now = timezone.now()
    payslips = list(Payslip.objects.filter(run=run).select_related("entrepreneur"))
    ids = [payslip.pk for payslip in payslips]
    # Into the ledger first: a refusal there (no activity, locked period) leaves the run as it was.
    for payslip in payslips:
        payslip_post(payslip=payslip)
    Payslip.objects.filter(pk__in=ids).update(issued_at=now)
    run.status, run.validated_at = PayrollRun.Status.VALIDATED, now
    run.save(update_fields=["status", "validated_at"])
    return ids


@transaction.atomic
def payroll_run_mark_paid(*, run_id: int, day: dt.date | None = None) -> PayrollRun:
    """The nets left the bank on `day` (today by default; a SEPA batch gives its execution
    date): each payslip to pay posts its payment."""
    run: PayrollRun = PayrollRun.objects.select_for_update().get(pk=run_id)
    if run.status != PayrollRun.Status.VALIDATED:
        raise ApplicationError("Seule une paie validée peut être marquée comme payée.")
    run.status, run.paid_at = PayrollRun.Status.PAID, timezone.now()
    for payslip in selectors.payslips_to_pay(run_id=run.pk):
        payslip_payment_post(payslip=payslip, day=day or timezone.localdate())
    run.save(update_fields=["status", "paid_at"])
    return run


@transaction.atomic
def payslip_pdf_render(*, payslip_id: int) -> Payslip:
    """Render an issued payslip's PDF once, in the bulletin clarifié layout, under the
    cooperative's folder. Idempotent: an already rendered payslip is left as it is."""
    payslip: Payslip = (
        # The payslip only: the joined cooperative row, locked too, would stop every other
        # write of the cooperative (their foreign-key checks) while the PDF renders.
        Payslip.objects.select_for_update(of=("self",))
        .select_related("entrepreneur", "cooperative")
        .get(pk=payslip_id)
    )
    if payslip.issued_at is None:
        raise ApplicationError("Seul un bulletin émis a un PDF.")
    if payslip.pdf:
        return payslip
    groups = selectors.payslip_line_groups(payslip)
    html = render_to_string(
        "payroll/pdf/payslip.html",
        {
            "payslip": payslip,
            "data": payslip.data,
            "groups": groups,
            "cooperative": payslip.cooperative,
            "entrepreneur": payslip.entrepreneur,
        },
    )
    content = ContentFile(render_pdf(html))
    # A render killed after writing its file but before its commit left that file: replace it.
    storage, name = payslip.pdf.storage, payslip_pdf_path(payslip, "")
    if storage.exists(name):
        storage.delete(name)
    payslip.pdf.save(f"{payslip.pk}.pdf", content, save=False)
    payslip.save(update_fields=["pdf"])
    transaction.on_commit(lambda: payslip_issued_notify(payslip=payslip))
    return payslip


def payslip_issued_notify(*, payslip: Payslip) -> bool:
    """E-mail the employee that the payslip is ready (a link, never the document itself)."""
    user = payslip.entrepreneur.user
    if user is None or not user.email:
        return False
    link = settings.SITE_URL + reverse("payroll_home", args=[payslip.cooperative.slug])
    body = render_to_string(
        "payroll/email/payslip_issued.txt",
        {
            "payslip": payslip,
            "entrepreneur": payslip.entrepreneur,
            "cooperative": payslip.cooperative,
            "link": link,
        },
    )
    send_mail(
        gettext("%(cooperative)s : votre bulletin de paie est disponible")
        % {"cooperative": payslip.cooperative.name},
        body,
        None,
        [user.email],
    )
    return True


@transaction.atomic
def payslip_correct(*, payslip_id: int, gross: Decimal) -> Payslip:
    """Issue a corrective payslip (next version) for an issued one, which stays untouched. A
    monthly payslip is recomputed as the run computes it (fixed part, advance, the month's
    absences) from the corrected base gross; a regularisation payslip from the cumulatives of
    its month's latest monthly payslip."""
    original: Payslip = (
        Payslip.objects.select_for_update(of=("self",))
        .select_related("run", "entrepreneur")
        .get(pk=payslip_id)
    )
    if original.issued_at is None:
        raise ApplicationError("Un bulletin en brouillon se recalcule, il ne se rectifie pas.")
    if Payslip.objects.filter(
        run=original.run,
        entrepreneur_id=original.entrepreneur_id,
        kind=original.kind,
        version__gt=original.version,
    ).exists():
        raise ApplicationError("Ce bulletin a déjà été rectifié : rectifiez la dernière version.")
    if gross < 0 or gross > ABSURD_GROSS or gross != gross.quantize(Decimal("0.01")):
        raise ApplicationError("Salaire brut invraisemblable : un montant positif, au centime.")
    profile = PayProfile.objects.filter(entrepreneur_id=original.entrepreneur_id).first()
    if profile is None:  # profiles are never deleted (PROTECT), but an import may lack one
        profile = PayProfile(entrepreneur=original.entrepreneur, monthly_gross=gross)
    if original.kind == Payslip.Kind.REGULARISATION:
        monthly = (
            Payslip.objects.filter(
                run=original.run,
                entrepreneur_id=original.entrepreneur_id,
                kind=Payslip.Kind.MONTHLY,
            )
            .order_by("-version")
            .first()
        )
        ytd = year_to_date_from_json(monthly.data["ytd"]) if monthly else YearToDate()
        template = _regularisation_input(
            run=original.run, profile=profile, status=original.status, ytd=ytd
        )
        slip = payslip_compute(parameters_at(original.period), replace(template, gross=gross))
        data: dict[str, Any] = slip.as_json()
    else:
        slip, data = _monthly_compute(
            run=original.run, profile=profile, gross=gross, status=original.status
        )
    correction: Payslip = Payslip.objects.create(
        cooperative_id=original.cooperative_id,
        run=original.run,
        entrepreneur_id=original.entrepreneur_id,
        kind=original.kind,
        version=original.version + 1,
        replaces=original,
        period=original.period,
        status=original.status,
        gross=slip.gross,
        net_social=slip.net_social,
        net_before_tax=slip.net_before_tax,
        net_paid=slip.net_paid,
        employer_cost=slip.employer_cost,
        reduction=slip.reduction,
        data=data,
        issued_at=timezone.now(),
    )
    return correction


# What the run pages and the API start alike: the work handed to the workers.


def run_compute_start(*, run: PayrollRun) -> None:
    """Compute (or recompute) the drafts on the workers, once the request's transaction commits."""
    if run.is_locked:
        raise ApplicationError(_("La période est verrouillée."))
    job_enqueue(RUN_COMPUTE_TASK, run_id=run.pk)


def run_validate(*, run: PayrollRun) -> PayrollRun:
    """Hand the validation to a worker: it issues and posts the payslips, then their PDFs are
    rendered by the workers; the run page follows it."""
    return payroll_run_validate_request(run_id=run.pk)


def run_pdfs_request(*, run: PayrollRun) -> int:
    """Ask again for the PDFs of the run's issued payslips that have none (after a failure)."""
    ids = list(run.payslips.values_list("pk", flat=True))
    return payslip_pdfs_request(payslip_ids=ids)
