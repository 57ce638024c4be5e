"""`backup [--output-dir DIR]`: the database (pg_dump, custom format) and the media files, in
`<BACKUP_DIR>/<UTC timestamp>/` with a manifest (`make backup`)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from perspectives.core.backup import backup_create
from perspectives.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Sauvegarde la base de données et les fichiers déposés, avec un manifeste."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--output-dir", type=Path, help="au lieu de BACKUP_DIR")
        parser.add_argument("--database", help="au lieu de la base configurée")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            folder = backup_create(output_dir=options["output_dir"], database=options["database"])
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(str(folder))
