"""The active cooperative: a context variable for the ORM, a transaction-local setting for RLS.

`cooperative_context()` is the only way in. It sets both layers inside one transaction (or
savepoint), and restores the previous cooperative on the way out; on error the rollback of the
savepoint restores the database setting by itself.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections, transaction

DB_SETTING = "app.cooperative_id"

_current: ContextVar[int | None] = ContextVar("cooperative_id", default=None)


class NoCooperativeContext(RuntimeError):
    """A tenant table was queried with no active cooperative."""


def current_cooperative_id() -> int | None:
    return _current.get()


def require_cooperative_id() -> int:
    cooperative_id = _current.get()
    if cooperative_id is None:
        raise NoCooperativeContext(
            "No active cooperative: wrap this code in cooperative_context(...)."
        )
    return cooperative_id


def _set_db_setting(cooperative_id: int | None, using: str) -> None:
    with connections[using].cursor() as cursor:
        cursor.execute(
            "SELECT set_config(%s, %s, true)",
            [DB_SETTING, "" if cooperative_id is None else str(cooperative_id)],
        )


@contextmanager
def cooperative_context(cooperative_id: int, *, using: str = "default") -> Iterator[None]:
    """Make `cooperative_id` the active cooperative for the ORM and for row-level security."""
    if not isinstance(cooperative_id, int) or isinstance(cooperative_id, bool):
        raise TypeError(f"cooperative_id must be an int, not {type(cooperative_id).__name__}")
    previous = _current.get()
    token = _current.set(cooperative_id)
    connection = connections[using]
    outermost = not connection.in_atomic_block
    try:
        with transaction.atomic(using=using):
            _set_db_setting(cooperative_id, using)
            yield
            # The outermost block's commit ends the setting by itself, after the deferred
            # constraint triggers have run under it. A transaction marked for rollback restores
            # it too (and refuses queries).
            if not outermost and not connection.needs_rollback:
                _set_db_setting(previous, using)
    finally:
        _current.reset(token)


class CooperativeLogFilter(logging.Filter):
    """Adds the active cooperative to every log record (`%(cooperative_id)s`)."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.cooperative_id = _current.get() or "-"
        return True
