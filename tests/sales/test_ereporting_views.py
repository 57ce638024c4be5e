"""The pages and API of what the platform was sent and said outside one invoice: the
e-reporting reports with the retry of a failed one, and the statuses that name no invoice."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import pytest
from django.test import Client

from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job, Role
from tests.conftest import PARIS, World, activate_totp, travel_to
from tests.factories import MembershipFactory, UserFactory
from tests.factories.sales import EReportFactory, UnmatchedLifecycleStatusFactory

PAGES = "/c/coop-a/sales/"
API = "/api/v1/c/coop-a/sales/"
SUBMIT = "sales.tasks.ereport_submit_task"
NOW = "2026-04-02T09:00"


@dataclass
class Reports:
    failed: Job
    failed_early: Job
    pending: Job


def _job(world: World, state: str, kind: str, start: str, end: str, error: str = "") -> Job:
    job: Job = Job.objects.create(
        cooperative=world.coop_a,
        task=SUBMIT,
        kwargs={"kind": kind, "start": start, "end": end},
        state=state,
        error=error,
        created_at=dt.datetime(2026, 4, 1, 6, 10, tzinfo=PARIS),
    )
    return job


@pytest.fixture
def reports(world: World) -> Reports:
    with cooperative_context(world.coop_a.pk):
        EReportFactory.create(
            cooperative=world.coop_a,
            kind="payments",
            start=dt.date(2026, 3, 1),
            end=dt.date(2026, 3, 31),
            flow_id="out-2",
            submitted_at=dt.datetime(2026, 4, 1, 6, 11, tzinfo=PARIS),
        )
        # The first try of the submitted report failed: the report shows, not that job.
        _job(world, "failed", "payments", "2026-03-01", "2026-03-31", "Plateforme injoignable")
        return Reports(
            failed=_job(
                world,
                "failed",
                "transactions",
                "2026-03-21",
                "2026-03-31",
                "Plateforme injoignable",
            ),
            failed_early=_job(
                world, "failed", "transactions", "2026-03-01", "2026-03-10", "Délai dépassé"
            ),
            pending=_job(world, "pending", "transactions", "2026-03-11", "2026-03-20"),
        )


def _accountant(world: World) -> Client:
    user = UserFactory.create(email="dana@a.example", first_name="Dana", last_name="Durand")
    activate_totp(user)
    MembershipFactory.create(cooperative=world.coop_a, user=user, roles=[Role.ACCOUNTANT])
    client = Client()
    client.force_login(user)
    return client


def _states(world: World) -> list[tuple[str, str, str]]:
    with cooperative_context(world.coop_a.pk):
        return list(
            Job.objects.filter(task=SUBMIT)
            .order_by("kwargs__start", "kwargs__kind")
            .values_list("kwargs__start", "state", "error")
        )


BEFORE = [
    ("2026-03-01", "failed", "Plateforme injoignable"),
    ("2026-03-01", "failed", "Délai dépassé"),
    ("2026-03-11", "pending", ""),
    ("2026-03-21", "failed", "Plateforme injoignable"),
]


def test_the_reports_page_lists_each_period_with_its_state(reports: Reports, world: World) -> None:
    client = _accountant(world)
    with travel_to(NOW):
        page = client.get(PAGES + "ereports/")
    assert page.status_code == 200
    assert [
        (r.kind, r.start, r.end, r.state, r.submitted_at, r.flow_id, r.error)
        for r in page.context["reports"]
    ] == [
        (
            "transactions",
            dt.date(2026, 3, 21),
            dt.date(2026, 3, 31),
            "failed",
            None,
            "",
            "Plateforme injoignable",
        ),
        ("transactions", dt.date(2026, 3, 11), dt.date(2026, 3, 20), "pending", None, "", ""),
        (
            "payments",
            dt.date(2026, 3, 1),
            dt.date(2026, 3, 31),
            "submitted",
            dt.datetime(2026, 4, 1, 6, 11, tzinfo=PARIS),
            "out-2",
            "",
        ),
        (
            "transactions",
            dt.date(2026, 3, 1),
            dt.date(2026, 3, 10),
            "failed",
            None,
            "",
            "Délai dépassé",
        ),
    ]
    html = page.content.decode()
    assert html.count('class="badge danger">Échec</span>') == 2
    assert html.count('class="badge info">En attente</span>') == 1
    assert '<span class="badge success">Transmis</span>' in html
    assert "Encaissements B2C (10.4)" in html
    assert "du 21/03/2026 au 31/03/2026" in html
    assert "01/04/2026 06:11" in html
    assert html.count("Transmettre de nouveau") == 2
    assert 'action="/c/coop-a/sales/ereports/transactions/2026-03-21/retry/"' in html
    assert 'href="/c/coop-a/sales/ereports/"' in html
    assert 'style="' not in html


def test_a_failed_report_is_handed_out_again_once(reports: Reports, world: World) -> None:
    client = _accountant(world)
    url = PAGES + "ereports/transactions/2026-03-21/retry/"
    with travel_to(NOW):
        first = client.post(url, follow=True)
        second = client.post(url, follow=True)
        submitted = client.post(PAGES + "ereports/payments/2026-03-01/retry/", follow=True)
        assert client.post(PAGES + "ereports/transactions/2026-02-21/retry/").status_code == 404
        assert client.post(PAGES + "ereports/nothing/2026-03-21/retry/").status_code == 404
        assert client.post(PAGES + "ereports/transactions/21-03/retry/").status_code == 404
    assert "Nouvelle transmission demandée" in first.content.decode()
    assert "Nouvelle transmission demandée" in second.content.decode()
    assert "Ce rapport est déjà transmis à la plateforme." in submitted.content.decode()
    assert _states(world) == [
        ("2026-03-01", "failed", "Plateforme injoignable"),
        ("2026-03-01", "failed", "Délai dépassé"),
        ("2026-03-11", "pending", ""),
        ("2026-03-21", "pending", ""),
    ]
    with cooperative_context(world.coop_a.pk):
        reports.failed.refresh_from_db()
        assert (reports.failed.state, Job.objects.filter(task=SUBMIT).count()) == ("pending", 4)


def test_the_reports_api_lists_and_retries(reports: Reports, world: World) -> None:
    client = _accountant(world)
    with travel_to(NOW):
        listed = client.get(API + "ereports/?limit=2").json()
        retried = client.post(API + "ereports/transactions/2026-03-01/retry/")
        again = client.post(API + "ereports/transactions/2026-03-01/retry/")
        refused = client.post(API + "ereports/payments/2026-03-01/retry/")
    assert listed["count"] == 4
    assert listed["results"] == [
        {
            "kind": "transactions",
            "kind_label": "Transactions B2C (10.3)",
            "start": "2026-03-21",
            "end": "2026-03-31",
            "state": "failed",
            "state_label": "Échec",
            "submitted_at": None,
            "flow_id": "",
            "error": "Plateforme injoignable",
        },
        {
            "kind": "transactions",
            "kind_label": "Transactions B2C (10.3)",
            "start": "2026-03-11",
            "end": "2026-03-20",
            "state": "pending",
            "state_label": "En attente",
            "submitted_at": None,
            "flow_id": "",
            "error": "",
        },
    ]
    expected = {
        "kind": "transactions",
        "kind_label": "Transactions B2C (10.3)",
        "start": "2026-03-01",
        "end": "2026-03-10",
        "state": "pending",
        "state_label": "En attente",
        "submitted_at": None,
        "flow_id": "",
        "error": "",
    }
    assert (retried.status_code, retried.json()) == (202, expected)
    assert (again.status_code, again.json()) == (202, expected)
    assert refused.status_code == 400
    assert _states(world) == [
        ("2026-03-01", "failed", "Plateforme injoignable"),
        ("2026-03-01", "pending", ""),
        ("2026-03-11", "pending", ""),
        ("2026-03-21", "failed", "Plateforme injoignable"),
    ]


def test_entrepreneurs_and_support_may_not_see_the_reports(
    reports: Reports, world: World, client: Client
) -> None:
    for user in (world.alice, world.bob):
        client.force_login(user)
        assert client.get(PAGES + "ereports/").status_code == 403
        assert client.post(PAGES + "ereports/transactions/2026-03-21/retry/").status_code == 403
        assert client.get(API + "ereports/").status_code == 403
        assert client.post(API + "ereports/transactions/2026-03-21/retry/").status_code == 403
    assert _states(world) == BEFORE


def test_another_cooperative_gets_404_for_the_reports(
    reports: Reports, world: World, client: Client
) -> None:
    client.force_login(world.charlie)
    with travel_to(NOW):
        assert client.get(PAGES + "ereports/").status_code == 404
        assert client.get(API + "ereports/").status_code == 404
        for slug in ("coop-a", "coop-b"):
            assert (
                client.post(f"/c/{slug}/sales/ereports/transactions/2026-03-21/retry/").status_code
                == 404
            )
            assert (
                client.post(
                    f"/api/v1/c/{slug}/sales/ereports/transactions/2026-03-21/retry/"
                ).status_code
                == 404
            )
        assert client.get("/api/v1/c/coop-b/sales/ereports/").json()["results"] == []
        assert client.get("/c/coop-b/sales/ereports/").context["reports"] == []
    assert _states(world) == BEFORE
    with cooperative_context(world.coop_b.pk):
        assert Job.objects.count() == 0


@pytest.fixture
def unmatched(world: World) -> None:
    with cooperative_context(world.coop_a.pk):
        UnmatchedLifecycleStatusFactory.create(
            cooperative=world.coop_a,
            flow_id="st-1",
            code="210",
            invoice_number="F2026-00042",
            issue_date=dt.date(2026, 3, 2),
            seller_siren="732829320",
            reason="Prix non conforme",
            why="Aucune facture F2026-00042 du 02/03/2026.",
            received_at=dt.datetime(2026, 3, 5, 8, 30, tzinfo=PARIS),
        )
        UnmatchedLifecycleStatusFactory.create(
            cooperative=world.coop_a,
            flow_id="st-2",
            code="200",
            invoice_number="F2026-00050",
            why="Le statut ne donne ni le flux de la facture ni le SIREN du vendeur.",
            received_at=dt.datetime(2026, 3, 6, 9, 15, tzinfo=PARIS),
        )


def test_the_unmatched_statuses_page_and_api(unmatched: None, world: World) -> None:
    client = _accountant(world)
    page = client.get(PAGES + "unmatched-statuses/")
    body = client.get(API + "unmatched-statuses/").json()
    assert [(s.flow_id, s.code_label, s.why) for s in page.context["statuses"]] == [
        ("st-2", "Déposée", "Le statut ne donne ni le flux de la facture ni le SIREN du vendeur."),
        ("st-1", "Refusée", "Aucune facture F2026-00042 du 02/03/2026."),
    ]
    html = page.content.decode()
    assert '<span class="badge warning">210</span> Refusée' in html
    assert "Prix non conforme" in html
    assert "06/03/2026 09:15" in html
    assert "02/03/2026" in html
    assert 'href="/c/coop-a/sales/unmatched-statuses/"' in html
    assert 'style="' not in html
    assert body["count"] == 2
    assert [{k: v for k, v in row.items() if k != "id"} for row in body["results"]] == [
        {
            "flow_id": "st-2",
            "code": "200",
            "code_label": "Déposée",
            "invoice_number": "F2026-00050",
            "invoice_flow_id": "",
            "tracking_id": "",
            "issue_date": None,
            "seller_siren": "",
            "reason": "",
            "why": "Le statut ne donne ni le flux de la facture ni le SIREN du vendeur.",
            "received_at": "2026-03-06T09:15:00+01:00",
        },
        {
            "flow_id": "st-1",
            "code": "210",
            "code_label": "Refusée",
            "invoice_number": "F2026-00042",
            "invoice_flow_id": "",
            "tracking_id": "",
            "issue_date": "2026-03-02",
            "seller_siren": "732829320",
            "reason": "Prix non conforme",
            "why": "Aucune facture F2026-00042 du 02/03/2026.",
            "received_at": "2026-03-05T08:30:00+01:00",
        },
    ]


def test_unmatched_statuses_are_for_accountants_and_managers_of_the_cooperative(
    unmatched: None, world: World, client: Client
) -> None:
    for user in (world.alice, world.bob):
        client.force_login(user)
        assert client.get(PAGES + "unmatched-statuses/").status_code == 403
        assert client.get(API + "unmatched-statuses/").status_code == 403
    client.force_login(world.carl)
    assert client.get(API + "unmatched-statuses/").json()["count"] == 2
    client.force_login(world.charlie)
    assert client.get(PAGES + "unmatched-statuses/").status_code == 404
    assert client.get(API + "unmatched-statuses/").status_code == 404
    assert client.get("/api/v1/c/coop-b/sales/unmatched-statuses/").json()["results"] == []
    assert list(client.get("/c/coop-b/sales/unmatched-statuses/").context["statuses"]) == []
