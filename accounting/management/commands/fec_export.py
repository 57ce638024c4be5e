"""`fec_export <slug> <year> [--output PATH]`: write a fiscal year's FEC and its description."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounting.fec import fec_write
from accounting.management.commands._common import (
    add_cooperative_and_year,
    cooperative_from,
    fiscal_year_from,
)
from perspectives.tenancy.context import cooperative_context


class Command(BaseCommand):
    help = "Exporte le fichier des écritures comptables (FEC, art. A47 A-1 du LPF) d'un exercice."

    def add_arguments(self, parser: Any) -> None:
        add_cooperative_and_year(parser)
        parser.add_argument(
            "--output",
            default=".",
            help="Fichier ou dossier de destination (par défaut : le dossier courant, avec le "
            "nom réglementaire SirenFECAAAAMMJJ.txt).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = cooperative_from(options)
        output = Path(options["output"])
        if not output.is_dir() and not output.parent.is_dir():
            raise CommandError(f"Dossier introuvable : {output.parent}")
        with cooperative_context(cooperative.pk):
            year = fiscal_year_from(options)
            result = fec_write(cooperative, year, output)
        self.stdout.write(
            f"{result.path} : {result.lines} lignes, SHA-256 {result.sha256}\n"
            f"{result.description_path} : description"
        )
