"""An associate opens a written consultation, answers each resolution in one form and sees
their receipts, which are the trackers of the ballots counted."""

from __future__ import annotations

import os
import re
from typing import Any

import pytest
from django.db import connection

from governance.models import Ballot, Participation
from perspectives.tenancy.context import cooperative_context
from tests.conftest import PASSWORD, World
from tests.helpers.governance import make_consultation


@pytest.mark.django_db(transaction=True)
def test_associate_answers_a_written_consultation(
    world: World, live_server: Any, browser: Any
) -> None:
    with cooperative_context(world.coop_a.pk):
        consultation = make_consultation(world)
    page = browser.new_page(locale="fr-FR")
    page.goto(f"{live_server.url}/accounts/login/")
    page.get_by_label("Courriel").fill("alice@a.example")
    page.get_by_label("Mot de passe", exact=False).first.fill(PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r".*/c/coop-a/$"))

    page.get_by_role("link", name="Assemblées", exact=True).first.click()
    page.get_by_role("link", name="Approbation des comptes 2025").click()
    page.wait_for_url(re.compile(rf".*/governance/assemblies/{consultation.pk}/$"))
    assert page.get_by_text("0 associé·es sur 5 ont répondu.").is_visible()
    page.get_by_role("group", name="1. Résolution 1").get_by_label("Pour").check()
    page.get_by_role("group", name="2. Résolution 2").get_by_label("Contre").check()
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=f"{os.environ['SCREENSHOT_DIR']}/consultation.png", full_page=True)
    # A ballot cannot be changed: the page asks for confirmation first.
    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Envoyer ma réponse").click()
    message = page.get_by_text("Réponse enregistrée. Vos reçus :")
    message.wait_for()

    shown = set(re.findall(r"[0-9a-f]{16}", message.text_content() or ""))
    try:
        with cooperative_context(world.coop_a.pk):
            trackers = {b.tracker: b.choice for b in Ballot.objects.all()}
            channels = set(Participation.objects.values_list("channel", flat=True))
    finally:
        connection.close()
    assert set(trackers) == shown
    assert sorted(trackers.values()) == ["against", "for"]
    assert channels == {"written"}
    assert page.get_by_text("1 associé·es sur 5 ont répondu.").is_visible()
    assert page.get_by_text("Votre réponse est enregistrée.").is_visible()
    page.close()
