"""Pages of the governance app: the associate's assemblies, votes and proxies; the managers'
register, assembly preparation, live session and results. Parse → service/selector → render."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar, cast

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET, require_POST

from governance import selectors, services
from governance.forms import (
    AmendmentForm,
    AssemblyDocumentForm,
    AssemblyForm,
    AttendanceForm,
    ConsultationAnswerForm,
    ConsultationForm,
    DeadlineForm,
    LettersForm,
    ProxyForm,
    RemoteSessionForm,
    ResolutionForm,
    RoomCountsForm,
    VoteForm,
)
from governance.models import (
    Assembly,
    Attendance,
    Candidacy,
    Participation,
    Proxy,
    Resolution,
    RollEntry,
    StatuteProfile,
)
from governance.selectors import MANAGER_ROLES
from governance.services.reauth import (
    secret_ballot_code_send,
    secret_ballot_reauthenticate,
    user_has_totp,
)
from perspectives.accounts.models import User
from perspectives.core.downloads import private_file
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.jobs import job_enqueue
from perspectives.tenancy.permissions import current_membership, role_required

T = TypeVar("T")


def _to_assembly(cooperative_slug: str, assembly: Assembly) -> HttpResponse:
    return redirect(
        "governance_assembly", cooperative_slug=cooperative_slug, assembly_id=assembly.pk
    )


def _assembly(request: HttpRequest, assembly_id: int) -> Assembly:
    return selectors.assembly_get_for_member(
        membership=current_membership(request), assembly_id=assembly_id
    )


def _resolution(request: HttpRequest, assembly_id: int, resolution_id: int) -> Resolution:
    return selectors.resolution_get_for_member(
        membership=current_membership(request),
        assembly_id=assembly_id,
        resolution_id=resolution_id,
    )


def _quorum_context(assembly: Assembly) -> dict[str, object]:
    presence = selectors.assembly_live(assembly=assembly)
    return {
        "assembly": assembly,
        "presence": presence,
        "quorum_lines": selectors.assembly_quorum_status(assembly=assembly, presence=presence),
    }


@require_GET
def assembly_list(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    membership = current_membership(request)
    return render(
        request,
        "governance/assembly_list.html",
        {
            "assemblies": selectors.assembly_list_for_member(membership=membership),
            "associate": selectors.associate_for_member(membership=membership),
            "is_manager": selectors.is_governance_manager(membership),
            "profile": StatuteProfile.objects.filter(is_active=True).first(),
        },
    )


@require_GET
def my_governance(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    """My votes (participations, never the content of secret ones) and my proxies."""
    membership = current_membership(request)
    participations = (
        Participation.objects.filter(cast_by__user_id=membership.user_id)
        .select_related("resolution__assembly", "voter")
        .order_by("-resolution__assembly__scheduled_at", "resolution__position")
    )
    proxies = (
        Proxy.objects.filter(grantor__user_id=membership.user_id)
        .select_related("assembly", "holder")
        .order_by("-granted_at")
    )
    held = (
        Proxy.objects.filter(holder__user_id=membership.user_id, revoked_at__isnull=True)
        .select_related("assembly", "grantor")
        .order_by("-granted_at")
    )
    return render(
        request,
        "governance/my_governance.html",
        {"participations": participations, "proxies": proxies, "held": held},
    )


@role_required(*MANAGER_ROLES)
@submitted_once
def assembly_new(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    form = AssemblyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            assembly = services.assembly_create(**form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(request, _("Assemblée créée : ajoutez l'ordre du jour."))
            return _to_assembly(cooperative_slug, assembly)
    return render(
        request, "governance/assembly_new.html", {"form": form}, status=400 if form.errors else 200
    )


def _receipts_to_keep(
    request: HttpRequest, assembly: Assembly, receipts: list[tuple[str, str]]
) -> None:
    """The receipts just given, for the next page to hand to the browser, which keeps them on
    the device ("Mes votes" lists them at any time). The server never keeps a voter's receipt:
    that would tie a secret ballot to its voter."""
    request.session["receipts_to_keep"] = [
        {
            "assembly": assembly.title,
            "resolution": label,
            "tracker": tracker,
            "on": timezone.localdate().isoformat(),
        }
        for label, tracker in receipts
    ]


@require_GET
def assembly_detail(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    membership = current_membership(request)
    assembly = _assembly(request, assembly_id)
    entry = selectors.roll_entry_for_member(assembly=assembly, membership=membership)
    resolutions = list(assembly.resolutions.order_by("position"))
    closed = assembly.status == Assembly.Status.CLOSED
    context: dict[str, object] = {
        "assembly": assembly,
        "entry": entry,
        "resolutions": resolutions,
        "is_manager": selectors.is_governance_manager(membership),
        "small_electorate": assembly.roll_size < selectors.SMALL_ELECTORATE,
        "receipts_to_keep": request.session.pop("receipts_to_keep", None),
        **_quorum_context(assembly),
        "resolution_form": ResolutionForm(initial={"management_supported": True}),
        "documents": list(assembly.documents.order_by("uploaded_at", "pk")),
        "document_form": AssemblyDocumentForm(),
        "may_read_documents": selectors.may_read_documents(
            assembly=assembly, membership=membership
        ),
        "room_form": RoomCountsForm(),
        "amendment_form": AmendmentForm(),
    }
    if entry is not None:
        context["has_totp"] = user_has_totp(user=request.user)  # type: ignore[arg-type]
        context["email_code"] = (
            not context["has_totp"] and not closed and any(r.secret for r in resolutions)
        )
        context["my_votes"] = selectors.my_votes(entry=entry)
        context["proxy_given"] = selectors.proxy_given(entry=entry)
        context["proxies_held"] = selectors.proxies_held(entry=entry)
        if not closed:
            holders = list(
                RollEntry.objects.filter(assembly=assembly)
                .exclude(pk=entry.pk)
                .values_list("pk", "full_name")
            )
            context["proxy_form"] = ProxyForm(holders=holders)
    context["candidacies"] = {
        r.pk: list(r.candidacies.select_related("entry").order_by("entry__full_name"))
        for r in resolutions
        if r.decision_class == "election"
    }
    if closed:
        context["trackers"] = {
            r.pk: selectors.resolution_trackers(resolution=r) for r in resolutions
        }
        context["participations"] = selectors.participation_list(assembly=assembly)
    if context["is_manager"]:
        context["roll"] = RollEntry.objects.filter(assembly=assembly).order_by("full_name")
        context["present_ids"] = set(
            Attendance.objects.filter(assembly=assembly).values_list("entry_id", flat=True)
        )
        context.update(_convocation_context(assembly))
    if assembly.mode == Assembly.Mode.WRITTEN:
        context["written"] = True
        context["progress"] = services.consultation_progress(consultation=assembly)
        if entry is not None:
            context["answered"] = Participation.objects.filter(voter=entry).exists()
            context["answer_form"] = ConsultationAnswerForm(resolutions=resolutions)
            context["any_secret"] = any(r.secret for r in resolutions)
    return render(request, "governance/assembly_detail.html", context)


def _convocation_context(assembly: Assembly) -> dict[str, object]:
    """For the managers: each associate's convocation, what is still irregular, and the forms
    to record letters, receipts, the remote session and (consultations) a later deadline."""
    if assembly.status == Assembly.Status.DRAFT:
        return {}
    to_post = selectors.letters_to_post(assembly=assembly)
    return {
        "dispatches": list(selectors.dispatch_list(assembly=assembly)),
        "convocation_problems": services.convocation_problems(assembly=assembly),
        "letters_form": LettersForm(dispatches=to_post, initial={"posted_on": timezone.localdate()})
        if to_post
        else None,
        "remote_form": RemoteSessionForm(
            initial={
                "means": assembly.remote_means,
                "voice": assembly.remote_voice,
                "continuous": assembly.remote_continuous,
            }
        ),
        "deadline_form": DeadlineForm(),
        "today": timezone.localdate(),
    }


@require_GET
def assembly_quorum(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    """The live quorum counter, polled by htmx on the assembly page."""
    assembly = _assembly(request, assembly_id)
    return render(request, "governance/_quorum.html", _quorum_context(assembly))


def _with_second_factor(
    request: HttpRequest, *, secret: bool, code: str, cast: Callable[[], T]
) -> T:
    """Run `cast` and, for a secret ballot, check the second factor (TOTP, or the code sent by
    e-mail) in the same transaction: a wrong code undoes the vote; a refused vote spends no
    code."""
    with transaction.atomic():
        result = cast()
        if secret:
            secret_ballot_reauthenticate(
                user=request.user,  # type: ignore[arg-type]
                code=code,
            )
    return result


@require_POST
def secret_code_send(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    """E-mail a one-time code to an associate of the roll who has no TOTP."""
    assembly = _assembly(request, assembly_id)
    membership = current_membership(request)
    if selectors.roll_entry_for_member(assembly=assembly, membership=membership) is None:
        raise PermissionDenied
    user = cast(User, request.user)
    if user_has_totp(user=user):
        messages.info(request, _("Utilisez le code de votre application d'authentification."))
    else:
        secret_ballot_code_send(user=user)
        messages.success(
            request,
            _("Un code à six chiffres vient d'être envoyé à %(email)s ; il vaut 10 minutes.")
            % {"email": user.email},
        )
    return _to_assembly(cooperative_slug, assembly)


@require_POST
@submitted_once
def vote(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, resolution_id: int
) -> HttpResponse:
    resolution = _resolution(request, assembly_id, resolution_id)
    entry = selectors.roll_entry_for_member(
        assembly=resolution.assembly, membership=current_membership(request)
    )
    if entry is None:
        raise PermissionDenied
    form = VoteForm(
        request.POST, candidacies=list(resolution.candidacies.values_list("pk", flat=True))
    )
    if not form.is_valid():
        messages.error(request, _("Choisissez pour, contre ou abstention."))
        return _to_assembly(cooperative_slug, resolution.assembly)
    voter = entry
    if form.cleaned_data["voter"] and form.cleaned_data["voter"] != entry.pk:
        voter = get_object_or_404(
            RollEntry, assembly=resolution.assembly, pk=form.cleaned_data["voter"]
        )
    try:
        receipt = _with_second_factor(
            request,
            secret=resolution.secret,
            code=form.cleaned_data["otp_code"] or "",
            cast=lambda: services.vote_cast(
                resolution=resolution,
                cast_by=entry,
                voter=voter,
                choice=form.cleaned_data["choice"],
                correspondence=bool(form.cleaned_data["correspondence"]),
                candidates=form.cleaned_data["candidates"] or [],
            ),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Vote enregistré. Votre reçu : %(tracker)s — notez-le : il figurera dans la liste "
                "publiée à la clôture."
            )
            % {"tracker": receipt.tracker},
        )
        _receipts_to_keep(request, resolution.assembly, [(str(resolution), receipt.tracker)])
    return _to_assembly(cooperative_slug, resolution.assembly)


@require_POST
@submitted_once
def consultation_answer(
    request: HttpRequest, cooperative_slug: str, assembly_id: int
) -> HttpResponse:
    """An associate on the roll answers every resolution of a written consultation at once."""
    consultation = _assembly(request, assembly_id)
    entry = selectors.roll_entry_for_member(
        assembly=consultation, membership=current_membership(request)
    )
    if entry is None:
        raise PermissionDenied
    resolutions = list(consultation.resolutions.order_by("position"))
    form = ConsultationAnswerForm(request.POST, resolutions=resolutions)
    if not form.is_valid():
        messages.error(request, _("Répondez pour, contre ou abstention à chaque résolution."))
        return _to_assembly(cooperative_slug, consultation)
    try:
        receipts = _with_second_factor(
            request,
            secret=any(r.secret for r in resolutions),
            code=form.cleaned_data["otp_code"] or "",
            cast=lambda: services.consultation_answer(
                consultation=consultation, entry=entry, answers=form.answers()
            ),
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Réponse enregistrée. Vos reçus : %(trackers)s — notez-les : ils figureront "
                "dans la liste publiée à la clôture."
            )
            % {"trackers": ", ".join(r.tracker for r in receipts)},
        )
        labels = {r.pk: r for r in resolutions}
        _receipts_to_keep(
            request,
            consultation,
            [(str(labels.get(receipt.resolution_id, "")), receipt.tracker) for receipt in receipts],
        )
    return _to_assembly(cooperative_slug, consultation)


@require_POST
@submitted_once
def proxy_give(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, assembly_id)
    entry = selectors.roll_entry_for_member(
        assembly=assembly, membership=current_membership(request)
    )
    if entry is None:
        raise PermissionDenied
    holders = [(e.pk, e.full_name) for e in RollEntry.objects.filter(assembly=assembly)]
    form = ProxyForm(request.POST, holders=holders)
    if not form.is_valid():
        messages.error(request, _("Choisissez un·e associé·e de la liste."))
        return _to_assembly(cooperative_slug, assembly)
    holder_id = form.cleaned_data["holder"]
    holder = None if holder_id is None else RollEntry.objects.get(assembly=assembly, pk=holder_id)
    try:
        services.proxy_grant(assembly=assembly, grantor=entry, holder=holder)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pouvoir enregistré."))
    return _to_assembly(cooperative_slug, assembly)


@require_POST
def proxy_withdraw(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, assembly_id)
    entry = selectors.roll_entry_for_member(
        assembly=assembly, membership=current_membership(request)
    )
    proxy = None if entry is None else selectors.proxy_given(entry=entry)
    if proxy is None:
        raise Http404
    try:
        services.proxy_revoke(proxy=proxy)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Pouvoir révoqué."))
    return _to_assembly(cooperative_slug, assembly)


# --------------------------------------------------------------------------- managers


@require_POST
@role_required(*MANAGER_ROLES)
@submitted_once
def resolution_new(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, assembly_id)
    form = ResolutionForm(request.POST)
    if form.is_valid():
        values = {k: v for k, v in form.cleaned_data.items() if v is not None}
        try:
            services.resolution_add(assembly=assembly, **values)
        except ApplicationError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Résolution ajoutée."))
    else:
        messages.error(request, _("Indiquez le titre, le texte et la nature de la résolution."))
    return _to_assembly(cooperative_slug, assembly)


@role_required(*MANAGER_ROLES)
@submitted_once
def consultation_new(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    form = ConsultationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            consultation = services.consultation_create(**form.cleaned_data)
        except ApplicationError as error:
            form.add_error(None, error.message)
        else:
            messages.success(
                request, _("Consultation créée : ajoutez les résolutions et les documents.")
            )
            return _to_assembly(cooperative_slug, consultation)
    return render(
        request,
        "governance/consultation_new.html",
        {"form": form},
        status=400 if form.errors else 200,
    )


def _assembly_step(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, step: str
) -> HttpResponse:
    assembly = _assembly(request, assembly_id)
    written = assembly.mode == Assembly.Mode.WRITTEN
    success = {
        "convene": _("Assemblée convoquée : liste d'émargement figée."),
        "open": _("Séance ouverte."),
        "close": _("Consultation close : résultats figés.")
        if written
        else _("Assemblée close : résultats figés."),
        "send": _("Consultation envoyée : liste des associé·es figée, réponses ouvertes."),
    }[step]
    try:
        assembly = services.assembly_advance(assembly=assembly, step=step)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, success)
    return _to_assembly(cooperative_slug, assembly)


@require_POST
@role_required(*MANAGER_ROLES)
def assembly_convene(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    return _assembly_step(request, cooperative_slug, assembly_id, "convene")


@require_POST
@role_required(*MANAGER_ROLES)
def consultation_send(
    request: HttpRequest, cooperative_slug: str, assembly_id: int
) -> HttpResponse:
    return _assembly_step(request, cooperative_slug, assembly_id, "send")


@require_POST
@role_required(*MANAGER_ROLES)
def assembly_open(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    return _assembly_step(request, cooperative_slug, assembly_id, "open")


@require_POST
@role_required(*MANAGER_ROLES)
def assembly_close(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    return _assembly_step(request, cooperative_slug, assembly_id, "close")


@require_POST
@role_required(*MANAGER_ROLES)
@submitted_once
def attendance_add(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    """The bureau signs people in: one, the ticked ones, or everyone not yet present."""
    assembly = _assembly(request, assembly_id)
    roll = RollEntry.objects.filter(assembly=assembly)
    form = AttendanceForm(request.POST)
    form.fields["entries"].choices = [(pk, pk) for pk in roll.values_list("pk", flat=True)]  # type: ignore[attr-defined]
    if not form.is_valid():
        messages.error(request, _("Choisissez qui est présent·e et comment."))
        return _to_assembly(cooperative_slug, assembly)
    present = set(Attendance.objects.filter(assembly=assembly).values_list("entry_id", flat=True))
    if form.cleaned_data["all"]:
        entries = list(roll.exclude(pk__in=present).order_by("full_name"))
    else:
        wanted = set(form.cleaned_data["entries"] or [])
        if form.cleaned_data["entry"]:
            wanted.add(form.cleaned_data["entry"])
        entries = list(roll.filter(pk__in=wanted).order_by("full_name"))
        if not entries and form.cleaned_data["entry"]:
            raise Http404
    recorded, refused = 0, []
    for entry in entries:
        try:
            services.attendance_record(
                assembly=assembly, entry=entry, mode=form.cleaned_data["mode"]
            )
        except ApplicationError as error:
            refused.append(f"{entry.full_name} : {error.message}")
        else:
            recorded += 1
    if recorded == 1 and not refused:
        messages.success(request, _("Présence enregistrée."))
    elif recorded:
        messages.success(
            request,
            ngettext("%(n)s présence enregistrée.", "%(n)s présences enregistrées.", recorded)
            % {"n": recorded},
        )
    for text in refused:
        messages.error(request, text)
    if not recorded and not refused:
        messages.warning(request, _("Personne à émarger : cochez au moins un nom."))
    return _to_assembly(cooperative_slug, assembly)


@require_POST
@role_required(*MANAGER_ROLES)
@submitted_once
def amendment_add(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, resolution_id: int
) -> HttpResponse:
    """The bureau records an amendment (filed with the agenda or from the floor)."""
    resolution = _resolution(request, assembly_id, resolution_id)
    form = AmendmentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez le texte proposé et son auteur·rice."))
        return _to_assembly(cooperative_slug, resolution.assembly)
    try:
        amendment = services.amendment_propose(resolution=resolution, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Amendement enregistré : il sera voté avant la résolution (n° %(position)s).")
            % {"position": amendment.position},
        )
    return _to_assembly(cooperative_slug, resolution.assembly)


@require_POST
@role_required(*MANAGER_ROLES)
@submitted_once
def candidacy_add(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, resolution_id: int
) -> HttpResponse:
    resolution = _resolution(request, assembly_id, resolution_id)
    entry_id = request.POST.get("entry", "")
    entry = get_object_or_404(
        RollEntry, assembly=resolution.assembly, pk=int(entry_id) if entry_id.isdigit() else 0
    )
    try:
        services.candidacy_file(resolution=resolution, entry=entry)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Candidature de %(name)s enregistrée.") % {"name": entry.full_name}
        )
    return _to_assembly(cooperative_slug, resolution.assembly)


@require_POST
@role_required(*MANAGER_ROLES)
def candidacy_withdraw(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, resolution_id: int
) -> HttpResponse:
    resolution = _resolution(request, assembly_id, resolution_id)
    candidacy_id = request.POST.get("candidacy", "")
    candidacy = get_object_or_404(
        Candidacy,
        resolution=resolution,
        pk=int(candidacy_id) if candidacy_id.isdigit() else 0,
    )
    try:
        candidacy = services.candidacy_withdraw(candidacy=candidacy)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Candidature de %(name)s retirée.") % {"name": candidacy.entry.full_name},
        )
    return _to_assembly(cooperative_slug, resolution.assembly)


def _resolution_step(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, resolution_id: int, step: str
) -> HttpResponse:
    resolution = _resolution(request, assembly_id, resolution_id)
    try:
        if step == "open":
            services.vote_open(resolution=resolution)
        elif step == "close":
            services.resolution_close(resolution=resolution)
        else:
            form = RoomCountsForm(request.POST)
            if not form.is_valid():
                raise ApplicationError(_("Indiquez les trois décomptes."))
            services.resolution_record_room_counts(resolution=resolution, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("C'est fait."))
    return _to_assembly(cooperative_slug, resolution.assembly)


@require_POST
@role_required(*MANAGER_ROLES)
def resolution_open(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, resolution_id: int
) -> HttpResponse:
    return _resolution_step(request, cooperative_slug, assembly_id, resolution_id, "open")


@require_POST
@role_required(*MANAGER_ROLES)
def resolution_close(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, resolution_id: int
) -> HttpResponse:
    return _resolution_step(request, cooperative_slug, assembly_id, resolution_id, "close")


@require_POST
@role_required(*MANAGER_ROLES)
def resolution_room_counts(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, resolution_id: int
) -> HttpResponse:
    return _resolution_step(request, cooperative_slug, assembly_id, resolution_id, "room")


@require_POST
@role_required(*MANAGER_ROLES)
@submitted_once
def document_add(request: HttpRequest, cooperative_slug: str, assembly_id: int) -> HttpResponse:
    assembly = _assembly(request, assembly_id)
    form = AssemblyDocumentForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choisissez un fichier à joindre."))
        return _to_assembly(cooperative_slug, assembly)
    try:
        services.assembly_document_add(
            assembly=assembly,
            title=form.cleaned_data["title"] or "",
            upload=form.cleaned_data["file"],
            uploaded_by=request.user,  # type: ignore[arg-type]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Document joint."))
    return _to_assembly(cooperative_slug, assembly)


@require_POST
@role_required(*MANAGER_ROLES)
def document_remove(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, document_id: int
) -> HttpResponse:
    document = selectors.assembly_document_get_for_member(
        membership=current_membership(request), assembly_id=assembly_id, document_id=document_id
    )
    try:
        services.assembly_document_remove(document=document)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Document retiré."))
    return _to_assembly(cooperative_slug, document.assembly)


@require_GET
def document_download(
    request: HttpRequest, cooperative_slug: str, assembly_id: int, document_id: int
) -> FileResponse:
    """Never served as static files: only to the managers and the associates on the roll."""
    membership = current_membership(request)
    document = selectors.assembly_document_get_for_member(
        membership=membership, assembly_id=assembly_id, document_id=document_id
    )
    if not selectors.may_read_documents(assembly=document.assembly, membership=membership):
        raise PermissionDenied
    return private_file(
        document.file, content_type=document.content_type, filename=document.original_name
    )


def minutes(
    request: HttpRequest, cooperative_slug: str, assembly_id: int
) -> HttpResponse | FileResponse:
    """GET downloads the minutes (associates on the roll and managers); POST (managers) asks a
    worker to render them again."""
    membership = current_membership(request)
    assembly = _assembly(request, assembly_id)
    is_manager = selectors.is_governance_manager(membership)
    if request.method == "POST":
        if not is_manager:
            raise PermissionDenied
        from governance.tasks import minutes_render_task

        job_enqueue(minutes_render_task, assembly_id=assembly.pk)
        messages.info(request, _("Le procès-verbal est en préparation."))
        return _to_assembly(cooperative_slug, assembly)
    on_roll = selectors.roll_entry_for_member(assembly=assembly, membership=membership)
    if not is_manager and on_roll is None:
        raise PermissionDenied
    if not assembly.minutes_file:
        raise Http404
    return FileResponse(
        assembly.minutes_file.open("rb"),
        content_type="application/pdf",
        filename=f"proces-verbal-{assembly.pk}.pdf",
    )
