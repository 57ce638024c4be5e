"""Salary proposals of a run: what each activity's treasury can pay, the suggested gross, and the
gross the payroll officer retains. Also the yearly regularisation's budget.

The budget is the entrepreneur's share of the activity's future treasury in the ledger's
treasury statement (cash, less taxes, suppliers, salaries and expenses due, plus customers to
collect): what the activity has earned and not yet spent, i.e. revenue less the cooperative's
contribution, the activity's expenses and the salaries already paid. As for any CAE budget, it is
the total employer cost, which the engine inverts into the largest gross that fits, to the cent.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting import selectors as ledger
from entrepreneurs.models import Activity, ActivityMember
from payroll.engine import Company, Parameters, PayslipInput, gross_from_budget, payslip_compute
from payroll.engine.absences import month_end
from payroll.engine.money import ZERO, cents
from payroll.engine.payslip import ABSURD_GROSS
from payroll.models import PayProfile, PayrollRun, SalaryProposal
from payroll.selectors import company_at, parameters_at, payslip_year_to_date
from payroll.services.run_lock import locked_run
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.core.formats import money


def main_activity(*, entrepreneur_id: int) -> tuple[Activity | None, Decimal]:
    """The activity that carries the salary (the largest share first, as the ledger posting
    does) and the entrepreneur's share of it, in %."""
    member = (
        ActivityMember.objects.filter(entrepreneur_id=entrepreneur_id)
        .select_related("activity")
        .order_by("-share", "activity_id")
        .first()
    )
    return (member.activity, member.share) if member else (None, ZERO)


def salary_budget(*, activity: Activity | None, share: Decimal, as_of: dt.date) -> Decimal:
    """The share of the activity's future treasury at `as_of`; nothing when it is negative."""
    if activity is None:
        return ZERO
    treasury = ledger.treasury_statement(scope=frozenset({activity.pk}), as_of=as_of)
    return max(ZERO, cents(treasury.future * share / 100))


def _template(run: PayrollRun, profile: PayProfile, company: Company) -> PayslipInput:

    return PayslipInput(
        period=run.period,
        gross=ZERO,
        status=profile.status,
        company=company,
        pas_rate=profile.pas_rate,
        ytd=payslip_year_to_date(entrepreneur_id=profile.entrepreneur_id, period=run.period),
    )


def _suggest(params: Parameters, template: PayslipInput, budget: Decimal) -> Decimal | None:
    try:
        return gross_from_budget(params, budget=budget, template=template).gross
    except ApplicationError:
        return None  # a zero or tiny budget covers no salary at all


def paid_profiles(*, period: dt.date) -> list[PayProfile]:
    """Who is paid in a month: every profile but those who left before the month began."""
    from django.db.models import Q

    return list(
        PayProfile.objects.filter(
            Q(entrepreneur__exited_on__isnull=True) | Q(entrepreneur__exited_on__gte=period)
        )
        .select_related("entrepreneur")
        .order_by("entrepreneur_id")
    )


@transaction.atomic
def salary_proposals_refresh(*, run_id: int) -> list[SalaryProposal]:
    """Recompute every paid entrepreneur's budget and suggested gross from today's ledger. A
    gross retained by someone stays (only its employer cost is recomputed); otherwise the
    profile's current monthly gross is taken, so a profile edited since is followed."""

    run = locked_run(run_id)
    params, company = parameters_at(run.period), company_at(run.period)
    as_of = min(timezone.localdate(), month_end(run.period))
    existing = {p.entrepreneur_id: p for p in SalaryProposal.objects.filter(run=run)}
    proposals = []
    for profile in paid_profiles(period=run.period):
        activity, share = main_activity(entrepreneur_id=profile.entrepreneur_id)
        budget = salary_budget(activity=activity, share=share, as_of=as_of)
        template = _template(run, profile, company)
        current = existing.get(profile.entrepreneur_id)
        chosen = (
            current.chosen_gross
            if current is not None and current.chosen_by_id is not None
            else profile.monthly_gross
        )
        cost = payslip_compute(params, replace(template, gross=chosen)).employer_cost
        proposal, _created = SalaryProposal.objects.update_or_create(
            cooperative_id=run.cooperative_id,
            run=run,
            entrepreneur_id=profile.entrepreneur_id,
            defaults={
                "activity": activity,
                "budget": budget,
                "suggested_gross": _suggest(params, template, budget) if budget > ZERO else None,
                "chosen_gross": chosen,
                "chosen_cost": cost,
                "updated_at": timezone.now(),
            },
        )
        proposals.append(proposal)
    SalaryProposal.objects.filter(run=run).exclude(
        entrepreneur_id__in=[p.entrepreneur_id for p in proposals]
    ).delete()
    return proposals


def _retain(
    *,
    run: PayrollRun,
    proposal: SalaryProposal,
    profile: PayProfile,
    gross: Decimal | None,
    chosen_by: User | None,
    params: Parameters,
    company: Company,
) -> None:
    """Checks first, then one write: a refusal changes nothing."""
    if gross is None:
        if proposal.suggested_gross is None:
            raise ApplicationError(
                _("Le budget de l'activité (%(budget)s) ne permet de suggérer aucun salaire.")
                % {"budget": money(proposal.budget)}
            )
        gross = proposal.suggested_gross
    if gross < ZERO or gross > ABSURD_GROSS or gross != gross.quantize(Decimal("0.01")):
        raise ApplicationError(_("Salaire brut invraisemblable : un montant positif, au centime."))
    if gross < profile.fixed_gross:
        raise ApplicationError(
            _(
                "Le brut retenu (%(gross)s) est inférieur à la part fixe du contrat "
                "(%(fixed)s), qui est toujours due."
            )
            % {"gross": money(gross), "fixed": money(profile.fixed_gross)}
        )
    template = _template(run, profile, company)
    proposal.chosen_gross = gross
    proposal.chosen_cost = payslip_compute(params, replace(template, gross=gross)).employer_cost
    proposal.chosen_by = chosen_by
    proposal.updated_at = timezone.now()
    proposal.save(update_fields=["chosen_gross", "chosen_cost", "chosen_by", "updated_at"])


@transaction.atomic
def salary_choose(
    *, run_id: int, entrepreneur_id: int, gross: Decimal | None, chosen_by: User | None
) -> SalaryProposal:
    """Retain `gross` for the entrepreneur in this run, or the suggestion when `gross` is None.
    The fixed part of the contract is always due: the retained gross cannot go below it."""

    run = locked_run(run_id)
    proposal = (
        SalaryProposal.objects.select_for_update()
        .filter(run=run, entrepreneur_id=entrepreneur_id)
        .first()
    )
    if proposal is None:
        raise ApplicationError(_("Aucune proposition de salaire pour cette personne : actualisez."))
    _retain(
        run=run,
        proposal=proposal,
        profile=PayProfile.objects.get(entrepreneur_id=entrepreneur_id),
        gross=gross,
        chosen_by=chosen_by,
        params=parameters_at(run.period),
        company=company_at(run.period),
    )
    return proposal


@transaction.atomic
def salary_suggestions_accept_all(*, run_id: int, chosen_by: User | None) -> tuple[int, list[str]]:
    """Accept every suggestion that can be accepted; returns (accepted, French refusals)."""

    run = locked_run(run_id)
    params, company = parameters_at(run.period), company_at(run.period)
    profiles = {p.entrepreneur_id: p for p in PayProfile.objects.all()}
    accepted, refusals = 0, []
    for proposal in (
        SalaryProposal.objects.select_for_update(of=("self",))
        .filter(run=run)
        .select_related("entrepreneur")
        .order_by("entrepreneur_id")
    ):
        try:
            _retain(
                run=run,
                proposal=proposal,
                profile=profiles[proposal.entrepreneur_id],
                gross=None,
                chosen_by=chosen_by,
                params=params,
                company=company,
            )
        except ApplicationError as error:
            refusals.append(f"{proposal.entrepreneur} : {error.message}")
        else:
            accepted += 1
    return accepted, refusals


def proposal_warning(proposal: SalaryProposal) -> str:
    """The French warning shown when the budget cannot sustain the retained salary."""
    if proposal.activity_id is None:
        return _("Aucune activité : pas de budget pour ce salaire.")
    if proposal.over_budget <= ZERO:
        return ""
    return _(
        "Le budget de l'activité (%(budget)s) ne couvre pas le coût employeur du salaire retenu "
        "(%(cost)s) : il manque %(missing)s."
    ) % {
        "budget": money(proposal.budget),
        "cost": money(proposal.chosen_cost),
        "missing": money(proposal.over_budget),
    }


def regularisation_budget(
    *, entrepreneur_id: int, period: dt.date, month_cost: Decimal
) -> tuple[Activity | None, Decimal]:
    """What is left of the activity's result for the year at the end of `period`, for the
    regularisation of the variable part: the entrepreneur's share of the result (revenue less
    contribution, expenses and the salaries already posted), less this month's payslip, not yet
    posted. Negative when the advances exceeded the result."""
    activity, share = main_activity(entrepreneur_id=entrepreneur_id)
    if activity is None:
        return None, ZERO
    pnl = ledger.activity_pnl(
        scope=frozenset({activity.pk}),
        date_from=dt.date(period.year, 1, 1),
        date_to=month_end(period),
    )
    return activity, cents(pnl.result * share / 100) - month_cost
