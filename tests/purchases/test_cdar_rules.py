"""The lifecycle statuses we send pass the French CDAR rules: the FNFE-MPE BR-FR-CDV schematron
V1.4.0 (fatal from 1 September 2026), run as the sales tests run the EN 16931 one. A refusal,
a dispute states its reason as a code (BR-FR-CDV-15, from the status's list BR-FR-CDV-CL-09); a
212 states each amount received with its VAT rate (BR-FR-CDV-14)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from lxml import etree

from perspectives.core.exceptions import ApplicationError
from purchases.einvoice import einvoice_check, einvoice_parse
from purchases.platform import (
    RAM_NS,
    SELLER,
    AfnorPlatformConnector,
    InvoiceReference,
    ReceivedDocument,
    _lifecycle_message,
)
from tests.conftest import travel_to
from tests.helpers.schematron import schematron_cdar
from tests.purchases.conftest import COOP_A_SIREN
from tests.purchases.einvoices_helpers import addressed_to, example

INVOICE = InvoiceReference(
    platform_id="flow-9",
    number="F-2026-042",
    issue_date=dt.date(2026, 9, 28),
    seller_siren="552100554",
    seller_name="Fournitures Dupont",
    buyer_siren="732829320",
    buyer_name="Coopérative A",
)
CONNECTOR = AfnorPlatformConnector(
    flow_url="https://pa.example", directory_url="https://pa.example", token="t"
)
TWO_RATES = [(Decimal("120.00"), Decimal("20")), (Decimal("10.55"), Decimal("5.5"))]


def _failed(xml: bytes) -> list[str]:
    report = schematron_cdar(xml)
    assert int(report["fired"]) >= 22  # type: ignore[call-overload]
    return [str(f["id"]) for f in report["failed"]]  # type: ignore[attr-defined]


def _reason_codes(xml: bytes) -> list[str]:
    found = etree.fromstring(xml).xpath("//ram:ReasonCode/text()", namespaces={"ram": RAM_NS})
    return [str(code) for code in found]


@travel_to("2026-10-05T10:00")
def test_each_status_we_send_passes_the_french_rules() -> None:
    buyer = {
        code: CONNECTOR._cdar(invoice=INVOICE, code=code, reason=reason)
        for code, reason in (
            ("204", ""),
            ("205", ""),
            ("207", "Quantité erronée"),
            ("210", "Commande annulée"),
            ("211", ""),
        )
    }
    duplicate = CONNECTOR._cdar(
        invoice=INVOICE, code="210", reason="Déjà reçue", reason_code="DOUBLON"
    )
    received = CONNECTOR._cdar(
        invoice=INVOICE, code="212", sender_role=SELLER, amounts_by_rate=TWO_RATES
    )
    read_back = _lifecycle_message(
        ReceivedDocument(platform_id="lc-1", filename="cdar.xml", content=received)
    )
    assert {code: _failed(xml) for code, xml in buyer.items()} == {
        "204": [],
        "205": [],
        "207": [],
        "210": [],
        "211": [],
    }
    assert (_failed(duplicate), _failed(received)) == ([], [])
    assert [_reason_codes(buyer[code]) for code in ("204", "207", "210")] == [
        [],
        ["AUTRE"],
        ["NON_CONFORME"],
    ]
    assert _reason_codes(duplicate) == ["DOUBLON"]
    percents = etree.fromstring(received).xpath(
        "//ram:SpecifiedDocumentCharacteristic/ram:ValuePercent/text()",
        namespaces={"ram": RAM_NS},
    )
    assert percents == ["20.00", "5.50"]
    assert (read_back.code, read_back.amount) == ("212", Decimal("130.55"))


@travel_to("2026-10-05T10:00")
def test_the_rules_catch_what_the_library_alone_leaves_out() -> None:
    """Without the reason code or the VAT rate (what the `pyfrctc` library writes by itself,
    XSD-valid), the French rules refuse the message: the check is live."""
    refusal = etree.fromstring(CONNECTOR._cdar(invoice=INVOICE, code="210", reason="Erreur"))
    for node in refusal.xpath("//ram:ReasonCode", namespaces={"ram": RAM_NS}):
        node.getparent().remove(node)
    amount_only = CONNECTOR._cdar(
        invoice=INVOICE, code="212", sender_role=SELLER, amount=Decimal("130.55")
    )
    assert _failed(etree.tostring(refusal)) == ["BR-FR-CDV-15_MDT-113"]
    assert _failed(amount_only) == ["BR-FR-CDV-14_MDT-207"]


def test_a_refused_file_carries_its_reason_code() -> None:
    """The 210 sent for a file refused at reception names why in the French list."""
    stranger = einvoice_parse(example("CII_example1.xml"))
    wrong_total = einvoice_parse(
        addressed_to("CII_example1.xml", siren=COOP_A_SIREN, address=COOP_A_SIREN).replace(
            b"<ram:GrandTotalAmount>250.33", b"<ram:GrandTotalAmount>251.33"
        )
    )
    codes = []
    for parsed in (stranger, wrong_total):
        with pytest.raises(ApplicationError) as raised:
            einvoice_check(parsed, buyer_siren=COOP_A_SIREN, buyer_vat="FR44732829320")
        codes.append(raised.value.extra)
    assert codes == [{"reason_code": "DEST_ERR"}, {"reason_code": "MONTANTTOTAL_ERR"}]
