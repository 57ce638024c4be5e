"""The managers' side of a convocation: who is convened how (e-mail with consent, registered
letter), the letters PDF to print, the posting date and registered-post number of each letter,
the notices of receipt, the remote session's means, and a written consultation's deadline.
Parse → service/selector → render."""

from __future__ import annotations

from django.contrib import messages
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from governance import selectors, services
from governance.forms import DeadlineForm, LettersForm, ReceiptForm, RemoteSessionForm
from governance.models import Assembly, ConvocationDispatch
from governance.selectors import MANAGER_ROLES
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.jobs import job_enqueue
from perspectives.tenancy.permissions import current_membership, role_required


def _assembly(request: HttpRequest, assembly_id: int) -> Assembly:
    return selectors.assembly_get_for_member(
        membership=current_membership(request), assembly_id=assembly_id
    )


def _to_assembly(cooperative_slug: str, assembly: Assembly) -> HttpResponse:
    return redirect(
        "governance_assembly", cooperative_slug=cooperative_slug, assembly_id=assembly.pk
    )


@role_required(*MANAGER_ROLES)
def letters(
    request: HttpRequest, cooperative_slug: str, assembly_id: int
) -> HttpResponse | FileResponse:
    """GET downloads the letters to print; POST asks a worker to render them again."""
    assembly = _assembly(request, assembly_id)
    if request.method == "POST":
        from governance.tasks import convocation_letters_render_task

        if assembly.status == Assembly.Status.DRAFT:
            messages.error(request, _("Les lettres se préparent une fois l'assemblée convoquée."))
        else:
            job_enqueue(convocation_letters_render_task, assembly_id=assembly.pk)
            messages.info(request, _("Les lettres de convocation sont en préparation."))
        return _to_assembly(cooperative_slug, assembly)
    if not assembly.letters_file:
        raise Http404
    return FileResponse(
        assembly.letters_file.open("rb"),
        content_type="application/pdf",
        filename=f"convocations-{assembly.pk}.pdf",
    )


@require_POST
@role_required(*MANAGER_ROLES)
def letters_posted(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, assembly_id)
    form = LettersForm(request.POST, dispatches=selectors.letters_to_post(assembly=assembly))
    if not form.is_valid():
        messages.error(request, _("Indiquez la date d'envoi et les numéros de recommandé."))
        return _to_assembly(cooperative_slug, assembly)
    try:
        recorded = services.convocation_letters_record(
            assembly=assembly,
            posted_on=form.cleaned_data["posted_on"],
            numbers=form.numbers(),
            by=request.user,  # type: ignore[arg-type]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(count)s lettre(s) recommandée(s) consignée(s).") % {"count": len(recorded)},
        )
    return _to_assembly(cooperative_slug, assembly)


@require_POST
@role_required(*MANAGER_ROLES)
def receipt(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, assembly_id)
    form = ReceiptForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date de l'avis de réception."))
        return _to_assembly(cooperative_slug, assembly)
    dispatch = get_object_or_404(
        ConvocationDispatch, assembly=assembly, pk=form.cleaned_data["dispatch"]
    )
    try:
        services.convocation_receipt_record(
            dispatch=dispatch,
            received_on=form.cleaned_data["received_on"],
            by=request.user,  # type: ignore[arg-type]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Réception consignée."))
    return _to_assembly(cooperative_slug, assembly)


@require_POST
@role_required(*MANAGER_ROLES)
def remote_session(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, assembly_id)
    form = RemoteSessionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le moyen de participation à distance."))
        return _to_assembly(cooperative_slug, assembly)
    try:
        assembly = services.assembly_remote_session_record(
            assembly=assembly,
            by=request.user,  # type: ignore[arg-type]
            **form.cleaned_data,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        if assembly.remote_session_valid:
            messages.success(
                request, _("Séance à distance enregistrée : la présence en ligne compte.")
            )
        else:
            messages.warning(
                request,
                _(
                    "Séance à distance enregistrée sans la voix ou sans retransmission continue : "
                    "les associé·es en ligne ne comptent pas comme présent·es."
                ),
            )
    return _to_assembly(cooperative_slug, assembly)


@require_POST
@role_required(*MANAGER_ROLES)
def consultation_deadline(
    request: HttpRequest, cooperative_slug: str, assembly_id: int
) -> HttpResponse:
    consultation = _assembly(request, assembly_id)
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la nouvelle date limite."))
        return _to_assembly(cooperative_slug, consultation)
    try:
        services.consultation_deadline_extend(
            consultation=consultation,
            deadline=form.cleaned_data["deadline"],
            by=request.user,  # type: ignore[arg-type]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Date limite prolongée."))
    return _to_assembly(cooperative_slug, consultation)
