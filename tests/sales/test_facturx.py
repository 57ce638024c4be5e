"""The Factur-X document: a PDF/A-3 whose embedded CII XML passes the EN 16931 profile's XSD and
the official schematron, with the invoice's own figures."""

from __future__ import annotations

import io
from decimal import Decimal

import facturx
import pytest
from lxml import etree
from pypdf import PdfReader

from sales import services
from sales.facturx import cii_xml, facturx_pdf, plain_pdf
from sales.models import Customer, OperationCategory
from sales.services import LineData
from sales.services.branding import branding_set
from sales.services.rendering import document_pdf_render
from tests.sales.conftest import DAY, Sales, png_upload
from tests.sales.schematron import schematron_en16931

NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
}


@pytest.fixture(params=["plain", "branded"])
def sales(request: pytest.FixtureRequest, sales: Sales) -> Sales:
    """Every test here runs on a plain activity and on a branded one (logo, accent, footer)."""
    if request.param == "branded":
        branding_set(
            activity=sales.activity,
            user=None,  # type: ignore[arg-type]
            accent_color="#1F4E79",
            footer="Atelier Alice – bois massif depuis 2019",
            logo=png_upload(),
        )
    return sales


def _text(tree: etree._Element, path: str) -> list[str]:
    return [node.text for node in tree.xpath(path, namespaces=NS)]


def _rich_invoice(sales: Sales):
    return sales.validated_invoice(
        discount_percent=Decimal("5"),
        lines=[
            LineData("Conseil", quantity="3", unit_price="333.3333", discount_percent="10"),
            LineData("Livre", quantity="1.5", unit_price="12.99", vat_rate="5.5", unit="C62"),
        ],
    )


def test_the_xml_passes_the_xsd_and_the_official_schematron(sales: Sales) -> None:
    invoice = _rich_invoice(sales)
    xml = cii_xml(invoice)

    assert facturx.xml_check_xsd(xml, flavor="factur-x", level="en16931") is True
    report = schematron_en16931(xml)
    assert report["failed"] == []
    assert int(report["fired"]) > 20  # type: ignore[call-overload]

    tree = etree.fromstring(xml)
    assert _text(tree, "//rsm:ExchangedDocument/ram:ID") == ["F2026-00001"]
    assert _text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == ["380"]
    assert _text(
        tree, "//ram:SpecifiedTradeSettlementHeaderMonetarySummation/ram:TaxBasisTotalAmount"
    ) == [str(invoice.total_without_vat)]
    assert _text(tree, "//ram:GrandTotalAmount") == [str(invoice.total_with_vat)]
    assert _text(tree, "//ram:ApplicableTradeTax/ram:CalculatedAmount") == ["171.00", "1.02"]


def test_a_credit_note_is_381_citing_its_invoice_and_a_deposit_balance_deducts(
    sales: Sales,
) -> None:
    invoice = sales.validated_invoice()
    credit = services.invoice_validate(
        document=services.credit_note_create(
            invoice=invoice, lines=[LineData("Geste commercial", unit_price="50")]
        ),
        date=DAY,
    )
    xml = cii_xml(credit)
    tree = etree.fromstring(xml)
    assert _text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == ["381"]
    assert _text(tree, "//ram:InvoiceReferencedDocument/ram:IssuerAssignedID") == ["F2026-00001"]
    assert schematron_en16931(xml)["failed"] == []

    quote = services.quote_send(quote=sales.invoice(kind="quote"), date=DAY)
    deposit = services.invoice_validate(
        document=services.quote_invoice(quote=quote, mode="deposit", percent="30"), date=DAY
    )
    balance = services.invoice_validate(
        document=services.quote_invoice(quote=quote, mode="whole"), date=DAY
    )
    for document, code, mode in ((deposit, "386", "S1"), (balance, "380", "S4")):
        tree = etree.fromstring(cii_xml(document))
        assert _text(tree, "//rsm:ExchangedDocument/ram:TypeCode") == [code]
        assert _text(tree, BT_23) == [mode]
        assert schematron_en16931(cii_xml(document))["failed"] == []
    assert _text(etree.fromstring(xml), BT_23) == ["S1"]
    tree = etree.fromstring(cii_xml(balance))
    assert _text(tree, "//ram:TotalPrepaidAmount") == ["360.00"]
    assert _text(tree, "//ram:DuePayableAmount") == ["840.00"]


BT_23 = "//rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/ram:ID"


def test_the_cadre_de_facturation_states_the_category_of_operation(sales: Sales) -> None:
    """BT-23 (French rule BR-FR-08): B1 goods, S1 services, M1 mixed."""
    modes = []
    for category in (OperationCategory.GOODS, OperationCategory.SERVICES, OperationCategory.MIXED):
        xml = cii_xml(sales.validated_invoice(category=category))
        modes.append(_text(etree.fromstring(xml), BT_23))
        assert schematron_en16931(xml)["failed"] == []
    assert modes == [["B1"], ["S1"], ["M1"]]


def test_reverse_charge_and_exemption_pass_the_schematron(sales: Sales) -> None:
    reverse = sales.validated_invoice(
        reverse_charge=True, lines=[LineData("Pose de menuiseries", unit_price="900", vat_rate="0")]
    )
    assert schematron_en16931(cii_xml(reverse))["failed"] == []
    person = services.customer_create(
        activity=sales.activity,
        kind=Customer.Kind.INDIVIDUAL,
        name="Paul Roca",
        address_line="3 rue Foch",
        postal_code="66000",
        city="Perpignan",
    )
    exempt = sales.validated_invoice(
        customer=person,
        vat_exemption="Exonération de TVA, article 261-4-4° du CGI",
        lines=[LineData("Formation", unit_price="800", vat_rate="0")],
    )
    assert schematron_en16931(cii_xml(exempt))["failed"] == []


def test_the_pdf_is_pdf_a3_with_the_xml_attached(sales: Sales) -> None:
    invoice = sales.validated_invoice()

    file = document_pdf_render(document_id=invoice.pk)

    content = file.pdf.read()
    assert content.startswith(b"%PDF")
    assert len(file.sha256) == 64
    name, xml = facturx.get_xml_from_pdf(content, check_xsd=True)
    assert name == "factur-x.xml"
    assert etree.fromstring(xml).xpath("//rsm:ExchangedDocument/ram:ID/text()", namespaces=NS) == [
        "F2026-00001"
    ]
    reader = PdfReader(io.BytesIO(content))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()  # type: ignore[index]
    assert "<pdfaid:part>3</pdfaid:part>" in xmp or 'pdfaid:part="3"' in xmp
    assert "EN 16931" in xmp
    assert document_pdf_render(document_id=invoice.pk).sha256 == file.sha256


@pytest.mark.parametrize("kind", ["plain", "facturx"])
def test_both_renders_show_the_number(sales: Sales, kind: str) -> None:
    invoice = sales.validated_invoice()
    content = plain_pdf(invoice) if kind == "plain" else facturx_pdf(invoice)
    text = PdfReader(io.BytesIO(content)).pages[0].extract_text()
    assert "F2026-00001" in text
    assert "40 €" in text


def test_a_public_body_gets_its_siret_service_code_and_engagement_number(sales: Sales) -> None:
    town = services.customer_create(
        activity=sales.activity,
        kind=Customer.Kind.PUBLIC,
        name="Mairie de Paris",
        siret="21750001600019",
        service_code="SERV-BATIMENTS",
        address_line="Place de l'Hôtel de Ville",
        postal_code="75004",
        city="Paris",
    )
    invoice = sales.validated_invoice(customer=town, buyer_reference="EJ-2026-0042")
    plain = sales.validated_invoice(customer=town)

    xml = cii_xml(invoice)
    tree = etree.fromstring(xml)

    assert schematron_en16931(xml)["failed"] == []
    assert _text(tree, "//ram:ApplicableHeaderTradeAgreement/ram:BuyerReference") == [
        "SERV-BATIMENTS"
    ]
    assert _text(tree, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == [
        "EJ-2026-0042"
    ]
    assert _text(tree, "//ram:BuyerTradeParty/ram:GlobalID[@schemeID='0009']") == ["21750001600019"]
    assert _text(tree, "//ram:BuyerTradeParty//ram:ID[@schemeID='0002']") == ["217500016"]
    tree = etree.fromstring(cii_xml(plain))
    assert schematron_en16931(cii_xml(plain))["failed"] == []
    assert _text(tree, "//ram:BuyerOrderReferencedDocument/ram:IssuerAssignedID") == []
    assert _text(tree, "//ram:BuyerReference") == ["SERV-BATIMENTS"]
