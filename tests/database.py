"""Connections beside Django's, as the owner role: for what the application role may never do
(DDL, disabling triggers), on the test database or a scratch one."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
from django.conf import settings
from django.db import connection


@contextmanager
def owner_connection(
    *, dbname: str | None = None, autocommit: bool = False
) -> Iterator[psycopg.Connection[Any]]:
    """A psycopg connection as DATABASE_OWNER to the test database (or ``dbname``)."""
    owner = settings.DATABASE_OWNER
    assert owner is not None
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("context", None)
    params.update({"user": owner["USER"], "password": owner.get("PASSWORD") or None})
    if dbname:
        params["dbname"] = dbname
    params = {k: v for k, v in params.items() if v is not None}
    with psycopg.connect(**params, autocommit=autocommit) as conn:
        yield conn
