from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache

from perspectives.accounts import services


@never_cache
@login_required
def api_token(request: HttpRequest) -> HttpResponse:
    """Create or replace the user's API token; it is shown once, right after creation."""
    token = None
    if request.method == "POST":
        if request.POST.get("action") == "revoke":
            services.api_token_revoke(user=request.user)  # type: ignore[arg-type]
            messages.success(request, _("Votre jeton d'API est révoqué."))
            return redirect("api_token")
        token = services.api_token_rotate(user=request.user)  # type: ignore[arg-type]
    has_token = services.api_token_exists(user=request.user)  # type: ignore[arg-type]
    return render(request, "accounts/api_token.html", {"token": token, "has_token": has_token})
