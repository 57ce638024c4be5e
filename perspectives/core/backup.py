"""Backups: the database in pg_dump's custom format and the media files, in one folder with a
manifest; and their restoration into an empty database (or, when asked, over a full one).

Row-level security hides every tenant row from the application and owner roles, so both
operations connect as a PostgreSQL superuser: DATABASE_BACKUP_URL (`make backup`/`make restore`
set it to the embedded server's superuser). pg_dump and pg_restore must be of the server's major
version: PG_BIN_DIR (the embedded server's binaries under `make`), then the usual places."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
import shutil
import subprocess
import tarfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import psycopg
from django.conf import settings
from psycopg import sql

from perspectives.core.exceptions import ApplicationError

MANIFEST = "manifest.json"
DATABASE_FILE = "database.dump"
MEDIA_FILE = "media.tar.gz"
FORMAT_VERSION = 1


@dataclass(frozen=True)
class Server:
    url: str  # a superuser's libpq URI to the configured database
    database: str
    major: int


def _with_database(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/" + quote(database)))


def server_for(database: str | None = None) -> Server:
    url = settings.DATABASE_BACKUP_URL
    if not url:
        raise ApplicationError(
            "DATABASE_BACKUP_URL n'est pas défini : une sauvegarde se fait avec un rôle "
            "superutilisateur de PostgreSQL (la sécurité par ligne cache toutes les lignes aux "
            "autres rôles). `make backup` le définit pour la base intégrée."
        )
    name = database or str(settings.DATABASES["default"]["NAME"])
    url = _with_database(url, name)
    with psycopg.connect(_with_database(url, "postgres"), autocommit=True) as conn:
        row = conn.execute("SHOW server_version_num").fetchone()
    return Server(url=url, database=name, major=int(row[0] if row else 0) // 10000)


def _major(binary: Path) -> int | None:
    try:
        out = subprocess.run(  # noqa: S603 - a PostgreSQL client binary, fixed arguments
            [str(binary), "--version"], capture_output=True, text=True, check=True
        ).stdout
    except (OSError, subprocess.CalledProcessError):
        return None
    match = re.search(r"(\d+)(?:\.\d+)?", out)
    return int(match.group(1)) if match else None


def pg_tool(name: str, major: int) -> Path:
    """`pg_dump` or `pg_restore` of the server's major version."""
    folders = [Path(settings.PG_BIN_DIR)] if settings.PG_BIN_DIR else []
    folders.append(Path(f"/usr/lib/postgresql/{major}/bin"))
    folders += [Path(p) for p in os.environ.get("PATH", "").split(os.pathsep) if p]
    seen: list[str] = []
    for folder in folders:
        binary = folder / name
        if binary.is_file():
            found = _major(binary)
            if found == major:
                return binary
            seen.append(f"{binary} ({found})")
    raise ApplicationError(
        f"Aucun {name} de PostgreSQL {major} (la version du serveur) n'a été trouvé"
        + (f" ; vus : {', '.join(seen)}" if seen else "")
        + ". Indiquez son dossier dans PG_BIN_DIR."
    )


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _run(cmd: list[str], what: str) -> None:
    result = subprocess.run(cmd, capture_output=True, text=True, check=False)  # noqa: S603
    if result.returncode != 0:
        raise ApplicationError(f"{what} a échoué : {result.stderr.strip()[-2000:]}")


def _roles(server: Server) -> dict[str, Any]:
    with psycopg.connect(server.url) as conn:
        owner = conn.execute(
            "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = current_database()"
        ).fetchone()
        migrations = conn.execute(
            "SELECT app, max(name) FROM django_migrations GROUP BY app ORDER BY app"
        ).fetchall()
    return {
        "database_owner": owner[0] if owner else "",
        "application_role": settings.DATABASE_APP_ROLE,
        "migrations": dict(migrations),
    }


def backup_create(*, output_dir: Path | None = None, database: str | None = None) -> Path:
    """Write `<BACKUP_DIR>/<UTC timestamp>/` with the dump, the media archive and the manifest;
    return that folder."""
    server = server_for(database)
    pg_dump = pg_tool("pg_dump", server.major)
    now = dt.datetime.now(dt.UTC)
    folder = Path(output_dir or settings.BACKUP_DIR) / now.strftime("%Y%m%dT%H%M%SZ")
    folder.mkdir(parents=True, exist_ok=False)
    dump = folder / DATABASE_FILE
    _run(
        [str(pg_dump), "--format=custom", "--no-password", f"--file={dump}", server.url],
        "pg_dump",
    )
    media_root = Path(settings.MEDIA_ROOT)
    media_files = 0
    with tarfile.open(folder / MEDIA_FILE, "w:gz") as archive:
        if media_root.is_dir():
            for path in sorted(media_root.rglob("*")):
                if path.is_file():
                    archive.add(path, arcname=str(path.relative_to(media_root)))
                    media_files += 1
    manifest = {
        "format": FORMAT_VERSION,
        "created_at": now.isoformat(),
        "database": server.database,
        "server_major_version": server.major,
        "pg_dump": str(pg_dump),
        "media_files": media_files,
        **_roles(server),
        "files": {
            name: {"sha256": _sha256(folder / name), "size": (folder / name).stat().st_size}
            for name in (DATABASE_FILE, MEDIA_FILE)
        },
    }
    (folder / MANIFEST).write_text(json.dumps(manifest, indent=2, sort_keys=True) + "\n")
    return folder


def _manifest(folder: Path) -> dict[str, Any]:
    try:
        manifest: dict[str, Any] = json.loads((folder / MANIFEST).read_text())
    except (OSError, ValueError) as error:
        raise ApplicationError(f"{folder} n'est pas une sauvegarde lisible : {error}") from error
    for name, expected in manifest.get("files", {}).items():
        path = folder / name
        if not path.is_file() or _sha256(path) != expected["sha256"]:
            raise ApplicationError(f"{path} manque ou ne correspond pas au manifeste.")
    return manifest


def _database_state(server: Server) -> tuple[bool, int]:
    """(exists, number of tables in its public schema)."""
    with psycopg.connect(_with_database(server.url, "postgres"), autocommit=True) as conn:
        exists = conn.execute(
            "SELECT 1 FROM pg_database WHERE datname = %s", [server.database]
        ).fetchone()
    if not exists:
        return False, 0
    with psycopg.connect(server.url) as conn:
        row = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    return True, int(row[0]) if row else 0


def _missing_roles(server: Server, roles: list[str]) -> list[str]:
    with psycopg.connect(_with_database(server.url, "postgres"), autocommit=True) as conn:
        present = {
            row[0]
            for row in conn.execute(
                "SELECT rolname FROM pg_roles WHERE rolname = ANY(%s)", [roles]
            ).fetchall()
        }
    return [role for role in roles if role not in present]


def backup_restore(
    *,
    folder: Path,
    force: bool = False,
    database: str | None = None,
    media_root: Path | None = None,
) -> dict[str, Any]:
    """Restore `folder` into the configured database (or `database`) and MEDIA_ROOT (or
    `media_root`). Refuses a database that has tables, or media files, unless `force`: then the
    database is dropped and created again and the media folder emptied first."""
    manifest = _manifest(folder)
    server = server_for(database)
    media = Path(media_root or settings.MEDIA_ROOT)
    exists, tables = _database_state(server)
    media_used = media.is_dir() and any(media.iterdir())
    if (tables or media_used) and not force:
        raise ApplicationError(
            f"La base {server.database} ({tables} tables) ou le dossier {media} ne sont pas "
            "vides : rien n'a été restauré. Relancez avec FORCE=1 (--force) pour les remplacer."
        )
    roles = [r for r in (manifest["database_owner"], manifest["application_role"]) if r]
    missing = _missing_roles(server, roles)
    if missing:
        raise ApplicationError(
            f"Les rôles {', '.join(missing)} n'existent pas sur ce serveur : créez-les d'abord "
            "(perspectives/sql/init-roles.sql)."
        )
    pg_restore = pg_tool("pg_restore", server.major)
    with psycopg.connect(_with_database(server.url, "postgres"), autocommit=True) as conn:
        name = sql.Identifier(server.database)
        if exists and tables:
            conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(name))
            exists = False
        if not exists:
            conn.execute(
                sql.SQL("CREATE DATABASE {} OWNER {}").format(
                    name, sql.Identifier(manifest["database_owner"] or "postgres")
                )
            )
    _run(
        [
            str(pg_restore),
            "--no-password",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={server.url}",
            str(folder / DATABASE_FILE),
        ],
        "pg_restore",
    )
    if media.is_dir() and force:
        for child in media.iterdir():
            if child.is_dir() and not child.is_symlink():
                shutil.rmtree(child)
            else:
                child.unlink()
    media.mkdir(parents=True, exist_ok=True)
    with tarfile.open(folder / MEDIA_FILE, "r:gz") as archive:
        archive.extractall(media, filter="data")
    return manifest
