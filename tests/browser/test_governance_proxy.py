"""Bob gives his proxy to Alice; Alice votes for herself and for Bob; Carl (manager) closes the
assembly; a real Celery worker renders the minutes, whose text lists the right counts. The closed
assembly is saved as a screenshot (test-results/screenshots/)."""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

from governance.models import Participation
from governance.services import resolution_open
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from tests.governance.conftest import convened_assembly, opened
from tests.helpers.browser import log_in

SHOTS = Path(__file__).resolve().parents[2] / "test-results" / "screenshots"


def _pdf_text(body: bytes) -> str:
    pdftotext = shutil.which("pdftotext") or "/usr/bin/pdftotext"  # poppler-utils
    text = subprocess.run(  # noqa: S603 - fixed arguments, the PDF on stdin
        [pdftotext, "-layout", "-", "-"], input=body, capture_output=True, check=True
    ).stdout.decode()
    return re.sub(r"[ \t]{2,}", " | ", text)


def _vote(page: Any, legend: str, choice: str) -> None:
    form = page.locator("fieldset", has=page.locator("legend", has_text=legend))
    form.get_by_label(choice, exact=True).check()
    # A ballot cannot be changed: the page asks for confirmation first.
    page.once("dialog", lambda dialog: dialog.accept())
    form.get_by_role("button", name="Voter").click()
    page.get_by_text("Vote enregistré. Votre reçu :").wait_for()


@pytest.mark.django_db(transaction=True)
def test_proxy_vote_close_and_minutes(
    world: World, live_server: Any, browser: Any, worker: None
) -> None:
    with cooperative_context(world.coop_a.pk):
        setup = convened_assembly(associates=5, users=[world.alice, world.bob])
        opened(setup)
        resolution_open(resolution=setup.resolutions[0])
    connection.close()  # the live server's threads use their own connections
    base = live_server.url
    assembly_url = f"{base}/c/coop-a/governance/assemblies/{setup.assembly.pk}/"

    bob = browser.new_page(locale="fr-FR")
    log_in(bob, base, "bob@a.example")
    bob.goto(assembly_url)
    bob.get_by_label("Donner pouvoir à").select_option(label="Alice Arnaud")
    bob.get_by_role("button", name="Donner pouvoir").click()
    bob.get_by_text("Pouvoir enregistré.").wait_for()
    assert bob.get_by_text("Vous avez donné pouvoir à Alice Arnaud.").is_visible()
    bob.close()

    alice = browser.new_page(locale="fr-FR")
    log_in(alice, base, "alice@a.example")
    alice.goto(assembly_url)
    assert alice.get_by_text("Vous détenez les pouvoirs de : Bob Bertin.").is_visible()
    _vote(alice, "Mon vote", "Pour")
    _vote(alice, "Vote pour Bob Bertin (pouvoir)", "Contre")
    assert alice.get_by_text("Vote enregistré pour Alice Arnaud.").is_visible()
    assert alice.get_by_text("Vote enregistré pour Bob Bertin.").is_visible()
    alice.close()

    carl = browser.new_page(locale="fr-FR", viewport={"width": 1280, "height": 900})
    log_in(carl, base, "carl@a.example", totp=True)
    carl.goto(assembly_url)
    carl.get_by_role("button", name="Clore l'assemblée").click()
    carl.get_by_text("Assemblée close : résultats figés.").wait_for()
    link = carl.get_by_role("link", name="Télécharger le procès-verbal (PDF)")
    deadline = time.monotonic() + 60
    while not link.count() and time.monotonic() < deadline:  # the worker renders the PDF
        time.sleep(0.5)
        carl.reload()
    minutes = carl.request.get(base + link.get_attribute("href"))
    assert minutes.headers["content-type"] == "application/pdf"
    text = _pdf_text(minutes.body())
    SHOTS.mkdir(parents=True, exist_ok=True)
    carl.screenshot(path=str(SHOTS / "governance-closed-assembly.png"), full_page=True)
    participations = carl.locator("table", has_text="Canal").locator("tbody tr")
    assert participations.all_inner_texts() == [
        "1\tAlice Arnaud\tEn ligne\tAlice Arnaud",
        "1\tBob Bertin\tPar pouvoir\tAlice Arnaud",
    ]
    carl.close()

    assert (
        "5 associé·es inscrit·es sur la liste d'émargement ; 2 présent·es ou représenté·es : "
        "0 en salle, 1 en"
    ) in text
    assert "0 par correspondance, 1 représenté·es." in text
    assert "Alice Arnaud | En visioconférence" in text
    assert "Bob Bertin | Représenté·e par Alice Arnaud" in text
    # For, against, abstentions: Alice's own vote and the one she cast with Bob's proxy. One
    # vote for out of five associates misses the majority of all associates at the first
    # consultation of a SCOP SARL: the associates are consulted again (L.223-29 al. 2).
    assert "Pour | Contre | Abstentions | Résultat" in text
    assert re.search(r"\n *1 \| 1 \| 0 \| Seconde consultation\n", text), text
    try:
        with cooperative_context(world.coop_a.pk):
            channels = sorted(Participation.objects.values_list("channel", "voter__full_name"))
    finally:
        connection.close()
    assert channels == [("online", "Alice Arnaud"), ("proxy", "Bob Bertin")]
