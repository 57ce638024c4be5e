"""Official EN 16931 example invoices addressed to a cooperative: for the demo, and for trying
the reception by hand. The buyer gets the cooperative's SIREN (BT-47) and a routing address
(BT-49); the number and dates may be replaced."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

from facturx import generate_from_binary
from lxml import etree
from pypdf import PdfWriter

SAMPLES = Path(__file__).resolve().parent / "samples"
RAM = "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100"
CAC = "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2"
CBC = "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2"
# The example's number and date, in each syntax.
EXAMPLE_NUMBER = b"12115118"
EXAMPLE_DATES = (b"20150109", b"2015-01-09")


RSM = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"


def _billing_mode_set(root: etree._Element, code: str) -> None:
    """BT-23 where a French invoice carries it: CII's business process parameter, first in
    the document context; UBL's ProfileID, after the CustomizationID."""
    context = root.find(f"{{{RSM}}}ExchangedDocumentContext")
    if context is not None:
        parameter = etree.Element(f"{{{RAM}}}BusinessProcessSpecifiedDocumentContextParameter")
        etree.SubElement(parameter, f"{{{RAM}}}ID").text = code
        context.insert(0, parameter)
        return
    profile = root.find(f"{{{CBC}}}ProfileID")
    if profile is None:
        profile = etree.Element(f"{{{CBC}}}ProfileID")
        customization = root.find(f"{{{CBC}}}CustomizationID")
        position = 0 if customization is None else root.index(customization) + 1
        root.insert(position, profile)
    profile.text = code


def addressed_to(
    data: bytes, *, siren: str, address: str, buyer_name: str = "", billing_mode: str = ""
) -> bytes:
    """`data` (CII or UBL) with the buyer given `siren` and the electronic address `address`,
    and the French cadre de facturation `billing_mode` (BT-23: S1, B1, M1…) if given."""
    root = etree.fromstring(data)
    if billing_mode:
        _billing_mode_set(root, billing_mode)
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
        etree.SubElement(legal, f"{{{CBC}}}RegistrationName").text = buyer_name or siren
        etree.SubElement(legal, f"{{{CBC}}}CompanyID", schemeID="0002").text = siren
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))


def sample(
    name: str, *, siren: str, address: str, number: str = "", day: dt.date | None = None
) -> bytes:
    """A sample file addressed to the cooperative, with its own number and date if given."""
    data = (SAMPLES / name).read_bytes()
    if number:
        data = data.replace(EXAMPLE_NUMBER, number.encode())
    if day is not None:
        data = data.replace(EXAMPLE_DATES[0], day.strftime("%Y%m%d").encode())
        data = data.replace(EXAMPLE_DATES[1], day.isoformat().encode())
    return addressed_to(data, siren=siren, address=address)


def blank_pdf() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(595, 842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def facturx(xml: bytes) -> bytes:
    """A Factur-X PDF carrying the CII `xml` (its profile detected from the XML)."""
    return bytes(generate_from_binary(blank_pdf(), xml, check_xsd=False))
