from __future__ import annotations

import io

import pytest
from django.test import Client
from pypdf import PdfReader

from governance.models import Assembly, Participation, Proxy, Resolution
from governance.services import resolution_open
from governance.tasks import minutes_render_task
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.governance.conftest import Setup, convened_assembly, opened, totp_now


@pytest.fixture
def setup(world: World) -> Setup:
    """Alice and Carl are associates among five; the assembly is open, resolution 1 too."""
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(
            associates=5,
            users=[world.alice, world.carl],
            resolutions=(("ordinary", False), ("election", True)),
        )
        opened(setup)
        resolution_open(resolution=setup.resolutions[0])
    return setup


def _url(setup: Setup, suffix: str = "", slug: str = "coop-a") -> str:
    return f"/c/{slug}/governance/assemblies/{setup.assembly.pk}/{suffix}"


def _counts(world: World) -> tuple[int, int]:
    with cooperative_context(world.coop_a.pk):
        return Participation.objects.count(), Proxy.objects.count()


def test_associate_sees_the_assembly_and_votes(world: World, client: Client, setup: Setup) -> None:
    client.force_login(world.alice)
    listing = client.get("/c/coop-a/governance/")
    page = client.get(_url(setup))
    resolution = setup.resolutions[0]
    response = client.post(_url(setup, f"resolutions/{resolution.pk}/vote/"), {"choice": "for"})
    after = client.get(_url(setup))

    assert listing.status_code == page.status_code == 200
    assert "AGO 2026" in listing.text
    assert "0 présent·es ou représenté·es sur 5 associé·es" in page.text
    assert 'hx-trigger="every 5s"' in page.text
    assert response.status_code == 302
    assert "Votre reçu" in after.text
    assert "1 présent·es ou représenté·es sur 5 associé·es" in after.text
    with cooperative_context(world.coop_a.pk):
        participation = Participation.objects.get()
        assert (participation.voter.user_id, participation.choice) == (world.alice.pk, "for")


def test_second_vote_and_vote_on_closed_resolution_are_refused_with_a_message(
    world: World, client: Client, setup: Setup
) -> None:
    client.force_login(world.alice)
    first, second = setup.resolutions
    client.post(_url(setup, f"resolutions/{first.pk}/vote/"), {"choice": "for"})
    again = client.post(
        _url(setup, f"resolutions/{first.pk}/vote/"), {"choice": "against"}, follow=True
    )
    pending = client.post(
        _url(setup, f"resolutions/{second.pk}/vote/"), {"choice": "for"}, follow=True
    )
    assert "Un vote de Alice Arnaud est déjà enregistré" in again.text
    assert "n&#x27;est pas ouvert" in pending.text
    assert _counts(world) == (1, 0)


def test_non_associate_cannot_vote_nor_give_a_proxy(
    world: World, client: Client, setup: Setup
) -> None:
    client.force_login(world.bob)
    resolution = setup.resolutions[0]
    vote = client.post(_url(setup, f"resolutions/{resolution.pk}/vote/"), {"choice": "for"})
    proxy = client.post(_url(setup, "proxy/"), {"holder": ""})
    page = client.get(_url(setup))
    assert (vote.status_code, proxy.status_code, page.status_code) == (403, 403, 200)
    assert "Mon vote" not in page.text
    assert _counts(world) == (0, 0)


def test_other_cooperative_gets_404_everywhere(world: World, client: Client, setup: Setup) -> None:
    client.force_login(world.charlie)
    resolution = setup.resolutions[0]
    for slug in ("coop-a", "coop-b"):
        assert client.get(_url(setup, slug=slug)).status_code == 404
        assert client.get(_url(setup, "quorum/", slug=slug)).status_code == 404
        assert client.get(_url(setup, "minutes/", slug=slug)).status_code == 404
        vote = client.post(
            _url(setup, f"resolutions/{resolution.pk}/vote/", slug=slug), {"choice": "for"}
        )
        assert vote.status_code == 404
        api = client.post(
            f"/api/v1/c/{slug}/governance/assemblies/{setup.assembly.pk}/resolutions/"
            f"{resolution.pk}/votes/",
            {"choice": "for"},
            content_type="application/json",
        )
        assert api.status_code == 404
    assert _counts(world) == (0, 0)


def test_associate_gives_and_revokes_a_proxy(world: World, client: Client, setup: Setup) -> None:
    client.force_login(world.alice)
    with cooperative_context(world.coop_a.pk):
        carl_entry = setup.assembly.roll.get(user=world.carl)
    client.post(_url(setup, "proxy/"), {"holder": carl_entry.pk})
    with cooperative_context(world.coop_a.pk):
        proxy = Proxy.objects.get()
        assert (proxy.holder_id, proxy.revoked_at) == (carl_entry.pk, None)
    client.force_login(world.carl)
    page = client.get(_url(setup))
    assert "Vote pour Alice Arnaud (pouvoir)" in page.text
    client.force_login(world.alice)
    client.post(_url(setup, "proxy/revoke/"))
    with cooperative_context(world.coop_a.pk):
        assert Proxy.objects.get().revoked_at is not None


def test_manager_runs_the_session_and_the_minutes_list_every_resolution(
    world: World, client: Client, setup: Setup
) -> None:
    first, second = setup.resolutions
    client.force_login(world.alice)
    client.post(_url(setup, f"resolutions/{first.pk}/vote/"), {"choice": "for"})
    client.force_login(world.carl)
    with cooperative_context(world.coop_a.pk):
        room_entry = setup.assembly.roll.exclude(user__in=[world.alice, world.carl]).first()
    assert room_entry is not None
    client.post(_url(setup, "attendance/"), {"entry": room_entry.pk, "mode": "room"})
    client.post(
        _url(setup, f"resolutions/{first.pk}/room/"),
        {"votes_for": 1, "votes_against": 0, "votes_abstain": 0},
    )
    client.post(_url(setup, f"resolutions/{first.pk}/close/"))
    client.post(_url(setup, f"resolutions/{second.pk}/open/"))
    client.post(
        _url(setup, f"resolutions/{second.pk}/vote/"),
        {"choice": "against", "otp_code": totp_now()},  # secret ballot: Carl has TOTP
    )
    client.post(_url(setup, "close/"))

    with cooperative_context(world.coop_a.pk):
        assembly = Assembly.objects.get(pk=setup.assembly.pk)
        results = list(
            Resolution.objects.filter(assembly=assembly)
            .order_by("position")
            .values_list("votes_for", "votes_against", "votes_abstain", "outcome")
        )
    assert assembly.status == "closed"
    # 5 associates, SCOP SARL 1st consultation: more than half of all (3) needed; missed, the
    # associates are convened a second time (L.223-29 al. 2).
    assert results == [(2, 0, 0, "second_round"), (0, 1, 0, "second_round")]

    minutes_render_task(cooperative_id=world.coop_a.pk, assembly_id=assembly.pk)
    with cooperative_context(world.coop_a.pk):
        assembly.refresh_from_db()
    assert assembly.minutes_file.name.startswith(
        f"cooperatives/{world.coop_a.pk}/governance/minutes/{assembly.pk}-"
    )
    client.force_login(world.alice)
    response = client.get(_url(setup, "minutes/"))
    assert response.status_code == 200
    pdf = b"".join(response.streaming_content)  # type: ignore[attr-defined]
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert "Résolution n° 1 : Résolution 1" in text
    assert "Résolution n° 2 : Résolution 2" in text
    assert "Texte de la résolution 2." in text
    assert assembly.roll_hash in text.replace("\n", "")
    assert text.count("Seconde consultation") >= 2
    client.force_login(world.bob)
    assert client.get(_url(setup, "minutes/")).status_code == 403


def test_minutes_task_is_idempotent_and_refuses_open_assemblies(world: World, setup: Setup) -> None:
    from perspectives.core.exceptions import ApplicationError

    with pytest.raises(ApplicationError, match="après la clôture"):
        minutes_render_task(cooperative_id=world.coop_a.pk, assembly_id=setup.assembly.pk)
    with cooperative_context(world.coop_a.pk):
        assert not Assembly.objects.get(pk=setup.assembly.pk).minutes_file


def test_api_vote_proxy_and_register(world: World, client: Client, setup: Setup) -> None:
    resolution = setup.resolutions[0]
    base = f"/api/v1/c/coop-a/governance/assemblies/{setup.assembly.pk}/"
    client.force_login(world.alice)
    detail = client.get(base).json()
    first = client.post(
        base + f"resolutions/{resolution.pk}/votes/",
        {"choice": "for"},
        content_type="application/json",
    )
    again = client.post(
        base + f"resolutions/{resolution.pk}/votes/",
        {"choice": "against"},
        content_type="application/json",
    )
    register = client.get("/api/v1/c/coop-a/governance/associates/")
    assert [r["position"] for r in detail["resolutions"]] == [1, 2]
    assert (detail["roll_size"], detail["present_or_represented"]) == (5, 0)
    assert first.status_code == 201
    assert len(first.json()["tracker"]) == 16
    assert again.status_code == 400
    assert "déjà enregistré" in again.json()["detail"]
    assert register.status_code == 403
    client.force_login(world.bob)
    refused = client.post(
        base + f"resolutions/{resolution.pk}/votes/",
        {"choice": "for"},
        content_type="application/json",
    )
    assert refused.status_code == 403
    client.force_login(world.carl)
    associates = client.get("/api/v1/c/coop-a/governance/associates/").json()
    assert associates["count"] == 5
    assert _counts(world) == (1, 0)


def test_manager_prepares_and_convenes_through_the_pages(world: World, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        convened_assembly(associates=3)  # profile and associates
    client.force_login(world.carl)
    created = client.post(
        "/c/coop-a/governance/assemblies/new/",
        {
            "title": "AGE statuts",
            "kind": "extraordinary",
            "mode": "in_person",
            "scheduled_at": "2099-06-20T18:00",
            "place": "Prades",
        },
    )
    with cooperative_context(world.coop_a.pk):
        assembly = Assembly.objects.get(title="AGE statuts")
    assert created.status_code == 302
    url = f"/c/coop-a/governance/assemblies/{assembly.pk}/"
    client.post(
        url + "resolutions/new/",
        {"title": "Modification", "text": "Article 5 modifié.", "decision_class": "extraordinary"},
    )
    client.post(url + "convene/")
    register = client.get("/c/coop-a/governance/register/")
    with cooperative_context(world.coop_a.pk):
        assembly.refresh_from_db()
        resolutions = assembly.resolutions.count()
    assert (assembly.status, assembly.roll_size, resolutions) == ("convened", 3, 1)
    assert register.status_code == 200
    client.force_login(world.alice)
    assert client.get("/c/coop-a/governance/register/").status_code == 403
    assert client.post(url + "open/").status_code == 403


def test_small_electorate_warning_on_secret_ballots(
    world: World, client: Client, setup: Setup
) -> None:
    client.force_login(world.alice)
    page = client.get(_url(setup))
    # Five associates: no warning; the threshold is below five.
    assert "Petit corps électoral" not in page.text
    with cooperative_context(world.coop_a.pk):
        small = convened_assembly(associates=0, resolutions=(("election", True),))
    with cooperative_context(world.coop_a.pk):
        Assembly.objects.filter(pk=small.assembly.pk).update(roll_size=4)
    assert "Petit corps électoral" in client.get(_url(small)).text


def test_the_bureau_marks_everyone_present_in_one_click(
    world: World, client: Client, setup: Setup
) -> None:
    from governance.models import Attendance

    client.force_login(world.carl)
    page = client.get(_url(setup))
    assert "Marquer tout le monde présent" in page.text
    assert page.text.count('name="entries"') == 5
    with cooperative_context(world.coop_a.pk):
        one = setup.assembly.roll.order_by("full_name").first()
    assert one is not None
    ticked = client.post(_url(setup, "attendance/"), {"entries": [one.pk], "mode": "room"})
    assert ticked.status_code == 302
    everyone = client.post(_url(setup, "attendance/"), {"all": "on", "mode": "room"}, follow=True)
    assert "4 présences enregistrées." in everyone.text
    again = client.post(_url(setup, "attendance/"), {"all": "on", "mode": "room"}, follow=True)
    assert "Personne à émarger" in again.text
    with cooperative_context(world.coop_a.pk):
        modes = list(Attendance.objects.values_list("mode", flat=True))
    assert modes == ["room"] * 5
    assert client.get(_url(setup)).text.count('name="entries"') == 0

    client.force_login(world.charlie)
    for slug in ("coop-a", "coop-b"):
        response = client.post(_url(setup, "attendance/", slug), {"all": "on", "mode": "room"})
        assert response.status_code == 404
    with cooperative_context(world.coop_a.pk):
        assert Attendance.objects.count() == 5


def test_the_home_page_says_a_vote_is_waiting_until_it_is_cast(
    world: World, client: Client, setup: Setup
) -> None:
    client.force_login(world.alice)
    home = client.get("/c/coop-a/")
    assert home.status_code == 200
    assert "Un vote vous attend" in home.text
    assert "AGO 2026 : 1 résolution attend votre vote." in home.text
    assert _url(setup) in home.text
    page = client.get(_url(setup))
    assert "ne peut plus être modifié" in page.text
    assert 'data-confirm="Confirmer ce vote ? Il ne pourra plus être modifié."' in page.text
    resolution = setup.resolutions[0]
    client.post(_url(setup, f"resolutions/{resolution.pk}/vote/"), {"choice": "for"})
    assert "Un vote vous attend" not in client.get("/c/coop-a/").text
    # Bob is on no roll: nothing waits for him.
    client.force_login(world.bob)
    assert "Un vote vous attend" not in client.get("/c/coop-a/").text


def test_the_receipt_is_handed_to_the_browser_once(
    world: World, client: Client, setup: Setup
) -> None:
    from governance.models import Ballot

    client.force_login(world.alice)
    resolution = setup.resolutions[0]
    posted = client.post(_url(setup, f"resolutions/{resolution.pk}/vote/"), {"choice": "for"})
    assert posted.status_code == 302, posted
    after = client.get(posted["Location"])
    with cooperative_context(world.coop_a.pk):
        tracker = Ballot.objects.get().tracker
    assert '<script id="receipts-to-keep" type="application/json">' in after.text
    assert f'"tracker": "{tracker}"' in after.text
    assert f'data-receipts-owner="{world.alice.pk}"' in after.text
    assert "receipts-to-keep" not in client.get(_url(setup)).text
    mine = client.get("/c/coop-a/governance/me/")
    assert f'data-receipts-list="{world.alice.pk}"' in mine.text
    assert tracker not in mine.text  # the server does not keep it
