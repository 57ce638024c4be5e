"""Friendly error pages, in JSON for the API.

They render in every mode (DEBUG or not) and say nothing of what went wrong inside: no
exception text, no URL patterns, no settings. The server error page needs neither the database
nor the session (the error may come from there): it is a page of its own, not `base.html`.
"""

from __future__ import annotations

from collections.abc import Callable

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

# status: (page title, what happened, what to do next)
_PAGES: dict[int, Callable[[], tuple[str, str, str]]] = {
    400: lambda: (
        _("Demande incomplète"),
        _("La requête n'a pas pu être traitée. Vérifiez les informations envoyées."),
        _("Revenez à la page précédente, corrigez ce qui doit l'être et envoyez à nouveau."),
    ),
    403: lambda: (
        _("Accès réservé"),
        _("Vous n'avez pas accès à cette page."),
        _(
            "Si vous pensez en avoir besoin, demandez-le à la personne qui gère les membres de "
            "votre coopérative."
        ),
    ),
    404: lambda: (
        _("Page introuvable"),
        _("Cette page n'existe pas."),
        _(
            "Le lien est peut-être ancien, ou le document a été retiré. Repartez de l'accueil ou "
            "du menu."
        ),
    ),
    500: lambda: (
        _("Erreur de notre côté"),
        _("Une erreur est survenue de notre côté. Rien n'a été enregistré ; réessayez."),
        _("Si l'erreur revient, prévenez l'équipe de votre coopérative."),
    ),
}


def _error(request: HttpRequest, status: int, *, message: str | None = None) -> HttpResponse:
    title, default_message, next_step = _PAGES[status]()
    message = message or default_message
    if request.path.startswith("/api/"):
        return JsonResponse({"detail": message}, status=status)
    context = {"status": status, "title": title, "message": message, "next_step": next_step}
    body: str
    try:
        # The server error page runs no context processor: no database, no session.
        body = render_to_string(
            f"errors/{status}.html", context, request=None if status == 500 else request
        )
    except Exception:
        body = message
    return HttpResponse(body, status=status)


def bad_request(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 400)


def permission_denied(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 403)


def csrf_failure(request: HttpRequest, reason: str = "") -> HttpResponse:
    """A form sent from a page opened too long ago (or without cookies): say how to get on,
    not why the check failed."""
    return _error(
        request,
        403,
        message=_(
            "Ce formulaire a expiré. Rechargez la page, puis envoyez-le à nouveau ; vérifiez "
            "aussi que votre navigateur accepte les cookies de ce site."
        ),
    )


def page_not_found(request: HttpRequest, exception: Exception | None = None) -> HttpResponse:
    return _error(request, 404)


def server_error(request: HttpRequest) -> HttpResponse:
    return _error(request, 500)


class FriendlyErrorsMiddleware:
    """A view that finds nothing (`Http404`: a missing document, another cooperative's object)
    or refuses (`PermissionDenied`) answers with the friendly page in every mode: with DEBUG on,
    Django would show its technical page instead, which tells a tester nothing they can act on.
    Server errors keep Django's debug page with DEBUG on: that one is for developers."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if isinstance(exception, Http404):
            return page_not_found(request, exception)
        if isinstance(exception, PermissionDenied):
            return permission_denied(request, exception)
        return None
