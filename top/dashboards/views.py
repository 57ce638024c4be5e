"""Dashboards: the home page of every member, by role."""

from __future__ import annotations

import datetime as dt
from typing import Any, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entrepreneurs import selectors as people
from entrepreneurs.models import Stage
from governance import selectors as governance_selectors
from payroll import selectors as payroll_selectors
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.jobs import job_enqueue
from perspectives.tenancy.models import Role
from perspectives.tenancy.permissions import current_membership, role_required
from top.dashboards import charts, selectors, services
from top.dashboards.forms import DashboardSettingsForm, ForecastForm, ReserveTargetForm
from top.dashboards.models import ForecastItem
from top.onboarding.selectors import setup_checklist
from top.onboarding.services import settings_save

STAFF = (Role.SUPPORT, Role.MANAGER, Role.ADMIN, Role.ACCOUNTANT, Role.PAYROLL)


def home(request: HttpRequest, cooperative_slug: str) -> HttpResponseBase:
    membership = current_membership(request)
    if membership.has_role(Role.MANAGER, Role.ADMIN):
        return cooperative(request, cooperative_slug)
    if membership.has_role(Role.SUPPORT):
        return portfolio(request, cooperative_slug)
    if membership.has_role(Role.ACCOUNTANT, Role.PAYROLL):
        is_payroll = membership.has_role(Role.PAYROLL)
        runs = list(payroll_selectors.payroll_run_list()[:3]) if is_payroll else []
        return render(
            request,
            "home/accounting.html",
            {
                "membership": membership,
                "is_payroll": is_payroll,
                "is_accountant": membership.has_role(Role.ACCOUNTANT),
                "runs": runs,
                "votes_waiting": governance_selectors.votes_waiting(user_id=membership.user_id),
            },
        )
    entrepreneur = people.entrepreneur_get_for_user(membership=membership)
    if entrepreneur is None:
        return render(
            request,
            "home/entrepreneur.html",
            {
                "entrepreneur": None,
                "votes_waiting": governance_selectors.votes_waiting(user_id=membership.user_id),
            },
        )
    return _entrepreneur_page(request, entrepreneur, own=True)


def _entrepreneur_page(
    request: HttpRequest,
    entrepreneur: Any,
    *,
    own: bool,
    form: ForecastForm | None = None,
    reserve_form: ReserveTargetForm | None = None,
) -> HttpResponse:
    membership = current_membership(request)
    today = timezone.localdate()
    activities = selectors.entrepreneur_activities(entrepreneur=entrepreneur)
    context: dict[str, Any] = {"entrepreneur": entrepreneur, "own": own, "activities": activities}
    if activities:
        dashboard = selectors.activity_dashboard(
            activities=activities, today=today, entrepreneur=entrepreneur
        )
        context.update(dashboard=dashboard, charts=charts.activity_charts(dashboard))
        context["forecast_form"] = form or ForecastForm(activities=activities)
        if own or membership.has_role(Role.SUPPORT, Role.MANAGER, Role.ADMIN):
            context["reserve_form"] = reserve_form or ReserveTargetForm(activities=activities)
    if own:
        context["appointments"] = (
            people.appointments_visible(membership=membership, entrepreneur=entrepreneur)
            .filter(starts_at__gte=timezone.now(), cancelled=False)
            .order_by("starts_at")[:5]
        )
        context["workshops"] = people.workshop_list(upcoming_only=True)[:5]
        context["votes_waiting"] = governance_selectors.votes_waiting(user_id=membership.user_id)
    return render(
        request,
        "dashboards/entrepreneur.html",
        context,
        status=400 if (form and form.errors) or (reserve_form and reserve_form.errors) else 200,
    )


def entrepreneur(request: HttpRequest, cooperative_slug: str, entrepreneur_id: int) -> HttpResponse:
    """An entrepreneur's dashboard as staff (or the person) see it."""
    membership = current_membership(request)
    found = people.entrepreneur_get_for_member(
        membership=membership, entrepreneur_id=entrepreneur_id
    )
    return _entrepreneur_page(request, found, own=found.user_id == membership.user_id)


@role_required(Role.SUPPORT, Role.MANAGER, Role.ADMIN)
def portfolio(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    today = timezone.localdate()
    everyone = request.GET.get("all") == "1" and membership.has_role(Role.MANAGER, Role.ADMIN)
    filters = people.PortfolioFilters(referent_id=None if everyone else membership.user_id)
    entrepreneurs = list(people.portfolio(filters=filters, today=today).exclude(stage=Stage.EXITED))
    rows = selectors.support_dashboard(entrepreneurs=entrepreneurs, today=today)
    if request.GET.get("risk") == "1":
        rows = [row for row in rows if row.risk]
    order = request.GET.get("sort", "risk")
    if order == "treasury":
        rows.sort(key=lambda row: row.treasury)
    elif order == "name":
        rows.sort(key=lambda row: (row.entrepreneur.last_name, row.entrepreneur.first_name))
    else:
        rows.sort(key=lambda row: (-row.risk, row.treasury))
    context = {
        "rows": rows,
        "sort": order,
        "everyone": everyone,
        "overdue_actions": people.actions_overdue_for_referent(
            user_id=membership.user_id, today=today
        ),
        "votes_waiting": governance_selectors.votes_waiting(user_id=membership.user_id),
    }
    template = "dashboards/portfolio.html#rows" if request.htmx else "dashboards/portfolio.html"  # type: ignore[attr-defined]
    response = render(request, template, context)
    response["Vary"] = "HX-Request"
    return response


@role_required(Role.MANAGER, Role.ADMIN)
def cooperative(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    dashboard = selectors.cooperative_dashboard(today=timezone.localdate())
    steps = setup_checklist(cooperative=current_membership(request).cooperative)
    return render(
        request,
        "dashboards/cooperative.html",
        {
            "dashboard": dashboard,
            "charts": charts.cooperative_charts(dashboard),
            "votes_waiting": governance_selectors.votes_waiting(user_id=membership.user_id),
            # The set-up checklist stays on the manager's home until every step is done.
            "setup_steps": None if all(step.done for step in steps) else steps,
        },
    )


@role_required(Role.MANAGER, Role.ADMIN)
def dashboard_settings(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Reserve rule, alert thresholds and report day of the cooperative's dashboards."""
    instance = selectors.settings_get()
    form = DashboardSettingsForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            settings_save(
                section="dashboard",
                instance=selectors.settings_get(),
                data=form.cleaned_data,
                by=cast(User, request.user),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Réglages des tableaux de bord enregistrés."))
            return redirect("setup_checklist", cooperative_slug=cooperative_slug)
    return render(
        request,
        "onboarding/settings_form.html",
        {"form": form, "title": _("Tableaux de bord")},
        status=400 if form.errors else 200,
    )


@require_POST
@submitted_once
def forecast_add(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    me = people.entrepreneur_get_for_user(membership=membership)
    if me is None:
        raise Http404
    activities = selectors.entrepreneur_activities(entrepreneur=me)
    form = ForecastForm(request.POST, activities=activities)
    if form.is_valid():
        try:
            services.forecast_add(
                created_by=cast(User, request.user), today=timezone.localdate(), **form.cleaned_data
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Prévision ajoutée."))
            return redirect("cooperative_home", cooperative_slug=cooperative_slug)
    return _entrepreneur_page(request, me, own=True, form=form)


@require_POST
def forecast_delete(request: HttpRequest, cooperative_slug: str, item_id: int) -> HttpResponse:
    membership = current_membership(request)
    item = get_object_or_404(
        ForecastItem.objects.filter(
            activity__members__entrepreneur__user_id=membership.user_id
        ).distinct(),
        pk=item_id,
    )
    services.forecast_delete(item=item)
    messages.success(request, _("Prévision supprimée."))
    return redirect("cooperative_home", cooperative_slug=cooperative_slug)


@require_POST
def reserve_target_set(
    request: HttpRequest, cooperative_slug: str, entrepreneur_id: int
) -> HttpResponse:
    """The entrepreneur, their support staff or a manager enters an activity's reserve target."""
    membership = current_membership(request)
    found = people.entrepreneur_get_for_member(
        membership=membership, entrepreneur_id=entrepreneur_id
    )
    own = found.user_id == membership.user_id
    if not own and not membership.has_role(Role.SUPPORT, Role.MANAGER, Role.ADMIN):
        raise PermissionDenied
    form = ReserveTargetForm(
        request.POST, activities=selectors.entrepreneur_activities(entrepreneur=found)
    )
    if form.is_valid():
        try:
            services.reserve_target_set(
                activity=form.cleaned_data["activity"],
                amount=form.cleaned_data["amount"],
                updated_by=cast(User, request.user),
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Réserve cible enregistrée."))
            if own:
                return redirect("cooperative_home", cooperative_slug=cooperative_slug)
            return redirect(
                "dashboard_entrepreneur",
                cooperative_slug=cooperative_slug,
                entrepreneur_id=found.pk,
            )
    return _entrepreneur_page(request, found, own=own, reserve_form=form)


@role_required(Role.MANAGER, Role.ADMIN)
def reports(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Managers follow the month's reports and (re)start them."""
    from top.dashboards import figures
    from top.dashboards import reports as report_services
    from top.dashboards.models import ReportSnapshot
    from top.dashboards.tasks import monthly_reports_start_task

    default = figures.add_months(timezone.localdate().replace(day=1), -1)
    try:
        month = (
            dt.date.fromisoformat(request.GET.get("month", "") + "-01")
            if request.GET.get("month")
            else default
        )
    except ValueError:
        month = default
    if request.method == "POST":
        job_enqueue(monthly_reports_start_task, month=month.isoformat())
        messages.info(
            request,
            _("Les rapports de %(month)s sont en préparation.")
            % {"month": month.strftime("%m/%Y")},
        )
        return redirect(f"{request.path}?month={month:%Y-%m}")
    snapshots = (
        ReportSnapshot.objects.filter(month=month)
        .select_related("entrepreneur", "recipient")
        .order_by("kind", "pk")
    )
    context = {
        "month": month,
        "progress": report_services.report_progress(month=month),
        "snapshots": snapshots,
    }
    template = "dashboards/reports.html#progress" if request.htmx else "dashboards/reports.html"  # type: ignore[attr-defined]
    return render(request, template, context)


def report_download(
    request: HttpRequest, cooperative_slug: str, snapshot_id: int
) -> HttpResponseBase:
    """A report file: the entrepreneur's own, a support digest to its recipient, all to managers."""
    from django.db.models import Q
    from django.http import FileResponse

    from top.dashboards.models import ReportSnapshot

    membership = current_membership(request)
    snapshots = ReportSnapshot.objects.exclude(pdf="")
    if not membership.has_role(Role.MANAGER, Role.ADMIN):
        snapshots = snapshots.filter(
            Q(entrepreneur__user_id=membership.user_id) | Q(recipient_id=membership.user_id)
        )
    snapshot = get_object_or_404(snapshots, pk=snapshot_id)
    return FileResponse(
        snapshot.pdf.open("rb"),
        content_type="application/pdf",
        filename=f"rapport-{snapshot.month:%Y-%m}.pdf",
    )
