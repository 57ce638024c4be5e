"""Real concurrent transactions (two writers in one cooperative): numbering stays gapless, the
chain stays linear, and an idempotency key posts once."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection

from accounting import services
from accounting.models import Entry
from accounting.services import LineInput
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import build_ledger, sql
from tests.factories import CooperativeFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _in_threads(target: Callable[[int], Any], count: int = 2) -> list[Any]:
    results: list[Any] = [None] * count
    errors: list[BaseException] = []
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target(index)
        except BaseException as exc:  # re-raised in the main thread
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    if errors:
        raise errors[0]
    return results


def test_two_writers_keep_numbering_gapless_and_the_chain_linear() -> None:
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        ledger = build_ledger(cooperative)

    def write(index: int) -> list[int]:
        ids = []
        for n in range(12):
            with cooperative_context(cooperative.pk):
                entry = services.entry_post(
                    journal="OD",
                    date=dt.date(2025, 1 + n % 12, 1 + index),
                    label=f"Écrivain {index}, écriture {n}",
                    lines=[
                        LineInput("512", debit=f"{n + 1}.00", activity=ledger.a1),
                        LineInput("580", credit=f"{n + 1}.00", activity=ledger.a1),
                    ],
                )
                ids.append(entry.pk)
        return ids

    _in_threads(write)

    with cooperative_context(cooperative.pk):
        rows = sql(
            "SELECT number, chain_seq, prev_hash, hash FROM accounting_entry ORDER BY chain_seq"
        )
    assert [r[0] for r in rows] == list(range(1, 25))
    assert [r[1] for r in rows] == list(range(1, 25))
    assert [r[2] for r in rows[1:]] == [r[3] for r in rows[:-1]]


def test_the_same_key_posted_concurrently_makes_one_entry() -> None:
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        ledger = build_ledger(cooperative)

    def post(index: int) -> int:
        with cooperative_context(cooperative.pk):
            return services.entry_post(
                journal="VT",
                date=dt.date(2025, 3, 1),
                label="Facture 7",
                lines=[
                    LineInput("411", debit="120.00", activity=ledger.a1, third_party="CLIENT1"),
                    LineInput("706", credit="120.00", activity=ledger.a1),
                ],
                idempotency_key="invoice:7:issued",
            ).pk

    first, second = _in_threads(post)

    assert first == second
    with cooperative_context(cooperative.pk):
        assert Entry.objects.count() == 1


def _wait_for_a_blocked_writer() -> None:
    """Until another transaction of this database waits on a row lock (at most 10 s)."""
    for _ in range(200):
        sql("SELECT pg_stat_clear_snapshot()")  # activity is read once per transaction otherwise
        if sql(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
        ) != [(0,)]:
            return
        time.sleep(0.05)
    raise AssertionError("no transaction waited for the lock")


def _unused_account(cooperative_id: int) -> int:
    with cooperative_context(cooperative_id):
        return int(
            sql(
                "INSERT INTO accounting_account (cooperative_id, code, label, "
                "requires_third_party, is_active) VALUES (%s, '471500', 'Attente', false, true) "
                "RETURNING id",
                [cooperative_id],
            )[0][0]
        )


def _post_on(cooperative_id: int, ledger: Any) -> None:
    services.entry_post(
        journal="OD",
        date=dt.date(2025, 3, 3),
        label="Sur le compte d'attente",
        lines=[
            LineInput("471500", debit="5.00", activity=ledger.a1),
            LineInput("580", credit="5.00", activity=ledger.a1),
        ],
    )


def test_an_account_deleted_while_a_posting_uses_it_stays() -> None:
    """No foreign key on the lines: the posting locks the account FOR KEY SHARE, the deletion
    waits for it and then sees its line (the guard runs after the deletion)."""
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        ledger = build_ledger(cooperative)
    account = _unused_account(cooperative.pk)
    posted = threading.Event()

    def run(index: int) -> str:
        if index == 0:
            with cooperative_context(cooperative.pk):
                _post_on(cooperative.pk, ledger)
                posted.set()
                _wait_for_a_blocked_writer()  # the deletion, on the account's lock
            return "posted"
        posted.wait(10)
        try:
            with cooperative_context(cooperative.pk):
                sql("DELETE FROM accounting_account WHERE id = %s", [account])
        except DatabaseError as exc:
            return str(exc).splitlines()[0]
        return "deleted"

    assert _in_threads(run) == [
        "posted",
        f"compte {account} : encore utilisé en écriture, il ne se supprime pas",
    ]
    with cooperative_context(cooperative.pk):
        assert sql("SELECT count(*) FROM accounting_account WHERE id = %s", [account]) == [(1,)]


def test_a_posting_on_an_account_being_deleted_is_refused() -> None:
    """The other order: the posting waits for the deletion, then finds no account."""
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        ledger = build_ledger(cooperative)
    account = _unused_account(cooperative.pk)
    deleted = threading.Event()

    def run(index: int) -> str:
        if index == 0:
            with cooperative_context(cooperative.pk):
                sql("DELETE FROM accounting_account WHERE id = %s", [account])
                deleted.set()
                _wait_for_a_blocked_writer()  # the posting, having read the account
            return "deleted"
        deleted.wait(10)
        try:
            with cooperative_context(cooperative.pk):
                _post_on(cooperative.pk, ledger)
        except ApplicationError as exc:
            return exc.message
        return "posted"

    assert _in_threads(run) == [
        "deleted",
        "écriture 1 du lot : 1 ligne(s) visent un compte, une activité ou un tiers inconnu",
    ]
    with cooperative_context(cooperative.pk):
        assert sql("SELECT count(*) FROM accounting_entryline") == sql(
            "SELECT count(*) FROM accounting_entryline WHERE account_id <> %s", [account]
        )
