"""Pages of a run's preparation (salary proposals, absences) and the entrepreneur's leave:
parse → service/selector → render."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from payroll import selectors
from payroll.forms import AbsenceForm, PayProfileForm, SalaryChoiceForm
from payroll.models import PayProfile, SalaryProposal
from payroll.services import absences, salaries
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.permissions import current_membership, role_required

PAYROLL_ROLES = selectors.PAYROLL_ROLES


@role_required(*PAYROLL_ROLES)
def run_salaries(request: HttpRequest, cooperative_slug: str, run_id: int) -> HttpResponse:
    """Budget, suggested gross and retained gross of each entrepreneur, before computing."""
    run = selectors.payroll_run_get_for_member(
        membership=current_membership(request), run_id=run_id
    )
    if request.method == "POST":
        action = request.POST.get("action")
        user = cast(User, request.user)
        try:
            if action == "refresh":
                salaries.salary_proposals_refresh(run_id=run.pk)
                messages.success(request, _("Budgets et suggestions actualisés."))
            elif action == "accept_all":
                accepted, refusals = salaries.salary_suggestions_accept_all(
                    run_id=run.pk, chosen_by=user
                )
                messages.success(
                    request, _("%(count)s suggestion(s) acceptée(s).") % {"count": accepted}
                )
                for refusal in refusals:
                    messages.warning(request, refusal)
            elif action in ("accept", "set"):
                entrepreneur_id = _int(request.POST.get("entrepreneur"))
                gross: Decimal | None = None
                if action == "set":
                    form = SalaryChoiceForm(request.POST)
                    if not form.is_valid():
                        raise ApplicationError(
                            _("Brut invalide : un montant positif, au centime (ex. 2500.00).")
                        )
                    gross = form.cleaned_data["gross"]
                salaries.salary_choose(
                    run_id=run.pk, entrepreneur_id=entrepreneur_id, gross=gross, chosen_by=user
                )
                messages.success(request, _("Salaire retenu enregistré."))
            else:
                raise Http404
        except ApplicationError as error:
            messages.error(request, error.message)
        return redirect("payroll_run_salaries", cooperative_slug, run.pk)
    proposals = list(
        SalaryProposal.objects.filter(run=run)
        .select_related("entrepreneur", "activity")
        .order_by("entrepreneur__last_name", "entrepreneur__first_name")
    )
    rows = [{"proposal": p, "warning": salaries.proposal_warning(p)} for p in proposals]
    return render(request, "payroll/run_salaries.html", {"run": run, "rows": rows})


def _int(value: str | None) -> int:
    try:
        return int(value or "")
    except ValueError:
        raise Http404 from None


@role_required(*PAYROLL_ROLES)
@submitted_once
def run_absences(
    request: HttpRequest, cooperative_slug: str, run_id: int, entrepreneur_id: int
) -> HttpResponse:
    """The payroll officer enters an entrepreneur's paid leave and sick leave of the month."""
    run = selectors.payroll_run_get_for_member(
        membership=current_membership(request), run_id=run_id
    )
    profile = get_object_or_404(
        PayProfile.objects.select_related("entrepreneur"), entrepreneur_id=entrepreneur_id
    )
    form = AbsenceForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "delete":
                absences.absence_delete(run_id=run.pk, absence_id=_int(request.POST.get("absence")))
                messages.success(request, _("Absence supprimée."))
                return redirect("payroll_run_absences", cooperative_slug, run.pk, entrepreneur_id)
            form = AbsenceForm(request.POST)
            if form.is_valid():
                absences.absence_add(
                    run_id=run.pk,
                    entrepreneur_id=entrepreneur_id,
                    created_by=request.user,  # type: ignore[arg-type]
                    **form.cleaned_data,
                )
                messages.success(request, _("Absence enregistrée."))
                return redirect("payroll_run_absences", cooperative_slug, run.pk, entrepreneur_id)
        except ApplicationError as error:
            form.add_error(None, error.message)
    context: dict[str, Any] = {
        "run": run,
        "entrepreneur": profile.entrepreneur,
        "absences": absences.absence_list(run=run, entrepreneur_id=entrepreneur_id),
        "balance": absences.leave_state_before(entrepreneur_id=entrepreneur_id, period=run.period),
        "form": form,
    }
    return render(request, "payroll/run_absences.html", context, status=400 if form.errors else 200)


def my_leave(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The entrepreneur's paid-leave balance and history, as their issued payslips state it."""
    from entrepreneurs.selectors import entrepreneur_get_for_user

    entrepreneur = entrepreneur_get_for_user(membership=current_membership(request))
    context: dict[str, Any] = {"entrepreneur": entrepreneur}
    if entrepreneur is not None:
        context["overview"] = absences.leave_overview(entrepreneur_id=entrepreneur.pk)
    return render(request, "payroll/my_leave.html", context)


@role_required(*PAYROLL_ROLES)
def profile_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Every entrepreneur with their pay profile, if any."""
    from entrepreneurs.selectors import entrepreneur_list

    profiles = {p.entrepreneur_id: p for p in PayProfile.objects.all()}
    rows = [(e, profiles.get(e.pk)) for e in entrepreneur_list()]
    return render(request, "payroll/profile_list.html", {"rows": rows})


@role_required(*PAYROLL_ROLES)
def opening_balance_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The year-to-date figures and leave counters brought from the previous payroll software,
    person by person."""
    return render(
        request,
        "payroll/opening_balance_list.html",
        {"balances": selectors.opening_balance_list()},
    )


@role_required(*PAYROLL_ROLES)
def profile_edit(request: HttpRequest, cooperative_slug: str, entrepreneur_id: int) -> HttpResponse:
    """Fixed part, monthly advance on the variable part, status and withholding rate."""
    from entrepreneurs.models import Entrepreneur
    from payroll.services import pay_profile_set

    entrepreneur = get_object_or_404(Entrepreneur.objects.all(), pk=entrepreneur_id)
    profile = PayProfile.objects.filter(entrepreneur=entrepreneur).first()
    initial = (
        {
            "status": profile.status,
            "fixed_gross": profile.fixed_gross,
            "variable_advance": profile.variable_advance,
            "pas_rate": profile.pas_rate,
        }
        if profile
        else {}
    )
    form = PayProfileForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            pay_profile_set(
                entrepreneur=entrepreneur,
                monthly_gross=data["fixed_gross"] + data["variable_advance"],
                variable_advance=data["variable_advance"],
                status=data["status"],
                pas_rate=data["pas_rate"],
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Profil de rémunération enregistré."))
            return redirect("payroll_profile_list", cooperative_slug)
    return render(
        request,
        "payroll/profile_edit.html",
        {"entrepreneur": entrepreneur, "form": form},
        status=400 if form.errors else 200,
    )
