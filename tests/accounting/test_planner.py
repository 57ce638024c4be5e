"""Large postings have a worker refresh the planner's statistics of the ledger's tables."""

from __future__ import annotations

import datetime as dt
import time
from decimal import Decimal

import pytest
from django.core.cache import cache

from accounting import services, tasks
from accounting.services import EntryInput, LineInput, planner
from perspectives.tenancy.context import cooperative_context
from tests.accounting.conftest import Ledger, build_ledger, sql
from tests.factories import CooperativeFactory


def _entries(ledger: Ledger, count: int, prefix: str) -> list[EntryInput]:
    return [
        EntryInput(
            "OD",
            dt.date(2025, 3, 1 + n % 28),
            f"Import {n}",
            [
                LineInput("512", debit=Decimal(n + 1), activity=ledger.a1),
                LineInput("580", credit=Decimal(n + 1), activity=ledger.a1),
            ],
            idempotency_key=f"{prefix}:{n}",
        )
        for n in range(count)
    ]


def _analyze_counts() -> dict[str, int]:
    sql("SELECT pg_stat_clear_snapshot()")
    rows = sql(
        "SELECT relname, analyze_count FROM pg_stat_user_tables WHERE relname = ANY(%s)",
        [list(planner.LEDGER_TABLES)],
    )
    return dict(rows)


def test_a_refresh_is_asked_once_committed_above_the_threshold_and_once_while_pending(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    sent: list[object] = []
    monkeypatch.setattr(tasks.ledger_statistics_refresh_task, "delay", lambda: sent.append(1))
    monkeypatch.setattr(planner, "REFRESH_AFTER_LINES", 6)

    with django_capture_on_commit_callbacks(execute=True):
        services.entries_post_bulk(entries=_entries(ledger, 2, "small"))  # 4 lines
    assert sent == []
    with django_capture_on_commit_callbacks(execute=True):
        services.entries_post_bulk(entries=_entries(ledger, 3, "large"))  # 6 lines
    assert sent == [1]
    assert cache.get(planner.PENDING_KEY) is True
    with django_capture_on_commit_callbacks(execute=True):
        services.entries_post_bulk(entries=_entries(ledger, 3, "again"))
    assert sent == [1]  # one refresh pending is enough
    # Posted again under the same keys: nothing new, nothing to refresh.
    cache.delete(planner.PENDING_KEY)
    with django_capture_on_commit_callbacks(execute=True):
        services.entries_post_bulk(entries=_entries(ledger, 3, "large"))
    assert sent == [1]


def test_a_broker_out_of_reach_costs_the_refresh_not_the_posting(
    ledger: Ledger, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    def unreachable() -> None:
        raise ConnectionError("broker down")

    monkeypatch.setattr(tasks.ledger_statistics_refresh_task, "delay", unreachable)
    monkeypatch.setattr(planner, "REFRESH_AFTER_LINES", 2)
    with django_capture_on_commit_callbacks(execute=True):
        result = services.entries_post_bulk(entries=_entries(ledger, 1, "down"))
    assert result.lines == 2
    assert cache.get(planner.PENDING_KEY) is None  # asked again by the next posting


@pytest.mark.celery_worker
def test_a_worker_analyzes_the_ledger_tables_after_a_large_posting(
    worker: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        ledger = build_ledger(cooperative)
    monkeypatch.setattr(planner, "REFRESH_AFTER_LINES", 4)
    before = _analyze_counts()
    with cooperative_context(cooperative.pk):  # committed when the block ends
        services.entries_post_bulk(entries=_entries(ledger, 2, "import"))
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        after = _analyze_counts()
        if all(after[table] > before[table] for table in planner.LEDGER_TABLES):
            break
        time.sleep(0.2)
    assert all(after[table] == before[table] + 1 for table in planner.LEDGER_TABLES), (
        before,
        after,
    )
    assert cache.get(planner.PENDING_KEY) is None
