"""API POSTs honour an Idempotency-Key header: a replay answers the first response, the same key
with another body a 422; the key is per person, per path and per cooperative."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from entrepreneurs.models import Appointment, CollaborationRequest, Entrepreneur, Note
from payroll.models import PayrollRun
from perspectives.tenancy.apis import TenantApiView
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import IdempotencyRecord
from tests.conftest import World, at_once
from tests.payroll.conftest import Payroll, payroll  # noqa: F401 (fixture)

KEY = "0b6c2f0e-5f1d-4c57-9d0a-7b1e1d2f3a4b"


def _notes_url(world: World, slug: str = "coop-a") -> str:
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
    return f"/api/v1/c/{slug}/entrepreneurs/{alice.pk}/notes/"


def _post(client: Client, url: str, body: dict[str, Any], key: str | None = KEY) -> Any:
    headers = {} if key is None else {"Idempotency-Key": key}
    return client.post(url, body, content_type="application/json", headers=headers)


def _notes(world: World) -> list[str]:
    with cooperative_context(world.coop_a.pk):
        return list(Note.objects.order_by("pk").values_list("body", flat=True))


def test_a_replay_answers_the_first_response_and_creates_nothing(
    world: World, client: Client
) -> None:
    client.force_login(world.bob)
    url = _notes_url(world)
    body = {"body": "Appel du 3 mars.", "visibility": "staff"}
    first = _post(client, url, body)
    second = _post(client, url, body)
    assert (first.status_code, second.status_code) == (201, 201)
    assert second.json() == first.json()
    assert "Idempotent-Replayed" not in first
    assert second["Idempotent-Replayed"] == "true"
    assert _notes(world) == ["Appel du 3 mars."]
    without_key = _post(client, url, body, key=None)
    assert without_key.status_code == 201
    assert _notes(world) == ["Appel du 3 mars.", "Appel du 3 mars."]


def test_the_same_key_with_another_body_is_a_422(world: World, client: Client) -> None:
    client.force_login(world.bob)
    url = _notes_url(world)
    assert _post(client, url, {"body": "Un.", "visibility": "staff"}).status_code == 201
    other = _post(client, url, {"body": "Deux.", "visibility": "staff"})
    assert other.status_code == 422
    assert other.json() == {
        "detail": "Cette clé d'idempotence a déjà servi pour une autre requête : utilisez-en une "
        "autre."
    }
    assert _notes(world) == ["Un."]


@pytest.mark.parametrize("key", ["", "a b", "é" * 3, "k" * 256])
def test_a_malformed_key_is_a_400(world: World, client: Client, key: str) -> None:
    client.force_login(world.bob)
    response = _post(client, _notes_url(world), {"body": "x", "visibility": "staff"}, key=key)
    assert response.status_code == 400
    assert list(response.json()) == ["Idempotency-Key"]
    assert _notes(world) == []


def test_a_refused_request_leaves_its_key_usable(world: World, client: Client) -> None:
    client.force_login(world.bob)
    url = _notes_url(world)
    refused = _post(client, url, {"body": "Relance.", "visibility": "everyone"})
    accepted = _post(client, url, {"body": "Relance.", "visibility": "staff"})
    assert (refused.status_code, accepted.status_code) == (400, 201)
    assert _notes(world) == ["Relance."]


def test_a_key_belongs_to_one_person_one_path_and_one_cooperative(
    world: World, client: Client
) -> None:
    url = _notes_url(world)
    body = {"body": "Même clé.", "visibility": "staff"}
    client.force_login(world.bob)
    assert _post(client, url, body).status_code == 201
    appointment = _post(
        client,
        url.replace("notes/", "appointments/"),
        {"starts_at": "2026-03-02T10:00:00+01:00", "duration_minutes": 30, "mode": "phone"}
        | {"kind": "follow_up"},
    )
    assert appointment.status_code == 201
    client.force_login(world.carl)
    assert _post(client, url, body).status_code == 201
    client.force_login(world.charlie)
    assert _post(client, _notes_url(world, "coop-b"), body).status_code == 404
    assert _notes(world) == ["Même clé.", "Même clé."]
    with cooperative_context(world.coop_a.pk):
        assert Appointment.objects.count() == 1
        assert IdempotencyRecord.objects.count() == 3
    with cooperative_context(world.coop_b.pk):
        assert IdempotencyRecord.objects.count() == 0


def test_the_same_request_sent_twice_at_once_creates_one_note(
    transactional_db: None, world: World
) -> None:
    url = _notes_url(world)
    body = {"body": "Deux onglets.", "visibility": "staff"}
    clients = [Client(), Client()]
    for client in clients:
        client.force_login(world.bob)
    responses = at_once(
        [lambda: _post(clients[0], url, body), lambda: _post(clients[1], url, body)]
    )
    assert [r.status_code for r in responses] == [201, 201]
    assert responses[0].json() == responses[1].json()
    assert _notes(world) == ["Deux onglets."]


def test_other_creates_run_once_too(
    world: World,
    payroll: Payroll,  # noqa: F811 (fixture)
    client: Client,
) -> None:
    client.force_login(world.carl)
    runs = [_post(client, "/api/v1/c/coop-a/payroll/runs/", {"period": "2026-01"}) for _ in "ab"]
    assert [r.status_code for r in runs] == [201, 201]
    assert runs[0].json() == runs[1].json()
    with cooperative_context(world.coop_a.pk):
        assert PayrollRun.objects.count() == 1
    client.force_login(world.alice)
    with cooperative_context(world.coop_a.pk):
        other = Entrepreneur.objects.exclude(user=world.alice).first()
        assert other is not None
    request = {"recipients": [other.pk], "subject": "Chantier", "message": "On y va ?"}
    sent = [_post(client, "/api/v1/c/coop-a/collaboration-requests/", request) for _ in "ab"]
    assert [r.status_code for r in sent] == [201, 201], sent[0].content
    with cooperative_context(world.coop_a.pk):
        assert CollaborationRequest.objects.count() == 1


def test_every_post_of_the_api_goes_through_the_tenant_base_and_documents_the_key(
    db: None, client: Client
) -> None:
    def walk(patterns: list[URLPattern | URLResolver], prefix: str = "") -> list[type]:
        found: list[type] = []
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                found += walk(pattern.url_patterns, route)
            elif route.startswith("api/") and hasattr(pattern.callback, "view_class"):
                found.append(pattern.callback.view_class)
        return found

    posting = [view for view in walk(get_resolver().url_patterns) if hasattr(view, "post")]
    assert posting
    assert [view.__name__ for view in posting if not issubclass(view, TenantApiView)] == []
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    posts = [operations["post"] for operations in schema["paths"].values() if "post" in operations]
    assert len(posts) == len(posting)  # every POST route is in the schema
    for post in posts:
        headers = [p["name"] for p in post.get("parameters", []) if p["in"] == "header"]
        assert headers == ["Idempotency-Key"], post["operationId"]
