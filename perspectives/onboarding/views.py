"""Pages of the platform staff (outside any cooperative) and of a cooperative's set-up."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from perspectives.core.exceptions import ApplicationError
from perspectives.onboarding.forms import CooperativeCreateForm
from perspectives.onboarding.services import cooperative_set_up
from perspectives.tenancy.models import Cooperative


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
