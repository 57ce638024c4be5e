from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db.models.signals import post_migrate


def _ensure_legal_parameters(sender: AppConfig, using: str = "default", **kwargs: Any) -> None:
    """The legal parameters are reference data every payslip needs: after `migrate` or a `flush`
    (which also sends post_migrate) the table gets the files' values — loaded when empty, and
    upserted when a file changed since (a new dated value, a corrected reference, a field the
    engine now reads such as each contribution's collecting body). Nothing is written when the
    table already matches."""
    from payroll.services import legal_parameters_load

    legal_parameters_load()


class PayrollConfig(AppConfig):
    verbose_name = "Paie"
    name = "payroll"

    def ready(self) -> None:
        post_migrate.connect(
            _ensure_legal_parameters, sender=self, dispatch_uid="payroll_parameters"
        )
