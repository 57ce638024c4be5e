from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    """Dashboards read every domain app through its selectors, so they sit beside the composition
    root rather than inside a domain app (nothing imports them back)."""

    name = "top.dashboards"
    label = "dashboards"
    verbose_name = _("Tableaux de bord")
