"""Resolves the cooperative from the URL, checks membership, and runs the view inside it.

Pages live under /c/<slug>/ and the API under /api/v1/c/<slug>/. A non-member gets exactly the
404 of a missing cooperative. The whole view then runs in `cooperative_context`, so the ORM scope
and PostgreSQL's row-level security setting are both active, in one transaction.
"""

from __future__ import annotations

import re
from collections.abc import Callable

from django.conf import settings
from django.contrib import messages
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.selectors import membership_get, user_has_mfa

TENANT_PATH = re.compile(r"^/(?P<api>api/v1/)?c/(?P<slug>[-a-zA-Z0-9_]+)/")


def _api_user(request: HttpRequest) -> object | None:
    if request.user.is_authenticated:
        return request.user
    try:
        result = TokenAuthentication().authenticate(request)  # type: ignore[arg-type]
    except AuthenticationFailed:
        return None
    return result[0] if result else None


class CooperativeMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.cooperative = None  # type: ignore[attr-defined]
        request.membership = None  # type: ignore[attr-defined]
        match = TENANT_PATH.match(request.path_info)
        if match is None:
            return self.get_response(request)

        is_api = bool(match["api"])
        user = _api_user(request) if is_api else request.user
        if user is None or not user.is_authenticated:  # type: ignore[attr-defined]
            if is_api:
                return JsonResponse({"detail": _("Authentification requise.")}, status=401)
            return redirect(f"{reverse(settings.LOGIN_URL)}?next={request.get_full_path()}")

        membership = membership_get(user=user, cooperative_slug=match["slug"])  # type: ignore[arg-type]
        if membership is None:
            raise Http404(_("Cette page n'existe pas."))

        if membership.requires_mfa and not user_has_mfa(user=user):  # type: ignore[arg-type]
            if is_api:
                return JsonResponse(
                    {"detail": _("La double authentification est obligatoire pour vos rôles.")},
                    status=403,
                )
            messages.warning(
                request,
                _(
                    "Vos rôles dans cette coopérative demandent la double authentification. "
                    "Activez-la pour continuer."
                ),
            )
            return redirect("mfa_activate_totp")

        request.cooperative = membership.cooperative  # type: ignore[attr-defined]
        request.membership = membership  # type: ignore[attr-defined]
        with cooperative_context(membership.cooperative_id):
            response = self.get_response(request)
            if response.status_code >= 500:
                transaction.set_rollback(True)
        return response
