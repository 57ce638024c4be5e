"""Sweep every URL pattern: another cooperative's member gets a 404 and changes nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver

from entrepreneurs.models import (
    Action,
    Appointment,
    Entrepreneur,
    Note,
    PathStep,
    WorkshopRegistration,
)
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.models import Invitation, Membership
from perspectives.tenancy.services import invitation_create
from tests.conftest import World
from tests.factories.accounting import EntryFactory
from tests.factories.bank import (
    BankLineFactory,
    EntryAttachmentFactory,
    EntryTemplateFactory,
    StatementFactory,
    bank_account,
)
from tests.factories.core import JobFactory
from tests.factories.dashboards import ForecastItemFactory, ReportSnapshotFactory
from tests.factories.entrepreneurs import (
    ActionFactory,
    ActivityMemberFactory,
    DocumentFactory,
    WorkshopFactory,
)
from tests.factories.governance import (
    AdmissionApplicationFactory,
    AssociateFactory,
    ConvocationDispatchFactory,
    ResolutionFactory,
    ShareSubscriptionFactory,
    StatuteRuleFactory,
)
from tests.factories.onboarding import ImportRunFactory
from tests.factories.payroll import PayslipFactory
from tests.factories.purchases import ExpenseLineFactory, PaymentFactory
from tests.factories.sales import CustomerFactory
from tests.factories.sales import DocumentFactory as SalesDocumentFactory

# URL prefixes that are not the platform's own pages (reviewed): Django admin, allauth, i18n,
# API schema and docs. Everything else is swept, so a new route is covered by default.
PUBLIC_PREFIXES = ("admin/", "accounts/", "i18n/", "api/schema/", "api/docs/", "static/")


def _walk(patterns: list[Any], prefix: str = "") -> Iterator[tuple[str, URLPattern]]:
    for pattern in patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            yield from _walk(pattern.url_patterns, route)
        elif isinstance(pattern, URLPattern):
            yield route, pattern


def _routes() -> list[tuple[str, URLPattern]]:
    return [
        (route, pattern)
        for route, pattern in _walk(get_resolver().url_patterns)
        if not route.startswith(PUBLIC_PREFIXES) and "<" in route
    ]


ROUTES = _routes()
# Invitation links and calendar feeds carry an unguessable secret instead of an id: covered by
# the invitation and agenda tests.
OBJECT_ROUTES = [(route, pattern) for route, pattern in ROUTES if "<str:token>" not in route]
COOPERATIVE_ROUTES = [(route, pattern) for route, pattern in ROUTES if "cooperative_slug" in route]


def _snapshot(world: World) -> dict[str, Any]:
    with cooperative_context(world.coop_a.pk):
        entrepreneurs: list[dict[str, Any]] = [
            dict(row) for row in Entrepreneur.objects.order_by("pk").values()
        ]
        entrepreneurs += [dict(row) for row in PathStep.objects.order_by("pk").values()]
        entrepreneurs += [dict(row) for row in Note.objects.order_by("pk").values()]
        entrepreneurs += [dict(row) for row in Appointment.objects.order_by("pk").values()]
        entrepreneurs += [dict(row) for row in WorkshopRegistration.objects.order_by("pk").values()]
        entrepreneurs += [dict(row) for row in Action.objects.order_by("pk").values()]
    return {
        "memberships": list(
            Membership.objects.filter(cooperative=world.coop_a).order_by("pk").values()
        ),
        "invitations": list(
            Invitation.objects.filter(cooperative=world.coop_a).order_by("pk").values()
        ),
        "entrepreneurs": entrepreneurs,
    }


def _a_object_ids(world: World) -> dict[str, str]:
    invitation, _token = invitation_create(
        cooperative=world.coop_a, email="new@a.example", roles=["support"], invited_by=world.carl
    )
    with cooperative_context(world.coop_a.pk):
        entrepreneur = Entrepreneur.objects.get()
        action = ActionFactory.create(goal__entrepreneur=entrepreneur)
        document = DocumentFactory.create(entrepreneur=entrepreneur)
        activity = ActivityMemberFactory.create(
            entrepreneur=entrepreneur, activity__sector=entrepreneur.sector
        ).activity
        workshop = WorkshopFactory.create(cooperative=world.coop_a)
        forecast = ForecastItemFactory.create(activity=activity)
        snapshot = ReportSnapshotFactory.create(entrepreneur=entrepreneur)
        resolution = ResolutionFactory.create(assembly__profile__cooperative=world.coop_a)
        associate = AssociateFactory.create(cooperative=world.coop_a)
        subscription = ShareSubscriptionFactory.create(associate=associate)
        application = AdmissionApplicationFactory.create(cooperative=world.coop_a)
        rule = StatuteRuleFactory.create(profile__cooperative=world.coop_a, profile__is_active=True)
        dispatch = ConvocationDispatchFactory.create(entry__assembly=resolution.assembly)
        payslip = PayslipFactory.create(run__cooperative=world.coop_a, entrepreneur=entrepreneur)
        job = JobFactory.create(cooperative=world.coop_a, state="failed")
        # A's failed e-reporting report (a period is named by its kind and start).
        JobFactory.create(
            cooperative=world.coop_a,
            task="sales.tasks.ereport_submit_task",
            kwargs={"kind": "transactions", "start": "2026-03-21", "end": "2026-03-31"},
            state="failed",
        )
        sales_document = SalesDocumentFactory.create(
            customer=CustomerFactory.create(activity=activity)
        )
        payment = PaymentFactory.create(batch__cooperative=world.coop_a)
        expense_line = ExpenseLineFactory.create(report__entrepreneur=entrepreneur)
        entry = EntryFactory.create(journal__cooperative=world.coop_a)
        bank_line = BankLineFactory.create(
            statement=StatementFactory.create(bank_account=bank_account(world.coop_a))
        )
        import_run = ImportRunFactory.create(cooperative=world.coop_a)
        entry_template = EntryTemplateFactory.create(journal=entry.journal)
        attachment = EntryAttachmentFactory.create(entry=entry)
    return {
        "membership_id": str(world.bob_membership.pk),
        "invitation_id": str(invitation.pk),
        "entrepreneur_id": str(entrepreneur.pk),
        "action_id": str(action.pk),
        "document_id": str(document.pk),
        "activity_id": str(activity.pk),
        "workshop_id": str(workshop.pk),
        "sector_id": str(entrepreneur.sector_id),
        "item_id": str(forecast.pk),
        "snapshot_id": str(snapshot.pk),
        "assembly_id": str(resolution.assembly_id),
        "resolution_id": str(resolution.pk),
        "associate_id": str(associate.pk),
        "application_id": str(application.pk),
        "subscription_id": str(subscription.pk),
        "rule_id": str(rule.pk),
        "dispatch_id": str(dispatch.pk),
        "run_id": str(payslip.run_id),
        "payslip_id": str(payslip.pk),
        "job_id": str(job.pk),
        "customer_id": str(sales_document.customer_id),
        "sales_document_id": str(sales_document.pk),
        "kind": "transactions",
        "start": "2026-03-21",
        "invoice_id": str(payment.supplier_invoice_id),
        "batch_id": str(payment.batch_id),
        "report_id": str(expense_line.report_id),
        "line_id": str(expense_line.pk),
        "account_id": str(bank_line.bank_account_id),
        "statement_id": str(bank_line.statement_id),
        "bank:line_id": str(bank_line.pk),
        "entry_id": str(entry.pk),
        "import_id": str(import_run.pk),
        "template_id": str(entry_template.pk),
        "attachment_id": str(attachment.pk),
    }


def _fill(route: str, values: dict[str, str]) -> str:
    path = route
    for converter_and_name in [part.split(">")[0] for part in route.split("<")[1:]]:
        name = converter_and_name.split(":")[-1]
        # An app's own value for a name that several apps use ("bank:line_id").
        app = route.split("<slug:cooperative_slug>/", 1)[-1].split("/", 1)[0]
        value = values.get(f"{app}:{name}", values.get(name))
        assert value is not None, f"add a value for <{name}> to the sweep"
        path = path.replace(f"<{converter_and_name}>", value)
    return "/" + path


def test_the_sweep_covers_the_tenant_routes() -> None:
    routes = {route for route, _pattern in ROUTES}
    assert "c/<slug:cooperative_slug>/entrepreneurs/<int:entrepreneur_id>/" in routes
    assert "api/v1/c/<slug:cooperative_slug>/entrepreneurs/<int:entrepreneur_id>/" in routes
    assert "c/<slug:cooperative_slug>/members/<int:membership_id>/remove/" in routes


@pytest.mark.parametrize(
    ("route", "pattern"), OBJECT_ROUTES, ids=[route for route, _ in OBJECT_ROUTES]
)
@pytest.mark.parametrize("method", ["get", "post"])
def test_charlie_gets_404_on_a_objects(
    route: str, pattern: URLPattern, method: str, world: World, client: Client
) -> None:
    ids = _a_object_ids(world)
    before = _snapshot(world)
    client.force_login(world.charlie)
    # A's slug (charlie is not a member), and charlie's own cooperative with A's object ids.
    slugs = [world.coop_a.slug]
    if route.count("<") > route.count("<slug:cooperative_slug>"):
        slugs.append(world.coop_b.slug)
    for slug in slugs:
        path = _fill(route, {**ids, "cooperative_slug": slug})
        response = getattr(client, method)(path)
        # In charlie's own cooperative, a view that does not take this method refuses it before
        # it looks anything up (405 whatever the id): nothing to detect either.
        allowed = {404, 405} if slug == world.coop_b.slug else {404}
        assert response.status_code in allowed, (path, response.status_code)
    assert _snapshot(world) == before


@pytest.mark.parametrize(
    ("route", "pattern"), COOPERATIVE_ROUTES, ids=[route for route, _ in COOPERATIVE_ROUTES]
)
def test_anonymous_is_sent_to_login_whatever_the_slug(
    route: str, pattern: URLPattern, world: World, client: Client
) -> None:
    ids = _a_object_ids(world)
    responses = {
        slug: client.get(_fill(route, {**ids, "cooperative_slug": slug}))
        for slug in (world.coop_a.slug, "no-such-coop")
    }
    statuses = {slug: response.status_code for slug, response in responses.items()}
    if route.startswith("api/"):
        assert statuses == {world.coop_a.slug: 401, "no-such-coop": 401}
    else:
        assert statuses == {world.coop_a.slug: 302, "no-such-coop": 302}
        assert responses[world.coop_a.slug]["Location"].startswith("/accounts/login/?next=")
