"""Pages of the payroll app: parse → service/selector → render."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from payroll import selectors, services
from payroll.engine import Payslip
from payroll.forms import RunCreateForm, SimulatorForm
from perspectives.core.csvexport import csv_response
from perspectives.core.downloads import private_file
from perspectives.core.exceptions import ApplicationError
from perspectives.core.formats import money_header
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.permissions import current_membership, role_required

PAYROLL_ROLES = selectors.PAYROLL_ROLES


def payroll_home(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Payroll officers see the monthly runs; everyone sees their own issued payslips."""
    membership = current_membership(request)
    payslips = list(
        selectors.payslip_list_visible(membership=membership)
        .filter(entrepreneur__user_id=membership.user_id, issued_at__isnull=False)
        .select_related("replaces")
        .order_by("-period", "-version")
    )
    context: dict[str, Any] = {
        "payslips": payslips,
        # A corrected payslip stays downloadable, shown as replaced by its correction.
        "replaced_ids": {p.replaces_id for p in payslips if p.replaces_id},
        "is_payroll": membership.has_role(*PAYROLL_ROLES),
    }
    if context["is_payroll"]:
        context["runs"] = runs = selectors.payroll_run_list()
        # The month to prepare next: the one after the latest run, else the current month.
        latest = max((run.period for run in runs), default=None)
        today = timezone.localdate()
        following = (
            (latest.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
            if latest
            else today.replace(day=1)
        )
        context["form"] = RunCreateForm(initial={"period": following})
    return render(request, "payroll/home.html", context)


@require_POST
@role_required(*PAYROLL_ROLES)
@submitted_once
def run_create(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    form = RunCreateForm(request.POST)
    if form.is_valid():
        try:
            run = services.payroll_run_create(
                period=form.cleaned_data["period"],
                created_by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            return redirect("payroll_run_detail", cooperative_slug, run.pk)
    else:
        messages.error(request, _("Mois invalide."))
    return redirect("payroll_home", cooperative_slug)


@role_required(*PAYROLL_ROLES)
def run_detail(request: HttpRequest, cooperative_slug: str, run_id: int) -> HttpResponse:
    run = selectors.payroll_run_get_for_member(
        membership=current_membership(request), run_id=run_id
    )
    context = {
        "run": run,
        "payslips": run.payslips.select_related("entrepreneur").order_by(
            "entrepreneur__last_name", "entrepreneur__first_name"
        ),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "payroll/_run_progress.html", context)
    return render(request, "payroll/run_detail.html", context)


@require_POST
@role_required(*PAYROLL_ROLES)
def run_action(request: HttpRequest, cooperative_slug: str, run_id: int) -> HttpResponse:
    run = selectors.payroll_run_get_for_member(
        membership=current_membership(request), run_id=run_id
    )
    action = request.POST.get("action")
    try:
        if action == "compute":
            services.run_compute_start(run=run)
        elif action == "validate":
            services.run_validate(run=run)
        elif action == "pdfs":
            asked = services.run_pdfs_request(run=run)
            messages.info(
                request,
                ngettext(
                    "%(count)d PDF demandé à nouveau.", "%(count)d PDF demandés à nouveau.", asked
                )
                % {"count": asked},
            )
        elif action == "paid":
            services.payroll_run_mark_paid(run_id=run.pk)
        else:
            raise Http404
    except ApplicationError as error:
        messages.error(request, error.message)
    return redirect("payroll_run_detail", cooperative_slug, run.pk)


def payslip_pdf(request: HttpRequest, cooperative_slug: str, payslip_id: int) -> FileResponse:
    """Payslips are never served as static files: the employee, payroll and managers only."""
    payslip = selectors.payslip_get_for_member(
        membership=current_membership(request), payslip_id=payslip_id
    )
    if not payslip.pdf:
        raise Http404
    return private_file(
        payslip.pdf,
        content_type="application/pdf",
        filename=f"bulletin-{payslip.period:%Y-%m}-v{payslip.version}.pdf",
        no_store=True,
    )


def payslip_detail(request: HttpRequest, cooperative_slug: str, payslip_id: int) -> HttpResponse:
    """The payslip's lines as on its PDF: the employee, payroll and managers only."""
    payslip = selectors.payslip_get_for_member(
        membership=current_membership(request), payslip_id=payslip_id
    )
    if payslip.issued_at is None:
        raise Http404
    context = {
        "payslip": payslip,
        "data": payslip.data,
        "groups": selectors.payslip_line_groups(payslip),
        "cooperative": payslip.cooperative,
        "entrepreneur": payslip.entrepreneur,
    }
    return render(request, "payroll/payslip_detail.html", context)


@role_required(*PAYROLL_ROLES)
@submitted_once
def payslip_correct(request: HttpRequest, cooperative_slug: str, payslip_id: int) -> HttpResponse:
    """A payroll officer corrects an issued payslip: a new version replaces it."""
    from payroll.forms import PayslipCorrectionForm
    from payroll.services.corrections import payslip_correction_issue

    payslip = selectors.payslip_get_for_member(
        membership=current_membership(request), payslip_id=payslip_id
    )
    form = PayslipCorrectionForm(request.POST or None, initial={"gross": payslip.gross})
    if request.method == "POST" and form.is_valid():
        try:
            correction = payslip_correction_issue(
                payslip_id=payslip.pk, gross=form.cleaned_data["gross"]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Bulletin rectificatif (version %(version)s) émis et comptabilisé.")
                % {"version": correction.version},
            )
            return redirect("payroll_run_detail", cooperative_slug, payslip.run_id)
    return render(request, "payroll/payslip_correct.html", {"payslip": payslip, "form": form})


def simulator(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Budget ↔ gross ↔ net ↔ employer cost with the cooperative's settings, live with htmx."""
    form = SimulatorForm(request.POST or None)
    context: dict[str, Any] = {"form": form}
    if request.method == "POST" and form.is_valid():
        amount = form.cleaned_data["amount"]
        budget = form.cleaned_data["mode"] == "budget"
        try:
            slip = selectors.payslip_simulate(
                period=timezone.localdate().replace(day=1),
                status=form.cleaned_data["status"],
                gross=None if budget else amount,
                budget=amount if budget else None,
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            context["slip"] = slip
            context["split"] = _cost_split(slip)
            context["ratio"] = (
                (slip.employer_cost / slip.net_paid).quantize(Decimal("0.01"))
                if slip.net_paid
                else None
            )
    template_name = "payroll/_simulation.html" if request.htmx else "payroll/simulator.html"  # type: ignore[attr-defined]
    response = render(request, template_name, context)
    response["Vary"] = "HX-Request"
    return response


def _cost_split(slip: Payslip) -> list[dict[str, Any]]:
    """Where the employer cost goes, as bars of a 1,000-unit wide SVG and table rows."""
    parts = [
        (_("Net payé"), slip.net_paid, "#2e7d32"),
        (_("Impôt sur le revenu"), slip.pas_amount, "#9e9e9e"),
        (
            _("Cotisations salariales et CSG/CRDS"),
            slip.employee_contributions + slip.csg_deductible + slip.csg_crds_non_deductible,
            "#1565c0",
        ),
        (_("Cotisations patronales"), slip.employer_contributions, "#ef6c00"),
    ]
    total = slip.employer_cost or Decimal(1)
    rows, x = [], Decimal(0)
    for label, amount, color in parts:
        width = (amount / total * 1000).quantize(Decimal("0.1"))
        percent = (amount / total * 100).quantize(Decimal("0.1"))
        rows.append(
            {
                "label": label,
                "amount": amount,
                "color": color,
                "x": x,
                "width": width,
                "percent": percent,
            }
        )
        x += width
    return rows


def my_rights(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Paid leave, sick pay and unemployment rights in plain French, from the member's payslips."""
    from entrepreneurs.selectors import entrepreneur_get_for_user
    from payroll.rights import rights_compute

    membership = current_membership(request)
    entrepreneur = entrepreneur_get_for_user(membership=membership)
    context: dict[str, Any] = {"entrepreneur": entrepreneur}
    if entrepreneur is not None:
        today = timezone.localdate()
        profile = selectors.pay_profile_get(entrepreneur_id=entrepreneur.pk)
        birth = entrepreneur.birth_date
        age = (today.year - birth.year) if birth else 40
        start = entrepreneur.cesa_start
        try:
            context["rights"] = rights_compute(
                selectors.parameters_at(today),
                history=selectors.payslip_history(entrepreneur_id=entrepreneur.pk),
                today=today,
                age=age,
                seniority_years=(today - start).days // 365 if start else 0,
                planned_gross=profile.monthly_gross if profile else None,
                opening_leave=selectors.opening_leave_get(
                    entrepreneur_id=entrepreneur.pk, today=today
                ),
                leave_counters=selectors.leave_counters_get(entrepreneur_id=entrepreneur.pk),
            )
        except ApplicationError as error:
            context["error"] = error.message
    return render(request, "payroll/my_rights.html", context)


@role_required(*PAYROLL_ROLES)
def run_export(
    request: HttpRequest, cooperative_slug: str, run_id: int, kind: str, fmt: str = "csv"
) -> HttpResponseBase:
    """The month's payroll journal, or its contributions per collecting body, as CSV or PDF.
    The PDF is rendered in the request, like the ledger's statements: one row per paid
    entrepreneur (a few pages for a large cooperative), one per collecting body."""
    from payroll.journal import JOURNAL_HEADER, contribution_summary, payroll_journal
    from perspectives.core.pdf import document_pdf

    run = selectors.payroll_run_get_for_member(
        membership=current_membership(request), run_id=run_id
    )
    filename = f"paie-{run.period:%Y-%m}-{kind}.{fmt}"
    period = date_format(run.period, "F Y")
    if kind == "journal":
        rows, totals = payroll_journal(run=run)
        title = _("Journal de paie")
        context: dict[str, Any] = {"rows": rows, "totals": totals, "header": JOURNAL_HEADER}
    else:
        summary = contribution_summary(run=run)
        title = _("Cotisations par organisme")
        context = {
            "summary": summary,
            "totals": [
                sum((getattr(row, key) for row in summary), Decimal(0))
                for key in ("employee", "employer", "total")
            ],
        }
    if fmt == "csv" and kind == "journal":
        return csv_response(
            filename,
            [JOURNAL_HEADER[0], *(money_header(name) for name in JOURNAL_HEADER[1:])],
            ([row.name, *row.amounts] for row in rows),
        )
    if fmt == "csv":
        return csv_response(
            filename,
            [
                _("Organisme"),
                _("Compte"),
                money_header(_("Part salariale")),
                money_header(_("Part patronale")),
                money_header(_("Total")),
            ],
            ([row.body, row.account, row.employee, row.employer, row.total] for row in summary),
        )
    body = document_pdf(
        template=f"payroll/pdf/{kind}.html",
        cooperative=current_membership(request).cooperative,
        title=title,
        period=period,
        context={**context, "run": run},
        landscape=kind == "journal",
    )
    response = HttpResponse(body, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["Cache-Control"] = "private, no-store"
    return response


@role_required(*PAYROLL_ROLES)
@submitted_once
def settings_edit(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The cooperative's dated payroll settings: a change applies from its date onwards."""
    from payroll.forms import PayrollSettingsForm
    from payroll.models import PayrollSettings
    from perspectives.tenancy.services import setting_change_record

    form = PayrollSettingsForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        previous = PayrollSettings.objects.order_by("-valid_from").first()
        try:
            services.payroll_settings_set(**form.cleaned_data)
            # Who changed what: the settings page's audit, shared with the set-up checklist.
            setting_change_record(
                section="payroll",
                before={key: getattr(previous, key, None) for key in form.cleaned_data},
                after=dict(form.cleaned_data),
                by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Paramètres de paie enregistrés."))
            return redirect("payroll_settings", cooperative_slug)
    history = PayrollSettings.objects.order_by("-valid_from")
    return render(request, "payroll/settings.html", {"form": form, "history": history})
