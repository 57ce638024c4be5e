"""`fec_import --cooperative <slug> <path> [--dry-run] [--activity CODE]`: load a FEC produced by
other software, all or nothing; exit status 0 only when it was (or would be) imported."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from accounting.fec_import import fec_import
from accounting.management.commands._common import cooperative_from
from entrepreneurs.models import Activity
from perspectives.tenancy.context import cooperative_context


class Command(BaseCommand):
    help = (
        "Importe un FEC (historique d'un autre logiciel), tout ou rien ; --dry-run pour un essai."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("path")
        parser.add_argument("--cooperative", dest="cooperative_opt", required=True)
        parser.add_argument("--dry-run", action="store_true")
        parser.add_argument(
            "--activity",
            help="Code analytique de l'activité des écritures sans section (sinon la structure).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        cooperative = cooperative_from(options)
        path = Path(options["path"])
        if not path.is_file():
            raise CommandError(f"Fichier introuvable : {path}")
        with cooperative_context(cooperative.pk):
            activity = None
            if options["activity"]:
                activity = Activity.objects.filter(analytic_code=options["activity"]).first()
                if activity is None:
                    raise CommandError(f"Activité {options['activity']} inconnue.")
            report = fec_import(
                path.read_bytes(),
                filename=path.name,
                dry_run=options["dry_run"],
                default_activity=activity,
            )
        if not report.ok:
            for problem in report.problems:
                self.stderr.write(str(problem))
            self.stderr.write(
                f"{path.name} : rien n'a été importé ({len(report.problems)} anomalie(s))."
            )
            sys.exit(1)
        verb = "seraient importées" if report.dry_run else "importées"
        self.stdout.write(
            f"{path.name} : {report.entries} écritures ({report.lines} lignes) {verb}, "
            f"{report.already_imported} déjà présentes ; créés : "
            f"{len(report.journals)} journaux, {len(report.accounts)} comptes, "
            f"{len(report.third_parties)} tiers."
        )
