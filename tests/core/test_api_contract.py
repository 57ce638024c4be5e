"""The API's contract: a schema without warnings, bounded pages, documented as pages."""

from __future__ import annotations

from pathlib import Path

import pytest
from django.core.management import call_command
from django.test import Client

from tests.conftest import World

LIST = "/api/v1/c/coop-a/entrepreneurs/"


def test_the_openapi_schema_builds_without_a_warning_and_validates(tmp_path: Path) -> None:
    # --fail-on-warn turns any drf-spectacular warning (a component name clash, a type it
    # cannot guess) into a failure; --validate checks the result against the OpenAPI spec.
    call_command("spectacular", "--fail-on-warn", "--validate", "--file", str(tmp_path / "s.yml"))
    assert (tmp_path / "s.yml").stat().st_size > 10_000


@pytest.mark.parametrize(
    ("query", "field", "message"),
    [
        ("limit=99999999999999999999", "limit", "entre 1 et 200"),
        ("limit=100000", "limit", "entre 1 et 200"),
        ("limit=201", "limit", "entre 1 et 200"),
        ("limit=0", "limit", "entre 1 et 200"),
        ("limit=-5", "limit", "entre 1 et 200"),
        ("limit=abc", "limit", "entre 1 et 200"),
        ("limit=1e3", "limit", "entre 1 et 200"),
        ("offset=-1", "offset", "entre 0 et 1000000000"),
        ("offset=99999999999999999999", "offset", "entre 0 et 1000000000"),
        ("offset=٣", "offset", "entre 0 et 1000000000"),
    ],
)
def test_an_out_of_range_page_is_a_400_that_says_what_is_accepted(
    world: World, client: Client, query: str, field: str, message: str
) -> None:
    client.force_login(world.bob)
    response = client.get(f"{LIST}?{query}")
    assert response.status_code == 400
    assert list(response.json()) == [field]
    assert message in response.json()[field][0]
    assert response.json()[field][0].startswith(f"« {field} » doit être un nombre entier")


def test_pages_within_the_bounds(world: World, client: Client) -> None:
    client.force_login(world.bob)
    whole = client.get(LIST).json()
    assert whole["count"] == 1
    assert whole["next"] is None
    assert [row["last_name"] for row in whole["results"]] == ["Arnaud"]
    assert client.get(f"{LIST}?limit=200&offset=0").json()["results"] == whole["results"]
    far = client.get(f"{LIST}?limit=1&offset=1000000000")
    assert far.status_code == 200
    assert far.json()["results"] == []


def test_every_list_is_documented_as_a_bounded_page(db: None, client: Client) -> None:
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    components = schema["components"]["schemas"]
    pages = 0
    for path, operations in schema["paths"].items():
        get = operations.get("get")
        if get is None:
            continue
        body = get["responses"]["200"].get("content", {}).get("application/json", {})
        ref = body.get("schema", {}).get("$ref", "")
        if not ref.startswith("#/components/schemas/Paginated"):
            continue
        pages += 1
        page = components[ref.rsplit("/", 1)[1]]
        assert set(page["properties"]) == {"count", "next", "previous", "results"}, path
        parameters = {p["name"]: p["schema"] for p in get["parameters"] if p["in"] == "query"}
        assert parameters["limit"]["maximum"] == 200, path
        assert parameters["offset"]["minimum"] == 0, path
    # 12, purchases (suppliers, invoices, expense reports, SEPA batches), sales (customers,
    # products, documents, documents waiting for validation, e-reporting reports, unmatched
    # platform statuses), bank (accounts, statements, lines,
    # entry templates), onboarding (imports).
    assert pages == 27


def _alice_file(world: World) -> int:
    from entrepreneurs.models import Entrepreneur
    from perspectives.tenancy.context import cooperative_context

    with cooperative_context(world.coop_a.pk):
        return Entrepreneur.objects.get(user=world.alice).pk


@pytest.mark.parametrize(
    "body",
    ["[" * 3000 + "]" * 3000, '{"a":' * 5000 + "1" + "}" * 5000, "[" * 65 + "]" * 65],
    ids=["3000-arrays", "5000-objects", "65-levels"],
)
def test_a_json_body_nested_too_deeply_is_a_400(world: World, client: Client, body: str) -> None:
    client.force_login(world.bob)
    url = f"/api/v1/c/coop-a/entrepreneurs/{_alice_file(world)}/notes/"
    response = client.post(url, body, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"detail": "Le corps JSON est imbriqué sur plus de 64 niveaux."}
    assert client.get(url).json()["count"] == 0


def test_brackets_inside_strings_are_text(world: World, client: Client) -> None:
    client.force_login(world.bob)
    url = f"/api/v1/c/coop-a/entrepreneurs/{_alice_file(world)}/notes/"
    text = "[{" * 100 + '\\"' + "]}" * 3
    response = client.post(
        url, '{"body": "' + text + '", "visibility": "shared"}', content_type="application/json"
    )
    assert response.status_code == 201
    assert response.json()["body"] == "[{" * 100 + '"' + "]}" * 3


def test_dates_far_outside_the_cooperative_life_are_refused(world: World, client: Client) -> None:
    """Found by the API fuzzing: a year-670 appointment was stored and then listed with a
    time-zone offset of 9 min 21 s (Paris mean time), which is no valid RFC 3339 date."""
    client.force_login(world.bob)
    base = f"/api/v1/c/coop-a/entrepreneurs/{_alice_file(world)}/"
    appointment = client.post(
        base + "appointments/",
        {"starts_at": "0670-07-31T10:00:00+01:00", "duration_minutes": 30}
        | {"mode": "phone", "kind": "follow_up"},
        content_type="application/json",
    )
    step = client.post(
        base + "path/",
        {"kind": "info_session", "date": "1077-03-09"},
        content_type="application/json",
    )
    assert (appointment.status_code, step.status_code) == (400, 400)
    assert appointment.json()["detail"] == (
        "La date du rendez-vous doit être comprise entre 1990 et 2100."
    )
    assert (
        step.json()["detail"] == "Les dates du parcours doivent être comprises entre 1990 et 2100."
    )
    assert client.get(base + "timeline/").json() == []
