"""Real EN 16931 example files, addressed to a test cooperative."""

from __future__ import annotations

import io
from pathlib import Path

from facturx import generate_from_binary
from lxml import etree
from pypdf import PdfWriter

EXAMPLES = Path(__file__).resolve().parent / "einvoices"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"


def example(name: str) -> bytes:
    return (EXAMPLES / name).read_bytes()


def addressed_to(name: str, *, siren: str, address: str) -> bytes:
    """The example with the buyer given our SIREN (BT-47) and electronic address (BT-49)."""
    root = etree.fromstring(example(name))
    cii_buyer = root.find(f".//{{{RAM}}}BuyerTradeParty")
    if cii_buyer is not None:
        legal = etree.SubElement(cii_buyer, f"{{{RAM}}}SpecifiedLegalOrganization")
        etree.SubElement(legal, f"{{{RAM}}}ID", schemeID="0002").text = siren
        uri = etree.SubElement(cii_buyer, f"{{{RAM}}}URIUniversalCommunication")
        etree.SubElement(uri, f"{{{RAM}}}URIID", schemeID="0225").text = address
    else:
        party = root.find(f"{{{CAC}}}AccountingCustomerParty/{{{CAC}}}Party")
        endpoint = etree.Element(f"{{{CBC}}}EndpointID", schemeID="0225")
        endpoint.text = address
        party.insert(0, endpoint)
        legal = etree.SubElement(party, f"{{{CAC}}}PartyLegalEntity")
        etree.SubElement(legal, f"{{{CBC}}}RegistrationName").text = "Coopérative A"
        etree.SubElement(legal, f"{{{CBC}}}CompanyID", schemeID="0002").text = siren
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def facturx(xml: bytes) -> bytes:
    """A Factur-X PDF carrying `xml` (EN 16931 profile, detected from the XML)."""
    return bytes(generate_from_binary(blank_pdf(), xml, check_xsd=False))
