"""The docker compose file: secrets never defaulted, the owner role for `migrate` only, settings
through .env, a health check for every long-running service."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[2]
APP_SERVICES = ("migrate", "web", "worker", "beat")


def _compose() -> dict[str, Any]:
    return yaml.safe_load((REPO / "docker-compose.yml").read_text())  # type: ignore[no-any-return]


def test_no_secret_has_a_default_and_each_is_required() -> None:
    text = (REPO / "docker-compose.yml").read_text()
    for name in ("SECRET_KEY", "SITE_URL", "POSTGRES_PASSWORD", "PERSPECTIVES_OWNER_PASSWORD"):
        assert re.search(r"\$\{" + name + r":\?[^}]+\}", text), name
        assert not re.search(r"\$\{" + name + r":?-", text), name
    assert re.search(r"\$\{PERSPECTIVES_APP_PASSWORD:\?[^}]+\}", text)
    example = (REPO / ".env.example").read_text()
    for name in ("SECRET_KEY", "SITE_URL", "POSTGRES_PASSWORD", "PERSPECTIVES_OWNER_PASSWORD"):
        assert re.search(rf"^{name}=$", example, re.MULTILINE), name


def test_only_migrate_connects_as_the_owner_and_settings_come_from_env() -> None:
    services = _compose()["services"]
    for name in APP_SERVICES:
        service = services[name]
        assert service["env_file"] == ".env", name
        owner = service["environment"]["DATABASE_OWNER_URL"]
        assert (owner != "") == (name == "migrate"), name
        assert service["environment"]["PERSPECTIVES_OWNER_PASSWORD"] == "", name
        assert service["environment"]["POSTGRES_PASSWORD"] == "", name
    assert services["migrate"]["environment"]["DATABASE_OWNER_URL"].startswith(
        "postgres://perspectives:"
    )


def test_every_long_running_service_has_a_health_check() -> None:
    services = _compose()["services"]
    for name in ("postgres", "redis", "web", "worker", "beat"):
        assert services[name]["healthcheck"]["test"], name
    assert "inspect ping" in " ".join(services["worker"]["healthcheck"]["test"])
    assert "celerybeat-schedule" in " ".join(services["beat"]["healthcheck"]["test"])
