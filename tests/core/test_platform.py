from __future__ import annotations

import html

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.test.utils import override_settings

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy import services
from perspectives.tenancy.models import Cooperative, Invitation
from tests.conftest import World


def test_healthz_reports_database_and_redis(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "redis": "ok"}


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_healthz_reports_a_redis_outage_as_503(db: None, client: Client) -> None:
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "ok", "redis": "error"}


def test_openapi_schema_and_docs(world: World, client: Client) -> None:
    client.force_login(world.alice)
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/c/{cooperative_slug}/entrepreneurs/{entrepreneur_id}/" in paths
    assert "/api/v1/cooperatives/" in paths
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in docs.text


def test_oversize_request_is_a_400_with_a_french_message(world: World, client: Client) -> None:
    client.force_login(world.carl)
    response = client.post(
        "/c/coop-a/members/",
        data=b"x" * 3_000_000,
        content_type="application/x-www-form-urlencoded",
    )
    assert response.status_code == 400
    assert "La requête n'a pas pu être traitée." in html.unescape(response.text)
    assert Invitation.objects.count() == 0


def test_api_errors_are_json(world: World, client: Client) -> None:
    client.force_login(world.charlie)
    response = client.get("/api/v1/c/coop-b/entrepreneurs/999999/")
    assert response.status_code == 404
    assert response.json() == {"detail": "Non trouvé."}


def test_english_is_available(world: World, client: Client) -> None:
    client.force_login(world.alice)
    client.post("/i18n/setlang/", {"language": "en", "next": "/c/coop-a/"})
    response = client.get("/c/coop-a/")
    assert '<html lang="en">' in response.text
    assert "Hello Alice" in response.text
    assert "My file" in response.text


@pytest.mark.parametrize("siren", ["123456789", "84213570", "abcdefghi", "842135708"])
def test_invalid_siren_is_refused_with_a_french_message(db: None, siren: str) -> None:
    with pytest.raises(ValidationError, match="n'est pas un numéro SIREN valide"):
        services.cooperative_create(name="X", slug="x", siren=siren)
    assert Cooperative.objects.count() == 0


def test_valid_siren_is_accepted(db: None) -> None:
    cooperative = services.cooperative_create(name="X", slug="x", siren="842135709")
    assert (
        cooperative.siren,
        cooperative.timezone,
        str(cooperative.default_contribution_rate),
    ) == (
        "842135709",
        "Europe/Paris",
        "11.00",
    )


def test_unknown_role_is_refused(world: World) -> None:
    with pytest.raises(ApplicationError, match="au moins un rôle valide"):
        services.membership_set(cooperative=world.coop_a, user=world.alice, roles=["pilot"])
    world.alice_membership.refresh_from_db()
    assert world.alice_membership.roles == ["entrepreneur"]


def test_healthz_reports_a_database_outage_as_503_json(
    db: None, client: Client, monkeypatch: pytest.MonkeyPatch
) -> None:
    from django.db import OperationalError, connection

    def refused(*args: object, **kwargs: object) -> None:
        raise OperationalError("connection to server on socket failed: No such file or directory")

    # What a stopped server gives: every attempt to use the connection fails.
    with monkeypatch.context() as patched:
        patched.setattr(connection, "cursor", refused)
        patched.setattr(connection, "ensure_connection", refused)
        response = client.get("/healthz")
    assert (response.status_code, response["Content-Type"]) == (503, "application/json")
    assert response.json() == {"status": "error", "database": "error", "redis": "ok"}
