from __future__ import annotations

from django.urls import path

from perspectives.onboarding import views

# Platform pages, outside any cooperative.
urlpatterns = [
    path(
        "platform/cooperatives/",
        views.platform_cooperative_list,
        name="platform_cooperative_list",
    ),
]

# Mounted under /c/<cooperative_slug>/.
tenant_urlpatterns: list = []  # type: ignore[type-arg]

# Mounted under /api/v1/c/<cooperative_slug>/.
tenant_api_urlpatterns: list = []  # type: ignore[type-arg]
