"""A backup restored into a new database holds: the ledger and the governance records verify, the
uploaded files came back; a database that is not empty is never overwritten unasked."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import psycopg
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import override_settings
from psycopg import sql

from entrepreneurs.models import Document, Entrepreneur
from entrepreneurs.services import document_upload
from governance.services import assembly_close, resolution_open, vote_cast
from perspectives.core.backup import _with_database, backup_create, backup_restore
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import build_ledger, post_history
from tests.conftest import World
from tests.governance.conftest import convened_assembly, opened

REPO = Path(__file__).resolve().parents[2]
PDF = b"%PDF-1.4\n%assurance decennale\n"

# pg_dump reads committed data only; it connects as a superuser (make test's server has one).
committed = pytest.mark.django_db(transaction=True)
needs_superuser = pytest.mark.skipif(
    not settings.DATABASE_BACKUP_URL, reason="DATABASE_BACKUP_URL (a superuser) is not set"
)


def _books_votes_and_a_file(world: World) -> Document:
    with cooperative_context(world.coop_a.pk):
        post_history(build_ledger(world.coop_a))
        setup = convened_assembly(associates=3)
        opened(setup)
        resolution = setup.resolutions[0]
        resolution_open(resolution=resolution)
        for entry, choice in zip(setup.entries, ("for", "for", "against"), strict=True):
            vote_cast(resolution=resolution, cast_by=entry, choice=choice)
        assembly_close(assembly=setup.assembly)
        return document_upload(
            entrepreneur=Entrepreneur.objects.get(user=world.alice),
            kind="decennial",
            title="Décennale",
            upload=SimpleUploadedFile("decennale.pdf", PDF),
            uploaded_by=None,
        )


def _manage(database: str, *args: str) -> subprocess.CompletedProcess[str]:
    """A management command run as the application role against `database`."""
    env = {**os.environ, "DATABASE_URL": _with_database(os.environ["DATABASE_URL"], database)}
    return subprocess.run(  # noqa: S603 - this interpreter and manage.py
        [sys.executable, "manage.py", *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def _drop(database: str) -> None:
    url = _with_database(settings.DATABASE_BACKUP_URL, "postgres")
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database))
        )


@committed
@needs_superuser
def test_a_backup_restored_into_a_new_database_verifies_and_has_its_files(
    world: World, tmp_path: Path
) -> None:
    with override_settings(MEDIA_ROOT=str(tmp_path / "uploads")):
        document = _books_votes_and_a_file(world)
        folder = backup_create(output_dir=tmp_path / "backups")
    manifest = json.loads((folder / "manifest.json").read_text())
    assert sorted(path.name for path in folder.iterdir()) == [
        "database.dump",
        "manifest.json",
        "media.tar.gz",
    ]
    assert (manifest["database"], manifest["media_files"]) == (connection.settings_dict["NAME"], 1)
    loader = MigrationLoader(connection)
    leaves = {app: name for app, name in loader.graph.leaf_nodes() if app == "tenancy"}
    assert manifest["migrations"]["tenancy"] == leaves["tenancy"]

    target = f"{connection.settings_dict['NAME']}_restored"
    media = tmp_path / "media"
    try:
        backup_restore(folder=folder, database=target, media_root=media)
        ledger = _manage(target, "ledger_verify", "--cooperative", "coop-a")
        governance = _manage(target, "governance_verify", "--cooperative", "coop-a")
    finally:
        _drop(target)
    assert (ledger.returncode, ledger.stderr) == (0, "")
    assert ledger.stdout.strip() == "coop-a : intègre (6 écritures validées, 1 exercice(s))."
    assert (governance.returncode, governance.stderr) == (0, "")
    assert governance.stdout.strip() == (
        "OK: audit chain, voter rolls, tallies and minutes verified."
    )
    assert (media / document.file.name).read_bytes() == PDF


@committed
@needs_superuser
def test_a_database_that_is_not_empty_is_kept_unless_forced(world: World, tmp_path: Path) -> None:
    _books_votes_and_a_file(world)
    folder = backup_create(output_dir=tmp_path)
    with pytest.raises(ApplicationError, match=r"ne sont pas vides : rien n'a été restauré"):
        backup_restore(folder=folder, media_root=tmp_path / "media")
    with cooperative_context(world.coop_a.pk):
        assert Document.objects.count() == 1
    assert not (tmp_path / "media").exists()


@committed
@needs_superuser
def test_a_damaged_backup_is_refused(world: World, tmp_path: Path) -> None:
    folder = backup_create(output_dir=tmp_path)
    with (folder / "database.dump").open("ab") as dump:
        dump.write(b"x")
    with pytest.raises(ApplicationError, match="ne correspond pas au manifeste"):
        backup_restore(folder=folder, database="never_created", media_root=tmp_path / "m")


def test_the_make_targets_run_the_commands_through_the_devstack() -> None:
    dry = subprocess.run(
        ["make", "-n", "backup", "BACKUP_DIR=/srv/backups"],  # noqa: S607 - make on PATH
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert 'tools.devstack manage backup --output-dir "/srv/backups"' in dry.stdout
    restore = subprocess.run(
        ["make", "-n", "restore", "BACKUP=var/backups/x", "FORCE=1"],  # noqa: S607
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    )
    assert 'tools.devstack manage restore "var/backups/x" --force' in restore.stdout
