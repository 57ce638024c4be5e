"""The associates register page: each associate's shares, exit, postal address and written
consent to e-mail convocation; the admission applications, with the admission of an employee
without a vote where the statutes of a SCOP provide it."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance import selectors, services
from governance.forms import AutomaticAdmissionForm, ConvocationUpdateForm
from governance.models import AdmissionApplication, Associate, StatuteProfile
from governance.selectors import MANAGER_ROLES
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.permissions import role_required


def _to_register(cooperative_slug: str) -> HttpResponse:
    return redirect("governance_register", cooperative_slug=cooperative_slug)


@require_GET
@role_required(*MANAGER_ROLES)
def associate_register(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    associates = list(selectors.associate_list())
    profile = StatuteProfile.objects.filter(is_active=True).first()
    return render(
        request,
        "governance/register.html",
        {
            "associates": [
                (
                    associate,
                    ConvocationUpdateForm(
                        prefix=f"a{associate.pk}",
                        initial={
                            "postal_address": associate.postal_address,
                            "consent_on": associate.email_consent_on,
                            "consent_how": associate.email_consent_how,
                            "consent_address": associate.email_consent_address
                            or (associate.user.email if associate.user else ""),
                        },
                    ),
                )
                for associate in associates
            ],
            "applications": selectors.admission_list().select_related("associate")[:50],
            "automatic_admission": profile is not None and profile.automatic_admission,
            "profile": profile,
            "today": timezone.localdate(),
        },
    )


@require_POST
@role_required(*MANAGER_ROLES)
def associate_convocation(
    request: HttpRequest, cooperative_slug: str, associate_id: int
) -> HttpResponse:
    associate = get_object_or_404(Associate, pk=associate_id)
    form = ConvocationUpdateForm(request.POST, prefix=f"a{associate.pk}")
    if not form.is_valid():
        messages.error(request, _("Vérifiez la date et l'adresse e-mail de l'accord."))
        return _to_register(cooperative_slug)
    try:
        services.associate_convocation_update(
            associate=associate,
            postal_address=form.cleaned_data["postal_address"] or "",
            consent_on=form.cleaned_data["consent_on"],
            consent_how=form.cleaned_data["consent_how"] or "",
            consent_address=form.cleaned_data["consent_address"] or "",
            by=request.user,  # type: ignore[arg-type]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Convocations de %(name)s enregistrées.") % {"name": associate.full_name},
        )
    return _to_register(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
def admission_automatic(
    request: HttpRequest, cooperative_slug: str, application_id: int
) -> HttpResponse:
    application = get_object_or_404(AdmissionApplication, pk=application_id)
    form = AutomaticAdmissionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Indiquez la date de l'admission."))
        return _to_register(cooperative_slug)
    try:
        services.admission_admit_automatically(
            application=application,
            decided_on=form.cleaned_data["decided_on"],
            by=request.user,  # type: ignore[arg-type]
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s est admis·e de plein droit : reste la souscription des parts.")
            % {"name": application.full_name},
        )
    return _to_register(cooperative_slug)
