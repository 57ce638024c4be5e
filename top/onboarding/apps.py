from __future__ import annotations

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OnboardingConfig(AppConfig):
    """A cooperative's first day: its creation with every default it needs, the set-up
    checklist and its settings pages, imports and exports, personal data. It composes the
    domain apps' services, so it sits above them (the demo and dashboards may call it)."""

    name = "top.onboarding"
    label = "onboarding"
    verbose_name = _("Mise en route")
