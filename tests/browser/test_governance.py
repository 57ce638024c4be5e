"""An associate logs in, opens the upcoming assembly from the menu, votes on the open
resolution and sees their receipt, which is the tracker of the ballot counted."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.db import connection

from governance.models import Ballot, Participation
from governance.services import resolution_open
from perspectives.tenancy.context import cooperative_context
from tests.conftest import PASSWORD, World
from tests.governance.conftest import convened_assembly, opened


@pytest.mark.django_db(transaction=True)
def test_associate_votes_and_sees_the_receipt(world: World, live_server: Any, browser: Any) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(associates=3, users=[world.alice])
        opened(setup)
        resolution_open(resolution=setup.resolutions[0])
    base = live_server.url
    page = browser.new_page(locale="fr-FR")
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Courriel").fill("alice@a.example")
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r".*/c/coop-a/$"))

    page.get_by_role("link", name="Assemblées", exact=True).first.click()
    page.get_by_role("link", name="AGO 2026").click()
    page.wait_for_url(re.compile(rf".*/governance/assemblies/{setup.assembly.pk}/$"))
    assert page.get_by_text("Texte de la résolution 1.").is_visible()
    page.get_by_label("Pour").check()
    # A ballot cannot be changed: the page asks for confirmation first.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Voter").click()
    message = page.get_by_text("Vote enregistré. Votre reçu :")
    message.wait_for()

    shown = re.search(r"reçu : ([0-9a-f]{16})", message.text_content() or "")
    assert shown is not None
    # ORM calls while Playwright's event loop runs use their own connection: close it, so the
    # test database can be dropped at the end.
    try:
        with cooperative_context(world.coop_a.pk):
            ballot = Ballot.objects.get()
            participation = Participation.objects.select_related("voter").get()
    finally:
        connection.close()
    assert (ballot.tracker, ballot.choice) == (shown.group(1), "for")
    assert (participation.voter.user_id, participation.channel) == (world.alice.pk, "online")
    assert page.get_by_text("Vote enregistré pour Alice Arnaud.").is_visible()
    # The receipt stays on this device: "Mes votes" lists it at any time.
    page.goto(f"{base}/c/coop-a/governance/me/")
    assert page.locator("[data-receipts-list] code").text_content() == shown.group(1)
    assert not page.get_by_text("Aucun reçu gardé sur cet appareil.").is_visible()
    page.close()  # stops the live quorum counter's polling before the server stops
