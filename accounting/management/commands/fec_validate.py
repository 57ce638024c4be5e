"""`fec_validate <path>`: check a FEC file against A47 A-1; exit status 0 only if it conforms."""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounting.fec import fec_validate


class Command(BaseCommand):
    help = "Contrôle un FEC selon l'article A47 A-1 du LPF ; code de sortie 0 s'il est conforme."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument(
            "--year-start", type=dt.date.fromisoformat, help="Début de l'exercice (AAAA-MM-JJ)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        problems = fec_validate(
            path.read_bytes(), filename=path.name, year_start=options["year_start"]
        )
        if not problems:
            self.stdout.write(f"{path.name} : conforme.")
            return
        for problem in problems:
            self.stderr.write(str(problem))
        self.stderr.write(f"{path.name} : {len(problems)} anomalie(s).")
        sys.exit(1)
