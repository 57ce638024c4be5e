"""Error pages in the design system, in French and English, without DEBUG: they tell what to
do next and nothing of what went wrong inside."""

from __future__ import annotations

import html
from typing import Any

import pytest
from django.test import Client

from tests.conftest import World
from tests.core.error_urls import SECRET

pytestmark = pytest.mark.urls("tests.core.error_urls")

LEAKS = (SECRET, "Traceback", "RuntimeError", "BadRequest", "PermissionDenied", "urlpatterns")


@pytest.fixture(autouse=True)
def production(settings: Any) -> None:
    settings.DEBUG = False


def _client(world: World, language: str) -> Client:
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    client.force_login(world.alice)
    return client


@pytest.mark.parametrize(
    ("language", "url", "status", "title", "message"),
    [
        ("fr", "/failing/400/", 400, "Demande incomplète", "La requête n'a pas pu être traitée."),
        ("fr", "/failing/403/", 403, "Accès réservé", "Vous n'avez pas accès à cette page."),
        ("fr", "/c/coop-a/nothing-here/", 404, "Page introuvable", "Cette page n'existe pas."),
        ("fr", "/failing/500/", 500, "Erreur de notre côté", "Rien n'a été enregistré"),
        ("en", "/failing/400/", 400, "Incomplete request", "The request could not be processed."),
        ("en", "/failing/403/", 403, "Restricted access", "You do not have access to this page."),
        ("en", "/c/coop-a/nothing-here/", 404, "Page not found", "This page does not exist."),
        ("en", "/failing/500/", 500, "Error on our side", "Nothing was saved"),
    ],
)
def test_each_error_page_is_friendly_in_both_languages_and_leaks_nothing(
    world: World, language: str, url: str, status: int, title: str, message: str
) -> None:
    response = _client(world, language).get(url)
    text = html.unescape(response.content.decode())
    assert response.status_code == status
    assert response["Content-Type"] == "text/html; charset=utf-8"
    assert f"<title>{title} · " in text  # then the cooperative, if any, and Perspectives
    assert f'<h1 id="error-title">{title}</h1>' in text
    assert message in text
    assert f'<html lang="{language}">' in text
    assert 'href="/static/css/perspectives.css"' in text
    assert [leak for leak in LEAKS if leak in text] == []


def test_the_error_pages_keep_the_menu_except_the_server_error_page(world: World) -> None:
    client = _client(world, "fr")
    not_found = client.get("/c/coop-a/nothing-here/").content.decode()
    server = client.get("/failing/500/").content.decode()
    assert 'class="menu-toggle"' in not_found
    assert 'href="/c/coop-a/"' in not_found  # the cooperative's home in the menu
    assert 'class="menu-toggle"' not in server  # no session, no database needed
    assert '<a class="button" href="/">Revenir à l\'accueil</a>' in server


def test_another_cooperative_gets_the_same_not_found_page(world: World) -> None:
    client = Client(raise_request_exception=False)
    client.force_login(world.charlie)
    response = client.get("/c/coop-a/")
    assert response.status_code == 404
    assert '<h1 id="error-title">Page introuvable</h1>' in response.content.decode()


def test_the_api_answers_errors_in_json(world: World) -> None:
    response = _client(world, "fr").get("/api/v1/failing/500/")
    assert response.status_code == 500
    assert response.json() == {
        "detail": "Une erreur est survenue de notre côté. Rien n'a été enregistré ; réessayez."
    }


def test_a_form_sent_without_its_token_gets_the_friendly_page(world: World) -> None:
    client = Client(enforce_csrf_checks=True, raise_request_exception=False)
    client.force_login(world.alice)
    response = client.post("/i18n/setlang/", {"language": "en"})
    text = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert "Ce formulaire a expiré. Rechargez la page" in text
    assert "CSRF verification" not in text
    assert "<title>Accès réservé · Perspectives</title>" in text


def test_with_debug_on_a_view_that_refuses_still_gets_the_friendly_page(
    world: World, settings: Any
) -> None:
    settings.DEBUG = True
    response = _client(world, "fr").get("/failing/403/")
    text = html.unescape(response.content.decode())
    assert response.status_code == 403
    assert '<h1 id="error-title">Accès réservé</h1>' in text
    assert [leak for leak in LEAKS if leak in text] == []
