"""Content-Security-Policy: no inline script or style anywhere, so the policy allows none."""

from __future__ import annotations

import re
from pathlib import Path

from django.test import Client

from tests.conftest import World

REPO = Path(__file__).resolve().parents[2]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>", re.IGNORECASE)
HANDLER = re.compile(r"\son[a-z]+\s*=", re.IGNORECASE)
INLINE_STYLE = re.compile(r"<style\b|\sstyle\s*=", re.IGNORECASE)


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_pages_are_served_with_a_policy_that_allows_no_inline_script(
    world: World, client: Client
) -> None:
    for url in ("/accounts/login/", "/c/coop-a/", "/c/coop-a/entrepreneurs/", "/api/docs/"):
        if url != "/accounts/login/":
            client.force_login(world.carl)
        response = client.get(url)
        assert response.status_code == 200, url
        policy = _policy(response)
        assert policy["script-src"] == "'self'", url
        assert policy["style-src"] == "'self'", url
        assert (policy["object-src"], policy["frame-ancestors"]) == ("'none'", "'none'"), url
        assert "unsafe" not in response["Content-Security-Policy"], url
        body = response.content.decode()
        assert not INLINE_SCRIPT.search(body), url
        assert not HANDLER.search(body), url
        assert not INLINE_STYLE.search(body), url


def test_no_template_served_to_a_browser_has_inline_script_handler_or_style() -> None:
    offenders = []
    for path in sorted((REPO / "templates").rglob("*.html")):
        if "pdf" in path.relative_to(REPO / "templates").parts:
            continue  # rendered by WeasyPrint into PDF files, never served as HTML
        text = path.read_text()
        for pattern in (INLINE_SCRIPT, HANDLER, INLINE_STYLE):
            offenders += [f"{path.relative_to(REPO)}: {m.group(0)}" for m in pattern.finditer(text)]
    assert offenders == []
