from __future__ import annotations

import re

from django.test import Client

from tests.conftest import World


def test_user_creates_uses_rotates_and_revokes_an_api_token(world: World, client: Client) -> None:
    client.force_login(world.alice)
    created = client.post("/accounts/api-token/")
    token = re.search(r'<code id="api-token">(\w+)</code>', created.text).group(1)  # type: ignore[union-attr]
    api = Client(HTTP_AUTHORIZATION=f"Token {token}")
    assert api.get("/api/v1/c/coop-a/me/").json()["email"] == "alice@a.example"
    rotated = client.post("/accounts/api-token/")
    new_token = re.search(r'<code id="api-token">(\w+)</code>', rotated.text).group(1)  # type: ignore[union-attr]
    assert new_token != token
    assert api.get("/api/v1/c/coop-a/me/").status_code == 401
    client.post("/accounts/api-token/", {"action": "revoke"})
    assert (
        Client(HTTP_AUTHORIZATION=f"Token {new_token}").get("/api/v1/c/coop-a/me/").status_code
        == 401
    )


def test_token_page_needs_a_login(db: None, client: Client) -> None:
    assert (
        client.get("/accounts/api-token/")["Location"]
        == "/accounts/login/?next=/accounts/api-token/"
    )
