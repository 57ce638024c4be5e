"""`restore FOLDER [--force]`: a backup made by `backup` into the configured database and
MEDIA_ROOT (`make restore BACKUP=FOLDER [FORCE=1]`). Without --force, refuses a database that has
tables or a media folder that has files."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from perspectives.core.backup import backup_restore
from perspectives.core.exceptions import ApplicationError


class Command(BaseCommand):
    help = "Restaure une sauvegarde (base de données et fichiers déposés)."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("folder", type=Path)
        parser.add_argument("--force", action="store_true", help="remplace une base non vide")
        parser.add_argument("--database", help="au lieu de la base configurée")
        parser.add_argument("--media-root", type=Path, help="au lieu de MEDIA_ROOT")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            manifest = backup_restore(
                folder=options["folder"],
                force=options["force"],
                database=options["database"],
                media_root=options["media_root"],
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        self.stdout.write(
            f"Restauré : base du {manifest['created_at']}, {manifest['media_files']} fichiers."
        )
