"""`manage.py payroll_parameters_load`: upsert payroll/parameters/*.toml into the table."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError

from payroll.services import legal_parameters_load
from perspectives.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Charge les paramètres légaux de paie datés (payroll/parameters/*.toml)."

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            report = legal_parameters_load()
        except ApplicationError as exc:
            raise CommandError(exc.message) from exc
        self.stdout.write(
            f"Paramètres de paie : {report.created} créés, {report.updated} mis à jour, "
            f"{report.unchanged} inchangés."
        )
