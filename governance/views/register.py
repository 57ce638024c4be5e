"""The associates register page: each associate's shares, exit, postal address and written
consent to e-mail convocation; the admission applications, with the admission of an employee
without a vote where the statutes of a SCOP provide it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, cast

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from entrepreneurs.models import Entrepreneur, Stage
from governance import selectors, services
from governance.forms import (
    AdmissionApplicationForm,
    AdmissionDecisionForm,
    AssociateExitForm,
    AutomaticAdmissionForm,
    ConvocationUpdateForm,
    SharePaymentForm,
    ShareRefundForm,
    ShareSubscriptionForm,
)
from governance.models import (
    AdmissionApplication,
    Associate,
    College,
    ShareSubscription,
    StatuteProfile,
)
from governance.selectors import MANAGER_ROLES
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.idempotency import submitted_once
from perspectives.tenancy.permissions import role_required


def _to_register(cooperative_slug: str) -> HttpResponse:
    return redirect("governance_register", cooperative_slug=cooperative_slug)


def _application_form(data: Any = None) -> AdmissionApplicationForm:
    return AdmissionApplicationForm(
        data,
        prefix="apply",
        entrepreneurs=[
            (e.pk, f"{e.last_name} {e.first_name}")
            for e in Entrepreneur.objects.exclude(stage=Stage.EXITED).order_by(
                "last_name", "first_name"
            )
        ],
        colleges=[(c.pk, c.name) for c in College.objects.order_by("name")],
        initial={"applied_on": timezone.localdate()},
    )


def _latest_nominal() -> Decimal | None:
    latest = ShareSubscription.objects.order_by("-subscribed_on", "-pk").first()
    return None if latest is None else latest.nominal_value


def _errors(request: HttpRequest, form: Any) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)


@require_GET
@role_required(*MANAGER_ROLES)
def associate_register(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    associates = list(selectors.associate_list().prefetch_related("subscriptions", "refunds"))
    for associate in associates:
        # Shares held: subscribed less those refunded to an associate who stays.
        associate.held = associate.shares - sum(  # type: ignore[attr-defined]
            refund.number for refund in associate.refunds.all()
        )
    profile = StatuteProfile.objects.filter(is_active=True).first()
    today = timezone.localdate()
    nominal = _latest_nominal()
    share_initial = {"subscribed_on": today, "nominal_value": nominal}
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
            "today": today,
            "application_form": _application_form(),
            "decision_form": AdmissionDecisionForm(initial={"decided_on": today}),
            "subscription_form": ShareSubscriptionForm(initial=share_initial),
            "payment_form": SharePaymentForm(),
            "exit_form": AssociateExitForm(initial={"exited_on": today}),
            "refund_form": ShareRefundForm(initial={"refunded_on": today}),
        },
    )


@require_POST
@role_required(*MANAGER_ROLES)
@submitted_once
def admission_new(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    form = _application_form(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _to_register(cooperative_slug)
    data = form.cleaned_data
    entrepreneur = (
        get_object_or_404(Entrepreneur, pk=data["entrepreneur"]) if data["entrepreneur"] else None
    )
    college = get_object_or_404(College, pk=data["college"]) if data["college"] else None
    try:
        application = services.admission_apply(
            full_name=(data["full_name"] or "").strip() or str(entrepreneur),
            category=data["category"],
            applied_on=data["applied_on"],
            entrepreneur=entrepreneur,
            college=college,
            shares_requested=data["shares_requested"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Candidature de %(name)s enregistrée.") % {"name": application.full_name}
        )
    return _to_register(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
def admission_decision(
    request: HttpRequest, cooperative_slug: str, application_id: int
) -> HttpResponse:
    application = get_object_or_404(AdmissionApplication, pk=application_id)
    form = AdmissionDecisionForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _to_register(cooperative_slug)
    try:
        services.admission_decide(
            application=application,
            approved=form.cleaned_data["approved"],
            decided_on=form.cleaned_data["decided_on"],
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Décision enregistrée."))
    return _to_register(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
def admission_subscribe(
    request: HttpRequest, cooperative_slug: str, application_id: int
) -> HttpResponse:
    application = get_object_or_404(AdmissionApplication, pk=application_id)
    form = ShareSubscriptionForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _to_register(cooperative_slug)
    try:
        associate = services.admission_complete(
            application=application,
            recorded_by=cast(User, request.user),
            **form.cleaned_data,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("%(name)s est inscrit·e au registre des associé·es.") % {"name": associate},
        )
    return _to_register(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
@submitted_once
def shares_add(request: HttpRequest, cooperative_slug: str, associate_id: int) -> HttpResponse:
    associate = get_object_or_404(Associate, pk=associate_id)
    form = ShareSubscriptionForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _to_register(cooperative_slug)
    try:
        services.share_subscribe(associate=associate, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Souscription de %(name)s enregistrée.") % {"name": associate})
    return _to_register(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
@submitted_once
def share_payment(
    request: HttpRequest, cooperative_slug: str, subscription_id: int
) -> HttpResponse:
    subscription = get_object_or_404(ShareSubscription, pk=subscription_id)
    form = SharePaymentForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _to_register(cooperative_slug)
    try:
        services.share_pay(subscription=subscription, amount=form.cleaned_data["amount"])
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Versement enregistré."))
    return _to_register(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
def associate_exit(request: HttpRequest, cooperative_slug: str, associate_id: int) -> HttpResponse:
    associate = get_object_or_404(Associate, pk=associate_id)
    form = AssociateExitForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _to_register(cooperative_slug)
    try:
        services.associate_exit(associate=associate, **form.cleaned_data)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Sortie de %(name)s enregistrée.") % {"name": associate})
    return _to_register(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
@submitted_once
def share_refund(request: HttpRequest, cooperative_slug: str, associate_id: int) -> HttpResponse:
    """A partial refund (some shares, the associate stays) or, after the exit, the full one."""
    associate = get_object_or_404(Associate, pk=associate_id)
    form = ShareRefundForm(request.POST)
    if not form.is_valid():
        _errors(request, form)
        return _to_register(cooperative_slug)
    try:
        if form.cleaned_data["number"]:
            services.share_refund_partial(
                associate=associate,
                refunded_on=form.cleaned_data["refunded_on"],
                number=form.cleaned_data["number"],
                by=cast(User, request.user),
            )
        else:
            services.associate_refund_record(
                associate=associate, refunded_on=form.cleaned_data["refunded_on"]
            )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Remboursement enregistré."))
    return _to_register(cooperative_slug)


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
