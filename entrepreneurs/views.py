"""Pages of the entrepreneurs app: parse → service/selector → render."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterator
from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.db.models import QuerySet
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.http.response import HttpResponseBase
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from entrepreneurs import agenda as agenda_module
from entrepreneurs import forms as f
from entrepreneurs import selectors, services
from entrepreneurs.models import Action, Entrepreneur, Goal, Stage, WorkshopRegistration
from entrepreneurs.permissions import (
    ACCOMPANIMENT_ROLES,
    FILE_ROLES,
    sees_accompaniment,
    sees_personal_data,
)
from perspectives.accounts.models import User
from perspectives.core.csvexport import csv_response
from perspectives.core.downloads import private_file
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.jobs import job_enqueue
from perspectives.tenancy.models import Membership, Role
from perspectives.tenancy.permissions import current_membership, role_required
from perspectives.tenancy.selectors import membership_list


def _user(request: HttpRequest) -> User:
    """The logged-in user (every view here runs behind the membership check)."""
    return cast(User, request.user)


def _fail(form: forms.BaseForm, error: ApplicationError) -> None:
    form.add_error(None, error.message)


def _referents(membership: Membership) -> list[tuple[int, str]]:
    return [
        (m.user_id, str(m.user))
        for m in membership_list(cooperative=membership.cooperative)
        if m.has_role(*ACCOMPANIMENT_ROLES)
    ]


@role_required(*FILE_ROLES)
def entrepreneur_list(request: HttpRequest, cooperative_slug: str) -> HttpResponseBase:
    membership = current_membership(request)
    form = f.PortfolioFilterForm(request.GET or None, referents=_referents(membership))
    data = form.cleaned_data if form.is_valid() else {}
    filters = selectors.PortfolioFilters(
        sector_id=data["sector"].pk if data.get("sector") else None,
        stage=data.get("stage") or "",
        referent_id=data.get("referent"),
        search=data.get("q") or "",
        deadline_months=data.get("deadline"),
        overdue_only=bool(data.get("overdue")),
        archived=bool(data.get("archived")),
    )
    rows = selectors.portfolio(filters=filters)
    if request.GET.get("format") == "csv":
        return _portfolio_csv(rows)
    page = Paginator(rows, 50).get_page(request.GET.get("page"))
    today = timezone.localdate()
    settings = selectors.settings_get()
    context = {
        "form": form,
        "page": page,
        "rows": [
            (
                row,
                selectors.entrepreneur_alerts(entrepreneur=row, today=today, settings=settings),
                services.associate_deadline(cesa_start=row.cesa_start, cape_days=row.cape_days),
            )
            for row in page
        ],
        "query": request.GET.urlencode(),
        "can_assign": membership.has_role(*ACCOMPANIMENT_ROLES),
        "referents": _referents(membership),
    }
    if request.htmx:  # type: ignore[attr-defined]
        return render(request, "entrepreneurs/entrepreneur_list.html#results", context)
    return render(request, "entrepreneurs/entrepreneur_list.html", context)


@role_required(*ACCOMPANIMENT_ROLES)
@submitted_once
def entrepreneur_new(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    form = f.EntrepreneurOpenForm(request.POST or None, referents=_referents(membership))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        referent_id = data.pop("referent")
        try:
            entrepreneur = services.entrepreneur_open(
                opened_by=_user(request),
                referent=User.objects.get(pk=referent_id) if referent_id else None,
                **data,
            )
        except ApplicationError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Dossier ouvert."))
            return _back(cooperative_slug, entrepreneur)
    return render(
        request,
        "entrepreneurs/entrepreneur_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


@require_POST
@role_required(*ACCOMPANIMENT_ROLES)
def referent_assign(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """Give one or many files a referent (from the portfolio or from a file)."""
    form = f.ReferentForm(request.POST, referents=_referents(current_membership(request)))
    back = request.POST.get("next") or reverse("entrepreneur_list", args=[cooperative_slug])
    if not back.startswith(f"/c/{cooperative_slug}/"):
        back = reverse("entrepreneur_list", args=[cooperative_slug])
    ids = [int(value) for value in request.POST.getlist("ids") if value.isdigit()]
    if not form.is_valid() or not ids:
        messages.error(request, _("Choisissez au moins un dossier et un·e référent·e de l'équipe."))
        return redirect(back)
    referent_id = form.cleaned_data["referent"]
    try:
        changed = services.entrepreneur_referent_assign(
            entrepreneur_ids=ids,
            referent=User.objects.get(pk=referent_id) if referent_id else None,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Référent·e enregistré·e pour %(count)s dossier(s).") % {"count": changed},
        )
    return redirect(back)


@require_POST
@role_required(Role.MANAGER, Role.ADMIN)
def entrepreneur_archive(
    request: HttpRequest, cooperative_slug: str, entrepreneur_id: int
) -> HttpResponse:
    entrepreneur = _staff_file(request, entrepreneur_id)
    try:
        services.entrepreneur_archive(entrepreneur=entrepreneur)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Dossier archivé : il ne paraît plus dans le portefeuille."))
    return _back(cooperative_slug, entrepreneur)


def _portfolio_csv(rows: QuerySet[Entrepreneur]) -> FileResponse:
    """The portfolio as CSV: identity, path and counts; never notes."""
    header = [
        _("Nom"),
        _("Prénom"),
        _("Pôle"),
        _("Étape"),
        _("Référent·e"),
        _("Début du CESA"),
        _("Échéance du sociétariat"),
        _("Associé·e depuis"),
        _("Prochain rendez-vous"),
        _("Actions en retard"),
        _("Entretiens cette année"),
    ]

    def lines() -> Iterator[list[object]]:
        for row in rows.iterator(chunk_size=500):
            # Annotated by selectors.portfolio.
            next_appointment = getattr(row, "next_appointment", None)
            yield [
                row.last_name,
                row.first_name,
                row.sector.name,
                row.get_stage_display(),
                str(row.referent or ""),
                row.cesa_start,
                services.associate_deadline(cesa_start=row.cesa_start, cape_days=row.cape_days),
                row.associate_since,
                timezone.localtime(next_appointment).strftime("%Y-%m-%d %H:%M")
                if next_appointment
                else "",
                getattr(row, "overdue_actions", 0),
                getattr(row, "interviews_this_year", 0),
            ]

    return csv_response("portefeuille.csv", header, lines())


def _file_context(
    request: HttpRequest, entrepreneur: Entrepreneur, **forms_: Any
) -> dict[str, Any]:
    membership = current_membership(request)
    accompaniment = sees_accompaniment(membership)
    goals = Goal.objects.filter(entrepreneur=entrepreneur).prefetch_related("actions__owner")
    context: dict[str, Any] = {
        "entrepreneur": entrepreneur,
        "is_own": entrepreneur.user_id == membership.user_id,
        "can_accompany": accompaniment,
        "can_edit": membership.has_role(*ACCOMPANIMENT_ROLES),
        "personal": sees_personal_data(membership, entrepreneur),
        "deadline": services.associate_deadline(
            cesa_start=entrepreneur.cesa_start, cape_days=entrepreneur.cape_days
        ),
        "timeline": selectors.timeline_grouped(
            selectors.entrepreneur_timeline(entrepreneur=entrepreneur, membership=membership)
        ),
        "activities": entrepreneur.activity_shares.select_related("activity"),
        "documents": entrepreneur.documents.all(),
        "goals": goals if accompaniment or entrepreneur.user_id == membership.user_id else [],
        "path_form": forms_.get("path_form") or f.PathStepForm(),
        "appointment_form": forms_.get("appointment_form") or f.AppointmentForm(),
        "note_form": forms_.get("note_form") or f.NoteForm(),
        "goal_form": forms_.get("goal_form") or f.GoalForm(),
        "document_form": forms_.get("document_form") or f.DocumentForm(),
        "action_statuses": Action.Status.choices,
        "can_assign": membership.has_role(*ACCOMPANIMENT_ROLES),
        "can_archive": membership.has_role(Role.MANAGER, Role.ADMIN)
        and entrepreneur.stage == Stage.EXITED
        and entrepreneur.archived_at is None,
        "referents": _referents(membership) if accompaniment else [],
    }
    return context


def entrepreneur_detail(
    request: HttpRequest, cooperative_slug: str, entrepreneur_id: int
) -> HttpResponse:
    entrepreneur = selectors.entrepreneur_get_for_member(
        membership=current_membership(request), entrepreneur_id=entrepreneur_id
    )
    return render(
        request, "entrepreneurs/entrepreneur_detail.html", _file_context(request, entrepreneur)
    )


def my_file(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    entrepreneur = selectors.entrepreneur_get_for_user(membership=current_membership(request))
    if entrepreneur is None:
        raise Http404
    return redirect(
        "entrepreneur_detail", cooperative_slug=cooperative_slug, entrepreneur_id=entrepreneur.pk
    )


def _back(cooperative_slug: str, entrepreneur: Entrepreneur) -> HttpResponse:
    return redirect(
        "entrepreneur_detail", cooperative_slug=cooperative_slug, entrepreneur_id=entrepreneur.pk
    )


def _invalid(request: HttpRequest, entrepreneur: Entrepreneur, **forms_: Any) -> HttpResponse:
    return render(
        request,
        "entrepreneurs/entrepreneur_detail.html",
        _file_context(request, entrepreneur, **forms_),
        status=400,
    )


def _staff_file(request: HttpRequest, entrepreneur_id: int) -> Entrepreneur:
    return selectors.entrepreneur_get_for_member(
        membership=current_membership(request), entrepreneur_id=entrepreneur_id
    )


@role_required(*ACCOMPANIMENT_ROLES)
def entrepreneur_edit(
    request: HttpRequest, cooperative_slug: str, entrepreneur_id: int
) -> HttpResponse:
    entrepreneur = _staff_file(request, entrepreneur_id)
    if not sees_personal_data(current_membership(request), entrepreneur):
        raise PermissionDenied
    form = f.EntrepreneurForm(
        request.POST or None, instance=entrepreneur, initial={"version": entrepreneur.version}
    )
    if request.method == "POST" and form.is_valid():
        data = {key: form.cleaned_data[key] for key in f.EntrepreneurForm.Meta.fields}
        try:
            services.entrepreneur_update(
                entrepreneur=Entrepreneur.objects.get(pk=entrepreneur.pk),
                version=form.cleaned_data["version"],
                data=data,
            )
        except ApplicationError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Dossier enregistré."))
            return _back(cooperative_slug, entrepreneur)
    status = 400 if form.errors else 200
    return render(
        request,
        "entrepreneurs/entrepreneur_edit.html",
        {"entrepreneur": entrepreneur, "form": form},
        status=status,
    )


def _record(
    request: HttpRequest,
    cooperative_slug: str,
    entrepreneur_id: int,
    *,
    form_class: type[forms.Form],
    form_key: str,
    action: Callable[[Entrepreneur, dict[str, Any]], object],
    success: str,
) -> HttpResponse:
    """The forms of the file page: validate, call the service, come back to the file, or show the
    file again with the form's errors (400) when the form or the service refuses."""
    entrepreneur = _staff_file(request, entrepreneur_id)
    form = form_class(request.POST, request.FILES or None)
    if form.is_valid():
        try:
            action(entrepreneur, form.cleaned_data)
        except ApplicationError as error:
            _fail(form, error)
        else:
            messages.success(request, success)
            return _back(cooperative_slug, entrepreneur)
    return _invalid(request, entrepreneur, **{form_key: form})


@require_POST
@role_required(*ACCOMPANIMENT_ROLES)
@submitted_once
def path_step_add(
    request: HttpRequest, cooperative_slug: str, entrepreneur_id: int
) -> HttpResponse:
    return _record(
        request,
        cooperative_slug,
        entrepreneur_id,
        form_class=f.PathStepForm,
        form_key="path_form",
        action=lambda e, data: services.path_step_record(
            entrepreneur=e, recorded_by=_user(request), **data
        ),
        success=_("Étape enregistrée."),
    )


@require_POST
@role_required(*ACCOMPANIMENT_ROLES)
@submitted_once
def appointment_add(
    request: HttpRequest, cooperative_slug: str, entrepreneur_id: int
) -> HttpResponse:
    return _record(
        request,
        cooperative_slug,
        entrepreneur_id,
        form_class=f.AppointmentForm,
        form_key="appointment_form",
        action=lambda e, data: services.appointment_create(
            entrepreneur=e, staff=_user(request), **data
        ),
        success=_("Rendez-vous enregistré."),
    )


@require_POST
@role_required(*ACCOMPANIMENT_ROLES)
@submitted_once
def note_add(request: HttpRequest, cooperative_slug: str, entrepreneur_id: int) -> HttpResponse:
    return _record(
        request,
        cooperative_slug,
        entrepreneur_id,
        form_class=f.NoteForm,
        form_key="note_form",
        action=lambda e, data: services.note_add(entrepreneur=e, author=_user(request), **data),
        success=_("Note ajoutée."),
    )


@require_POST
@role_required(*ACCOMPANIMENT_ROLES)
@submitted_once
def goal_add(request: HttpRequest, cooperative_slug: str, entrepreneur_id: int) -> HttpResponse:
    return _record(
        request,
        cooperative_slug,
        entrepreneur_id,
        form_class=f.GoalForm,
        form_key="goal_form",
        action=lambda e, data: services.goal_create(entrepreneur=e, title=data["title"]),
        success=_("Objectif ajouté."),
    )


@require_POST
@submitted_once
def action_add(request: HttpRequest, cooperative_slug: str, entrepreneur_id: int) -> HttpResponse:
    """Support staff, or the entrepreneur on their own plan."""
    membership = current_membership(request)
    entrepreneur = selectors.entrepreneur_get_for_member(
        membership=membership, entrepreneur_id=entrepreneur_id
    )
    if not (sees_accompaniment(membership) or entrepreneur.user_id == membership.user_id):
        raise Http404
    form = f.ActionForm(request.POST)
    if form.is_valid():
        goal = Goal.objects.filter(entrepreneur=entrepreneur, pk=form.cleaned_data["goal"]).first()
        if goal is None:
            raise Http404
        try:
            services.action_create(
                goal=goal,
                title=form.cleaned_data["title"],
                owner=_user(request),
                due_date=form.cleaned_data["due_date"],
            )
        except ApplicationError as error:
            messages.error(request, error.message)
        return _back(cooperative_slug, entrepreneur)
    messages.error(request, _("L'action n'a pas été enregistrée : vérifiez l'intitulé et la date."))
    return _back(cooperative_slug, entrepreneur)


@require_POST
def action_status(request: HttpRequest, cooperative_slug: str, action_id: int) -> HttpResponse:
    membership = current_membership(request)
    actions = Action.objects.select_related("goal__entrepreneur")
    if not sees_accompaniment(membership):
        actions = actions.filter(goal__entrepreneur__user_id=membership.user_id)
    action = actions.filter(pk=action_id).first()
    if action is None:
        raise Http404
    form = f.ActionStatusForm(request.POST)
    if form.is_valid():
        services.action_set_status(action=action, status=form.cleaned_data["status"])
    return _back(cooperative_slug, action.goal.entrepreneur)


@require_POST
@role_required(*ACCOMPANIMENT_ROLES)
@submitted_once
def document_add(request: HttpRequest, cooperative_slug: str, entrepreneur_id: int) -> HttpResponse:
    return _record(
        request,
        cooperative_slug,
        entrepreneur_id,
        form_class=f.DocumentForm,
        form_key="document_form",
        action=lambda e, data: services.document_upload(
            entrepreneur=e,
            kind=data["kind"],
            title=data["title"],
            upload=data["file"],
            uploaded_by=_user(request),
            expires_on=data["expires_on"],
        ),
        success=_("Document ajouté."),
    )


def document_download(
    request: HttpRequest, cooperative_slug: str, document_id: int
) -> FileResponse:
    """Documents are never served as static files: only through this membership-checked view."""
    document = selectors.document_get_for_member(
        membership=current_membership(request), document_id=document_id
    )
    return private_file(
        document.file, content_type=document.content_type, filename=document.original_name
    )


def activity_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    activities = selectors.activity_list(membership=current_membership(request))
    return render(request, "entrepreneurs/activity_list.html", {"activities": activities})


def activity_detail(request: HttpRequest, cooperative_slug: str, activity_id: int) -> HttpResponse:
    activity = selectors.activity_get_for_member(
        membership=current_membership(request), activity_id=activity_id
    )
    rate = services.activity_contribution_rate(activity=activity)
    return render(
        request,
        "entrepreneurs/activity_detail.html",
        {"activity": activity, "contribution_rate": rate},
    )


@submitted_once
def workshop_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    form = f.WorkshopForm(request.POST or None)
    if request.method == "POST":
        if not membership.has_role(*ACCOMPANIMENT_ROLES):
            raise Http404
        if form.is_valid():
            try:
                workshop = services.workshop_create(created_by=_user(request), **form.cleaned_data)
            except ApplicationError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Atelier créé."))
                return redirect(
                    "workshop_detail", cooperative_slug=cooperative_slug, workshop_id=workshop.pk
                )
    context = {
        "workshops": selectors.workshop_list(),
        "form": form,
        "can_manage": membership.has_role(*ACCOMPANIMENT_ROLES),
    }
    return render(
        request, "entrepreneurs/workshop_list.html", context, status=400 if form.errors else 200
    )


def workshop_detail(request: HttpRequest, cooperative_slug: str, workshop_id: int) -> HttpResponse:
    membership = current_membership(request)
    workshop = selectors.workshop_get(workshop_id=workshop_id)
    can_manage = membership.has_role(*ACCOMPANIMENT_ROLES)
    registrations = WorkshopRegistration.objects.filter(workshop=workshop).select_related(
        "entrepreneur"
    )
    me = selectors.entrepreneur_get_for_user(membership=membership)
    context = {
        "workshop": workshop,
        "can_manage": can_manage,
        # Entrepreneurs see the seats left and their own registration, not the others' names.
        "registrations": registrations
        if can_manage
        else registrations.filter(entrepreneur__user_id=membership.user_id),
        "me": me,
        "my_registration": registrations.filter(entrepreneur=me).first() if me else None,
        "candidates": Entrepreneur.objects.exclude(stage=Stage.EXITED).exclude(
            workshop_registrations__workshop=workshop
        )
        if can_manage
        else [],
        "seats_left": workshop.capacity - workshop.registered,  # type: ignore[attr-defined]
    }
    return render(request, "entrepreneurs/workshop_detail.html", context)


@require_POST
@submitted_once
def workshop_register(
    request: HttpRequest, cooperative_slug: str, workshop_id: int
) -> HttpResponse:
    membership = current_membership(request)
    workshop = selectors.workshop_get(workshop_id=workshop_id)
    form = f.RegistrationForm(request.POST)
    entrepreneur: Entrepreneur | None
    if (
        form.is_valid()
        and form.cleaned_data["entrepreneur"]
        and membership.has_role(*ACCOMPANIMENT_ROLES)
    ):
        entrepreneur = Entrepreneur.objects.filter(pk=form.cleaned_data["entrepreneur"]).first()
    else:
        entrepreneur = selectors.entrepreneur_get_for_user(membership=membership)
    if entrepreneur is None:
        raise Http404
    try:
        services.workshop_register(
            workshop=workshop, entrepreneur=entrepreneur, registered_by=_user(request)
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Inscription enregistrée : %(name)s.") % {"name": entrepreneur})
    return redirect("workshop_detail", cooperative_slug=cooperative_slug, workshop_id=workshop.pk)


@require_POST
@role_required(*ACCOMPANIMENT_ROLES)
def workshop_attendance(
    request: HttpRequest, cooperative_slug: str, workshop_id: int
) -> HttpResponse:
    workshop = selectors.workshop_get(workshop_id=workshop_id)
    present = {int(value) for value in request.POST.getlist("present") if value.isdigit()}
    count = services.workshop_attendance_set(workshop=workshop, present_ids=present)
    messages.success(
        request, _("Feuille d'émargement enregistrée : %(n)s présent·es.") % {"n": count}
    )
    return redirect("workshop_detail", cooperative_slug=cooperative_slug, workshop_id=workshop.pk)


@submitted_once
def skill_directory(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    me = selectors.entrepreneur_get_for_user(membership=membership)
    search = request.GET.get("q", "")[:100]
    offers = selectors.skill_directory(search=search)
    offer_form = f.SkillOfferForm(request.POST if request.POST.get("form") == "offer" else None)
    choices = [
        (offer.entrepreneur_id, f"{offer.entrepreneur} · {offer.title}")
        for offer in offers
        if me is None or offer.entrepreneur_id != me.pk
    ]
    # A card of the directory opens the collaboration form addressed to its author.
    to = request.GET.get("to", "")
    collaboration_form = f.CollaborationForm(
        request.POST if request.POST.get("form") == "collaboration" else None,
        choices=list(dict(choices).items()),
        initial={"recipients": [int(to)]} if to.isdigit() else None,
    )
    if request.method == "POST":
        if me is None:
            raise Http404
        form = offer_form if request.POST.get("form") == "offer" else collaboration_form
        if form.is_valid():
            try:
                if form is offer_form:
                    services.skill_offer_create(entrepreneur=me, **form.cleaned_data)
                    messages.success(request, _("Compétence publiée dans l'annuaire."))
                else:
                    services.collaboration_request_send(
                        sender=me,
                        recipient_ids=form.cleaned_data["recipients"],
                        subject=form.cleaned_data["subject"],
                        message=form.cleaned_data["message"],
                    )
                    messages.success(request, _("Demande de collaboration envoyée."))
            except ApplicationError as error:
                _fail(form, error)
            else:
                return redirect(reverse("skill_directory", args=[cooperative_slug]))
    context = {
        "offers": offers,
        "search": search,
        "me": me,
        "offer_form": offer_form,
        "collaboration_form": collaboration_form,
        "sees_files": membership.is_staff_member,
    }
    status = 400 if offer_form.errors or collaboration_form.errors else 200
    return render(request, "entrepreneurs/skill_directory.html", context, status=status)


@role_required(*ACCOMPANIMENT_ROLES)
def workshop_attendance_sheet(
    request: HttpRequest, cooperative_slug: str, workshop_id: int
) -> HttpResponseBase:
    """POST asks a worker to render the sheet; GET downloads the last rendered one."""
    from entrepreneurs.tasks import workshop_attendance_sheet_render_task

    workshop = selectors.workshop_get(workshop_id=workshop_id)
    if request.method == "POST":
        job_enqueue(workshop_attendance_sheet_render_task, workshop_id=workshop.pk)
        messages.info(
            request,
            _("La feuille d’émargement est en préparation, prête dans quelques secondes."),
        )
        return redirect(
            "workshop_detail", cooperative_slug=cooperative_slug, workshop_id=workshop.pk
        )
    if not workshop.attendance_sheet:
        raise Http404
    return FileResponse(
        workshop.attendance_sheet.open("rb"),
        content_type="application/pdf",
        filename=f"emargement-{workshop.pk}.pdf",
    )


@role_required(Role.MANAGER, Role.ADMIN, Role.ACCOUNTANT)
@submitted_once
def activity_create(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    form = f.ActivityForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        shares = []
        for entrepreneur_id, share in form.shares():
            entrepreneur = (
                Entrepreneur.objects.filter(pk=entrepreneur_id).first() if entrepreneur_id else None
            )
            if entrepreneur is None or share is None:
                form.add_error(
                    None, _("Chaque ligne de répartition nomme une personne et sa part.")
                )
                break
            shares.append((entrepreneur, share))
        else:
            data = form.cleaned_data
            try:
                activity = services.activity_create(
                    analytic_code=data["analytic_code"],
                    name=data["name"],
                    sector=data["sector"],
                    establishment=data["establishment"],
                    start_date=data["start_date"],
                    end_date=data["end_date"],
                    contribution_rate=data["contribution_rate"],
                    shares=shares,
                )
            except ApplicationError as error:
                _fail(form, error)
            else:
                messages.success(request, _("Activité créée."))
                return redirect(
                    "activity_detail", cooperative_slug=cooperative_slug, activity_id=activity.pk
                )
    status = 400 if form.errors else 200
    return render(request, "entrepreneurs/activity_form.html", {"form": form}, status=status)


@role_required(Role.MANAGER, Role.ADMIN)
@submitted_once
def sector_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    form = f.SectorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.sector_create(name=form.cleaned_data["name"])
        except ApplicationError as error:
            _fail(form, error)
        else:
            messages.success(request, _("Pôle ajouté."))
            return redirect("sector_list", cooperative_slug=cooperative_slug)
    status = 400 if form.errors else 200
    return render(
        request,
        "entrepreneurs/sector_list.html",
        {"form": form, "sectors": selectors.sector_list()},
        status=status,
    )


@require_POST
@role_required(Role.MANAGER, Role.ADMIN)
def sector_rename(request: HttpRequest, cooperative_slug: str, sector_id: int) -> HttpResponse:
    sector = selectors.sector_get(sector_id=sector_id)
    form = f.SectorForm(request.POST)
    if form.is_valid():
        try:
            services.sector_rename(sector=sector, name=form.cleaned_data["name"])
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Pôle renommé."))
    return redirect("sector_list", cooperative_slug=cooperative_slug)


@role_required(*ACCOMPANIMENT_ROLES)
def agenda(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """My appointments and workshops, by week or by month, and the address of their feed."""
    membership = current_membership(request)
    view = "month" if request.GET.get("view") == "month" else "week"
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    start, end, previous, following = agenda_module.period_bounds(view=view, day=day)
    items = agenda_module.agenda_items(user_id=membership.user_id, start=start, end=end)
    feed = reverse(
        "agenda_feed",
        args=[
            agenda_module.feed_token(
                user=cast(User, request.user), cooperative_id=membership.cooperative_id
            )
        ],
    )
    context = {
        "view": view,
        "start": start,
        "last": end - dt.timedelta(days=1),
        "previous": previous,
        "following": following,
        "today": timezone.localdate(),
        "days": agenda_module.agenda_days(items, start, end),
        "count": len(items),
        "feed_url": request.build_absolute_uri(feed),
    }
    return render(request, "entrepreneurs/agenda.html", context)


def agenda_feed(request: HttpRequest, token: str) -> HttpResponse:
    """The agenda as iCalendar, for calendar applications: the token stands for the session.
    Three months back and a year ahead; a token whose person left the cooperative, lost the
    role or changed password gets a 404 like a forged one."""
    from perspectives.tenancy.context import cooperative_context
    from perspectives.tenancy.models import Cooperative

    checked = agenda_module.feed_token_check(token)
    if checked is None:
        raise Http404
    user, cooperative_id = checked
    cooperative = Cooperative.objects.filter(pk=cooperative_id).first()
    membership = (
        Membership.objects.filter(user=user, cooperative=cooperative).first()
        if cooperative
        else None
    )
    if membership is None or not membership.has_role(*ACCOMPANIMENT_ROLES):
        raise Http404
    today = timezone.localdate()
    with cooperative_context(cooperative_id):
        items = agenda_module.agenda_items(
            user_id=user.pk,
            start=today - dt.timedelta(days=92),
            end=today + dt.timedelta(days=366),
        )
    body = agenda_module.feed_ics(
        items=items, cooperative_name=membership.cooperative.name, site_url=settings.SITE_URL
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Cache-Control"] = "private, no-store"
    return response
