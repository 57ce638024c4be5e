from __future__ import annotations

from django.urls import URLPattern, URLResolver

# Pages, mounted under /c/<cooperative_slug>/.
urlpatterns: list[URLPattern | URLResolver] = []

# API, mounted under /api/v1/c/<cooperative_slug>/.
api_urlpatterns: list[URLPattern | URLResolver] = []
