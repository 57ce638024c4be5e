from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_legal_parameters(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The legal parameters are reference data every payslip needs: load them whenever the
    table is empty after `migrate` or a `flush` (which also sends post_migrate)."""
    from payroll.models import LegalParameter
    from payroll.services import legal_parameters_load

    if not LegalParameter.objects.using(using).exists():
        legal_parameters_load()


class PayrollConfig(AppConfig):
    verbose_name = "Paie"
    name = "payroll"

    def ready(self) -> None:
        post_migrate.connect(
            _ensure_legal_parameters, sender=self, dispatch_uid="payroll_parameters"
        )
