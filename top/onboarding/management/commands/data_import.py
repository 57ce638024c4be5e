"""`data_import --cooperative <slug> --kind <kind> --file <path> [--activity <code>] [--dry-run]`"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Cooperative
from top.onboarding.imports.kinds import ALL_KINDS
from top.onboarding.imports.service import ImportResult, data_import


def report_lines(result: ImportResult) -> list[str]:
    lines = [
        f"Import {result.kind}"
        + (" (essai : rien n'est écrit)" if result.dry_run else "")
        + f" : {result.total} ligne(s) lue(s)",
        f"créés : {result.created}",
        f"mis à jour : {result.updated + result.unchanged}"
        + (f" (dont {result.unchanged} sans changement)" if result.unchanged else ""),
        f"refusés : {len(result.refused)}",
    ]
    lines += [f"ligne {line} : {reason}" for line, reason in result.refused]
    if result.ignored_columns:
        lines.append("colonnes ignorées : " + ", ".join(result.ignored_columns))
    if result.refused and not result.dry_run:
        lines.append("Des lignes sont refusées : rien n'a été importé.")
    return lines


class Command(BaseCommand):
    help = (
        "Importe un fichier CSV ou XLSX dans une coopérative ; s'il refuse une ligne, "
        "n'importe rien et sort en erreur."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--cooperative", required=True)
        parser.add_argument("--kind", required=True, choices=ALL_KINDS)
        parser.add_argument("--file", required=True)
        parser.add_argument("--activity", default="")
        parser.add_argument("--dry-run", action="store_true")

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = Cooperative.objects.filter(slug=options["cooperative"]).first()
        if cooperative is None:
            raise CommandError(f"Coopérative « {options['cooperative']} » inconnue.")
        path = Path(options["file"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        try:
            with cooperative_context(cooperative.pk):
                result = data_import(
                    kind=options["kind"],
                    data=path.read_bytes(),
                    filename=path.name,
                    dry_run=options["dry_run"],
                    activity_code=options["activity"],
                )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        for line in report_lines(result):
            self.stdout.write(line)
        if result.refused:
            raise CommandError(f"{len(result.refused)} ligne(s) refusée(s).")
