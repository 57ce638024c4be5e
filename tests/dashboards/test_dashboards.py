"""Dashboards over a real ledger: an activity with 2025 and 2026 history, exact figures."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.test import Client

from entrepreneurs.models import Activity, Entrepreneur
from perspectives.tenancy.context import cooperative_context
from tests.conftest import World
from top.dashboards import selectors
from top.dashboards.figures import fragile_months, monthly_figures, project
from top.dashboards.models import ForecastItem, ReserveTarget

D = Decimal
TODAY = dt.date(2026, 11, 26)


def test_entrepreneur_dashboard_figures_are_exact(world: World, history: Activity) -> None:
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
        dashboard = selectors.activity_dashboard(
            activities=[history], today=TODAY, entrepreneur=alice
        )
    figures = {
        k.label: (k.month, k.month_last_year, k.year_to_date, k.year_to_date_last_year, k.change)
        for k in dashboard.key_figures
    }
    assert figures["Chiffre d'affaires"] == (D(500), D(3000), D(15500), D(31000), D("-50.0"))
    assert figures["Charges"] == (D(0), D(0), D(3000), D(0), None)
    assert figures["Coût salarial"] == (D(0), D(0), D(14000), D(0), None)
    assert figures["Marge"] == (D(500), D(3000), D(12500), D(31000), D("-59.7"))
    assert (dashboard.treasury.cash, dashboard.treasury.reference, dashboard.treasury.future) == (
        D("41800.00"),
        D("31900.00"),
        D("32500.00"),
    )
    assert dashboard.salary_cost_now == D("1400.00")
    assert dashboard.reserve_target == D("3500.01")
    assert dashboard.fragile == {8}
    assert dashboard.projection.sustainable_budget == D("4583.33")
    assert [p.treasury for p in dashboard.projection.months] == [
        D("30850.00"),
        D("29200.00"),
        D("27550.00"),
        D("25900.00"),
        D("24250.00"),
        D("22600.00"),
    ]
    assert len(dashboard.months) == 24
    assert dashboard.months[-1].month == dt.date(2026, 11, 1)
    assert dashboard.months[-2].cash_end == D("41800.00")
    assert dashboard.expenses_by_category == [("Achats", D("3000.00"))]
    assert [a.message for a in dashboard.alerts] == [
        "Chiffre d'affaires des trois derniers mois : −36 % sur un an.",
        "Salaire brut moyen de 833\u00a0€ sur douze mois, sous le SMIC : "
        "vos allocations chômage seraient faibles.",
        "Vous devez devenir associé·e avant le 01/03/2027.",
    ]


def test_forecast_raises_the_projection_and_the_sustainable_salary(
    world: World, history: Activity
) -> None:
    with cooperative_context(world.coop_a.pk):
        ForecastItem.objects.create(
            cooperative=world.coop_a,
            activity=history,
            label="Chantier",
            expected_on=dt.date(2027, 1, 20),
            amount=D("6000.00"),
            probability=50,
        )
        dashboard = selectors.activity_dashboard(activities=[history], today=TODAY)
    # 6 000 × 50 % = 3 000 expected in January 2027, less the 11 % contribution: 2 670.
    assert [p.expected_revenue for p in dashboard.projection.months][:3] == [
        D("0.00"),
        D("3000.00"),
        D("0.00"),
    ]
    assert dashboard.projection.months[1].treasury == D("29200.00") + D("2670.00")
    assert dashboard.projection.sustainable_budget == D("5028.33")


def test_pages_show_the_dashboard_with_bounded_queries(
    world: World, history: Activity, client: Client, django_assert_max_num_queries
) -> None:
    client.force_login(world.alice)
    # Two queries more than the dashboard itself: the votes waiting for the associate, and the
    # accepted quotes the projection reads (sales).
    with django_assert_max_num_queries(37):
        page = client.get("/c/coop-a/")
    assert page.status_code == 200
    assert "Chiffre d&#x27;affaires sur 24 mois" in page.text
    assert "Salaire brut moyen" in page.text
    client.force_login(world.bob)
    portfolio = client.get("/c/coop-a/")
    rows = portfolio.context["rows"]
    assert [(r.entrepreneur.first_name, r.treasury, r.revenue_12[-1]) for r in rows] == [
        ("Alice", D("31900.00"), D("500.00"))
    ]
    client.force_login(world.carl)
    cooperative = client.get("/c/coop-a/")
    changes = cooperative.context["dashboard"].sector_changes()
    # December 2025 to November 2026 against December 2024 to November 2025.
    assert changes == [("Communication", D("18500.00"), D("31000.00"), D("-40.3"))]


def test_forecast_form_rejects_past_dates_and_charlie_gets_404(
    world: World, history: Activity, client: Client
) -> None:
    client.force_login(world.alice)
    refused = client.post(
        "/c/coop-a/dashboard/forecast/",
        {
            "activity": history.pk,
            "label": "Vieux",
            "expected_on": "2020-01-01",
            "amount": "100",
            "probability": "50",
        },
    )
    assert refused.status_code == 400
    assert "La date attendue doit être aujourd&#x27;hui ou plus tard." in refused.text
    with cooperative_context(world.coop_a.pk):
        assert ForecastItem.objects.count() == 0
    client.force_login(world.charlie)
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
    assert client.get(f"/c/coop-b/dashboard/entrepreneurs/{alice.pk}/").status_code == 404
    assert client.get(f"/api/v1/c/coop-b/dashboards/entrepreneurs/{alice.pk}/").status_code == 404


def test_api_gives_the_same_figures(world: World, history: Activity, client: Client) -> None:
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
    client.force_login(world.alice)
    data = client.get(f"/api/v1/c/coop-a/dashboards/entrepreneurs/{alice.pk}/").json()
    assert (data["treasury_reference"], data["treasury_future"], data["fragile_months"]) == (
        "31900.00",
        "32500.00",
        [8],
    )
    assert (data["reserve_target"], data["reserve_target_entered"]) == ("3500.01", False)
    assert client.get("/api/v1/c/coop-a/dashboards/cooperative/").status_code == 403


def test_fragile_months_ignore_years_without_activity() -> None:
    months = [dt.date(2024, m, 1) for m in range(1, 13)] + [
        dt.date(2025, m, 1) for m in range(1, 13)
    ]
    movements = [
        ("706", dt.date(2025, m, 1), D(0), D(100 if m in (1, 2) else 1000)) for m in range(1, 13)
    ]
    history = monthly_figures(months=months, movements=movements, opening_cash=D(0))
    assert fragile_months(history) == {1, 2}


def test_projection_never_proposes_a_negative_salary() -> None:
    projection = project(
        start=dt.date(2026, 11, 1),
        treasury=D(100),
        forecast=[],
        monthly_expenses=D(500),
        contribution_rate=D(11),
        salary_cost=D(0),
        reserve_target=D(1000),
        fragile=set(),
    )
    assert projection.sustainable_budget == D("0.00")
    assert projection.lowest == D("-2900.00")


def test_entered_reserve_target_replaces_the_rule_and_drives_the_alert(
    world: World, history: Activity, client: Client
) -> None:
    client.force_login(world.alice)
    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
    url = f"/c/coop-a/dashboard/entrepreneurs/{alice.pk}/reserve/"
    refused = client.post(url, {"activity": history.pk, "amount": "-5"})
    assert refused.status_code == 400
    with cooperative_context(world.coop_a.pk):
        assert not ReserveTarget.objects.exists()
    assert client.post(url, {"activity": history.pk, "amount": "40000"}).status_code == 302
    with cooperative_context(world.coop_a.pk):
        dashboard = selectors.activity_dashboard(activities=[history], today=TODAY)
    assert (dashboard.reserve_target, dashboard.reserve_target_entered) == (D("40000.00"), True)
    # Reference treasury 31 900 € is now below the entered 40 000 € target.
    assert any("réserve cible" in a.message for a in dashboard.alerts)
    # What the six months leave (31 000 €) is below the reserve: no salary is sustainable.
    assert dashboard.projection.sustainable_budget == D("0.00")
    # Support staff of the file may change it; an empty amount goes back to the rule.
    client.force_login(world.bob)
    assert client.post(url, {"activity": history.pk, "amount": ""}).status_code == 302
    with cooperative_context(world.coop_a.pk):
        dashboard = selectors.activity_dashboard(activities=[history], today=TODAY)
    assert (dashboard.reserve_target, dashboard.reserve_target_entered) == (D("3500.01"), False)
    client.force_login(world.charlie)
    assert (
        client.post(
            f"/c/coop-b/dashboard/entrepreneurs/{alice.pk}/reserve/",
            {"activity": history.pk, "amount": "1"},
        ).status_code
        == 404
    )
    with cooperative_context(world.coop_a.pk):
        assert not ReserveTarget.objects.exists()


def test_cached_history_follows_every_new_line(world: World, history: Activity) -> None:
    """The monthly history is cached under the activity's ledger version: read again, it costs
    fewer queries; a late entry, even dated last year, shows at once."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.dashboards.conftest import sale

    def revenue(months: list[Any]) -> dict[dt.date, Decimal]:
        return {f.month: f.revenue for f in months}

    with cooperative_context(world.coop_a.pk):
        alice = Entrepreneur.objects.get(user=world.alice)
        with CaptureQueriesContext(connection) as first:
            before = selectors.activity_dashboard(
                activities=[history], today=TODAY, entrepreneur=alice
            )
        with CaptureQueriesContext(connection) as second:
            again = selectors.activity_dashboard(
                activities=[history], today=TODAY, entrepreneur=alice
            )
        assert len(second) < len(first)
        assert revenue(again.months) == revenue(before.months)
        sale(history, dt.date(2025, 12, 20), 700)
        after = selectors.activity_dashboard(activities=[history], today=TODAY, entrepreneur=alice)
    assert revenue(before.months)[dt.date(2025, 12, 1)] == D(3000)
    assert revenue(after.months)[dt.date(2025, 12, 1)] == D(3700)
    assert after.months[-2].cash_end == before.months[-2].cash_end + D(840)
