"""Planner statistics of the ledger's tables, refreshed after large postings.

PostgreSQL plans each query from statistics sampled by ANALYZE, which autovacuum runs only once
a tenth of a table has changed. A cooperative that imports its history into a ledger that
already holds others' adds far less than that: until the next ANALYZE the planner knows nothing
about its rows and estimates one per table, and the ledgers, statements and dashboards of that
cooperative may then be planned as if it had no entries (nested loops over a whole year).
A posting of many lines therefore asks a worker to analyze the ledger's tables once committed;
one refresh pending at a time, whatever the number of postings meanwhile.
"""

from __future__ import annotations

import logging

from django.core.cache import cache
from django.db import connection, transaction

from perspectives.core.queue import delay_once
from perspectives.tenancy.db import as_owner

logger = logging.getLogger(__name__)

LEDGER_TABLES = ("accounting_entry", "accounting_entryline", "accounting_monthlybalance")
# A posting of at least this many lines asks for a refresh (a month of a large cooperative).
REFRESH_AFTER_LINES = 20_000
PENDING_KEY = "accounting:statistics-refresh"
PENDING_SECONDS = 3600  # a refresh lost with its worker is asked again after this


def ledger_statistics_refresh_request() -> None:
    """Once the current transaction commits, hand one refresh to a worker (none if one is
    already pending). A broker that cannot be reached costs the refresh, never the posting."""
    from accounting.tasks import ledger_statistics_refresh_task

    transaction.on_commit(
        lambda: delay_once(PENDING_KEY, True, PENDING_SECONDS, ledger_statistics_refresh_task),
        robust=True,
    )


def ledger_statistics_refresh() -> None:
    """ANALYZE the ledger's tables (as their owner: only the owner may). Postings committed
    while it runs ask for the next refresh."""
    cache.delete(PENDING_KEY)
    with as_owner(), connection.cursor() as cursor:
        for table in LEDGER_TABLES:
            cursor.execute(f"ANALYZE {table}")
    logger.info("ledger statistics refreshed: %s", ", ".join(LEDGER_TABLES))
