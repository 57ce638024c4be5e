"""A person refusing a received invoice chooses the reason code sent with the 210 (CDAR MDT-113)
from the list the French rules allow (BR-FR-CDV-CL-09), on the page and through the API; the
status sent carries it and passes the BR-FR-CDV schematron; a code the status does not allow is
refused in French and nothing changes."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import pyfrctc
from django.test import Client
from lxml import etree
from rest_framework.authtoken.models import Token

from perspectives.tenancy.context import cooperative_context
from purchases import services
from purchases.models import LifecycleStatus, SupplierInvoice
from purchases.platform import RAM_NS, AfnorPlatformConnector, InvoiceReference, ReceivedDocument
from purchases.reason_codes import ALLOWED_REASON_CODES, reason_code_resolve
from purchases.services.platform import SyncReport, platform_statuses_send
from tests.conftest import World, travel_to
from tests.helpers.schematron import schematron_cdar
from tests.purchases.conftest import COOP_A_SIREN, Purchases
from tests.purchases.einvoices_helpers import addressed_to

CDAR_RULES = Path(pyfrctc.__file__).parent / "cdar-schematron" / "BR-FR-CDV-Schematron-CDAR.xslt"


class RecordingConnector:
    """Builds the CDAR the platform connector would send, and keeps it."""

    def __init__(self) -> None:
        self.builder = AfnorPlatformConnector(
            flow_url="https://pa.example", directory_url="https://pa.example", token="t"
        )
        self.sent: list[bytes] = []

    def fetch_received(self, *, since: str = "") -> Iterator[ReceivedDocument]:
        return iter(())

    def send_status(self, *, invoice: InvoiceReference, code: str, **kwargs: Any) -> None:
        self.sent.append(self.builder._cdar(invoice=invoice, code=code, **kwargs))


def _received(world: World, purchases: Purchases, flow: str) -> SupplierInvoice:
    # A French seller (SIREN in BT-30): a status must name it (BR-FR-CDV-13).
    data = addressed_to(
        "CII_example1.xml", siren=COOP_A_SIREN, address=f"{COOP_A_SIREN}_{purchases.activity.pk}"
    ).replace(b"<ram:ID>57151520</ram:ID>", b'<ram:ID schemeID="0002">552100554</ram:ID>')
    with cooperative_context(world.coop_a.pk):
        services.routing_addresses_ensure()
        return services.einvoice_receive(
            data=data,
            filename="facture.xml",
            source=SupplierInvoice.Source.PLATFORM,
            platform_id=flow,
        )


def _send(world: World) -> list[tuple[str, list[str], list[str]]]:
    """(status, reason codes, failed French rules) of each status sent."""
    connector = RecordingConnector()
    with cooperative_context(world.coop_a.pk):
        platform_statuses_send(connector=connector, report=SyncReport())  # type: ignore[arg-type]
    result = []
    for xml in connector.sent:
        tree = etree.fromstring(xml)
        ns = {"ram": RAM_NS}
        code = str(tree.xpath("//ram:ProcessConditionCode/text()", namespaces=ns)[0])
        reasons = [str(r) for r in tree.xpath("//ram:ReasonCode/text()", namespaces=ns)]
        failed = [str(f["id"]) for f in schematron_cdar(xml)["failed"]]  # type: ignore[attr-defined]
        result.append((code, reasons, failed))
    return result


def _lifecycle(world: World, invoice: SupplierInvoice) -> list[tuple[str, str, str]]:
    with cooperative_context(world.coop_a.pk):
        return list(
            LifecycleStatus.objects.filter(invoice=invoice).values_list(
                "code", "reason_code", "reason"
            )
        )


def _options(page: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', page, re.S)
    assert select is not None
    return re.findall(r'<option value="(\w+)"', select.group(0))


def _token_client(user: Any) -> Client:
    return Client(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=user).key}")


@travel_to("2026-10-05T10:00")
def test_a_refusal_on_the_page_sends_the_code_chosen(world: World, purchases: Purchases) -> None:
    invoice = _received(world, purchases, "flow-1")
    client = Client()
    client.force_login(world.alice)
    url = f"/c/coop-a/purchases/invoices/{invoice.pk}/"
    form = client.get(url).content.decode()
    refused = client.post(
        f"{url}refuse/",
        {"reason": "Commande annulée le 2 octobre", "reason_code": "CMD_ERR"},
        follow=True,
    )
    page = refused.content.decode()
    assert '<option value="NON_CONFORME" selected>NON_CONFORME — Mention légale manquante' in form
    assert _options(form, "reason_code") == list(ALLOWED_REASON_CODES["210"])
    assert _options(form, "dispute-reason_code") == list(ALLOWED_REASON_CODES["207"])
    assert "Facture refusée." in page
    assert "210 Refusée · CMD_ERR (N° de commande incorrect ou manquant) : Commande annulée" in page
    assert _lifecycle(world, invoice) == [
        ("204", "", ""),
        ("210", "CMD_ERR", "Commande annulée le 2 octobre"),
    ]
    assert _send(world) == [("204", [], []), ("210", ["CMD_ERR"], [])]


@travel_to("2026-10-05T10:00")
def test_a_refusal_through_the_api_sends_the_code_chosen(
    world: World, purchases: Purchases
) -> None:
    invoice = _received(world, purchases, "flow-2")
    alice = _token_client(world.alice)
    charlie = _token_client(world.charlie)
    body = {"reason": "TVA à 20 % sur un livre", "reason_code": "TX_TVA_ERR"}
    url = f"/api/v1/c/coop-a/purchases/invoices/{invoice.pk}/refuse/"
    strangers = [
        charlie.post(url, body, content_type="application/json").status_code,
        charlie.post(
            url.replace("coop-a", "coop-b"), body, content_type="application/json"
        ).status_code,
    ]
    untouched = _lifecycle(world, invoice)
    refused = alice.post(url, body, content_type="application/json")
    assert strangers == [404, 404]
    assert untouched == [("204", "", "")]
    assert (refused.status_code, refused.json()["status"]) == (200, "refused")
    assert _lifecycle(world, invoice) == [
        ("204", "", ""),
        ("210", "TX_TVA_ERR", "TVA à 20 % sur un livre"),
    ]
    assert _send(world) == [("204", [], []), ("210", ["TX_TVA_ERR"], [])]


@travel_to("2026-10-05T10:00")
def test_without_a_code_a_refusal_sends_the_default(world: World, purchases: Purchases) -> None:
    invoice = _received(world, purchases, "flow-3")
    alice = Client()  # by session, as the page's scripts would
    alice.force_login(world.alice)
    refused = alice.post(
        f"/api/v1/c/coop-a/purchases/invoices/{invoice.pk}/refuse/",
        {"reason": "Non commandée"},
        content_type="application/json",
    )
    assert refused.status_code == 200
    assert _lifecycle(world, invoice)[-1] == ("210", "NON_CONFORME", "Non commandée")


def test_a_code_the_refusal_does_not_allow_is_refused_and_nothing_changes(
    world: World, purchases: Purchases
) -> None:
    invoice = _received(world, purchases, "flow-4")
    client = Client()
    client.force_login(world.alice)
    alice = _token_client(world.alice)
    on_page = client.post(
        f"/c/coop-a/purchases/invoices/{invoice.pk}/refuse/",
        {"reason": "Il manque le bon de livraison", "reason_code": "JUSTIF_ABS"},
        follow=True,
    ).content.decode()
    by_api = alice.post(
        f"/api/v1/c/coop-a/purchases/invoices/{invoice.pk}/refuse/",
        {"reason": "Autre chose", "reason_code": "AUTRE"},
        content_type="application/json",
    )
    assert (
        "Le code motif « JUSTIF_ABS » n&#x27;est pas admis pour le statut 210 : choisissez "
        "parmi TX_TVA_ERR, MONTANTTOTAL_ERR, CALCUL_ERR, NON_CONFORME, DOUBLON, DEST_ERR, "
        "TRANSAC_INC, EMMET_INC, CONTRAT_TERM, DOUBLE_FACT, CMD_ERR, ADR_ERR, REF_CT_ABSENT."
    ) in on_page
    assert by_api.status_code == 400
    assert "Le code motif « AUTRE » n'est pas admis pour le statut 210" in by_api.content.decode()
    with cooperative_context(world.coop_a.pk):
        invoice.refresh_from_db()
    assert (invoice.status, invoice.refusal_reason) == ("draft", "")
    assert _lifecycle(world, invoice) == [("204", "", "")]


def test_each_status_allows_the_codes_of_the_french_rules() -> None:
    """Our lists are the schematron's own (BR-FR-CDV-CL-09, B2B), read from its text."""
    text = CDAR_RULES.read_text(encoding="utf-8")
    lists = {}
    for match in re.finditer(
        r"codes autorisés pour le statut ([^(]+) \((\d{3})\) :(.*?)Veuillez", text, re.S
    ):
        name, status, codes = match.groups()
        if "B2G" not in name and status in ALLOWED_REASON_CODES:
            lists[status] = tuple(re.findall(r'"(\w+)"', codes))
    resolved = [
        reason_code_resolve(status_code="207", reason_code="AUTRE"),
        reason_code_resolve(status_code="208", reason_code=""),
        reason_code_resolve(status_code="210", reason_code=" DOUBLON "),
    ]
    assert lists == ALLOWED_REASON_CODES
    assert resolved == ["AUTRE", "JUSTIF_ABS", "DOUBLON"]
    assert Decimal(len(lists["207"])) == Decimal(26)


@travel_to("2026-10-05T10:00")
def test_a_dispute_on_the_page_and_through_the_api_sends_the_code_chosen(
    world: World, purchases: Purchases
) -> None:
    """A dispute (207) leaves the invoice as it is; each one carries its own code."""
    invoice = _received(world, purchases, "flow-5")
    client = Client()
    client.force_login(world.alice)
    alice = _token_client(world.alice)
    charlie = _token_client(world.charlie)
    url = f"/c/coop-a/purchases/invoices/{invoice.pk}/"
    form = client.get(url).content.decode()
    on_page = client.post(
        f"{url}dispute/",
        {"dispute-reason": "3 cartons facturés, 2 livrés", "dispute-reason_code": "QTE_ERR"},
        follow=True,
    ).content.decode()
    api_url = f"/api/v1/c/coop-a/purchases/invoices/{invoice.pk}/dispute/"
    body = {"reason": "Prix du devis : 9,50 €", "reason_code": "PU_ERR"}
    strangers = [
        charlie.post(api_url, body, content_type="application/json").status_code,
        charlie.post(
            api_url.replace("coop-a", "coop-b"), body, content_type="application/json"
        ).status_code,
    ]
    by_api = alice.post(api_url, body, content_type="application/json")
    assert '<option value="AUTRE" selected>AUTRE — Autre</option>' in form
    assert "Litige enregistré : il sera transmis au fournisseur." in on_page
    assert "207 En litige · QTE_ERR (Quantité facturée incorrecte) : 3 cartons" in on_page
    assert strangers == [404, 404]
    assert (by_api.status_code, by_api.json()["status"]) == (200, "draft")
    assert _lifecycle(world, invoice) == [
        ("204", "", ""),
        ("207", "QTE_ERR", "3 cartons facturés, 2 livrés"),
        ("207", "PU_ERR", "Prix du devis : 9,50 €"),
    ]
    assert _send(world) == [
        ("204", [], []),
        ("207", ["QTE_ERR"], []),
        ("207", ["PU_ERR"], []),
    ]


def test_a_dispute_with_a_code_it_does_not_allow_is_refused_and_nothing_changes(
    world: World, purchases: Purchases
) -> None:
    invoice = _received(world, purchases, "flow-6")
    with cooperative_context(world.coop_a.pk):
        typed = services.supplier_invoice_create(
            supplier=purchases.supplier,
            activity=purchases.activity,
            number="PAP-1",
            issue_date=invoice.issue_date,
            lines=[services.InvoiceLineData("Papier", Decimal("10.00"))],
        )
    alice = _token_client(world.alice)
    client = Client()
    client.force_login(world.alice)
    by_api = alice.post(
        f"/api/v1/c/coop-a/purchases/invoices/{invoice.pk}/dispute/",
        {"reason": "Pièce manquante", "reason_code": "JUSTIF_ABS"},
        content_type="application/json",
    )
    on_page = client.post(
        f"/c/coop-a/purchases/invoices/{typed.pk}/dispute/",
        {"dispute-reason": "Quantité", "dispute-reason_code": "QTE_ERR"},
        follow=True,
    ).content.decode()
    assert by_api.status_code == 400
    assert "Le code motif « JUSTIF_ABS » n'est pas admis pour le statut 207" in (
        by_api.content.decode()
    )
    assert "Seule une facture reçue de la plateforme agréée se conteste par un statut." in on_page
    assert _lifecycle(world, invoice) == [("204", "", "")]
    assert _lifecycle(world, typed) == []
