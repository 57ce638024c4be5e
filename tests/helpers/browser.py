"""Helpers shared by several test modules."""

from __future__ import annotations

import re
from typing import Any

from allauth.mfa.totp.internal.auth import (
    format_hotp_value,
    hotp_value,
    yield_hotp_counters_from_time,
)

from tests.conftest import PASSWORD, TOTP_SECRET


def log_in(
    page: Any, base: str, email: str, *, totp: bool = False, landing: str = r".*/c/coop-a/$"
) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    if totp:
        page.wait_for_url(re.compile(r".*/accounts/2fa/authenticate/$"))
        code = format_hotp_value(
            hotp_value(TOTP_SECRET, next(iter(yield_hotp_counters_from_time())))
        )
        page.locator("input[name=code]").fill(code)
        page.locator("button[type=submit]").first.click()
    page.wait_for_url(re.compile(landing))
