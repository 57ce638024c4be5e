from __future__ import annotations

from django.urls import URLPattern, URLResolver, path

from bank import views

# Pages, mounted under /c/<cooperative_slug>/bank/.
urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.bank_home, name="bank_home"),
]

# API, mounted under /api/v1/c/<cooperative_slug>/bank/.
api_urlpatterns: list[URLPattern | URLResolver] = []
