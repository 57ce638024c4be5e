"""Database functions and triggers kept as SQL files, one per object.

Layout, per app:

- ``<app>/sql/<object>.sql``: the current definition of one function or trigger (what a reader
  opens; ``CREATE OR REPLACE``);
- ``<app>/migrations/sql/<object>.<migration number>.sql``: the frozen copy a migration installed.
  A migration that changes an object copies the current file to a new frozen version and loads
  it with :class:`RunSQLFile`; released frozen files never change (``SHA256SUMS`` beside them,
  checked by the tests), and the newest frozen copy of each object equals its current file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

from django.db import migrations

FROZEN_DIR = "sql"
CHECKSUMS = "SHA256SUMS"


def frozen_path(migration_file: str, name: str) -> Path:
    """The frozen copy ``name`` beside the migration module ``migration_file`` (its __file__)."""
    return Path(migration_file).resolve().parent / FROZEN_DIR / name


def frozen_sql(migration_file: str, name: str) -> str:
    return frozen_path(migration_file, name).read_text(encoding="utf-8")


def RunSQLFile(migration_file: str, forward: str, reverse: str | None = None) -> migrations.RunSQL:
    """A RunSQL operation whose statements are frozen files beside the migration."""
    return migrations.RunSQL(
        frozen_sql(migration_file, forward),
        reverse_sql=frozen_sql(migration_file, reverse) if reverse else migrations.RunSQL.noop,
    )


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
