"""A person logs in with the demo entrepreneur's account and reaches their home page."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from typing import Any

import pytest

from perspectives.demo.services import DEMO_PASSWORD, demo_seed

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason="Chromium not found: install Debian's package (apt-get install chromium); "
        ".ci/run does it for CI.",
    ),
]


@pytest.fixture
def browser(monkeypatch: pytest.MonkeyPatch) -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the ORM calls made by the test
    # itself happen before the browser starts.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def demo(transactional_db: None) -> None:
    demo_seed()


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
    assert page.locator("dl.facts dd").first.inner_text() == "Bâtiment"
    if os.environ.get("SCREENSHOT_DIR"):
        page.screenshot(path=os.path.join(os.environ["SCREENSHOT_DIR"], "entrepreneur-home.png"))
    assert page.title() == "Mon activité · Perspectives · Perspectives"
