"""The statutes page: the managers see and edit the statute profile rule by rule (each with
the statutes' article and the law's floor beside it), put in force the preset of the
cooperative's legal form, set the SCIC colleges' weights, and sign the profile off as "checked
against our statutes". Parse → service/selector → render."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from governance import selectors, services
from governance.forms import CollegeWeightsForm, StatuteRuleForm, StatuteTermsForm
from governance.law import law_for
from governance.models import College, StatuteProfile, StatuteRule
from governance.rules import PRESETS
from governance.selectors import MANAGER_ROLES
from governance.services.statutes import PROFILE_FIELDS, RULE_FIELDS
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.models import Cooperative
from perspectives.tenancy.permissions import role_required


def _to_statutes(cooperative_slug: str) -> HttpResponse:
    return redirect("governance_statutes", cooperative_slug=cooperative_slug)


def _profile() -> StatuteProfile | None:
    profile: StatuteProfile | None = (
        StatuteProfile.objects.filter(is_active=True).select_related("checked_by").first()
    )
    return profile


def _form_errors(request: HttpRequest, form: forms.Form) -> None:
    """The form's errors as messages, each with its field's label (the page shows forms in
    closed sections, a redirect away)."""
    for field, errors in form.errors.items():
        label = form.fields[field].label if field in form.fields else ""
        messages.error(request, f"{label} : {' '.join(str(error) for error in errors)}")


def _cooperative(request: HttpRequest) -> Cooperative:
    cooperative: Cooperative = request.cooperative  # type: ignore[attr-defined]
    return cooperative


@require_GET
@role_required(*MANAGER_ROLES)
def statutes(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    cooperative = _cooperative(request)
    profile = _profile()
    preset = PRESETS[cooperative.legal_form]
    context: dict[str, Any] = {
        "cooperative": cooperative,
        "profile": profile,
        "preset": preset,
        "law": law_for(cooperative.legal_form),
    }
    if profile is not None:
        law = law_for(profile.legal_form)
        rules = list(
            StatuteRule.objects.filter(profile=profile).order_by("decision_class", "convocation")
        )
        context.update(
            {
                "law": law,
                "sources": PRESETS[profile.legal_form].sources,
                "terms_form": StatuteTermsForm(
                    initial={field: getattr(profile, field) for field in PROFILE_FIELDS}
                ),
                "lines": [
                    (
                        selectors.rule_line(rule, law),
                        StatuteRuleForm(
                            prefix=f"rule-{rule.pk}",
                            initial={field: getattr(rule, field) for field in RULE_FIELDS},
                        ),
                    )
                    for rule in rules
                ],
                "violations": services.statute_profile_violations(profile=profile),
                "history": selectors.statute_profile_history(profile=profile),
                "other_form": profile.legal_form != cooperative.legal_form,
            }
        )
    if cooperative.legal_form.startswith("scic"):
        context["college_form"] = CollegeWeightsForm(
            colleges=list(College.objects.order_by("name"))
        )
    return render(request, "governance/statutes.html", context)


@require_POST
@role_required(*MANAGER_ROLES)
def statutes_preset(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    user: User = request.user  # type: ignore[assignment]
    try:
        profile = services.statute_profile_apply_preset(by=user)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _(
                "Modèle « %(name)s » en vigueur : les règles de la loi, sans vote par "
                "correspondance, participation à distance ni consultation écrite. Adaptez-le à "
                "vos statuts, puis signez-le."
            )
            % {"name": profile.name},
        )
    return _to_statutes(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
def statutes_terms(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    profile = _profile()
    if profile is None:
        return _to_statutes(cooperative_slug)
    form = StatuteTermsForm(request.POST)
    if not form.is_valid():
        _form_errors(request, form)
        return _to_statutes(cooperative_slug)
    try:
        services.statute_profile_update(
            profile=profile,
            by=request.user,  # type: ignore[arg-type]
            **form.cleaned_data,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Règles enregistrées : le profil est à signer de nouveau."))
    return _to_statutes(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
def statutes_rule(request: HttpRequest, cooperative_slug: str, rule_id: int) -> HttpResponse:
    rule = get_object_or_404(StatuteRule, pk=rule_id, profile__is_active=True)
    form = StatuteRuleForm(request.POST, prefix=f"rule-{rule.pk}")
    if not form.is_valid():
        _form_errors(request, form)
        return _to_statutes(cooperative_slug)
    try:
        services.statute_rule_update(
            rule=rule,
            by=request.user,  # type: ignore[arg-type]
            **form.cleaned_data,
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Règle enregistrée : le profil est à signer de nouveau."))
    return _to_statutes(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
def statutes_sign_off(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    profile = _profile()
    if profile is None:
        return _to_statutes(cooperative_slug)
    try:
        services.statute_profile_sign_off(profile=profile, by=request.user)  # type: ignore[arg-type]
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request, _("Profil vérifié au regard de vos statuts : les convocations sont ouvertes.")
        )
    return _to_statutes(cooperative_slug)


@require_POST
@role_required(*MANAGER_ROLES)
def statutes_colleges(request: HttpRequest, cooperative_slug: str) -> HttpResponse:
    form = CollegeWeightsForm(request.POST, colleges=list(College.objects.order_by("name")))
    if not form.is_valid():
        messages.error(request, _("Indiquez le poids de chaque collège."))
        return _to_statutes(cooperative_slug)
    try:
        services.college_set(
            weights={
                name: services.college_weight_parse(text) for name, text in form.weights().items()
            }
        )
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(request, _("Poids des collèges enregistrés."))
    return _to_statutes(cooperative_slug)
