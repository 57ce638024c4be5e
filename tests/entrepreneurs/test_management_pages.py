from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.test import Client

from entrepreneurs.models import Activity, Entrepreneur, Sector
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Membership
from tests.conftest import World, activate_totp
from tests.factories import UserFactory


def _ids(world: World) -> tuple[int, int]:
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
        return alice.pk, alice.sector_id


def test_manager_creates_an_activity_with_a_pay_split(world: World, client: Client) -> None:
    alice_id, sector_id = _ids(world)
    with cooperative_context(world.coop_a.pk):
        bruno = Entrepreneur.objects.create(
            cooperative=world.coop_a, first_name="Bruno", last_name="Bosch", sector_id=sector_id
        )
    client.force_login(world.carl)
    base = {
        "analytic_code": "dup-01",
        "name": "Duo",
        "sector": sector_id,
        "start_date": "2026-01-01",
        "entrepreneur_0": alice_id,
        "share_0": "70",
        "entrepreneur_1": bruno.pk,
        "share_1": "20",
    }
    refused = client.post("/c/coop-a/activities/new/", base)
    assert refused.status_code == 400
    assert "Les parts doivent totaliser 100 % (total actuel : 90,00 %)." in refused.text
    with cooperative_context(world.coop_a.pk):
        assert Activity.objects.count() == 0
    created = client.post("/c/coop-a/activities/new/", {**base, "share_1": "30"})
    assert created.status_code == 302
    with cooperative_context(world.coop_a.pk):
        activity = Activity.objects.get()
        split = sorted((m.entrepreneur_id, m.share) for m in activity.members.all())
    assert (activity.analytic_code, activity.contribution_rate) == ("DUP-01", None)
    assert split == sorted([(alice_id, Decimal("70.00")), (bruno.pk, Decimal("30.00"))])
    duplicate = client.post("/c/coop-a/activities/new/", {**base, "share_1": "30"})
    assert duplicate.status_code == 400
    assert "Le code analytique DUP-01 est déjà utilisé." in duplicate.text


def test_entrepreneur_cannot_create_activities(world: World, client: Client) -> None:
    client.force_login(world.alice)
    assert client.get("/c/coop-a/activities/new/").status_code == 403


def test_sectors_are_editable_by_managers(world: World, client: Client) -> None:
    _alice_id, sector_id = _ids(world)
    client.force_login(world.carl)
    assert client.post("/c/coop-a/sectors/", {"name": "Artisanat"}).status_code == 302
    duplicate = client.post("/c/coop-a/sectors/", {"name": "artisanat"})
    assert duplicate.status_code == 400
    assert "Ce pôle existe déjà." in duplicate.text
    client.post(f"/c/coop-a/sectors/{sector_id}/rename/", {"name": "Communication et design"})
    with cooperative_context(world.coop_a.pk):
        assert list(Sector.objects.order_by("position").values_list("name", flat=True)) == [
            "Communication et design",
            "Artisanat",
        ]
    client.force_login(world.bob)
    assert client.get("/c/coop-a/sectors/").status_code == 403


def test_personal_data_only_for_the_person_their_referent_and_managers(
    world: World, client: Client
) -> None:
    alice_id, _sector_id = _ids(world)
    with cooperative_context(world.coop_a.pk):
        Entrepreneur.objects.filter(pk=alice_id).update(
            email="alice.pro@a.example", phone="04 68 11 22 33"
        )
    other_support = UserFactory.create(email="zoe@a.example")
    Membership.objects.create(cooperative=world.coop_a, user=other_support, roles=["support"])
    accountant = UserFactory.create(email="nadia@a.example")
    activate_totp(accountant)
    Membership.objects.create(cooperative=world.coop_a, user=accountant, roles=["accountant"])
    seen = {}
    for user in (world.alice, world.bob, world.carl, other_support, accountant):
        client.force_login(user)
        page = client.get(f"/c/coop-a/entrepreneurs/{alice_id}/").text
        api = client.get(f"/api/v1/c/coop-a/entrepreneurs/{alice_id}/").json()
        seen[user.email] = ("04 68 11 22 33" in page, api["email"])
    assert seen == {
        "alice@a.example": (True, "alice.pro@a.example"),
        "bob@a.example": (True, "alice.pro@a.example"),
        "carl@a.example": (True, "alice.pro@a.example"),
        "zoe@a.example": (False, None),
        "nadia@a.example": (False, None),
    }
    client.force_login(other_support)
    assert client.get(f"/c/coop-a/entrepreneurs/{alice_id}/edit/").status_code == 403


def test_api_documents_actions_skills_and_collaboration(
    world: World, client: Client, django_capture_on_commit_callbacks: Any
) -> None:
    from django.core import mail

    from entrepreneurs import services
    from tests.factories.entrepreneurs import DocumentFactory

    alice_id, sector_id = _ids(world)
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(pk=alice_id)
        bruno = Entrepreneur.objects.create(
            cooperative=world.coop_a,
            first_name="Bruno",
            last_name="Bosch",
            sector_id=sector_id,
            email="bruno@a.example",
        )
        DocumentFactory.create(entrepreneur=alice, title="RC Pro")
        goal = services.goal_create(entrepreneur=alice, title="Trois clients")
        services.action_create(goal=goal, title="Relancer")
        services.skill_offer_create(entrepreneur=bruno, title="Électricité", keywords="normes")
    client.force_login(world.alice)
    documents = client.get(f"/api/v1/c/coop-a/entrepreneurs/{alice_id}/documents/").json()
    assert [d["title"] for d in documents["results"]] == ["RC Pro"]
    assert documents["results"][0]["download"].startswith("/c/coop-a/documents/")
    actions = client.get(f"/api/v1/c/coop-a/entrepreneurs/{alice_id}/actions/").json()
    assert [(a["goal"], a["title"], a["status"]) for a in actions["results"]] == [
        ("Trois clients", "Relancer", "todo")
    ]
    skills = client.get("/api/v1/c/coop-a/skills/?q=norme").json()
    assert [(s["title"], s["name"]) for s in skills["results"]] == [("Électricité", "Bruno Bosch")]
    with django_capture_on_commit_callbacks(execute=True):
        sent = client.post(
            "/api/v1/c/coop-a/collaboration-requests/",
            {"recipients": [bruno.pk], "subject": "Chantier", "message": "On y va ?"},
            content_type="application/json",
        )
    assert sent.status_code == 201
    assert [m.to for m in mail.outbox] == [["bruno@a.example"]]
    foreign = client.post(
        "/api/v1/c/coop-a/collaboration-requests/",
        {"recipients": [999999], "subject": "x", "message": "y"},
        content_type="application/json",
    )
    assert foreign.status_code == 400
    assert foreign.json()["detail"] == "Choisissez au moins un·e entrepreneur·e de la coopérative."
