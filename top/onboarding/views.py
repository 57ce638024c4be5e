"""Pages of the platform staff (outside any cooperative) and of a cooperative's set-up."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, cast

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.vary import vary_on_headers

from accounting.models import Account, Journal, TreasuryGroup
from entrepreneurs import selectors as people_selectors
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.models import Cooperative, Role
from perspectives.tenancy.permissions import current_membership, role_required
from top.onboarding import selectors, services
from top.onboarding.forms import (
    IMPORT_KINDS,
    AccompanimentForm,
    AccountForm,
    ContributionForm,
    CooperativeCreateForm,
    FecImportForm,
    IdentityForm,
    ImportForm,
    PeriodForm,
    TreasuryForm,
)
from top.onboarding.gdpr import personal_data_export
from top.onboarding.imports import runs
from top.onboarding.imports.kinds import KINDS
from top.onboarding.imports.service import csv_text, data_export, template_csv
from top.onboarding.models import ImportRun
from top.onboarding.services import cooperative_set_up
from top.onboarding.statistics import funder_report, funder_report_xlsx


def _require_platform_staff(request: HttpRequest) -> None:
    # Platform pages do not exist for anyone else: the same 404 as an unknown address.
    if not request.user.is_staff:
        raise Http404


@login_required
def platform_cooperative_list(request: HttpRequest) -> HttpResponse:
    _require_platform_staff(request)
    form = CooperativeCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            result = cooperative_set_up(
                slug=form.cleaned_data["slug"],
                name=form.cleaned_data["name"],
                siren=form.cleaned_data["siren"],
                legal_form=form.cleaned_data["legal_form"],
                city=form.cleaned_data["city"],
                manager_email=form.cleaned_data["manager_email"],
                invited_by=request.user,  # type: ignore[arg-type]
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request,
                _("Coopérative « %(name)s » créée ; invitation envoyée à %(email)s.")
                % {"name": result.cooperative.name, "email": form.cleaned_data["manager_email"]},
            )
            return redirect("platform_cooperative_list")
    context = {"form": form, "cooperatives": Cooperative.objects.order_by("name")}
    return render(
        request,
        "onboarding/platform_cooperative_list.html",
        context,
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- set-up (managers)

SETUP_ROLES = (Role.MANAGER, Role.ADMIN)


def _by(request: HttpRequest) -> User:
    return cast(User, request.user)


@role_required(*SETUP_ROLES)
def setup(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    steps = selectors.setup_checklist(cooperative=current_membership(request).cooperative)
    return render(
        request,
        "onboarding/setup.html",
        {"steps": steps, "complete": all(step.done for step in steps)},
    )


@role_required(*SETUP_ROLES)
def setup_history(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    return render(
        request, "onboarding/setting_history.html", {"changes": selectors.setting_change_list()}
    )


def _settings_page(
    request: HttpRequest,
    *,
    section: str,
    form_class: type[forms.ModelForm],  # type: ignore[type-arg]
    load: Callable[[], Any],
    title: str,
    intro: str = "",
) -> HttpResponse:
    form = form_class(request.POST or None, instance=load())
    if request.method == "POST" and form.is_valid():
        try:
            services.settings_save(
                section=section, instance=load(), data=form.cleaned_data, by=_by(request)
            )
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Réglages enregistrés."))
            return redirect("setup_checklist", cooperative_slug=request.membership.cooperative.slug)  # type: ignore[attr-defined]
    return render(
        request,
        "onboarding/settings_form.html",
        {"form": form, "title": title, "intro": intro},
        status=400 if form.errors else 200,
    )


def _cooperative(request: HttpRequest) -> Callable[[], Cooperative]:
    pk = current_membership(request).cooperative_id
    return lambda: Cooperative.objects.get(pk=pk)


@role_required(*SETUP_ROLES)
def setup_identity(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    return _settings_page(
        request,
        section="identity",
        form_class=IdentityForm,
        load=_cooperative(request),
        title=_("Identité de la coopérative"),
    )


@role_required(*SETUP_ROLES)
def setup_contribution(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    return _settings_page(
        request,
        section="contribution",
        form_class=ContributionForm,
        load=_cooperative(request),
        title=_("Contribution coopérative"),
        intro=_(
            "Le taux par défaut des activités (une activité peut avoir le sien) et son "
            "assiette : le chiffre d'affaires ou la marge brute de l'activité."
        ),
    )


@role_required(*SETUP_ROLES)
def setup_accompaniment(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    return _settings_page(
        request,
        section="accompaniment",
        form_class=AccompanimentForm,
        load=people_selectors.settings_get,
        title=_("Accompagnement"),
    )


@role_required(*SETUP_ROLES)
def setup_treasury(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    groups = dict(TreasuryGroup.objects.values_list("key", "prefixes"))
    form = TreasuryForm(request.POST or None, groups=groups)
    if request.method == "POST" and form.is_valid():
        try:
            services.treasury_groups_save(prefixes=dict(form.cleaned_data), by=_by(request))
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Regroupements de trésorerie enregistrés."))
            return redirect("setup_checklist", cooperative_slug=cooperative_slug)
    return render(
        request,
        "onboarding/settings_form.html",
        {
            "form": form,
            "title": _("Regroupements de trésorerie"),
            "intro": _(
                "Les comptes de chaque ligne de l'état de trésorerie des activités, par préfixe."
            ),
        },
        status=400 if form.errors else 200,
    )


@role_required(*SETUP_ROLES)
def setup_chart(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    form = AccountForm(request.POST if request.POST.get("action") == "add" else None)
    if request.method == "POST" and request.POST.get("action") == "confirm":
        services.chart_confirm(by=_by(request))
        messages.success(request, _("Plan comptable et journaux vérifiés."))
        return redirect("setup_checklist", cooperative_slug=cooperative_slug)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.chart_account_add(by=_by(request), **form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Compte %(code)s ajouté.") % {"code": account.code})
            return redirect("setup_chart", cooperative_slug=cooperative_slug)
    return render(
        request,
        "onboarding/chart.html",
        {
            "form": form,
            "accounts": Account.objects.order_by("code"),
            "journals": Journal.objects.order_by("code"),
        },
        status=400 if form.errors else 200,
    )


# --------------------------------------------------------------------------- imports and exports


def _run_upload(
    request: HttpRequest, form: ImportForm | FecImportForm, kind: str
) -> ImportRun | None:
    """The run of a valid upload form, or None with the refusal on the form."""
    upload = form.cleaned_data["file"]
    try:
        return runs.import_run_create(
            kind=kind,
            data=upload.read(),
            filename=upload.name,
            dry_run=form.cleaned_data["dry_run"],
            activity_code=form.cleaned_data["activity_code"],
            by=_by(request),
        )
    except ApplicationError as error:
        form.add_error(None, error.message)
        return None


@role_required(*SETUP_ROLES)
@submitted_once
def import_page(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = _run_upload(request, form, form.cleaned_data["kind"])
        if run is not None:
            return redirect("import_detail", cooperative_slug=cooperative_slug, import_id=run.pk)
    return render(
        request,
        "onboarding/imports.html",
        {"form": form, "runs": runs.import_run_list(), "kinds": IMPORT_KINDS},
        status=400 if form.errors else 200,
    )


@role_required(*SETUP_ROLES)
@submitted_once
def fec_import_page(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The ledger's history from another accounting software: a FEC, checked then loaded."""
    form = FecImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        run = _run_upload(request, form, runs.FEC_KIND)
        if run is not None:
            return redirect("import_detail", cooperative_slug=cooperative_slug, import_id=run.pk)
    return render(
        request,
        "onboarding/fec_import.html",
        {"form": form, "runs": runs.import_run_list(kind=runs.FEC_KIND)},
        status=400 if form.errors else 200,
    )


@role_required(*SETUP_ROLES)
@vary_on_headers("HX-Request")
def import_detail(request: HttpRequest, cooperative_slug: str, import_id: int) -> HttpResponse:
    run = get_object_or_404(ImportRun.objects.defer("data"), pk=import_id)
    context = {"run": run, "progress": runs.import_run_progress(run=run)}
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "onboarding/import_detail.html#status", context)
    return render(request, "onboarding/import_detail.html", context)


def _kind_or_404(kind: str) -> str:
    if kind not in KINDS:
        raise Http404
    return kind


@role_required(*SETUP_ROLES)
def import_template(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """The empty template of a kind: its French columns, UTF-8 with a BOM for spreadsheets."""
    kind = _kind_or_404(request.GET.get("kind", ""))
    content = "\ufeff" + template_csv(kind=kind)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="modele-{kind}.csv"'
    return response


@role_required(*SETUP_ROLES)
def data_export_csv(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    kind = _kind_or_404(request.GET.get("kind", ""))
    headers, rows = data_export(kind=kind)
    response = HttpResponse(csv_text(headers, rows), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}.csv"'
    return response


# --------------------------------------------------------------------------- personal data


def _zip_response(content: bytes, entrepreneur_id: int) -> HttpResponse:
    response = HttpResponse(content, content_type="application/zip")
    response["Content-Disposition"] = (
        f'attachment; filename="donnees-personnelles-{entrepreneur_id}.zip"'
    )
    return response


def personal_data_download(
    request: HttpRequest, cooperative_slug: str, entrepreneur_id: int
) -> HttpResponse:
    """The person's own data, or a manager's download for them."""
    membership = current_membership(request)
    entrepreneur = people_selectors.entrepreneur_get_for_member(
        membership=membership, entrepreneur_id=entrepreneur_id
    )
    if entrepreneur.user_id != membership.user_id and not membership.has_role(*SETUP_ROLES):
        raise PermissionDenied
    return _zip_response(
        personal_data_export(entrepreneur=entrepreneur, by=_by(request)), entrepreneur.pk
    )


# --------------------------------------------------------------------------- funders


@role_required(*SETUP_ROLES)
def funder_statistics(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    today = timezone.localdate()
    form = PeriodForm(
        request.GET or None,
        initial={"start": today.replace(month=1, day=1), "end": today},
    )
    report = None
    if form.is_valid():
        report = funder_report(start=form.cleaned_data["start"], end=form.cleaned_data["end"])
        name = f"financeurs-{report.start.isoformat()}-{report.end.isoformat()}"
        if request.GET.get("format") == "csv":
            response = HttpResponse(
                csv_text([_("Indicateur"), _("Détail"), _("Valeur")], report.rows()),
                content_type="text/csv; charset=utf-8",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
            return response
        if request.GET.get("format") == "xlsx":
            response = HttpResponse(
                funder_report_xlsx(report),
                content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            )
            response["Content-Disposition"] = f'attachment; filename="{name}.xlsx"'
            return response
    return render(
        request,
        "onboarding/funders.html",
        {"form": form, "report": report, "query": request.GET.urlencode()},
        status=400 if form.errors else 200,
    )
