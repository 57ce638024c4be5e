"""The connector to the accredited platform, against a local server implementing the AFNOR
XP Z12-013 Flow and Directory Services: received invoices land on the right activity, refusals
and statuses go back as CDAR messages naming the invoice, routing addresses become directory
lines, the search pages by `updatedAt`, nothing is received twice, errors read in French."""

from __future__ import annotations

import datetime as dt
import socket

import pytest

from perspectives.core.exceptions import ApplicationError
from perspectives.core.secrets import encrypt
from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import PurchaseSettings, SupplierInvoice
from purchases.platform import PAGE_SIZE, AfnorPlatformConnector, InvoiceReference
from tests.conftest import World, travel_to
from tests.helpers.fake_platform import FakePlatform, fake_platform, stamp
from tests.purchases.conftest import COOP_A_SIREN, Purchases
from tests.purchases.einvoices_helpers import addressed_to, example, facturx


def _connect(world: World, platform: FakePlatform, token: str | None = None) -> None:
    with cooperative_context(world.coop_a.pk):
        PurchaseSettings.objects.filter().update(
            platform_url=platform.flow_url,
            platform_directory_url=platform.directory_url,
            platform_token=encrypt(token or platform.token),
        )


def _connector(platform: FakePlatform) -> AfnorPlatformConnector:
    return AfnorPlatformConnector(
        flow_url=platform.flow_url, directory_url=platform.directory_url, token=platform.token
    )


def _cursor(world: World) -> str:
    with cooperative_context(world.coop_a.pk):
        return PurchaseSettings.objects.get().platform_cursor


@travel_to("2026-10-05T10:00")
def test_sync_receives_routes_refuses_and_answers(world: World, purchases: Purchases) -> None:
    alice_address = f"{COOP_A_SIREN}_{purchases.activity.pk}"
    with fake_platform() as platform:
        platform.receive(
            "flow-1",
            "facture.pdf",
            facturx(addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=alice_address)),
        )
        platform.receive(
            "flow-2",
            "facture.xml",
            addressed_to(
                "ubl-tc434-example1.xml", siren=COOP_A_SIREN, address=COOP_A_SIREN
            ).replace(b"12115118", b"12115119"),
        )
        platform.receive("flow-3", "autre.xml", example("CII_example1.xml"))
        platform.receive("flow-4", "illisible.xml", b"<pas une facture/>")
        _connect(world, platform)
        with cooperative_context(world.coop_a.pk):
            report = services.platform_sync()
            invoices = {
                i.platform_id: (i.format, i.activity_id, i.status, i.attachment_name)
                for i in SupplierInvoice.objects.all()
            }
            again = services.platform_sync()
            flow_1 = SupplierInvoice.objects.get(platform_id="flow-1")
            services.supplier_invoice_validate(invoice=flow_1, membership=world.bob_membership)
            services.supplier_invoice_refuse(
                invoice=SupplierInvoice.objects.get(platform_id="flow-2"), reason="Non commandé"
            )
            last = services.platform_sync()
    assert invoices == {
        "flow-1": ("facturx", purchases.activity.pk, "draft", "facture.pdf"),
        "flow-2": ("ubl", None, "draft", "facture.xml"),
    }
    assert (len(report.received), report.statuses_sent, report.addresses_registered) == (2, 2, 3)
    assert [flow for flow, _reason in report.refused] == ["flow-3", "flow-4"]
    assert report.refused[0][1] == (
        "Facture refusée : l'acheteur (ODIN 59) n'est pas la coopérative (SIREN 732829320)."
    )
    assert (again.received, again.refused, again.statuses_sent, again.addresses_registered) == (
        [],
        [],
        0,
        0,
    )
    assert last.statuses_sent == 2
    # The unreadable flow-4 gets no CDAR: one must cite an invoice number and seller.
    assert platform.statuses == [
        (
            "12115118",
            "210",
            "Facture refusée : l'acheteur (ODIN 59) n'est pas la coopérative (SIREN 732829320).",
        ),
        ("12115118", "204", ""),
        ("12115119", "204", ""),
        ("12115118", "205", ""),
        ("12115119", "210", "Non commandé"),
    ]
    # Each refusal names its reason in the French code list: the buyer is not us; by hand,
    # the default for a refusal.
    assert [
        status.get("reason_code")
        for cdar in platform.cdars
        if cdar["status_code"] == "210"
        for status in cdar["doc_status"]
    ] == ["DEST_ERR", "NON_CONFORME"]
    assert [(line["addressingIdentifier"], line["dateFrom"]) for line in platform.directory] == [
        (COOP_A_SIREN, "2026-10-05"),
        *sorted(
            [
                (alice_address, "2026-10-05"),
                (f"{COOP_A_SIREN}_{purchases.other_activity.pk}", "2026-10-05"),
            ]
        ),
    ]
    assert {line.get("addressingSuffix") for line in platform.directory} == {
        None,
        str(purchases.activity.pk),
        str(purchases.other_activity.pk),
    }
    assert _cursor(world) == stamp(platform.flows[3].updated_at) == "2026-09-01T08:00:04.000Z"


@travel_to("2026-10-05T10:00")
def test_a_cdar_names_the_invoice_its_seller_buyer_and_status(world: World) -> None:
    invoice = InvoiceReference(
        platform_id="flow-9",
        number="F-2026-042",
        issue_date=dt.date(2026, 9, 28),
        seller_siren="552100554",
        seller_name="Fournitures Dupont",
        buyer_siren=COOP_A_SIREN,
        buyer_name="Coopérative A",
    )
    with fake_platform() as platform:
        _connector(platform).send_status(invoice=invoice, code="207", reason="Quantité erronée")
    submitted = platform.flows[0]
    assert (submitted.flow_type, submitted.direction, submitted.syntax) == (
        "SupplierInvoiceLC",
        "Out",
        "CDAR",
    )
    assert (submitted.filename, submitted.processing_rule) == ("cdar_207_flow-9.xml", "B2B")
    cdar = platform.cdars[0]
    assert (cdar["invoice_number"], cdar["status_code"], cdar["status_name"]) == (
        "F-2026-042",
        "207",
        "En litige",
    )
    assert cdar["invoice_issuer"] == {"0002": "552100554"}
    assert f"{cdar['lc_datetime']:%Y-%m-%d %H:%M}" == "2026-10-05 08:00"  # UTC
    assert cdar["doc_status"] == [
        {
            "reason_code": "AUTRE",
            "reason_txt": "Quantité erronée",
            "sequence": 1,
            "doc_characteristics": [],
        }
    ]
    assert b"<ram:IssuerAssignedID>F-2026-042</ram:IssuerAssignedID>" in submitted.content
    assert b'<qdt:DateTimeString format="102">20260928</qdt:DateTimeString>' in submitted.content


def test_the_search_pages_past_the_limit_by_updated_at() -> None:
    with fake_platform() as platform:
        for number in range(PAGE_SIZE + 5):
            platform.receive(f"flow-{number}", f"f{number}.xml", b"<facture/>")
        documents = list(_connector(platform).fetch_received(since="2026-09-01T08:00:02.000Z"))
    assert len(documents) == PAGE_SIZE + 3
    assert (documents[0].platform_id, documents[-1].platform_id) == ("flow-2", "flow-104")
    assert (documents[0].filename, documents[0].content) == ("f2.xml", b"<facture/>")
    assert documents[-1].updated_at == "2026-09-01T08:01:45.000Z"
    assert platform.searches == [
        {
            "flowDirection": ["In"],
            "flowType": ["SupplierInvoice"],
            "updatedAfter": "2026-09-01T08:00:02.000Z",
        },
        {
            "flowDirection": ["In"],
            "flowType": ["SupplierInvoice"],
            "updatedAfter": "2026-09-01T08:01:42.000Z",
        },
    ]
    assert platform.requests.count("POST /flow-service/v1/flows/search") == 2


def test_a_flow_listed_again_after_an_update_is_not_received_twice(
    world: World, purchases: Purchases
) -> None:
    alice_address = f"{COOP_A_SIREN}_{purchases.activity.pk}"
    with fake_platform() as platform:
        platform.receive(
            "flow-1",
            "facture.xml",
            addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=alice_address),
        )
        _connect(world, platform)
        with cooperative_context(world.coop_a.pk):
            first = services.platform_sync()
            platform.touch("flow-1")
            second = services.platform_sync()
            invoices = list(SupplierInvoice.objects.values_list("platform_id", "number"))
    assert (len(first.received), second.received, second.refused) == (1, [], [])
    assert invoices == [("flow-1", "12115118")]
    assert [search.get("updatedAfter") for search in platform.searches] == [
        None,
        "2026-09-01T08:00:01.000Z",
    ]
    # The platform's clock: flow-1 at 08:00:01, our 204 at :02, flow-1 updated at :03.
    assert _cursor(world) == "2026-09-01T08:00:03.000Z"
    assert [code for _number, code, _reason in platform.statuses] == ["204"]


def test_an_error_payload_reads_in_french_and_nothing_changes(
    world: World, purchases: Purchases
) -> None:
    with fake_platform() as platform:
        platform.receive("flow-1", "f.xml", example("CII_example1.xml"))
        _connect(world, platform)
        platform.fail_next = [
            (201, {"idInstance": 1, "addressingIdentifier": COOP_A_SIREN}),
            (201, {"idInstance": 2, "addressingIdentifier": "x"}),
            (201, {"idInstance": 3, "addressingIdentifier": "y"}),
            (422, {"errorCode": "UNPROCESSABLE_ENTITY", "errorMessage": "Entity consistency"}),
        ]
        with cooperative_context(world.coop_a.pk):
            with pytest.raises(ApplicationError) as raised:
                services.platform_sync()
            count = SupplierInvoice.objects.count()
    assert raised.value.message == (
        "La plateforme a répondu 422 (données incohérentes) à POST /v1/flows/search : "
        "UNPROCESSABLE_ENTITY – Entity consistency."
    )
    assert (count, _cursor(world)) == (0, "")


def test_the_directory_refuses_a_second_line_in_its_own_words() -> None:
    with fake_platform() as platform:
        connector = _connector(platform)
        connector.register_address(siren=COOP_A_SIREN, address=COOP_A_SIREN, label="Coop A")
        with pytest.raises(ApplicationError) as raised:
            connector.register_address(siren=COOP_A_SIREN, address=COOP_A_SIREN, label="Coop A")
    assert raised.value.message == (
        "La plateforme a répondu 422 (données incohérentes) à POST /v1/directory-line : "
        f"UNPROCESSABLE – {COOP_A_SIREN} already exists."
    )
    assert len(platform.directory) == 1


def test_a_wrong_token_is_a_clear_error_and_nothing_changes(
    world: World, purchases: Purchases
) -> None:
    with fake_platform() as platform:
        platform.receive("flow-1", "f.xml", example("CII_example1.xml"))
        _connect(world, platform, token="wrong")
        with cooperative_context(world.coop_a.pk):
            with pytest.raises(ApplicationError) as raised:
                services.platform_sync()
            count = SupplierInvoice.objects.count()
    assert raised.value.message == (
        "La plateforme a répondu 401 (jeton d'accès refusé) à POST /v1/directory-line : "
        "INVALID_TOKEN – Missing or invalid access token."
    )
    assert (count, platform.directory) == (0, [])


def test_an_unreachable_platform_is_a_clear_error() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    connector = AfnorPlatformConnector(
        flow_url=f"http://127.0.0.1:{port}", directory_url=f"http://127.0.0.1:{port}", token="t"
    )
    with pytest.raises(ApplicationError) as raised:
        list(connector.fetch_received())
    assert raised.value.message == ("Plateforme injoignable (/v1/flows/search) : ConnectionError.")


def test_a_platform_address_must_be_https() -> None:
    with pytest.raises(ApplicationError, match="doit être en HTTPS"):
        AfnorPlatformConnector(
            flow_url="https://pa.example/flow", directory_url="http://pa.example/dir", token="t"
        )


def test_unconfigured_platform(world: World, purchases: Purchases) -> None:
    with (
        cooperative_context(world.coop_a.pk),
        pytest.raises(ApplicationError, match="n'est pas configurée"),
    ):
        services.platform_sync()


def test_a_document_over_the_size_limit_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("purchases.platform.MAX_DOCUMENT_BYTES", 1000)
    with fake_platform() as platform:
        platform.receive("flow-1", "lourd.xml", b"<f>" + b"x" * 70_000 + b"</f>")
        with pytest.raises(ApplicationError) as raised:
            list(_connector(platform).fetch_received())
    assert raised.value.message == (
        "La plateforme a envoyé plus de 10 Mo pour /v1/flows/flow-1 : refusé."
    )
