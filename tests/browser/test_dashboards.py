"""An entrepreneur sees their charts and an alert; the three dashboards are saved as screenshots
(test-results/screenshots/) by every run."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from entrepreneurs.models import Activity
from tests.conftest import World
from tests.helpers.browser import log_in

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


@pytest.mark.django_db(transaction=True)
def test_the_three_dashboards(
    world: World, history: Activity, live_server: Any, browser: Any
) -> None:
    SHOTS.mkdir(parents=True, exist_ok=True)
    base = live_server.url

    page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
    log_in(page, base, "alice@a.example")
    assert page.get_by_role("heading", name="À surveiller").is_visible()
    assert page.get_by_text("Vous devez devenir associé·e avant le").is_visible()
    charts = page.locator("svg.chart")
    assert charts.count() == 4
    assert (
        page.locator("#revenue-title").text_content()
        == "Chiffre d'affaires sur 24 mois, et l'année précédente"
    )
    page.screenshot(path=str(SHOTS / "entrepreneur-dashboard.png"), full_page=True)

    page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
    log_in(page, base, "bob@a.example")
    assert page.get_by_role("heading", name="Mon portefeuille").is_visible()
    assert page.locator("svg.sparkline").count() == 1
    page.screenshot(path=str(SHOTS / "support-dashboard.png"), full_page=True)

    page = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
    log_in(page, base, "carl@a.example", totp=True)
    assert page.get_by_role("heading", name="Chiffre d'affaires par pôle", exact=True).is_visible()
    page.screenshot(path=str(SHOTS / "cooperative-dashboard.png"), full_page=True)
    assert sorted(p.name for p in SHOTS.glob("*-dashboard.png")) == [
        "cooperative-dashboard.png",
        "entrepreneur-dashboard.png",
        "support-dashboard.png",
    ]
