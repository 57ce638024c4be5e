from __future__ import annotations

from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    verbose_name = "Gouvernance"
    name = "governance"
