from __future__ import annotations

import re

from django.test import Client
from rest_framework.authtoken.models import Token

from perspectives.tenancy.models import Membership
from tests.conftest import World, activate_totp


def _normalise(html: str, path: str) -> str:
    """The page without what legitimately differs: the CSRF tokens and the requested path."""
    html = re.sub(r'(csrfmiddlewaretoken" value="|"X-CSRFToken": ")[^"]+', r"\1", html)
    return html.replace(path, "PATH")


def test_member_reaches_their_cooperative_home(world: World, client: Client) -> None:
    client.force_login(world.alice)
    response = client.get("/c/coop-a/")
    assert response.status_code == 200
    assert "Bonjour Alice" in response.text
    assert "Communication" in response.text


def test_non_member_gets_the_same_404_as_a_missing_cooperative(
    world: World, client: Client
) -> None:
    client.force_login(world.charlie)
    foreign = client.get("/c/coop-a/")
    missing = client.get("/c/does-not-exist/")
    assert (foreign.status_code, missing.status_code) == (404, 404)
    assert _normalise(foreign.text, "/c/coop-a/") == _normalise(missing.text, "/c/does-not-exist/")


def test_removing_a_membership_revokes_access_at_once(world: World, client: Client) -> None:
    client.force_login(world.alice)
    assert client.get("/c/coop-a/").status_code == 200
    Membership.objects.filter(pk=world.alice_membership.pk).delete()
    assert client.get("/c/coop-a/").status_code == 404


def test_member_without_the_role_gets_403(world: World, client: Client) -> None:
    client.force_login(world.alice)
    assert client.get("/c/coop-a/members/").status_code == 403
    assert client.get("/c/coop-a/entrepreneurs/").status_code == 403


def test_entrepreneur_sees_only_their_own_file(world: World, client: Client) -> None:
    client.force_login(world.bob)
    listing = client.get("/api/v1/c/coop-a/entrepreneurs/").json()
    assert listing["count"] == 1
    own_id = listing["results"][0]["id"]
    client.force_login(world.alice)
    assert client.get(f"/c/coop-a/entrepreneurs/{own_id}/").status_code == 200
    assert client.get(f"/c/coop-a/entrepreneurs/{own_id + 1000}/").status_code == 404


def test_privileged_role_without_totp_is_sent_to_activate_it(world: World, client: Client) -> None:
    world.bob_membership.roles = ["support", "accountant"]
    world.bob_membership.save()
    client.force_login(world.bob)
    response = client.get("/c/coop-a/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/2fa/totp/activate/"
    api = client.get("/api/v1/c/coop-a/me/")
    assert api.status_code == 403
    activate_totp(world.bob)
    assert client.get("/c/coop-a/").status_code == 200


def test_support_home_is_their_portfolio(world: World, client: Client) -> None:
    client.force_login(world.bob)
    response = client.get("/c/coop-a/")
    assert response.status_code == 200
    assert "1 entrepreneur·e" in response.text
    assert [row.entrepreneur.last_name for row in response.context["rows"]] == ["Arnaud"]


def test_manager_home_is_the_cooperative_dashboard(world: World, client: Client) -> None:
    client.force_login(world.carl)
    response = client.get("/c/coop-a/")
    assert response.status_code == 200
    dashboard = response.context["dashboard"]
    assert dashboard.stages[0] == ("Prospect", 1)
    assert dashboard.at_risk_by_sector == [("Communication", 0)]


def test_api_token_authentication_is_scoped_by_membership(world: World) -> None:
    token = Token.objects.create(user=world.alice)
    api = Client(HTTP_AUTHORIZATION=f"Token {token.key}")
    me = api.get("/api/v1/c/coop-a/me/")
    assert me.status_code == 200
    assert me.json() == {
        "cooperative": "coop-a",
        "cooperative_name": "Coopérative A",
        "email": "alice@a.example",
        "roles": ["entrepreneur"],
    }
    assert api.get("/api/v1/c/coop-b/me/").status_code == 404
    assert api.get("/api/v1/cooperatives/").json() == [
        {"slug": "coop-a", "name": "Coopérative A", "roles": ["entrepreneur"]}
    ]
    assert Client(HTTP_AUTHORIZATION="Token wrong").get("/api/v1/c/coop-a/me/").status_code == 401


def test_switcher_lists_every_cooperative_of_the_user(world: World, client: Client) -> None:
    Membership.objects.create(cooperative=world.coop_b, user=world.alice, roles=["entrepreneur"])
    client.force_login(world.alice)
    chooser = client.get("/")
    assert chooser.status_code == 200
    assert [m.cooperative.slug for m in chooser.context["memberships"]] == ["coop-a", "coop-b"]
    page = client.get("/c/coop-b/")
    assert page.status_code == 200
    assert 'href="/c/coop-a/"' in page.text
    assert 'href="/c/coop-b/" aria-current="page"' in page.text


def test_single_membership_goes_straight_home(world: World, client: Client) -> None:
    client.force_login(world.alice)
    response = client.get("/")
    assert (response.status_code, response["Location"]) == (302, "/c/coop-a/")


def test_platform_staff_see_no_cooperative_data(world: World, client: Client) -> None:
    from tests.factories import UserFactory

    staff = UserFactory.create(email="staff@platform.example", is_staff=True, is_superuser=True)
    client.force_login(staff)
    assert client.get("/c/coop-a/").status_code == 404
    assert client.get("/api/v1/c/coop-a/entrepreneurs/").status_code == 404
    assert client.get("/admin/tenancy/cooperative/").status_code == 200


def test_admin_login_goes_through_allauth(db: None, client: Client) -> None:
    response = client.get("/admin/login/?next=/admin/")
    assert (response.status_code, response["Location"]) == (
        302,
        "/accounts/login/?next=%2Fadmin%2F",
    )
