"""The database functions of governance kept as SQL files (`perspectives.core.sqlfiles`): the
newest frozen copy of each equals its current file, released copies keep their checksums, and
the database holds what the current file defines."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.db import connection

from perspectives.core.sqlfiles import CHECKSUMS, checksum

APP = Path(__file__).resolve().parents[2] / "governance"
CURRENT = sorted((APP / "sql").glob("*.sql"))
FROZEN = APP / "migrations" / "sql"


def _body(sql: str) -> str:
    match = re.search(r"\$\$(.*)\$\$", sql, re.DOTALL)
    assert match is not None
    return match.group(1)


@pytest.mark.parametrize("current", CURRENT, ids=[p.stem for p in CURRENT])
def test_the_newest_frozen_copy_is_the_current_file(current: Path) -> None:
    copies = sorted(FROZEN.glob(f"{current.stem}.*.sql"))
    assert copies, f"no frozen copy of {current.name}"
    assert copies[-1].read_text() == current.read_text()


def test_frozen_copies_keep_their_checksums() -> None:
    recorded = dict(
        reversed(line.split()) for line in (FROZEN / CHECKSUMS).read_text().splitlines() if line
    )
    assert recorded == {p.name: checksum(p) for p in sorted(FROZEN.glob("*.sql"))}


@pytest.mark.django_db
@pytest.mark.parametrize("current", CURRENT, ids=[p.stem for p in CURRENT])
def test_the_database_holds_the_current_definition(current: Path) -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT prosrc FROM pg_proc WHERE proname = %s", [current.stem])
        rows = cursor.fetchall()
    assert rows == [(_body(current.read_text()),)]
