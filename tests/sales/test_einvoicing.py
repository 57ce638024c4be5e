"""E-invoicing of the invoices the cooperative issues, against a local server implementing the
AFNOR XP Z12-013 Flow Service: a B2B domestic invoice goes once as Factur-X, the statuses the
platform sends back (200, 213 with its reason) form the invoice's timeline on its page and in
the API, each payment of a services invoice goes back as 212 with its amount, the platform's
errors read in French and leave a job that can be tried again, another cooperative sees 404."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import facturx
import pytest
from django.test import Client

from entrepreneurs.models import Entrepreneur
from perspectives.core.exceptions import ApplicationError
from perspectives.core.secrets import encrypt
from perspectives.tenancy.context import cooperative_context
from perspectives.tenancy.jobs import JOB_KWARG
from perspectives.tenancy.models import Job
from purchases.models import PurchaseSettings
from purchases.platform import SELLER, AfnorPlatformConnector, InvoiceReference
from sales import services
from sales import tasks as sales_tasks
from sales.models import (
    Customer,
    Document,
    EInvoiceSubmission,
    LifecycleCursor,
    LifecycleStatus,
    OperationCategory,
    UnmatchedLifecycleStatus,
)
from sales.services import LineData
from sales.services.einvoicing import lifecycle_statuses_sync, received_by_rate
from tests.conftest import World, travel_to
from tests.factories.accounting import ledger_ready
from tests.factories.entrepreneurs import ActivityMemberFactory
from tests.factories.sales import SalesSettingsFactory
from tests.helpers.fake_platform import FakePlatform, fake_platform
from tests.helpers.schematron import schematron_cdar
from tests.sales.conftest import DAY, Sales

PAGES = "/c/coop-a/sales/documents/"
API = "/api/v1/c/coop-a/sales/documents/"
COOP_A_SIREN = "732829320"
SUBMIT = "sales.tasks.einvoice_submit_task"
SEND = "sales.tasks.lifecycle_status_send_task"


@dataclass
class Issued:
    invoice: Document  # services, 1 200,00 € TTC, to a French company
    customer: Customer


@pytest.fixture
def issued(world: World) -> Iterator[Issued]:
    with travel_to("2026-10-05T10:00"), cooperative_context(world.coop_a.pk):
        ledger_ready(2026)
        world.coop_a.siren = COOP_A_SIREN
        world.coop_a.address_line = "2 place de la République"
        world.coop_a.postal_code = "66000"
        world.coop_a.city = "Perpignan"
        world.coop_a.save()
        SalesSettingsFactory.create(cooperative=world.coop_a)
        alice = Entrepreneur.objects.get(user=world.alice)
        activity = ActivityMemberFactory.create(
            entrepreneur=alice, activity__sector=alice.sector, activity__name="Atelier Alice"
        ).activity
        customer = services.customer_create(
            activity=activity,
            kind="company",
            name="Menuiserie Durand",
            siret="44306184100047",
            address_line="5 avenue du Canigou",
            postal_code="66100",
            city="Perpignan",
        )
        invoice = _validated(customer)
        yield Issued(invoice, customer)


def _validated(customer: Customer, **fields: Any) -> Document:
    return services.invoice_validate(
        document=services.document_create(
            kind="invoice",
            activity=customer.activity,
            customer=customer,
            delivery_date=dt.date(2026, 10, 5),
            lines=[LineData("Conseil", quantity=2, unit_price="500.00")],
            **fields,
        ),
        render=False,
    )


def _connect(world: World, platform: FakePlatform) -> None:
    with cooperative_context(world.coop_a.pk):
        PurchaseSettings.objects.update_or_create(
            cooperative=world.coop_a,
            defaults={"platform_url": platform.flow_url, "platform_token": encrypt(platform.token)},
        )


def _run(job: Job) -> Job:
    """What a worker does with the job's message (its id included)."""
    task = getattr(sales_tasks, job.task.rsplit(".", 1)[-1])
    task.apply(kwargs={**job.kwargs, "cooperative_id": job.cooperative_id, JOB_KWARG: job.pk})
    with cooperative_context(job.cooperative_id):
        job.refresh_from_db()
    return job


def _jobs(world: World, task: str) -> list[Job]:
    with cooperative_context(world.coop_a.pk):
        return list(Job.objects.filter(task=task).order_by("pk"))


def _submitted(platform: FakePlatform) -> list[tuple[str, str, str, str, str]]:
    return [
        (i["flowId"], i["trackingId"], i["flowSyntax"], i["processingRule"], i["name"])
        for i in platform.invoices
    ]


def test_an_invoice_is_submitted_once_even_when_asked_twice(
    issued: Issued, world: World, client: Client
) -> None:
    invoice = issued.invoice
    client.force_login(world.alice)
    with fake_platform() as platform:
        _connect(world, platform)
        for _twice in range(2):
            response = client.post(PAGES + f"{invoice.pk}/einvoice/")
            assert response.status_code == 302
        jobs = _jobs(world, SUBMIT)
        assert [(j.state, j.kwargs) for j in jobs] == [("pending", {"document_id": invoice.pk})]
        with cooperative_context(world.coop_a.pk):
            assert _run(jobs[0]).state == "done"
            _run(jobs[0])  # delivered a second time: does nothing
            again = client.post(PAGES + f"{invoice.pk}/einvoice/", follow=True)
            # The submission row lost (an answer that never came back): the platform is asked
            # by trackingId and nothing is uploaded again.
            EInvoiceSubmission.objects.all().delete()
            recovered = services.einvoicing.einvoice_submit(document_id=invoice.pk)
        page = client.get(PAGES + f"{invoice.pk}/").content.decode()
    assert invoice.number == "F2026-00001"
    assert _submitted(platform) == [
        ("out-1", str(invoice.pk), "Factur-X", "B2B", "F2026-00001.pdf")
    ]
    assert platform.flows[0].content.startswith(b"%PDF")
    assert recovered.flow_id == "out-1"
    assert [str(m) for m in again.context["messages"]][-1] == (
        "Déjà transmise à la plateforme le 05/10/2026 10:00 (flux out-1)."
    )
    panel = page[page.index('id="einvoicing-title"') :].replace("\xa0", " ")
    assert "à la plateforme le 5 oct. 2026, 10:00 (flux out-1)" in panel
    assert len(_jobs(world, SUBMIT)) == 1


def test_a_rejection_is_shown_with_its_reason_on_the_page_and_in_the_api(
    issued: Issued, world: World, client: Client
) -> None:
    invoice = issued.invoice
    with fake_platform() as platform:
        _connect(world, platform)
        with cooperative_context(world.coop_a.pk):
            services.einvoicing.einvoice_submit(document_id=invoice.pk)
        platform.lifecycle(invoice.number, "200", invoice_flow_id="out-1")
        platform.lifecycle(
            invoice.number,
            "213",
            reason="SIREN du destinataire absent de l'annuaire",
            seller_siren=COOP_A_SIREN,
            issue_date=invoice.issue_date,
        )
        platform.lifecycle("F2026-09999", "200", seller_siren=COOP_A_SIREN)
        garbled = platform.lifecycle(invoice.number, "210")
        garbled.content = b"<pas-un-cdar/>"
        with cooperative_context(world.coop_a.pk):
            platform.fail_next.append((500, {"errorCode": "INTERNAL", "errorMessage": "panne"}))
            with pytest.raises(ApplicationError) as refused:
                lifecycle_statuses_sync()
            cursor_after_failure = LifecycleCursor.objects.get().updated_after
            first = lifecycle_statuses_sync()
            second = lifecycle_statuses_sync()
        client.force_login(world.alice)
        page = client.get(PAGES + f"{invoice.pk}/").content.decode()
        detail = client.get(API + f"{invoice.pk}/").json()
        state = client.get(API + f"{invoice.pk}/einvoicing/").json()
    assert refused.value.message == (
        "La plateforme a répondu 500 (erreur de la plateforme, réessayez plus tard) "
        "à POST /v1/flows/search : INTERNAL – panne."
    )
    assert cursor_after_failure == ""
    assert (first.recorded, first.unknown, second.recorded) == (2, ["F2026-09999"], 0)
    assert [reason.split(" : ")[0] for reason in first.unreadable] == [
        "Le statut lc-5 de la plateforme est illisible"
    ]
    assert platform.searches[-1] == {
        "flowDirection": ["In"],
        "flowType": ["CustomerInvoiceLC"],
        "updatedAfter": "2026-09-01T08:00:05.000Z",
    }
    assert [(s["code"], s["name"], s["origin"], s["reason"]) for s in detail["lifecycle"]] == [
        ("200", "Déposée", "platform", ""),
        ("213", "Rejetée", "platform", "SIREN du destinataire absent de l'annuaire"),
    ]
    assert state["submission"]["flow_id"] == "out-1"
    assert (state["out_of_scope"], state["job"], len(state["statuses"])) == ("", None, 2)
    assert "213 Rejetée" in page
    assert "SIREN du destinataire absent de l&#x27;annuaire" in page


def test_each_payment_of_a_services_invoice_sends_212_with_its_amount(
    issued: Issued, world: World, client: Client
) -> None:
    invoice = issued.invoice
    client.force_login(world.bob)
    with fake_platform() as platform:
        _connect(world, platform)
        # Paid before it reached the platform: the 212 waits for the submission.
        with travel_to("2026-10-06T09:00"):
            response = client.post(
                API + f"{invoice.pk}/payments/",
                {"amount": "500.00", "date": "2026-10-06", "method": "transfer"},
                content_type="application/json",
            )
        assert response.status_code == 201
        assert _jobs(world, SEND) == []
        with cooperative_context(world.coop_a.pk):
            services.einvoicing.einvoice_submit(document_id=invoice.pk)
            _run(_jobs(world, SEND)[0])
            services.payment_record(invoice=invoice, amount="700.00", reference="VIR 2")
            sends = _jobs(world, SEND)
            assert [_run(job).state for job in sends] == ["done", "done"]
            _run(sends[1])  # delivered again: not sent again
            # Sent, but our commit lost: the platform has it under its trackingId.
            LifecycleStatus.objects.filter(amount="700.00").update(sent_at=None)
            services.einvoicing.lifecycle_status_send(status_id=sends[1].kwargs["status_id"])
            statuses = list(
                LifecycleStatus.objects.order_by("pk").values_list("code", "amount", "origin")
            )
    assert platform.amounts == [
        ("F2026-00001", "212", "500.00"),
        ("F2026-00001", "212", "700.00"),
    ]
    assert [f.tracking_id for f in platform.flows if f.flow_type == "CustomerInvoiceLC"] == [
        f"status-{job.kwargs['status_id']}" for job in sends
    ]
    assert [str(amount) for _code, amount, _origin in statuses] == ["500.00", "700.00"]
    assert {(code, origin) for code, _amount, origin in statuses} == {("212", "cooperative")}


def test_a_212_states_the_amount_received_per_vat_rate(sales: Sales) -> None:
    """French rule BR-FR-CDV-14: each amount received with its VAT rate, the payment shared in
    proportion to each rate's total including VAT."""
    invoice = sales.validated_invoice(
        lines=[
            LineData("Conseil", unit_price="1000.00"),
            LineData("Livre", unit_price="100.00", vat_rate="5.5"),
        ]
    )
    shares = received_by_rate(invoice, Decimal("500.00"))
    xml = AfnorPlatformConnector(
        flow_url="https://pa.example", directory_url="https://pa.example", token="t"
    )._cdar(
        invoice=InvoiceReference(
            platform_id="out-1",
            number=invoice.number,
            issue_date=invoice.issue_date or DAY,
            seller_siren=sales.cooperative.siren,
            seller_name=sales.cooperative.name,
            buyer_siren="732829320",
            buyer_name=sales.customer.name,
        ),
        code="212",
        sender_role=SELLER,
        amounts_by_rate=shares,
    )
    assert invoice.total_with_vat == Decimal("1305.50")
    assert shares == [
        (Decimal("459.59"), Decimal("20.00")),
        (Decimal("40.41"), Decimal("5.50")),
    ]
    assert schematron_cdar(xml)["failed"] == []


def test_a_credit_note_goes_like_an_invoice_under_its_own_number(
    issued: Issued, world: World
) -> None:
    with fake_platform() as platform:
        _connect(world, platform)
        with cooperative_context(world.coop_a.pk):
            credit = services.invoice_validate(
                document=services.credit_note_create(invoice=issued.invoice), render=False
            )
            submission = services.einvoicing.einvoice_submit(document_id=credit.pk)
    assert (credit.number, credit.type_code, submission.flow_id) == ("AV2026-00001", "381", "out-1")
    assert _submitted(platform) == [
        ("out-1", str(credit.pk), "Factur-X", "B2B", "AV2026-00001.pdf")
    ]


def test_goods_and_private_customers_stay_off_the_platform(
    issued: Issued, world: World, client: Client
) -> None:
    with cooperative_context(world.coop_a.pk):
        goods = _validated(issued.customer, category=OperationCategory.GOODS)
        person = services.customer_create(
            activity=issued.customer.activity,
            kind="individual",
            name="Léa Martin",
            address_line="1 rue Neuve",
            postal_code="66000",
            city="Perpignan",
        )
        private = _validated(person)
        services.payment_record(invoice=goods, amount="600.00")
        count = LifecycleStatus.objects.count()
    client.force_login(world.alice)
    response = client.post(API + f"{private.pk}/einvoicing/")
    assert count == 0
    assert response.status_code == 400
    assert "e-reporting" in response.json()["detail"]
    assert _jobs(world, SUBMIT) == []


def test_platform_errors_read_in_french_and_the_failed_job_can_be_tried_again(
    issued: Issued, world: World, client: Client
) -> None:
    invoice = issued.invoice
    client.force_login(world.alice)
    with cooperative_context(world.coop_a.pk):
        client.post(PAGES + f"{invoice.pk}/einvoice/")
        unconfigured = _run(_jobs(world, SUBMIT)[0])
    assert (unconfigured.state, unconfigured.error) == (
        "failed",
        "La plateforme agréée n'est pas configurée (adresse et jeton).",
    )
    with fake_platform() as platform:
        _connect(world, platform)
        platform.fail_next.append(
            (503, {"errorCode": "UNAVAILABLE", "errorMessage": "maintenance"})
        )
        client.post(PAGES + f"{invoice.pk}/einvoice/")
        with cooperative_context(world.coop_a.pk):
            failed = _run(_jobs(world, SUBMIT)[0])
            nothing = EInvoiceSubmission.objects.count()
        page = client.get(PAGES + f"{invoice.pk}/").content.decode()
        client.post(PAGES + f"{invoice.pk}/einvoice/")
        with cooperative_context(world.coop_a.pk):
            jobs = _jobs(world, SUBMIT)
            retried = _run(jobs[0])
    assert failed.error == (
        "La plateforme a répondu 503 (erreur de la plateforme, réessayez plus tard) "
        "à POST /v1/flows/search : UNAVAILABLE – maintenance."
    )
    assert nothing == 0
    assert "Réessayer la transmission" in page
    assert "maintenance" in page
    assert (len(jobs), retried.state, retried.error) == (1, "done", "")
    assert _submitted(platform) == [
        ("out-1", str(invoice.pk), "Factur-X", "B2B", "F2026-00001.pdf")
    ]


def test_statuses_sync_for_every_cooperative_from_the_beat(issued: Issued, world: World) -> None:
    with fake_platform() as platform:
        _connect(world, platform)
        with cooperative_context(world.coop_a.pk):
            services.einvoicing.einvoice_submit(document_id=issued.invoice.pk)
        platform.lifecycle(
            issued.invoice.number,
            "210",
            reason="Prix non conforme",
            tracking_id=str(issued.invoice.pk),
        )
        assert sales_tasks.lifecycle_statuses_sync_for_all_cooperatives() == 2
        sync = "sales.tasks.lifecycle_statuses_sync_task"
        with cooperative_context(world.coop_a.pk):
            [job_a] = Job.objects.filter(task=sync)
            assert _run(job_a).state == "done"
            timeline = list(LifecycleStatus.objects.values_list("code", "reason"))
        with cooperative_context(world.coop_b.pk):
            [job_b] = Job.objects.filter(task=sync)
            assert _run(job_b).state == "done"  # no platform configured: nothing to do
            assert LifecycleStatus.objects.count() == 0
    assert timeline == [("210", "Prix non conforme")]


def test_another_cooperative_gets_404(issued: Issued, world: World, client: Client) -> None:
    client.force_login(world.charlie)
    pk = issued.invoice.pk
    for slug in ("coop-a", "coop-b"):
        assert client.post(f"/c/{slug}/sales/documents/{pk}/einvoice/").status_code == 404
        api = f"/api/v1/c/{slug}/sales/documents/{pk}/einvoicing/"
        assert client.get(api).status_code == 404
        assert client.post(api).status_code == 404
    assert _jobs(world, SUBMIT) == []
    with cooperative_context(world.coop_b.pk):
        assert Job.objects.count() == 0


def test_statuses_match_by_flow_then_by_number_date_and_siren_never_by_guess(
    issued: Issued, world: World
) -> None:
    invoice = issued.invoice
    day = dt.date(2026, 10, 5)
    with fake_platform() as platform:
        _connect(world, platform)
        with cooperative_context(world.coop_a.pk):
            credit = services.invoice_validate(
                document=services.credit_note_create(
                    invoice=invoice, lines=[LineData("Geste", unit_price="100.00")]
                ),
                render=False,
            )
            services.einvoicing.einvoice_submit(document_id=invoice.pk)
        by_flow = platform.lifecycle(invoice.number, "200", invoice_flow_id="out-1")
        by_tracking = platform.lifecycle(invoice.number, "202", tracking_id=str(invoice.pk))
        by_number = platform.lifecycle(
            credit.number, "200", seller_siren=COOP_A_SIREN, issue_date=day
        )
        platform.lifecycle(credit.number, "213", invoice_flow_id="out-1")
        platform.lifecycle(invoice.number, "210", seller_siren="552100554", issue_date=day)
        platform.lifecycle(
            invoice.number, "210", seller_siren=COOP_A_SIREN, issue_date=dt.date(2025, 10, 5)
        )
        platform.lifecycle(invoice.number, "210", issue_date=day)
        with cooperative_context(world.coop_a.pk):
            first = lifecycle_statuses_sync()
            second = lifecycle_statuses_sync()
            attached = sorted(
                LifecycleStatus.objects.values_list("flow_id", "document__number", "code")
            )
            unmatched = list(
                UnmatchedLifecycleStatus.objects.order_by("pk").values_list(
                    "code", "invoice_number", "issue_date", "seller_siren", "why"
                )
            )
    assert (first.recorded, second.recorded, len(first.unknown)) == (3, 0, 4)
    assert attached == [
        (by_flow.flow_id, "F2026-00001", "200"),
        (by_tracking.flow_id, "F2026-00001", "202"),
        (by_number.flow_id, "AV2026-00001", "200"),
    ]
    assert unmatched == [
        (
            "213",
            "AV2026-00001",
            dt.date(2026, 9, 1),
            "",
            "Le flux désigne la facture F2026-00001, le statut la facture AV2026-00001.",
        ),
        ("210", "F2026-00001", day, "552100554", "Le vendeur 552100554 n'est pas la coopérative."),
        (
            "210",
            "F2026-00001",
            dt.date(2025, 10, 5),
            COOP_A_SIREN,
            "Aucune facture F2026-00001 du 05/10/2025.",
        ),
        (
            "210",
            "F2026-00001",
            day,
            "",
            "Le statut ne donne ni le flux de la facture ni le SIREN du vendeur.",
        ),
    ]


def test_a_public_body_is_submitted_through_the_platform_like_a_company(
    issued: Issued, world: World
) -> None:
    with fake_platform() as platform:
        _connect(world, platform)
        with cooperative_context(world.coop_a.pk):
            town = services.customer_create(
                activity=issued.customer.activity,
                kind="public",
                name="Mairie de Paris",
                siret="21750001600019",
                service_code="SERV-BATIMENTS",
                address_line="Place de l'Hôtel de Ville",
                postal_code="75004",
                city="Paris",
            )
            invoice = _validated(town, buyer_reference="EJ-2026-0042")
            out_of_scope = services.einvoicing.einvoice_out_of_scope(invoice)
            submission = services.einvoicing.einvoice_submit(document_id=invoice.pk)
            payment = services.payment_record(invoice=invoice, amount="1200.00")
            [status] = LifecycleStatus.objects.filter(payment=payment)
            services.einvoicing.lifecycle_status_send(status_id=status.pk)
    assert (out_of_scope, submission.flow_id) == ("", "out-1")
    assert _submitted(platform) == [
        ("out-1", str(invoice.pk), "Factur-X", "B2B", f"{invoice.number}.pdf")
    ]
    xml = facturx.get_xml_from_pdf(platform.flows[0].content, check_xsd=False)[1]
    assert b"<ram:BuyerReference>SERV-BATIMENTS</ram:BuyerReference>" in xml
    assert b"<ram:IssuerAssignedID>EJ-2026-0042</ram:IssuerAssignedID>" in xml
    assert platform.amounts == [(invoice.number, "212", "1200.00")]
