"""`data_export --cooperative <slug> --kind <kind> --format csv`: the records in the import
template's columns (UTF-8, dates as YYYY-MM-DD), on standard output."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from top.onboarding.imports.kinds import ALL_KINDS
from top.onboarding.imports.service import csv_text, data_export


class Command(BaseCommand):
    help = "Exporte les fiches d'une coopérative dans les colonnes du modèle d'import."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cooperative", required=True)
        parser.add_argument("--kind", required=True, choices=ALL_KINDS)
        parser.add_argument("--format", default="csv", choices=["csv"])

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = Cooperative.objects.filter(slug=options["cooperative"]).first()
        if cooperative is None:
            raise CommandError(f"Coopérative « {options['cooperative']} » inconnue.")
        try:
            with cooperative_context(cooperative.pk):
                headers, rows = data_export(kind=options["kind"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(csv_text(headers, rows), ending="")
