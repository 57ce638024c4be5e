"""Database rule violations as domain errors."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import IntegrityError

from perspectives.core.exceptions import ApplicationError

CHECK_VIOLATION = "23514"


def db_message(exc: BaseException) -> str:
    cause = exc.__cause__
    diag = getattr(cause, "diag", None)
    message = getattr(diag, "message_primary", None)
    return str(message or exc)


def db_sqlstate(exc: BaseException) -> str | None:
    return getattr(exc.__cause__, "sqlstate", None)


@contextmanager
def db_errors() -> Iterator[None]:
    """Turn a ledger rule refused by the database (check_violation) into an ApplicationError.

    The services check the same rules first, with friendlier messages: reaching this means a
    race or a rule only the database can see."""
    try:
        yield
    except IntegrityError as exc:
        if db_sqlstate(exc) == CHECK_VIOLATION:
            raise ApplicationError(db_message(exc)) from exc
        raise
