"""Carl (manager), on a phone, puts the preset of his SCOP SARL in force, admits votes by
correspondence for ordinary decisions on second convocation citing the statutes' article, and
signs the profile off. The page is saved as a screenshot (test-results/screenshots/)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from governance.models import StatuteProfile
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.helpers.browser import log_in

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.mark.django_db(transaction=True)
def test_manager_adapts_and_signs_off_the_statutes_on_a_phone(
    world: World, live_server: Any, browser: Any
) -> None:
    base = live_server.url
    page = browser.new_page(locale="fr-FR", viewport={"width": 390, "height": 844})
    log_in(page, base, "carl@a.example", totp=True)
    page.goto(f"{base}/c/coop-a/governance/statutes/")
    page.get_by_role("button", name="Partir du modèle « SCOP SARL »").click()
    page.get_by_text("Modèle « SCOP SARL » en vigueur").wait_for()

    section = page.locator(
        "section", has=page.get_by_role("heading", name="Décision ordinaire, 2e convocation")
    )
    section.get_by_text("Modifier : Décision ordinaire, 2e convocation").click()
    section.get_by_label("Vote par correspondance").check()
    section.get_by_label("Article des statuts").fill("art. 23")
    section.get_by_role("button", name="Enregistrer la règle").click()
    page.get_by_text("Règle enregistrée : le profil est à signer de nouveau.").wait_for()

    page.get_by_role("button", name="J'ai vérifié ces règles au regard de nos statuts").click()
    page.get_by_text("Profil vérifié au regard de vos statuts").first.wait_for()
    assert page.get_by_text("vérifié au regard des statuts par Carl Cazals").is_visible()
    # The page's own content fits the phone's width (the main navigation is the site's).
    width = page.evaluate(
        "Math.max(...Array.from(document.querySelectorAll('main *'))"
        ".map(e => e.getBoundingClientRect().right))"
    )
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "governance-statutes-phone.png"), full_page=True)
    page.close()
    try:
        with cooperative_context(world.coop_a.pk):
            profile = StatuteProfile.objects.get()
            rule = profile.rules.get(decision_class="ordinary", convocation=2)
    finally:
        connection.close()
    assert (rule.correspondence_allowed, rule.statutes_article) == (True, "art. 23")
    assert profile.checked_by_id == world.carl.pk
    assert width <= 390, "the statutes page overflows a phone's width"
