"""The styleguide shows every component of the design system, with the formats of the active
language, to any signed-in person."""

from __future__ import annotations

import html

import pytest
from django.test import Client

from tests.conftest import World

# One marker per component documented in docs/design-system.md.
COMPONENTS = [
    'class="breadcrumbs"',
    'class="page-header"',
    'class="subnav"',
    'class="grid"',
    'class="grid charts"',
    'class="card"',
    'class="card card-link"',
    'class="stretched"',
    'class="kpis"',
    'class="kpi-label"',
    'class="facts"',
    'class="muted"',
    'class="link-list"',
    'class="timeline"',
    '<table class="table">',
    '<table class="table no-stack">',
    'class="table-scroll"',
    'class="num"',
    'class="total"',
    'class="pagination"',
    'aria-current="page"',
    'class="field has-error"',
    'aria-invalid="true"',
    '<small class="muted">',
    'class="filters"',
    "data-autosubmit",
    'class="form-actions"',
    'class="secondary"',
    'class="danger" data-confirm=',
    'class="link"',
    'class="small secondary"',
    'data-check-all="sg-entries"',
    'class="alert info" role="status"',
    'class="message success"',
    'class="message warning"',
    'class="message error"',
    '<span class="badge">',
    'class="badge success"',
    'class="badge warning"',
    'class="badge danger"',
    'class="badge info"',
    'class="empty"',
    'class="chart-figure"',
    "<svg",
]


def test_the_styleguide_shows_every_component(world: World, client: Client) -> None:
    client.force_login(world.alice)
    response = client.get("/styleguide/")
    text = response.content.decode()
    assert response.status_code == 200
    assert [marker for marker in COMPONENTS if marker not in text] == []
    assert "<title>Guide de style · Perspectives</title>" in text


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            [
                "17\u00a0522,00\u00a0€ · -1\u00a0234,50\u00a0€ · 0,07\u00a0€",
                "12,5\u00a0%",
                "6\u00a0déc. 2026 · 6\u00a0déc. 2026, 11:00",
                "décembre 2026 · déc.\u00a026",
                "Léa Martin · Karim Benali · Anne-Sophie Dupont-Lefèvre",
                "Ce champ est obligatoire.",
            ],
        ),
        (
            "en",
            [
                "€17,522.00 · -€1,234.50 · €0.07",
                "12.5%",
                "6\u00a0Dec 2026 · 6\u00a0Dec 2026, 11:00",
                "December 2026 · Dec\u00a026",
                "Léa Martin · Karim Benali · Anne-Sophie Dupont-Lefèvre",
                "This field is required.",
            ],
        ),
    ],
)
def test_the_styleguide_writes_figures_in_the_active_language(
    world: World, client: Client, language: str, expected: list[str]
) -> None:
    client.force_login(world.alice)
    text = html.unescape(client.get("/styleguide/", HTTP_ACCEPT_LANGUAGE=language).content.decode())
    assert [value for value in expected if value not in text] == []


def test_the_styleguide_asks_to_sign_in(db: None, client: Client) -> None:
    response = client.get("/styleguide/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/styleguide/"
