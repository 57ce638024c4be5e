"""The payroll API: the same services and access rules as the pages."""

from __future__ import annotations

import datetime as dt
import io
import json
from decimal import Decimal

from django.core.management import call_command
from django.test import Client

from accounting.models import Entry
from payroll.models import PayrollRun, Payslip
from payroll.services import (
    payroll_run_create,
    payroll_run_validate,
    payroll_run_validate_finish,
    payslip_pdf_render,
)
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Job
from tests.conftest import World
from tests.payroll.conftest import Payroll, compute_run

BASE = "/api/v1/c/coop-a/payroll/"
JAN = dt.date(2026, 1, 1)


def _issued(world: World) -> tuple[PayrollRun, dict[int, int]]:
    """January validated with PDFs, February computed (drafts): {entrepreneur id: January id}."""
    with cooperative_context(world.coop_a.pk):
        run = payroll_run_create(period=JAN, created_by=world.carl)
        compute_run(run.pk)
        for payslip_id in payroll_run_validate(run_id=run.pk):
            payslip_pdf_render(payslip_id=payslip_id)
        compute_run(payroll_run_create(period=dt.date(2026, 2, 1), created_by=world.carl).pk)
        return run, dict(Payslip.objects.filter(run=run).values_list("entrepreneur_id", "pk"))


def test_the_payroll_officer_runs_a_month_through_the_api(
    world: World, payroll: Payroll, client: Client
) -> None:
    client.force_login(world.carl)
    created = client.post(BASE + "runs/", {"period": "2026-01"}, content_type="application/json")
    assert created.status_code == 201
    run = created.json()
    assert (run["period"], run["status"], run["progress"]) == ("2026-01", "draft", 0)
    compute = client.post(BASE + f"runs/{run['id']}/compute/")
    assert compute.status_code == 202
    with cooperative_context(world.coop_a.pk):
        compute_run(run["id"])  # what the worker does once the request has committed
    detail = client.get(BASE + f"runs/{run['id']}/").json()
    assert (detail["status"], detail["expected"], detail["computed"], detail["progress"]) == (
        "computed",
        2,
        2,
        100,
    )
    slips = client.get(BASE + f"payslips/?run={run['id']}").json()
    assert sorted(s["gross"] for s in slips["results"]) == ["1900.00", "2500.00"]
    assert all(s["issued_at"] is None for s in slips["results"])
    validating = client.post(BASE + f"runs/{run['id']}/validate/")
    assert (validating.status_code, validating.json()["status"]) == (202, "validating")
    with cooperative_context(world.coop_a.pk):
        assert list(Job.objects.order_by("pk").values_list("task", "kwargs")) == [
            ("payroll.tasks.payroll_run_compute_task", {"run_id": run["id"]}),
            ("payroll.tasks.payroll_run_validate_task", {"run_id": run["id"]}),
        ]
        payroll_run_validate_finish(run_id=run["id"])  # what the worker does
        pdf_jobs = Job.objects.filter(task="payroll.tasks.payslip_pdf_render_task").count()
    assert pdf_jobs == 2
    validated = client.get(BASE + f"runs/{run['id']}/").json()
    assert (validated["status"], validated["issued"], validated["pdf_ready"]) == ("validated", 2, 0)
    paid = client.post(BASE + f"runs/{run['id']}/mark-paid/").json()
    assert paid["status"] == "paid"
    with cooperative_context(world.coop_a.pk):
        assert Entry.objects.filter(journal__code="PAIE").count() == 2
        assert Entry.objects.filter(journal__code="BQ", source="payroll").count() == 2
    listed = client.get(BASE + "runs/").json()
    assert [r["period"] for r in listed["results"]] == ["2026-01"]


def test_bad_input_is_a_400_in_french_and_changes_nothing(
    world: World, payroll: Payroll, client: Client
) -> None:
    client.force_login(world.carl)
    bad_month = client.post(BASE + "runs/", {"period": "2026-13"}, content_type="application/json")
    assert bad_month.status_code == 400
    assert bad_month.json() == {"period": ["Mois invalide : attendu AAAA-MM."]}
    no_settings = client.post(
        BASE + "runs/", {"period": "2025-12"}, content_type="application/json"
    )
    assert no_settings.status_code == 400
    assert "ne sont pas renseignés au 01/12/2025" in no_settings.json()["detail"]
    run = client.post(BASE + "runs/", {"period": "2026-01"}, content_type="application/json")
    again = client.post(BASE + "runs/", {"period": "2026-01"}, content_type="application/json")
    assert again.status_code == 400
    assert again.json()["detail"] == "Une paie existe déjà pour 01/2026."
    run_id = run.json()["id"]
    early = client.post(BASE + f"runs/{run_id}/validate/")
    assert early.status_code == 400
    assert "entièrement calculée" in early.json()["detail"]
    assert client.post(BASE + f"runs/{run_id}/mark-paid/").status_code == 400
    assert client.get(BASE + "payslips/?run=abc").status_code == 400
    with cooperative_context(world.coop_a.pk):
        assert list(PayrollRun.objects.values_list("period", "status")) == [(JAN, "draft")]
        assert not Payslip.objects.exists()
        assert not Entry.objects.exists()


def test_an_entrepreneur_never_fetches_another_payslip_whatever_the_id(
    world: World, payroll: Payroll, client: Client
) -> None:
    run, ids = _issued(world)
    with cooperative_context(world.coop_a.pk):
        every_id = list(Payslip.objects.values_list("pk", flat=True))
        february_draft = Payslip.objects.get(
            entrepreneur=payroll.alice, period=dt.date(2026, 2, 1)
        ).pk
    mine = ids[payroll.alice.pk]
    client.force_login(world.alice)
    listed = client.get(BASE + "payslips/").json()
    assert [s["id"] for s in listed["results"]] == [mine]
    assert client.get(BASE + f"payslips/?run={run.pk}").json()["count"] == 1
    detail = client.get(BASE + f"payslips/{mine}/").json()
    assert (detail["gross"], detail["net_paid"], detail["has_pdf"]) == ("2500.00", "1907.23", True)
    pdf = client.get(BASE + f"payslips/{mine}/pdf/")
    assert pdf.status_code == 200
    assert b"".join(pdf.streaming_content)[:5] == b"%PDF-"  # type: ignore[attr-defined]
    # Another's, her own draft, a missing one and every id around: the same 404.
    for payslip_id in [*every_id, max(every_id) + 1, 0]:
        if payslip_id == mine:
            continue
        for suffix in ("", "pdf/"):
            assert client.get(BASE + f"payslips/{payslip_id}/{suffix}").status_code == 404
    assert february_draft in every_id
    # Running the payroll is for payroll officers and managers.
    assert client.get(BASE + "runs/").status_code == 403
    assert client.get(BASE + f"runs/{run.pk}/").status_code == 403
    assert client.post(BASE + f"runs/{run.pk}/mark-paid/").status_code == 403
    with cooperative_context(world.coop_a.pk):
        run.refresh_from_db()
        assert run.status == "validated"


def test_support_sees_no_payslip_and_managers_see_them_all(
    world: World, payroll: Payroll, client: Client
) -> None:
    run, ids = _issued(world)
    client.force_login(world.bob)
    assert client.get(BASE + "payslips/").json()["count"] == 0
    assert client.get(BASE + f"payslips/{ids[payroll.alice.pk]}/pdf/").status_code == 404
    assert client.post(BASE + "runs/", {"period": "2026-03"}).status_code == 403
    client.force_login(world.carl)
    assert client.get(BASE + f"payslips/?run={run.pk}").json()["count"] == 2
    assert client.get(BASE + f"payslips/{ids[payroll.other.pk]}/pdf/").status_code == 200


def test_charlie_gets_404_on_every_payroll_endpoint(
    world: World, payroll: Payroll, client: Client
) -> None:
    run, ids = _issued(world)
    client.force_login(world.charlie)
    payslip = ids[payroll.alice.pk]
    for slug in ("coop-a", "coop-b"):
        base = f"/api/v1/c/{slug}/payroll/"
        for path in (f"runs/{run.pk}/", f"payslips/{payslip}/", f"payslips/{payslip}/pdf/"):
            assert client.get(base + path).status_code == 404, (slug, path)
        for path in ("compute/", "validate/", "mark-paid/"):
            assert client.post(base + f"runs/{run.pk}/{path}").status_code == 404, (slug, path)
    for path in ("runs/", "payslips/", "simulate/"):
        assert client.get(BASE + path).status_code == 404
    assert client.get(f"/api/v1/c/coop-b/payroll/payslips/?run={run.pk}").json()["count"] == 0
    with cooperative_context(world.coop_a.pk):
        run.refresh_from_db()
        assert run.status == "validated"


def test_the_simulation_gives_the_same_json_as_the_command(
    world: World, payroll: Payroll, client: Client
) -> None:
    client.force_login(world.alice)
    out = io.StringIO()
    # Cooperative A's settings: 30 staff, 1.00 % accident-at-work rate.
    call_command(
        "payslip_simulate",
        "--period=2026-01",
        "--gross=2500.00",
        "--headcount=30",
        "--at-rate=1.00",
        "--json",
        stdout=out,
    )
    response = client.post(
        BASE + "simulate/",
        {"period": "2026-01", "gross": "2500.00"},
        content_type="application/json",
    )
    assert response.status_code == 200
    assert response.json() == json.loads(out.getvalue())
    assert response.json()["net_before_tax"] == "1978.99"
    budget = client.post(
        BASE + "simulate/",
        {"period": "2026-01", "budget": response.json()["employer_cost"]},
        content_type="application/json",
    ).json()
    assert budget["gross"] == "2500.00"
    assert Decimal(budget["employer_cost"]) == Decimal(response.json()["employer_cost"])


def test_a_bad_simulation_is_a_400_in_french(
    world: World, payroll: Payroll, client: Client
) -> None:
    client.force_login(world.alice)
    both = client.post(
        BASE + "simulate/", {"gross": "2500", "budget": "3000"}, content_type="application/json"
    )
    assert both.status_code == 400
    assert both.json() == {"non_field_errors": ["Indiquez soit un salaire brut, soit un budget."]}
    negative = client.post(BASE + "simulate/", {"gross": "-1"}, content_type="application/json")
    assert negative.status_code == 400
    assert "gross" in negative.json()
    too_early = client.post(
        BASE + "simulate/", {"period": "2020-01", "gross": "2500"}, content_type="application/json"
    )
    assert too_early.status_code == 400
    assert too_early.json()["detail"] == (
        "Les paramètres de paie de la coopérative ne sont pas renseignés au 01/01/2020 "
        "(effectif, taux accident du travail)."
    )


def test_the_schema_lists_the_payroll_endpoints(db: None, client: Client) -> None:
    schema = client.get("/api/schema/").content.decode()
    for path in (
        "/payroll/runs/",
        "/payroll/runs/{run_id}/validate/",
        "/payroll/payslips/{payslip_id}/pdf/",
        "/payroll/simulate/",
    ):
        assert path in schema


def test_listing_payslips_and_runs_costs_the_same_whatever_their_number(
    world: World, payroll: Payroll, client: Client
) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from payroll.services import pay_profile_set
    from tests.factories.entrepreneurs import ActivityMemberFactory, EntrepreneurFactory

    def counts() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as payslips:
            assert client.get(BASE + "payslips/").status_code == 200
        with CaptureQueriesContext(connection) as runs:
            assert client.get(BASE + "runs/").status_code == 200
        return len(payslips), len(runs)

    _issued(world)
    client.force_login(world.carl)
    before = counts()
    with cooperative_context(world.coop_a.pk):
        for _ in range(4):
            person = EntrepreneurFactory.create(sector=payroll.alice.sector)
            pay_profile_set(entrepreneur=person, monthly_gross=Decimal("2000.00"))
            ActivityMemberFactory.create(entrepreneur=person, activity__sector=person.sector)
        run = payroll_run_create(period=dt.date(2026, 3, 1), created_by=world.carl)
        compute_run(run.pk)
        assert Payslip.objects.count() == 4 + 6
    assert counts() == before


def test_the_payroll_officer_corrects_a_payslip_through_the_api(
    world: World, payroll: Payroll, client: Client
) -> None:
    _run, ids = _issued(world)
    original = ids[payroll.alice.pk]
    url = BASE + f"payslips/{original}/correct/"
    for user in (world.alice, world.bob):
        client.force_login(user)
        assert client.post(url, {"gross": "2600.00"}).status_code == 403
    client.force_login(world.charlie)
    assert client.post(url, {"gross": "2600.00"}).status_code == 404
    assert client.post(url.replace("coop-a", "coop-b"), {"gross": "2600.00"}).status_code == 404
    client.force_login(world.carl)
    for bad in ({"gross": "-1"}, {"gross": "abc"}, {}):
        response = client.post(url, bad, content_type="application/json")
        assert response.status_code == 400
        assert "gross" in response.json()
    with cooperative_context(world.coop_a.pk):
        assert Payslip.objects.filter(replaces__isnull=False).count() == 0
        assert not Entry.objects.filter(reverses__isnull=False).exists()
    created = client.post(url, {"gross": "2600.00"}, content_type="application/json")
    assert created.status_code == 201
    body = created.json()
    assert (body["version"], body["replaces_id"], body["gross"]) == (2, original, "2600.00")
    again = client.post(url, {"gross": "2700.00"}, content_type="application/json")
    assert again.status_code == 400
    assert "déjà été rectifié" in again.json()["detail"]
    with cooperative_context(world.coop_a.pk):
        assert Entry.objects.filter(reverses__idempotency_key=f"payslip:{original}").count() == 1
        assert Entry.objects.filter(idempotency_key=f"payslip:{body['id']}").count() == 1
