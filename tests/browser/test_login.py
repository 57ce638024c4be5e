"""A person logs in with the demo entrepreneur's account and reaches their home page."""

from __future__ import annotations

import os
from typing import Any

from top.demo.services import DEMO_PASSWORD


def test_demo_entrepreneur_logs_in_and_sees_their_home(
    demo: None, live_server: Any, browser: Any
) -> None:
    page = browser.new_page(locale="fr-FR")
    page.goto(f"{live_server.url}/c/perspectives/")
    assert "/accounts/login/" in page.url
    page.get_by_label("Courriel").fill("entrepreneur@perspectives.example")
    page.get_by_label("Mot de passe", exact=False).first.fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(f"{live_server.url}/c/perspectives/")
    assert page.get_by_role("heading", level=1).inner_text() == "Bonjour Léa"
    assert page.locator("p.muted").first.inner_text().startswith("Bâtiment · CESA")
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "entrepreneur-home.png"))
    assert page.title() == "Mon activité · Perspectives"
