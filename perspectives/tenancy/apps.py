from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _grant_after_migrate(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    from perspectives.tenancy.db import grant_app_role

    grant_app_role(using)


class TenancyConfig(AppConfig):
    name = "perspectives.tenancy"
    label = "tenancy"
    verbose_name = _("Coopératives")

    def ready(self) -> None:
        from perspectives.tenancy import checks  # noqa: F401  (registers the system checks)

        # Once per migrate run: this app's signal is sent after every migration has been applied.
        post_migrate.connect(_grant_after_migrate, sender=self, dispatch_uid="tenancy_grant")
