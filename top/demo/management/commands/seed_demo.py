from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from top.demo.services import DEMO_PASSWORD, DEMO_TOTP_SECRET, demo_seed


class Command(BaseCommand):
    help = "Create (or complete) the demo cooperatives. Deterministic and idempotent."

    def handle(self, *args: Any, **options: Any) -> None:
        result = demo_seed()
        for slug, count in sorted(result.counts.items()):
            self.stdout.write(f"{slug}: {count}")
        self.stdout.write("")
        self.stdout.write(f"Demo logins (password for all: {DEMO_PASSWORD})")
        for login in result.logins:
            totp = "  TOTP" if login.totp else ""
            self.stdout.write(
                f"  {login.email:<42} {login.cooperative:<13} {', '.join(login.roles)}{totp}"
            )
        self.stdout.write(
            f"TOTP secret of the accounts marked TOTP: {DEMO_TOTP_SECRET} "
            "(add it to any authenticator app)"
        )
