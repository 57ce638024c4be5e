"""Real concurrent transactions (two writers in one cooperative): numbering stays gapless, the
chain stays linear, and an idempotency key posts once."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection

from accounting import services
from accounting.models import Entry
from accounting.services import LineInput
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
    cooperative = CooperativeFactory()
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
    cooperative = CooperativeFactory()
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
