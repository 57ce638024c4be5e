"""Pages and CSV: who sees what, and the figures."""

from __future__ import annotations

import csv
import io

import pytest
from django.test import Client

from perspectives.tenancy.models import Role
from tests.accounting.conftest import Books
from tests.conftest import World, activate_totp
from tests.factories import MembershipFactory, UserFactory

BASE = "/c/coop-a/accounting/"


def _csv(response) -> list[list[str]]:
    body = response.getvalue().decode("utf-8")
    assert body.startswith("\ufeff")
    return list(csv.reader(io.StringIO(body[1:]), delimiter=";"))


@pytest.fixture
def accountant(world: World):
    user = UserFactory.create(email="nadia@a.example")
    activate_totp(user)
    MembershipFactory.create(cooperative=world.coop_a, user=user, roles=[Role.ACCOUNTANT])
    return user


def test_the_accountant_sees_the_trial_balance_and_its_csv(
    books: Books, accountant, client: Client
) -> None:
    client.force_login(accountant)
    page = client.get(BASE + "trial-balance/?from=2025-01-01&to=2025-12-31")
    assert page.status_code == 200
    assert "Balance générale" in page.content.decode()
    assert "4\xa0260,00" in page.content.decode()  # totals, French format

    rows = _csv(client.get(BASE + "trial-balance/?from=2025-01-01&to=2025-12-31&format=csv"))
    assert rows[0] == ["Compte", "Intitulé", "Débit (€)", "Crédit (€)", "Solde (€)"]
    assert ["411", "Clients", "1800,00", "1000,00", "800,00"] in rows
    assert len(rows) == 12


def test_ledger_pages_render_for_the_whole_team(books: Books, world: World, client: Client) -> None:
    client.force_login(world.carl)  # manager
    for path in (
        "",
        "general-ledger/?from=2025-01-01&to=2025-12-31",
        "general-ledger/?account=512&from=2025-03-01&to=2025-03-31",
        "general-ledger/?third_party=CLIENT1",
        "fec/",
        "verify/",
        f"verify/?year={books.ledger.fiscal_year.pk}",
        f"activities/{books.other_activity.pk}/pnl/",
    ):
        response = client.get(BASE + path)
        assert response.status_code == 200, path
    verify = client.get(BASE + f"verify/?year={books.ledger.fiscal_year.pk}").content.decode()
    assert "Intègre : 6 écritures validées contrôlées" in verify
    ledger = client.get(BASE + "general-ledger/?account=512&from=2025-03-01&to=2025-03-31")
    assert "ouverture" in ledger.content.decode()
    assert client.get(BASE + "general-ledger/?account=999").status_code == 404


def test_an_entrepreneur_sees_only_her_activity(books: Books, world: World, client: Client) -> None:
    client.force_login(world.alice)
    home = client.get(BASE).content.decode()
    assert books.alice_activity.analytic_code in home
    assert books.other_activity.name not in home
    mine = books.alice_activity.pk
    for path in (
        f"activities/{mine}/pnl/",
        f"activities/{mine}/treasury/",
        f"activities/{mine}/ledger/",
    ):
        assert client.get(BASE + path).status_code == 200, path
    other = books.other_activity.pk
    for path in (
        f"activities/{other}/pnl/",
        f"activities/{other}/treasury/",
        f"activities/{other}/ledger/",
    ):
        assert client.get(BASE + path).status_code == 404, path
    for path in ("trial-balance/", "general-ledger/", "fec/", "verify/"):
        assert client.get(BASE + path).status_code == 403, path


def test_support_staff_see_their_portfolios_activities(
    books: Books, world: World, client: Client
) -> None:
    client.force_login(world.bob)  # alice's referent
    assert client.get(BASE + f"activities/{books.alice_activity.pk}/pnl/").status_code == 200
    assert client.get(BASE + f"activities/{books.other_activity.pk}/pnl/").status_code == 404
    assert client.get(BASE + "trial-balance/").status_code == 403


def test_the_pnl_and_treasury_pages_and_csv(books: Books, world: World, client: Client) -> None:
    client.force_login(world.alice)
    mine = books.alice_activity.pk
    pnl = client.get(BASE + f"activities/{mine}/pnl/?from=2025-01-01&to=2025-12-31")
    assert "Résultat : 0,00\u00a0€" in pnl.content.decode()
    rows = _csv(
        client.get(BASE + f"activities/{mine}/pnl/?from=2025-01-01&to=2025-12-31&format=csv")
    )
    assert rows[1] == ["Produits", "706", "Prestations de services", "1000,00"]
    assert rows[-1] == ["Résultat", "", "", "0,00"]

    rows = _csv(client.get(BASE + f"activities/{mine}/treasury/?as_of=2025-03-31&format=csv"))
    assert rows == [
        ["Rubrique", "Montant (€)"],
        ["Trésorerie disponible", "600,00"],
        ["Impôts et taxes à payer", "-140,00"],
        ["Fournisseurs à payer", "-360,00"],
        ["Trésorerie de référence", "100,00"],
        ["Salaires et charges sociales à payer", "-300,00"],
        ["Frais à rembourser", "0,00"],
        ["Clients à encaisser", "200,00"],
        ["Trésorerie future", "0,00"],
    ]
    ledger = _csv(
        client.get(BASE + f"activities/{mine}/ledger/?from=2025-01-01&to=2025-12-31&format=csv")
    )
    assert len(ledger) == 1 + 14  # header and a1's lines only
    assert {row[0] for row in ledger[1:]} >= {"411", "512", "706"}


def test_a_bad_range_shows_an_error_and_the_default_year(
    books: Books, accountant, client: Client
) -> None:
    client.force_login(accountant)
    response = client.get(BASE + "trial-balance/?from=2025-12-31&to=2025-01-01")
    assert response.status_code == 200
    assert "La date de début suit la date de fin." in response.content.decode()


def test_another_cooperatives_member_gets_404(books: Books, world: World, client: Client) -> None:
    client.force_login(world.charlie)
    assert client.get(BASE + "trial-balance/").status_code == 404
    assert (
        client.get(f"/c/coop-b/accounting/activities/{books.alice_activity.pk}/pnl/").status_code
        == 404
    )
    assert (
        client.get(f"/c/coop-b/accounting/fec/?year={books.ledger.fiscal_year.pk}").status_code
        == 404
    )


def test_the_fec_download(books: Books, world: World, client: Client) -> None:
    client.force_login(world.carl)
    year = books.ledger.fiscal_year
    response = client.get(BASE + f"fec/?year={year.pk}")
    assert response.status_code == 200
    siren = world.coop_a.siren
    assert f'filename="{siren}FEC20251231.txt"' in response["Content-Disposition"]
    body = response.getvalue().decode("utf-8")
    assert body.startswith("JournalCode|JournalLib|EcritureNum|")
    assert body.count("\r\n") == 1 + 17
    description = client.get(BASE + f"fec/?year={year.pk}&description=1")
    assert "article A47 A-1" in description.content.decode()


def test_csv_cells_never_start_a_formula() -> None:
    from perspectives.core.csvexport import cell

    assert [cell(v) for v in ("=1+1", "+33", "-2", "@SUM", "\tX", "\rX", "Facture", 3)] == [
        "'=1+1",
        "'+33",
        "'-2",
        "'@SUM",
        "'\tX",
        "'\rX",
        "Facture",
        "3",
    ]


def test_the_accountants_home_links_to_the_ledger(books: Books, accountant, client: Client) -> None:
    client.force_login(accountant)
    page = client.get("/c/coop-a/").content.decode()
    assert "/c/coop-a/accounting/trial-balance/" in page
    assert "/c/coop-a/accounting/fec/" in page
