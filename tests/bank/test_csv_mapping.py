"""The page and API where the accounting team saves the layout of a bank's CSV exports, with a
preview of a sample file's first lines."""

from __future__ import annotations

import json
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from rest_framework.authtoken.models import Token

from bank.models import BankAccount, BankLine
from perspectives.tenancy.context import cooperative_context
from tests.bank.conftest import sample
from tests.conftest import World

PAGES = "/c/coop-a/bank/"
API = "/api/v1/c/coop-a/bank/"
CREDIT_MUTUEL = {
    "delimiter": ";",
    "decimal_separator": ",",
    "thousands_separator": " ",
    "encoding": "utf-8-sig",
    "date_format": "%d/%m/%Y",
    "skip_lines": "0",
    "booking_date": "Date",
    "value_date": "Date de valeur",
    "amount": "",
    "debit": "Débit",
    "credit": "Crédit",
    "label": "Libellé",
    "balance": "Solde",
}
SAVED = {
    **CREDIT_MUTUEL,
    "skip_lines": 0,
    "counterparty": "",
    "reference": "",
    "transaction_id": "",
    "currency": "",
}


def _file() -> SimpleUploadedFile:
    return SimpleUploadedFile("juin.csv", sample("credit-mutuel-2025-06.csv"))


def _saved(world: World, account: BankAccount) -> dict[str, Any]:
    with cooperative_context(world.coop_a.pk):
        account.refresh_from_db()
        return dict(account.csv_mapping)


def test_the_preview_shows_the_first_lines_and_saves_nothing(
    world: World, account: BankAccount, accountant: Any, client: Client
) -> None:
    client.force_login(accountant)
    url = f"{PAGES}accounts/{account.pk}/csv-mapping/"
    page = client.get(url).content.decode()
    assert "Aucun format enregistré" in page
    response = client.post(url, {**CREDIT_MUTUEL, "file": _file(), "action": "preview"})
    assert response.status_code == 200
    shown = response.content.decode()
    assert (
        "3 opérations lues ; en-tête : Date · Date de valeur · Débit · Crédit · Libellé · Solde"
        in (shown)
    )
    assert "VIR SEPA ATELIER DUPONT FACTURE F2025-0042" in shown
    assert "1\xa0440,00" in shown
    assert "-360,00" in shown
    assert "1\xa0071,60" in shown  # the file's movements: 1440.00 - 8.40 - 360.00
    assert _saved(world, account) == {}


def test_a_mapping_that_does_not_fit_the_file_is_explained_in_french(
    world: World, account: BankAccount, accountant: Any, client: Client
) -> None:
    client.force_login(accountant)
    url = f"{PAGES}accounts/{account.pk}/csv-mapping/"
    wrong = {**CREDIT_MUTUEL, "amount": "Montant", "debit": "", "credit": ""}
    response = client.post(url, {**wrong, "file": _file(), "action": "save"})
    assert response.status_code == 400
    assert (
        "Colonnes absentes du fichier CSV : Montant (en-tête lu : Date, Date de valeur, Débit, "
        "Crédit, Libellé, Solde)." in response.content.decode()
    )
    neither = {**CREDIT_MUTUEL, "debit": ""}
    response = client.post(url, {**neither, "action": "save"})
    assert response.status_code == 400
    assert "indiquez la colonne du montant, ou celles du débit et du crédit" in (
        response.content.decode()
    )
    dates = {**CREDIT_MUTUEL, "date_format": "%Y-%m-%d"}
    response = client.post(url, {**dates, "file": _file(), "action": "preview"})
    assert response.status_code == 400
    assert "Date illisible « 02/06/2025 » (ligne 2), format attendu %Y-%m-%d." in (
        response.content.decode()
    )
    nothing = client.post(url, {**CREDIT_MUTUEL, "action": "preview"})
    assert "Choisissez un fichier d&#x27;exemple pour l&#x27;aperçu." in nothing.content.decode()
    assert _saved(world, account) == {}


def test_the_saved_mapping_reads_the_bank_s_files(
    world: World, account: BankAccount, accountant: Any, client: Client
) -> None:
    client.force_login(accountant)
    url = f"{PAGES}accounts/{account.pk}/csv-mapping/"
    response = client.post(url, {**CREDIT_MUTUEL, "file": _file(), "action": "save"})
    assert response.status_code == 302
    assert _saved(world, account) == SAVED
    assert "Le format enregistré sert" in client.get(url).content.decode()
    upload = client.post(f"{PAGES}accounts/{account.pk}/statements/", {"file": _file()})
    assert upload.status_code == 302
    with cooperative_context(world.coop_a.pk):
        assert BankLine.objects.count() == 3


def test_the_api_reads_and_previews_the_mapping(
    world: World, account: BankAccount, accountant: Any, client: Client
) -> None:
    token = Token.objects.create(user=accountant)
    auth: dict[str, Any] = {"HTTP_AUTHORIZATION": f"Token {token.key}"}
    assert client.get(f"{API}accounts/{account.pk}/csv-mapping/", **auth).json() == {"mapping": {}}
    preview_url = f"{API}accounts/{account.pk}/csv-mapping/preview/"
    none_yet = client.post(preview_url, {"file": _file()}, **auth)
    assert none_yet.status_code == 400
    mapping = {**SAVED}
    response = client.post(preview_url, {"file": _file(), "mapping": json.dumps(mapping)}, **auth)
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["header"][2], body["total"], body["movements"]) == ("Débit", 3, "1071.60")
    assert [(line["booking_date"], line["amount"]) for line in body["lines"]] == [
        ("2025-06-02", "1440.00"),
        ("2025-06-04", "-8.40"),
        ("2025-06-10", "-360.00"),
    ]
    bad = client.post(
        preview_url,
        {"file": _file(), "mapping": json.dumps({**mapping, "encoding": "klingon"})},
        **auth,
    )
    assert bad.status_code == 400
    assert bad.json()["detail"] == "Format CSV : encodage « klingon » inconnu."
    assert _saved(world, account) == {}


def test_only_the_accounting_team_and_no_other_cooperative(
    world: World, account: BankAccount, client: Client
) -> None:
    url = f"accounts/{account.pk}/csv-mapping/"
    for user in (world.alice, world.bob):
        client.force_login(user)
        assert client.get(f"{PAGES}{url}").status_code == 403
        assert client.post(f"{API}{url}preview/", {"file": _file()}).status_code == 403
    client.force_login(world.charlie)
    assert client.get(f"/c/coop-b/bank/{url}").status_code == 404
    assert (
        client.post(f"/c/coop-b/bank/{url}", {**CREDIT_MUTUEL, "action": "save"}).status_code == 404
    )
    assert client.get(f"/api/v1/c/coop-b/bank/{url}").status_code == 404
    assert client.post(f"/api/v1/c/coop-b/bank/{url}preview/", {"file": _file()}).status_code == 404
    assert _saved(world, account) == {}
