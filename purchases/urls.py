"""Pages under /c/<slug>/purchases/ and API under /api/v1/c/<slug>/purchases/."""

from __future__ import annotations

from django.urls import URLPattern, URLResolver

urlpatterns: list[URLPattern | URLResolver] = []
api_urlpatterns: list[URLPattern | URLResolver] = []
