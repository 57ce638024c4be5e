"""Database roles: the application role for requests, the owner role for schema changes."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from django.conf import settings
from django.db import connections

_CREDENTIALS = ("USER", "PASSWORD", "HOST", "PORT")


@contextmanager
def as_owner(using: str = "default") -> Iterator[None]:
    """Reconnect as the owner role (DATABASE_OWNER_URL) for the duration of the block."""
    owner = settings.DATABASE_OWNER
    connection = connections[using]
    if not owner or owner.get("USER") == connection.settings_dict.get("USER"):
        yield
        return
    saved = {key: connection.settings_dict.get(key) for key in _CREDENTIALS}
    connection.close()
    connection.settings_dict.update({key: owner.get(key, "") for key in _CREDENTIALS})
    try:
        yield
    finally:
        connection.close()
        connection.settings_dict.update(saved)


def grant_app_role(using: str = "default") -> None:
    """Give the application role data access (never DDL, never ownership) to every table."""
    role = settings.DATABASE_APP_ROLE
    with connections[using].cursor() as cursor:
        cursor.execute("SELECT current_user")
        (current,) = cursor.fetchone()
        if not role or role == current:
            return
        quoted = connections[using].ops.quote_name(role)
        cursor.execute(
            f"GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO {quoted}"
        )
        cursor.execute(f"GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO {quoted}")
