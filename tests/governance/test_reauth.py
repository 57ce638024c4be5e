from __future__ import annotations

import re
from typing import Any

import pytest
from django.test import Client

from governance.models import Ballot, Participation
from governance.services import resolution_close, resolution_open
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.governance.conftest import Setup, convened_assembly, opened, totp_now


@pytest.fixture
def setup(world: World) -> Setup:
    """Alice (no TOTP) and Carl (TOTP) are associates among four; resolution 1 is nominal,
    2 and 3 are secret; all three are open."""
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(
            associates=4,
            users=[world.alice, world.carl],
            resolutions=(("ordinary", False), ("ordinary", True), ("ordinary", True)),
        )
        opened(setup)
        for resolution in setup.resolutions:
            resolution_open(resolution=resolution)
    return setup


def _vote_url(setup: Setup, index: int) -> str:
    resolution = setup.resolutions[index]
    return f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/resolutions/{resolution.pk}/vote/"


def _counted(world: World) -> list[tuple[int, int | None]]:
    with cooperative_context(world.coop_a.pk):
        return sorted(
            (p.resolution.position, p.voter.user_id)
            for p in Participation.objects.select_related("resolution", "voter")
        )


def test_secret_ballot_needs_a_fresh_second_factor_code(
    world: World, client: Client, setup: Setup
) -> None:
    client.force_login(world.carl)
    page = client.get(f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/")
    assert page.text.count('name="otp_code"') == 2  # the two secret resolutions only
    missing = client.post(_vote_url(setup, 1), {"choice": "for"}, follow=True)
    wrong = client.post(_vote_url(setup, 1), {"choice": "for", "otp_code": "000000"}, follow=True)
    assert "saisissez le code à six chiffres" in missing.text
    assert "Code de double authentification incorrect ou déjà utilisé" in wrong.text
    assert _counted(world) == []

    code = totp_now()
    accepted = client.post(_vote_url(setup, 1), {"choice": "for", "otp_code": code}, follow=True)
    replayed = client.post(_vote_url(setup, 2), {"choice": "for", "otp_code": code}, follow=True)
    nominal = client.post(_vote_url(setup, 0), {"choice": "against"}, follow=True)

    assert "Vote enregistré. Votre reçu" in accepted.text
    assert "déjà utilisé" in replayed.text
    assert "Vote enregistré" in nominal.text  # no code for a nominal (open) vote
    assert _counted(world) == [(1, world.carl.pk), (2, world.carl.pk)]


def _mailed_code(outbox: list[Any]) -> str:
    match = re.search(r"code de confirmation : (\d{6})", outbox[-1].body)
    assert match, outbox[-1].body
    return match.group(1)


def test_associate_without_totp_confirms_a_secret_ballot_with_a_code_by_email(
    world: World, client: Client, setup: Setup, mailoutbox: list[Any]
) -> None:
    client.force_login(world.alice)
    page = client.get(f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/")
    assert "Recevoir un code par e-mail" in page.text
    assert page.text.count("Code reçu par e-mail (scrutin secret)") == 2
    without = client.post(_vote_url(setup, 1), {"choice": "abstain"}, follow=True)
    assert "demandez un code par e-mail" in without.text
    assert _counted(world) == []
    sent = client.post(
        f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/secret-code/", follow=True
    )
    assert "Un code à six chiffres vient d&#x27;être envoyé à alice@a.example" in sent.text
    assert [m.to for m in mailoutbox] == [["alice@a.example"]]
    code = _mailed_code(mailoutbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    refused = client.post(
        _vote_url(setup, 1), {"choice": "abstain", "otp_code": wrong}, follow=True
    )
    assert "Code reçu par e-mail incorrect" in refused.text
    assert _counted(world) == []
    response = client.post(
        _vote_url(setup, 1), {"choice": "abstain", "otp_code": code}, follow=True
    )
    assert "Vote enregistré. Votre reçu" in response.text
    assert _counted(world) == [(2, world.alice.pk)]
    # The code was spent: the next secret ballot needs a new one.
    replayed = client.post(_vote_url(setup, 2), {"choice": "for", "otp_code": code}, follow=True)
    assert "demandez un code par e-mail" in replayed.text
    assert _counted(world) == [(2, world.alice.pk)]
    with cooperative_context(world.coop_a.pk):
        resolution_close(resolution=setup.resolutions[1])
        assert list(Ballot.objects.values_list("choice", flat=True)) == ["abstain"]


def test_email_code_is_dropped_after_five_wrong_tries(
    world: World, client: Client, setup: Setup, mailoutbox: list[Any]
) -> None:
    client.force_login(world.alice)
    api = f"/api/v1/c/coop-a/governance/assemblies/{setup.assembly.pk}/"
    assert client.post(api + "secret-code/").status_code == 204
    code = _mailed_code(mailoutbox)
    wrong = f"{(int(code) + 1) % 10**6:06d}"
    vote = api + f"resolutions/{setup.resolutions[1].pk}/votes/"
    for _try in range(5):
        refused = client.post(
            vote, {"choice": "for", "otp_code": wrong}, content_type="application/json"
        )
        assert "incorrect" in refused.json()["detail"]
    late = client.post(vote, {"choice": "for", "otp_code": code}, content_type="application/json")
    assert late.status_code == 400
    assert "demandez un code par e-mail" in late.json()["detail"]
    assert _counted(world) == []
    # Carl has TOTP: no e-mail code for him; charlie cannot even find the assembly.
    client.force_login(world.carl)
    assert client.post(api + "secret-code/").status_code == 400
    client.force_login(world.charlie)
    assert client.post(api + "secret-code/").status_code == 404
    assert (
        client.post(
            f"/api/v1/c/coop-b/governance/assemblies/{setup.assembly.pk}/secret-code/"
        ).status_code
        == 404
    )
    assert len(mailoutbox) == 1


def test_api_secret_vote_refused_without_a_valid_code(
    world: World, client: Client, setup: Setup
) -> None:
    client.force_login(world.carl)
    url = (
        f"/api/v1/c/coop-a/governance/assemblies/{setup.assembly.pk}/resolutions/"
        f"{setup.resolutions[1].pk}/votes/"
    )
    refused = client.post(url, {"choice": "for"}, content_type="application/json")
    assert refused.status_code == 400
    assert "saisissez le code à six chiffres" in refused.json()["detail"]
    assert _counted(world) == []
    accepted = client.post(
        url, {"choice": "for", "otp_code": totp_now()}, content_type="application/json"
    )
    assert accepted.status_code == 201
    assert _counted(world) == [(2, world.carl.pk)]


def test_election_voted_through_the_page_by_ticking_names(world: World, client: Client) -> None:
    from governance.models import BallotMark
    from governance.services import candidacy_file

    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(
            associates=4, users=[world.alice, world.carl], resolutions=(("election", True),)
        )
        election = setup.resolutions[0]
        first, second = (candidacy_file(resolution=election, entry=e) for e in setup.entries[:2])
        opened(setup)
        resolution_open(resolution=election)
    client.force_login(world.carl)
    page = client.get(f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/")
    assert f'name="candidates" value="{first.pk}"' in page.text
    code = totp_now()
    too_many = client.post(
        _vote_url(setup, 0),
        {"choice": "for", "candidates": [first.pk, second.pk], "otp_code": code},
        follow=True,
    )
    assert "Cochez au plus 1 nom(s)." in too_many.text
    with cooperative_context(world.coop_a.pk):
        assert (Participation.objects.count(), BallotMark.objects.count()) == (0, 0)
    # The refused ballot spent no code: the same code still confirms a valid one.
    accepted = client.post(
        _vote_url(setup, 0),
        {"choice": "for", "candidates": [second.pk], "otp_code": code},
        follow=True,
    )
    assert "Vote enregistré. Votre reçu" in accepted.text
    with cooperative_context(world.coop_a.pk):
        assert list(BallotMark.objects.values_list("candidacy_id", flat=True)) == [second.pk]
        assert Participation.objects.get().choice == ""
        resolution_close(resolution=election)
        name = second.entry.full_name
    closed = client.get(f"/c/coop-a/governance/assemblies/{setup.assembly.pk}/")
    # 1 vote of 4 associates: short of more than half of all of them (SCOP SARL, 1st).
    assert f"<tr><td>{name}</td><td>non</td><td>1</td><td>non élu·e</td></tr>" in closed.text
    assert "Aucun·e élu·e." in closed.text
