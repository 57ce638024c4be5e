"""Database functions and triggers kept as SQL files, one per object.

Layout, per app (``<object>`` is a function's name, or ``<table>.<trigger>`` for a trigger):

- ``<app>/sql/<object>.sql``: the current definition of one function or trigger, after a comment
  saying why it exists: what a reader opens.
- ``<app>/migrations/sql/<object>.<NNNN>.sql``: the copy migration NNNN installed, frozen. The
  migration loads it with :func:`RunSQLFile`; released frozen files never change (``SHA256SUMS``
  beside them, checked by the tests), and the newest frozen copy of each object states the same
  SQL as its current file.
- ``<app>/migrations/sql/<object>.<NNNN>.reverse.sql``: what unapplying migration NNNN installs
  again, when no frozen copy says it as it must be run (an earlier ``CREATE FUNCTION`` becomes a
  ``CREATE OR REPLACE``).

A migration never imports another migration and never patches SQL text: a new version of an
object is a new frozen file. The tests compare the functions and triggers installed in the test
database (``pg_get_functiondef``, ``pg_get_triggerdef``) with the current files, both ways
(:func:`installed_definitions`, :func:`definitions_from_files`).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlparse
from django.apps import apps
from django.conf import settings
from django.db import migrations
from psycopg import errors, sql

FROZEN_DIR = "sql"
CURRENT_DIR = "sql"
CHECKSUMS = "SHA256SUMS"
FROZEN_NAME = re.compile(
    r"^(?P<object>[a-z0-9_]+(?:\.[a-z0-9_]+)?)\.(?P<number>\d{4})(?P<reverse>\.reverse)?\.sql$"
)
CURRENT_NAME = re.compile(r"^(?P<object>[a-z0-9_]+(?:\.[a-z0-9_]+)?)\.sql$")
# The suffix of an installed function renamed aside while the current files run.
SET_ASIDE = "__installed"

_loaded: set[Path] = set()


def frozen_path(migration_file: str, name: str) -> Path:
    """The frozen copy ``name`` beside the migration module ``migration_file`` (its __file__)."""
    return Path(migration_file).resolve().parent / FROZEN_DIR / name


def frozen_sql(migration_file: str, name: str) -> str:
    path = frozen_path(migration_file, name)
    _loaded.add(path)
    return path.read_text(encoding="utf-8")


def RunSQLFile(
    migration_file: str,
    forward: str,
    reverse: str | None = None,
    *,
    reverse_sql: str | None = None,
) -> migrations.RunSQL:
    """A RunSQL operation running the frozen file ``forward`` beside the migration; unapplied, it
    runs the frozen file ``reverse``, or the statements ``reverse_sql`` (a DROP), or nothing."""
    if reverse and reverse_sql:
        raise ValueError("reverse or reverse_sql, not both")
    if reverse:
        reverse_sql = frozen_sql(migration_file, reverse)
    return migrations.RunSQL(
        frozen_sql(migration_file, forward), reverse_sql=reverse_sql or migrations.RunSQL.noop
    )


def loaded_files() -> frozenset[Path]:
    """The frozen files the migrations imported so far have loaded."""
    return frozenset(_loaded)


def checksum(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def read_checksums(directory: Path) -> dict[str, str]:
    """``SHA256SUMS`` of a frozen directory (``sha256sum`` format) as {file name: hex digest}."""
    path = directory / CHECKSUMS
    if not path.exists():
        return {}
    sums = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.lstrip("*")] = digest
    return sums


def statements(text: str) -> list[str]:
    """The SQL statements of a file, without the comments and blank lines before each."""
    found = []
    for statement in sqlparse.split(text):
        lines = statement.split("\n")
        while lines and (not lines[0].strip() or lines[0].lstrip().startswith("--")):
            lines.pop(0)
        if body := "\n".join(lines).strip():
            found.append(body)
    return found


# --- Files of the project's apps -------------------------------------------------------------


@dataclass(frozen=True)
class FrozenFile:
    path: Path
    object: str
    number: str
    reverse: bool


def app_directories() -> list[Path]:
    """The project's apps that keep database objects in files."""
    root = Path(settings.BASE_DIR).resolve()
    found = []
    for config in apps.get_app_configs():
        path = Path(config.path).resolve()
        if path.is_relative_to(root) and (
            (path / CURRENT_DIR).is_dir() or (path / "migrations" / FROZEN_DIR).is_dir()
        ):
            found.append(path)
    return sorted(found)


def current_files(app_directory: Path) -> dict[str, Path]:
    """{object: its current file} of an app."""
    files = {}
    for path in sorted((app_directory / CURRENT_DIR).glob("*.sql")):
        match = CURRENT_NAME.match(path.name)
        if match is None:
            raise ValueError(f"{path}: not <function>.sql nor <table>.<trigger>.sql")
        files[match["object"]] = path
    return files


def frozen_files(app_directory: Path) -> list[FrozenFile]:
    """The frozen files of an app, in the order of their migrations."""
    files = []
    for path in sorted((app_directory / "migrations" / FROZEN_DIR).glob("*.sql")):
        match = FROZEN_NAME.match(path.name)
        if match is None:
            raise ValueError(f"{path}: not <object>.<NNNN>.sql nor <object>.<NNNN>.reverse.sql")
        files.append(
            FrozenFile(path, match["object"], match["number"], match["reverse"] is not None)
        )
    return sorted(files, key=lambda f: (f.number, f.path.name))


def newest_frozen(app_directory: Path) -> dict[str, FrozenFile]:
    """{object: the frozen copy of its latest migration}."""
    return {f.object: f for f in frozen_files(app_directory) if not f.reverse}


# --- What a database holds -------------------------------------------------------------------

_FUNCTIONS = """
SELECT p.proname, pg_get_functiondef(p.oid)
  FROM pg_proc p
  JOIN pg_namespace n ON n.oid = p.pronamespace
 WHERE n.nspname = current_schema() AND p.prokind IN ('f', 'p')
   AND NOT EXISTS (SELECT 1 FROM pg_depend d
                    WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                      AND d.deptype = 'e')
 ORDER BY 1
"""
_TRIGGERS = """
SELECT c.relname || '.' || t.tgname, pg_get_triggerdef(t.oid),
       CASE t.tgenabled WHEN 'D' THEN 'disabled' ELSE 'enabled' END
  FROM pg_trigger t
  JOIN pg_class c ON c.oid = t.tgrelid
  JOIN pg_namespace n ON n.oid = c.relnamespace
 WHERE n.nspname = current_schema() AND NOT t.tgisinternal
 ORDER BY 1
"""


def installed_definitions(cursor: Any) -> dict[str, str]:
    """{object: definition} of every function (outside extensions) and trigger of the schema,
    as PostgreSQL prints them back. ``cursor`` is a psycopg cursor."""
    definitions: dict[str, str] = {}
    cursor.execute(_FUNCTIONS)
    for name, definition in cursor.fetchall():
        if name in definitions:
            raise ValueError(f"{name}: one function per name (overloads are not told apart)")
        definitions[name] = definition
    cursor.execute(_TRIGGERS)
    for name, definition, state in cursor.fetchall():
        definitions[name] = f"{definition} -- {state}"
    return {k: v for k, v in definitions.items() if SET_ASIDE not in k}


def definitions_from_files(cursor: Any, files: Iterable[Path]) -> dict[str, str]:
    """The definitions the current ``files`` give once run over the installed objects.

    Runs inside the caller's transaction, which the caller rolls back: functions first, then
    triggers, each file as it is; where a file creates an object that exists (``CREATE
    FUNCTION``, ``CREATE TRIGGER``), the installed one is set aside first. Needs the role that
    owns the objects."""
    ordered = sorted(files, key=lambda p: ("." in p.name.removesuffix(".sql"), p.name))
    for path in ordered:
        text = path.read_text(encoding="utf-8")
        cursor.execute("SAVEPOINT sqlfiles")
        try:
            cursor.execute(text)
        except (errors.DuplicateFunction, errors.DuplicateObject):
            cursor.execute("ROLLBACK TO SAVEPOINT sqlfiles")
            _set_aside(cursor, path.name.removesuffix(".sql"))
            cursor.execute(text)
        cursor.execute("RELEASE SAVEPOINT sqlfiles")
    return installed_definitions(cursor)


def _set_aside(cursor: Any, name: str) -> None:
    """Make way for the file creating ``name``: a trigger is dropped (nothing depends on it), a
    function renamed (the triggers still using it are created again by their own files)."""
    if "." in name:
        table, trigger = name.split(".", 1)
        cursor.execute(
            sql.SQL("DROP TRIGGER {} ON {}").format(sql.Identifier(trigger), sql.Identifier(table))
        )
        return
    cursor.execute(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "WHERE p.proname = %s AND p.pronamespace = current_schema()::regnamespace",
        [name],
    )
    (signature,) = cursor.fetchone()
    cursor.execute(
        sql.SQL("ALTER FUNCTION {} RENAME TO {}").format(
            sql.SQL(signature), sql.Identifier(name + SET_ASIDE)
        )
    )
