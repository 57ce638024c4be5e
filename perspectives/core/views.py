"""Friendly error pages, in JSON for the API."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

_MESSAGES = {
    400: lambda: _("La requête n'a pas pu être traitée. Vérifiez les informations envoyées."),
    403: lambda: _("Vous n'avez pas accès à cette page."),
    404: lambda: _("Cette page n'existe pas."),
    500: lambda: _("Une erreur est survenue de notre côté. Rien n'a été enregistré ; réessayez."),
}


def _error(request: HttpRequest, status: int) -> HttpResponse:
    message = _MESSAGES[status]()
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    body: str
    try:
        body = render_to_string(f"errors/{status}.html", {"message": message}, request=request)
    except Exception:
        body = message
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)
