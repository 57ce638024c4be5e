"""`migrate`, always run as the owner role (DATABASE_OWNER_URL)."""

from __future__ import annotations

from typing import Any

from django.core.management.commands import migrate

from perspectives.tenancy.db import as_owner


class Command(migrate.Command):
    def handle(self, *args: Any, **options: Any) -> None:
        with as_owner(options["database"]):
            super().handle(*args, **options)
