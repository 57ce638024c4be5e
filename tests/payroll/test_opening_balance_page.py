"""The page listing the opening balances: each person's figures brought from the previous payroll
software, for the managers and the payroll staff only."""

from __future__ import annotations

from decimal import Decimal

from django.test import Client

from payroll.services import opening_balance_set
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Role
from tests.conftest import World, activate_totp, travel_to
from tests.factories import MembershipFactory, UserFactory
from tests.payroll.conftest import Payroll

D = Decimal
URL = "/c/coop-a/payroll/opening-balances/"


def _balances(world: World, payroll: Payroll) -> None:
    with travel_to("2026-03-16"), cooperative_context(world.coop_a.pk):
        opening_balance_set(
            entrepreneur=payroll.alice,
            year=2026,
            gross=D("5000.00"),
            taxable=D("4020.50"),
            by=world.carl,
            hours=D("303.34"),
            smic=D("3666.72"),
            reduction=D("612.40"),
            net_social=D("3910.00"),
            employer_cost=D("6480.10"),
            leave_acquired=D("20.00"),
            leave_taken=D("6.50"),
        )
        opening_balance_set(
            entrepreneur=payroll.other,
            year=2025,
            gross=D("1200.00"),
            taxable=D("900.00"),
            by=None,
        )


def test_the_payroll_staff_reads_each_persons_opening_figures(
    world: World, payroll: Payroll, client: Client
) -> None:
    _balances(world, payroll)
    clerk = UserFactory.create(email="paie@a.example")
    MembershipFactory.create(cooperative=world.coop_a, user=clerk, roles=[Role.PAYROLL])
    activate_totp(clerk)
    client.force_login(clerk)

    response = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr")

    assert response.status_code == 200
    rows = [
        (b.entrepreneur_id, b.year, b.gross, b.leave_acquired, b.leave_taken, b.leave_remaining)
        for b in response.context["balances"]
    ]
    assert rows == [
        (payroll.alice.pk, 2026, D("5000.00"), D("20.00"), D("6.50"), D("13.50")),
        (payroll.other.pk, 2025, D("1200.00"), D("0.00"), D("0.00"), D("0.00")),
    ]
    text = response.content.decode()
    assert f'<th scope="row">{payroll.alice}</th><td>2026</td>' in text
    assert "<td>20,00</td><td>6,50</td><td>13,50</td>" in text


def test_the_opening_balances_are_linked_from_the_payroll_and_imports_pages(
    world: World, client: Client
) -> None:
    client.force_login(world.carl)

    payroll_home = client.get("/c/coop-a/payroll/", HTTP_ACCEPT_LANGUAGE="fr")
    imports = client.get("/c/coop-a/imports/", HTTP_ACCEPT_LANGUAGE="fr")
    page = client.get(URL, HTTP_ACCEPT_LANGUAGE="fr")

    assert f'href="{URL}"' in payroll_home.content.decode()
    assert f'href="{URL}"' in imports.content.decode()
    assert page.status_code == 200
    assert "Aucun cumul de reprise." in page.content.decode()


def test_an_entrepreneur_and_another_cooperative_cannot_read_them(
    world: World, payroll: Payroll, client: Client
) -> None:
    _balances(world, payroll)

    client.force_login(world.alice)
    entrepreneur = client.get(URL)
    client.force_login(world.bob)
    support = client.get(URL)
    client.force_login(world.charlie)
    other_cooperative = client.get(URL)
    own = client.get("/c/coop-b/payroll/opening-balances/")

    assert (entrepreneur.status_code, support.status_code) == (403, 403)
    assert other_cooperative.status_code == 404
    # Charlie's own cooperative has none: coop A's are not shown there.
    assert own.status_code == 200
    assert list(own.context["balances"]) == []
