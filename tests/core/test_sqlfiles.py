"""Database functions and triggers: one current file per object, frozen copies that never change
loaded by the migrations, and databases that hold exactly what the files say."""

from __future__ import annotations

import difflib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
from django.conf import settings
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from perspectives.core import sqlfiles
from tests.database import owner_connection

APPS = sqlfiles.app_directories()

# The last migration of each app when the functions and triggers moved to files: databases
# created before then stand there, and must migrate forward to what the files say.
RELEASED_STATE = [
    ("tenancy", "0001_initial"),
    ("accounts", "0001_initial"),
    ("entrepreneurs", "0003_alert_notice"),
    ("accounting", "0011_ledger_lookups_without_statistics"),
    ("payroll", "0004_pay_split_proposals_absences"),
    ("governance", "0013_assembly_status_label"),
    ("dashboards", "0002_reserve_target"),
]


def _current_files() -> list[Path]:
    return [path for app in APPS for path in sqlfiles.current_files(app).values()]


def _drift(conn: Any) -> list[str]:
    """What the database ``conn`` holds that the current files do not say, and the other way
    round (the files are run in a transaction rolled back afterwards)."""
    files = _current_files()
    with conn.cursor() as cursor:
        installed = sqlfiles.installed_definitions(cursor)
        expected = sqlfiles.definitions_from_files(cursor, files)
    conn.rollback()
    named = {path.name.removesuffix(".sql") for path in files}
    problems = [
        f"{name}: in the database, but no <app>/sql/{name}.sql"
        for name in sorted(set(installed) - named)
    ]
    problems += [
        f"{name}: a file, but no migration installs it" for name in sorted(named - set(installed))
    ]
    for name, definition in sorted(installed.items()):
        if name in expected and expected[name] != definition:
            diff = difflib.unified_diff(
                definition.splitlines(),
                expected[name].splitlines(),
                "installed",
                "current file",
                lineterm="",
            )
            problems.append(f"{name} differs from its file:\n" + "\n".join(diff))
    return problems


def test_the_apps_with_database_objects_are_found() -> None:
    names = {app.name for app in APPS}
    assert {"accounting", "entrepreneurs", "governance", "payroll"} <= names
    (accounting,) = [app for app in APPS if app.name == "accounting"]
    assert len(sqlfiles.current_files(accounting)) == 37
    assert len(sqlfiles.frozen_files(accounting)) == 68


def test_released_frozen_files_never_change() -> None:
    for app in APPS:
        directory = app / "migrations" / sqlfiles.FROZEN_DIR
        sums = sqlfiles.read_checksums(directory)
        assert sorted(sums) == sorted(p.name for p in directory.glob("*.sql")), (
            f"{directory / sqlfiles.CHECKSUMS} lists every frozen file, and only them"
        )
        changed = [
            name for name, digest in sums.items() if sqlfiles.checksum(directory / name) != digest
        ]
        assert changed == [], (
            "a released frozen file never changes: put the new version in a new file, "
            "loaded by a new migration"
        )


def test_every_frozen_file_is_loaded_by_a_migration() -> None:
    MigrationLoader(None, ignore_no_migrations=True)  # imports every migration
    loaded = sqlfiles.loaded_files()
    unused = [f.path for app in APPS for f in sqlfiles.frozen_files(app) if f.path not in loaded]
    assert unused == []


def test_the_newest_frozen_copy_of_each_object_states_its_current_file() -> None:
    for app in APPS:
        current = sqlfiles.current_files(app)
        newest = sqlfiles.newest_frozen(app)
        assert sorted(current) == sorted(newest), app
        for name, path in current.items():
            # The comments before the statements may say more than when the copy was frozen.
            assert sqlfiles.statements(path.read_text(encoding="utf-8")) == sqlfiles.statements(
                newest[name].path.read_text(encoding="utf-8")
            ), f"{path} differs from {newest[name].path}: freeze it for a new migration"


def test_file_names_tell_functions_from_triggers() -> None:
    for path in _current_files():
        text = path.read_text(encoding="utf-8")
        if "." in path.stem:
            table, trigger = path.stem.split(".")
            assert f"TRIGGER {trigger}" in text, path
            assert f"ON {table}" in text, path
        else:
            assert f"FUNCTION {path.stem}(" in text, path


@pytest.fixture
def test_database(django_db_setup: None, django_db_blocker: Any) -> Iterator[str]:
    with django_db_blocker.unblock():
        yield connection.settings_dict["NAME"]


def test_the_test_database_holds_what_the_files_say(test_database: str) -> None:
    with owner_connection() as conn:
        assert _drift(conn) == []


def test_a_definition_unlike_its_file_is_drift(test_database: str, tmp_path: Path) -> None:
    (accounting,) = [app for app in APPS if app.name == "accounting"]
    source = sqlfiles.current_files(accounting)["accounting_fail"].read_text(encoding="utf-8")
    changed = tmp_path / "accounting_fail.sql"
    changed.write_text(source.replace("check_violation", "raise_exception"), encoding="utf-8")
    with owner_connection() as conn, conn.cursor() as cursor:
        installed = sqlfiles.installed_definitions(cursor)
        from_file = sqlfiles.definitions_from_files(cursor, [changed])
        cursor.execute("ALTER TABLE accounting_period DISABLE TRIGGER period_guard")
        disabled = sqlfiles.installed_definitions(cursor)
        conn.rollback()
    assert "ERRCODE = 'check_violation'" in installed["accounting_fail"]
    assert "ERRCODE = 'raise_exception'" in from_file["accounting_fail"]
    assert installed["accounting_period.period_guard"].endswith(" -- enabled")
    assert disabled["accounting_period.period_guard"].endswith(" -- disabled")


def _database_url(variable: str, name: str) -> str:
    parts = urlsplit(os.environ[variable])
    return urlunsplit(parts._replace(path=f"/{name}"))


def test_a_database_of_the_previous_release_migrates_to_the_files(test_database: str) -> None:
    """A scratch database migrated, by `manage.py migrate` as a deployment runs it, to where
    the previous release left databases, then to the latest migrations."""
    if "DATABASE_URL" not in os.environ:
        pytest.skip("needs DATABASE_URL (make test sets it)")
    name = f"{test_database}_forward"
    with owner_connection(autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        env = dict(os.environ)
        env["DATABASE_URL"] = _database_url("DATABASE_URL", name)
        env["DATABASE_OWNER_URL"] = _database_url(
            "DATABASE_OWNER_URL" if "DATABASE_OWNER_URL" in os.environ else "DATABASE_URL", name
        )
        # The released state through the executor (as `migrate <app> <migration>` would, but
        # for every app at once: the post_migrate handlers expect every table), then `migrate`.
        script = (
            "from django.core.management import call_command\n"
            "from django.db import connection\n"
            "from django.db.migrations.executor import MigrationExecutor\n"
            "from perspectives.tenancy.db import as_owner\n"
            "with as_owner():\n"
            f"    MigrationExecutor(connection).migrate({RELEASED_STATE!r})\n"
            "call_command('migrate', verbosity=0)\n"
            "call_command('migrate', check_unapplied=True, verbosity=0)\n"
        )
        subprocess.run(  # noqa: S603 - the project's own manage.py
            [sys.executable, str(settings.BASE_DIR / "manage.py"), "shell", "-c", script],
            env=env,
            check=True,
            timeout=600,
        )
        with owner_connection(dbname=name) as conn:
            assert _drift(conn) == []
    finally:
        with owner_connection(autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
