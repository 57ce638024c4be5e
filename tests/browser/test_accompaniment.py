"""Support staff record an appointment with a shared and a staff-only note, register the
entrepreneur to a workshop and print the attendance sheet; the entrepreneur sees only the shared
note."""

from __future__ import annotations

import io
import re
from typing import Any

from pypdf import PdfReader

from top.demo.services import DEMO_PASSWORD

SHARED = "Prochaine étape : envoyer les trois devis."
SECRET = "Semble épuisée, à revoir vite."


def _login(page: Any, base: str, email: str) -> None:
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Courriel").fill(email)
    page.get_by_label("Mot de passe", exact=False).first.fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Connexion").click()
    page.wait_for_url(re.compile(r".*/c/perspectives/$"))


def test_support_records_notes_and_prints_the_attendance_sheet(
    demo: None, worker: None, live_server: Any, browser: Any
) -> None:
    base = live_server.url
    staff = browser.new_page(locale="fr-FR")
    _login(staff, base, "accompagnatrice@perspectives.example")
    staff.get_by_role("link", name="Léa Martin").click()
    staff.get_by_text("Un rendez-vous", exact=True).click()
    staff.get_by_label("Date et heure").fill("2026-03-02T10:00")
    staff.get_by_label("Modalité").select_option("video")
    staff.get_by_label("Type").first.select_option("follow_up")
    staff.get_by_label("Note partagée avec l'entrepreneur·e").fill(SHARED)
    staff.get_by_label("Note réservée à l'équipe").fill(SECRET)
    staff.get_by_role("button", name="Enregistrer le rendez-vous").click()
    staff.get_by_text("Rendez-vous enregistré.").wait_for()
    assert staff.get_by_text(SHARED).is_visible()
    assert staff.get_by_text(SECRET).is_visible()

    staff.get_by_role("link", name="Ateliers").click()
    staff.get_by_label("Titre").fill("Fixer ses prix")
    staff.get_by_label("Début").fill("2026-12-10T09:00")
    staff.get_by_label("Fin").fill("2026-12-10T12:00")
    staff.get_by_label("Lieu").fill("Salle Canigou")
    staff.get_by_label("Places").fill("12")
    staff.get_by_role("button", name="Créer l'atelier").click()
    staff.get_by_text("Atelier créé.").wait_for()
    staff.get_by_label("Entrepreneur·e").select_option(label="Léa Martin")
    staff.get_by_role("button", name="Inscrire", exact=True).click()
    staff.get_by_text("Inscription enregistrée : Léa Martin.").wait_for()
    staff.get_by_role("button", name="Préparer la feuille d'émargement (PDF)").click()
    staff.get_by_text("en préparation").wait_for()
    for _attempt in range(40):
        if staff.locator("#attendance-sheet-link").count():
            break
        staff.wait_for_timeout(250)
        staff.reload()
    href = staff.locator("#attendance-sheet-link").get_attribute("href")
    pdf = staff.request.get(f"{base}{href}")
    assert pdf.headers["content-type"] == "application/pdf"
    text = PdfReader(io.BytesIO(pdf.body())).pages[0].extract_text()
    assert "Feuille d'émargement" in text
    assert "Fixer ses prix" in text
    assert "Martin" in text
    assert "1 personne inscrite." in text

    entrepreneur = browser.new_page(locale="fr-FR")
    _login(entrepreneur, base, "entrepreneur@perspectives.example")
    entrepreneur.get_by_role("link", name="Mon dossier").first.click()
    entrepreneur.get_by_role("heading", name="Historique").wait_for()
    body = entrepreneur.content()
    assert SHARED in body
    assert SECRET not in body
