"""Settings that must fail fast, and those read from the environment."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from django.test import Client, override_settings

REPO = Path(__file__).resolve().parents[2]
PRINT = (
    "import django; django.setup(); from django.conf import settings as s; "
    "print(s.SITE_URL, s.ALLAUTH_TRUSTED_PROXY_COUNT, s.SECURE_HSTS_SECONDS)"
)


def _settings(**env: str) -> subprocess.CompletedProcess[str]:
    base = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SITE_URL", "DEBUG", "TRUSTED_PROXY_COUNT", "SECURE_HSTS_SECONDS"}
    }
    return subprocess.run(  # noqa: S603 - this interpreter, fixed code
        [sys.executable, "-c", PRINT],
        env={**base, "DJANGO_SETTINGS_MODULE": "perspectives.settings", **env},
        cwd=REPO,
        capture_output=True,
        text=True,
        check=False,
    )


def test_site_url_is_required_outside_development() -> None:
    production = _settings(DEBUG="false")
    assert production.returncode != 0
    assert "SITE_URL must be set when DEBUG is off" in production.stderr
    development = _settings(DEBUG="true")
    assert development.stdout.split() == ["http://127.0.0.1:8000", "0", "0"]


def test_https_sites_send_hsts_and_the_trusted_proxies_are_configurable() -> None:
    served = _settings(
        DEBUG="false", SITE_URL="https://perspectives.example/", TRUSTED_PROXY_COUNT="2"
    )
    assert served.stdout.split() == ["https://perspectives.example", "2", "31536000"]
    plain = _settings(DEBUG="false", SITE_URL="http://intranet.example", SECURE_HSTS_SECONDS="60")
    assert plain.stdout.split() == ["http://intranet.example", "0", "60"]


@override_settings(SECURE_HSTS_SECONDS=31_536_000)
def test_hsts_is_sent_over_https_only(db: None, client: Client) -> None:
    assert client.get("/accounts/login/", secure=True)["Strict-Transport-Security"] == (
        "max-age=31536000"
    )
    assert "Strict-Transport-Security" not in client.get("/accounts/login/")
