"""The project's URLs and handlers, plus views that fail on purpose (error page tests)."""

from __future__ import annotations

from django.core.exceptions import BadRequest, PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.urls import path

from perspectives.urls import (
    handler400,
    handler403,
    handler404,
    handler500,
)
from perspectives.urls import urlpatterns as project_urlpatterns

SECRET = "s3cret-detail-in-the-exception"


def _bad(request: HttpRequest) -> HttpResponse:
    raise BadRequest(SECRET)


def _forbidden(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied(SECRET)


def _boom(request: HttpRequest) -> HttpResponse:
    raise RuntimeError(SECRET)


urlpatterns = [
    path("failing/400/", _bad),
    path("failing/403/", _forbidden),
    path("failing/500/", _boom),
    path("api/v1/failing/500/", _boom),
    *project_urlpatterns,
]

__all__ = ["handler400", "handler403", "handler404", "handler500", "urlpatterns"]
