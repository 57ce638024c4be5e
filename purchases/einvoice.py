"""Reading received e-invoices: Factur-X (a PDF/A-3 carrying CII XML), UN/CEFACT CII and UBL 2.1
(Invoice and CreditNote), into one plain structure, with the checks the buyer owes before an
invoice is accepted: well-formed and safe XML, totals that add up, VAT per rate, the cooperative
as the buyer.

The XML parser resolves no entity, loads no DTD and reaches no network (entity-expansion and XXE
attacks), and refuses files over MAX_BYTES before reading them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation

from django.utils.translation import gettext as _
from lxml import etree

from perspectives.core.exceptions import ApplicationError

MAX_BYTES = 10 * 1024 * 1024
MAX_LINES = 2_000
CENT = Decimal("0.01")
# Rounding differences allowed between the stated totals and the sum of their parts (EN 16931
# states totals at two decimals; a line-by-line sum may be a cent or two away).
TOLERANCE = Decimal("0.02")

CII_NS = {
    "rsm": "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100",
    "ram": "urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100",
    "udt": "urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100",
}
UBL_INVOICE = "urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"
UBL_CREDIT_NOTE = "urn:oasis:names:specification:ubl:schema:xsd:CreditNote-2"
UBL_NS = {
    "cac": "urn:oasis:names:specification:ubl:schema:xsd:CommonAggregateComponents-2",
    "cbc": "urn:oasis:names:specification:ubl:schema:xsd:CommonBasicComponents-2",
}
CREDIT_NOTE_TYPES = {"381", "261", "262", "296", "308", "396", "420", "458", "532"}
# The French "cadre de facturation" (BT-23, business process type), as the FNFE-MPE BR-FR-08
# rule lists it (schematron V1.4.0, 2026-06-30): its letter is the invoice's nature (B goods,
# S services, M mixed: goods and services neither accessory to the other), its digit the
# context (1 invoice, 2 already paid, 3, 4 final after deposit, 5 subcontractor, 6 co-contractor,
# 7 VAT already collected through e-reporting, 8 and 9 special contracts).
# The rule's list as it writes it.
BILLING_MODES = frozenset("B1 S1 M1 B2 S2 M2 S3 B4 S4 M4 S5 S6 B7 S7 B8 S8 M8 B9 S9 M9".split())  # noqa: SIM905
NATURE_GOODS = "goods"
NATURE_SERVICES = "services"
NATURE_MIXED = "mixed"
_NATURE_OF_LETTER = {"B": NATURE_GOODS, "S": NATURE_SERVICES, "M": NATURE_MIXED}


def nature_from_billing_mode(code: str) -> str:
    """The nature (goods, services or mixed) the BT-23 code states; services when the invoice
    states none or a code outside the French list (a foreign or a Peppol profile), the
    cautious choice: its VAT then waits for the payment."""
    code = code.strip().upper()
    return _NATURE_OF_LETTER[code[0]] if code in BILLING_MODES else NATURE_SERVICES


@dataclass(frozen=True)
class ParsedLine:
    label: str
    amount_excl_tax: Decimal
    vat_rate: Decimal
    vat_category: str


@dataclass(frozen=True)
class VatBreakdown:
    category: str
    rate: Decimal
    base: Decimal
    amount: Decimal


@dataclass
class ParsedInvoice:
    format: str  # "facturx", "cii" or "ubl"
    number: str
    type_code: str
    issue_date: dt.date
    due_date: dt.date | None
    currency: str
    seller_name: str
    seller_siren: str
    seller_vat: str
    seller_country: str
    seller_iban: str
    buyer_name: str
    buyer_ids: set[str]  # legal ids, VAT numbers and electronic addresses, upper-cased
    buyer_address: str  # BT-49, the electronic (routing) address
    total_excl_tax: Decimal
    total_vat: Decimal
    total_incl_tax: Decimal
    lines: list[ParsedLine] = field(default_factory=list)
    vat: list[VatBreakdown] = field(default_factory=list)
    pdf: bytes | None = None
    preceding_number: str = ""  # BT-25: the invoice a credit note cancels
    billing_mode: str = ""  # BT-23: the French cadre de facturation (S1, B1, M1…), as stated

    @property
    def nature(self) -> str:
        return nature_from_billing_mode(self.billing_mode)

    @property
    def is_credit_note(self) -> bool:
        return self.type_code in CREDIT_NOTE_TYPES


# The key of an error's `extra` naming the refusal's reason in the French lifecycle code list
# (CDAR MDT-113, BR-FR-CDV-CL-09), sent with the 210 that tells the supplier.
REASON_CODE = "reason_code"


def _fail(message: str, reason_code: str = "") -> ApplicationError:
    return ApplicationError(message, extra={REASON_CODE: reason_code} if reason_code else None)


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def _xml_root(data: bytes) -> etree._Element:
    if b"<!DOCTYPE" in data[:4096].upper() or b"<!ENTITY" in data.upper():
        # No e-invoice format uses a DTD; one here can only be an attack (billion laughs, XXE).
        raise _fail(_("Fichier refusé : le XML déclare un DTD ou des entités."))
    try:
        return etree.fromstring(data, parser=_parser())
    except etree.XMLSyntaxError as exc:
        raise _fail(_("Fichier refusé : XML mal formé (%(error)s).") % {"error": exc}) from exc


def _dec(value: str | None, what: str) -> Decimal:
    try:
        return Decimal((value or "").strip())
    except InvalidOperation as exc:
        raise _fail(_("Montant illisible pour %(what)s.") % {"what": what}) from exc


def _date(value: str | None, what: str) -> dt.date:
    text = (value or "").strip()
    for pattern in ("%Y%m%d", "%Y-%m-%d"):
        try:
            return dt.datetime.strptime(text, pattern).date()  # noqa: DTZ007 - a date only
        except ValueError:
            continue
    raise _fail(_("Date illisible pour %(what)s.") % {"what": what})


def _siren_from(value: str) -> str:
    """A SIREN from a SIREN, a SIRET or a French VAT number; "" otherwise."""
    digits = re.sub(r"\s", "", value.upper())
    if re.fullmatch(r"[0-9]{9}", digits) or re.fullmatch(r"[0-9]{14}", digits):
        return digits[:9]
    if re.fullmatch(r"FR[0-9A-Z]{2}[0-9]{9}", digits):
        return digits[4:]
    return ""


def _french_siren(legal_id: str, scheme: str, vat_number: str, country: str) -> str:
    """The seller's SIREN: its legal id under the SIRENE scheme (0002, or none stated for a
    French seller), else from a French VAT number."""
    if scheme in ("0002", "0009") or (not scheme and country == "FR"):
        found = _siren_from(legal_id)
        if found:
            return found
    vat_number = vat_number.replace(" ", "").upper()
    return _siren_from(vat_number) if vat_number.startswith("FR") else ""


def _first(root: etree._Element, path: str, ns: dict[str, str]) -> str:
    found = root.xpath(path, namespaces=ns)
    if not found:
        return ""
    value = found[0]
    return (value if isinstance(value, str) else value.text or "").strip()


def _all(root: etree._Element, path: str, ns: dict[str, str]) -> list[str]:
    return [
        (v if isinstance(v, str) else v.text or "").strip() for v in root.xpath(path, namespaces=ns)
    ]


# Long on purpose: one pass over the CII document's business terms in the norm's order, each read
# once.
def parse_cii(root: etree._Element) -> ParsedInvoice:
    ns = CII_NS
    tx = "rsm:SupplyChainTradeTransaction"
    agreement = f"{tx}/ram:ApplicableHeaderTradeAgreement"
    settlement = f"{tx}/ram:ApplicableHeaderTradeSettlement"
    summation = f"{settlement}/ram:SpecifiedTradeSettlementHeaderMonetarySummation"
    seller = f"{agreement}/ram:SellerTradeParty"
    buyer = f"{agreement}/ram:BuyerTradeParty"
    seller_legal = _first(root, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID", ns)
    seller_legal_scheme = _first(
        root, f"{seller}/ram:SpecifiedLegalOrganization/ram:ID/@schemeID", ns
    )
    seller_vat = _first(root, f"{seller}/ram:SpecifiedTaxRegistration/ram:ID[@schemeID='VA']", ns)
    seller_country = _first(root, f"{seller}/ram:PostalTradeAddress/ram:CountryID", ns).upper()
    buyer_ids = {
        *_all(root, f"{buyer}/ram:SpecifiedLegalOrganization/ram:ID", ns),
        *_all(root, f"{buyer}/ram:SpecifiedTaxRegistration/ram:ID", ns),
        *_all(root, f"{buyer}/ram:URIUniversalCommunication/ram:URIID", ns),
        *_all(root, f"{buyer}/ram:GlobalID", ns),
    }
    due = _first(
        root,
        f"{settlement}/ram:SpecifiedTradePaymentTerms/ram:DueDateDateTime/udt:DateTimeString",
        ns,
    )
    lines = [
        ParsedLine(
            label=_first(item, "ram:SpecifiedTradeProduct/ram:Name", ns)[:200],
            amount_excl_tax=_dec(
                _first(
                    item,
                    "ram:SpecifiedLineTradeSettlement/"
                    "ram:SpecifiedTradeSettlementLineMonetarySummation/ram:LineTotalAmount",
                    ns,
                ),
                _("une ligne"),
            ),
            vat_rate=_dec(
                _first(
                    item,
                    "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/"
                    "ram:RateApplicablePercent",
                    ns,
                )
                or "0",
                _("un taux de TVA"),
            ),
            vat_category=_first(
                item, "ram:SpecifiedLineTradeSettlement/ram:ApplicableTradeTax/ram:CategoryCode", ns
            ),
        )
        for item in root.xpath(f"{tx}/ram:IncludedSupplyChainTradeLineItem", namespaces=ns)[
            : MAX_LINES + 1
        ]
    ]
    vat = [
        VatBreakdown(
            category=_first(tax, "ram:CategoryCode", ns),
            rate=_dec(_first(tax, "ram:RateApplicablePercent", ns) or "0", _("un taux de TVA")),
            base=_dec(_first(tax, "ram:BasisAmount", ns), _("une base de TVA")),
            amount=_dec(_first(tax, "ram:CalculatedAmount", ns) or "0", _("un montant de TVA")),
        )
        for tax in root.xpath(f"{settlement}/ram:ApplicableTradeTax", namespaces=ns)
    ]
    currency = _first(root, f"{settlement}/ram:InvoiceCurrencyCode", ns)
    # BT-110 may be stated twice (invoice and accounting currency): take the invoice currency's.
    tax_total = _first(root, f"{summation}/ram:TaxTotalAmount[@currencyID='{currency}']", ns) or (
        _first(root, f"{summation}/ram:TaxTotalAmount", ns) or "0"
    )
    return ParsedInvoice(
        format="cii",
        number=_first(root, "rsm:ExchangedDocument/ram:ID", ns),
        type_code=_first(root, "rsm:ExchangedDocument/ram:TypeCode", ns),
        issue_date=_date(
            _first(root, "rsm:ExchangedDocument/ram:IssueDateTime/udt:DateTimeString", ns),
            _("la date de la facture"),
        ),
        due_date=_date(due, _("l'échéance")) if due else None,
        currency=currency,
        seller_name=_first(root, f"{seller}/ram:Name", ns),
        seller_siren=_french_siren(seller_legal, seller_legal_scheme, seller_vat, seller_country),
        seller_vat=seller_vat.replace(" ", "").upper(),
        seller_country=seller_country,
        seller_iban=_first(
            root,
            f"{settlement}/ram:SpecifiedTradeSettlementPaymentMeans/"
            "ram:PayeePartyCreditorFinancialAccount/ram:IBANID",
            ns,
        ).replace(" ", ""),
        buyer_name=_first(root, f"{buyer}/ram:Name", ns),
        buyer_ids={i.replace(" ", "").upper() for i in buyer_ids if i},
        buyer_address=_first(root, f"{buyer}/ram:URIUniversalCommunication/ram:URIID", ns),
        total_excl_tax=_dec(_first(root, f"{summation}/ram:TaxBasisTotalAmount", ns), "BT-109"),
        total_vat=_dec(tax_total, "BT-110"),
        total_incl_tax=_dec(_first(root, f"{summation}/ram:GrandTotalAmount", ns), "BT-112"),
        lines=lines,
        vat=vat,
        preceding_number=_first(
            root, f"{settlement}/ram:InvoiceReferencedDocument/ram:IssuerAssignedID", ns
        ),
        billing_mode=_first(
            root,
            "rsm:ExchangedDocumentContext/ram:BusinessProcessSpecifiedDocumentContextParameter/"
            "ram:ID",
            ns,
        ),
    )


def parse_ubl(root: etree._Element) -> ParsedInvoice:
    ns = UBL_NS
    credit = etree.QName(root).namespace == UBL_CREDIT_NOTE
    line_tag = "cac:CreditNoteLine" if credit else "cac:InvoiceLine"
    quantity_tag = "cbc:CreditedQuantity" if credit else "cbc:InvoicedQuantity"
    del quantity_tag  # the line amount (BT-131) is what we book
    seller = "cac:AccountingSupplierParty/cac:Party"
    buyer = "cac:AccountingCustomerParty/cac:Party"
    seller_legal = _first(root, f"{seller}/cac:PartyLegalEntity/cbc:CompanyID", ns)
    seller_legal_scheme = _first(root, f"{seller}/cac:PartyLegalEntity/cbc:CompanyID/@schemeID", ns)
    seller_vat = _first(root, f"{seller}/cac:PartyTaxScheme/cbc:CompanyID", ns)
    seller_country = _first(
        root, f"{seller}/cac:PostalAddress/cac:Country/cbc:IdentificationCode", ns
    ).upper()
    buyer_ids = {
        *_all(root, f"{buyer}/cac:PartyLegalEntity/cbc:CompanyID", ns),
        *_all(root, f"{buyer}/cac:PartyTaxScheme/cbc:CompanyID", ns),
        *_all(root, f"{buyer}/cbc:EndpointID", ns),
        *_all(root, f"{buyer}/cac:PartyIdentification/cbc:ID", ns),
    }
    due = _first(root, "cbc:DueDate", ns) or _first(root, "cac:PaymentMeans/cbc:PaymentDueDate", ns)
    currency = _first(root, "cbc:DocumentCurrencyCode", ns)
    lines = [
        ParsedLine(
            label=_first(item, "cac:Item/cbc:Name", ns)[:200],
            amount_excl_tax=_dec(_first(item, "cbc:LineExtensionAmount", ns), _("une ligne")),
            vat_rate=_dec(
                _first(item, "cac:Item/cac:ClassifiedTaxCategory/cbc:Percent", ns) or "0",
                _("un taux de TVA"),
            ),
            vat_category=_first(item, "cac:Item/cac:ClassifiedTaxCategory/cbc:ID", ns),
        )
        for item in root.xpath(line_tag, namespaces=ns)[: MAX_LINES + 1]
    ]
    vat = [
        VatBreakdown(
            category=_first(sub, "cac:TaxCategory/cbc:ID", ns),
            rate=_dec(_first(sub, "cac:TaxCategory/cbc:Percent", ns) or "0", _("un taux de TVA")),
            base=_dec(_first(sub, "cbc:TaxableAmount", ns), _("une base de TVA")),
            amount=_dec(_first(sub, "cbc:TaxAmount", ns) or "0", _("un montant de TVA")),
        )
        for sub in root.xpath(
            f"cac:TaxTotal[cbc:TaxAmount/@currencyID='{currency}']/cac:TaxSubtotal", namespaces=ns
        )
    ]
    totals = "cac:LegalMonetaryTotal"
    return ParsedInvoice(
        format="ubl",
        number=_first(root, "cbc:ID", ns),
        type_code=_first(root, "cbc:CreditNoteTypeCode" if credit else "cbc:InvoiceTypeCode", ns)
        or ("381" if credit else "380"),
        issue_date=_date(_first(root, "cbc:IssueDate", ns), _("la date de la facture")),
        due_date=_date(due, _("l'échéance")) if due else None,
        currency=currency,
        seller_name=_first(root, f"{seller}/cac:PartyLegalEntity/cbc:RegistrationName", ns)
        or _first(root, f"{seller}/cac:PartyName/cbc:Name", ns),
        seller_siren=_french_siren(seller_legal, seller_legal_scheme, seller_vat, seller_country),
        seller_vat=seller_vat.replace(" ", "").upper(),
        seller_country=seller_country,
        seller_iban=_first(root, "cac:PaymentMeans/cac:PayeeFinancialAccount/cbc:ID", ns).replace(
            " ", ""
        ),
        buyer_name=_first(root, f"{buyer}/cac:PartyLegalEntity/cbc:RegistrationName", ns)
        or _first(root, f"{buyer}/cac:PartyName/cbc:Name", ns),
        buyer_ids={i.replace(" ", "").upper() for i in buyer_ids if i},
        buyer_address=_first(root, f"{buyer}/cbc:EndpointID", ns),
        total_excl_tax=_dec(_first(root, f"{totals}/cbc:TaxExclusiveAmount", ns), "BT-109"),
        total_vat=_dec(
            _first(root, f"cac:TaxTotal/cbc:TaxAmount[@currencyID='{currency}']", ns) or "0",
            "BT-110",
        ),
        total_incl_tax=_dec(_first(root, f"{totals}/cbc:TaxInclusiveAmount", ns), "BT-112"),
        lines=lines,
        vat=vat,
        preceding_number=_first(
            root, "cac:BillingReference/cac:InvoiceDocumentReference/cbc:ID", ns
        ),
        billing_mode=_first(root, "cbc:ProfileID", ns),
    )


def _from_xml(data: bytes) -> ParsedInvoice:
    root = _xml_root(data)
    namespace = etree.QName(root).namespace
    parsers: dict[str | None, Callable[[etree._Element], ParsedInvoice]] = {
        CII_NS["rsm"]: parse_cii,
        UBL_INVOICE: parse_ubl,
        UBL_CREDIT_NOTE: parse_ubl,
    }
    parse = parsers.get(namespace)
    if parse is None:
        raise _fail(
            _("Format non reconnu : ni Factur-X, ni UN/CEFACT CII, ni UBL 2.1 (racine %(root)s).")
            % {"root": etree.QName(root).localname}
        )
    return parse(root)


def einvoice_parse(data: bytes) -> ParsedInvoice:
    """Parse a Factur-X PDF or a CII/UBL XML file; raises ApplicationError in French."""
    if len(data) > MAX_BYTES:
        raise _fail(
            _("Fichier refusé : %(size)s Mo, au-delà de la limite de %(max)s Mo.")
            % {"size": len(data) // (1024 * 1024), "max": MAX_BYTES // (1024 * 1024)}
        )
    if not data.strip():
        raise _fail(_("Fichier vide."))
    if data.startswith(b"%PDF"):
        from facturx import get_xml_from_pdf

        try:
            _name, xml = get_xml_from_pdf(io.BytesIO(data), check_xsd=False)
        except Exception as exc:  # the library raises bare exceptions on unreadable PDFs
            raise _fail(_("PDF illisible : %(error)s") % {"error": exc}) from exc
        if not xml:
            raise _fail(
                _("Ce PDF ne contient pas de facture électronique (pas de XML Factur-X joint).")
            )
        parsed = _from_xml(xml)
        if parsed.format != "cii":
            raise _fail(_("Le XML joint au PDF n'est pas au format CII Factur-X."))
        parsed.format = "facturx"
        parsed.pdf = data
        return parsed
    return _from_xml(data)


def einvoice_check(parsed: ParsedInvoice, *, buyer_siren: str, buyer_vat: str) -> None:
    """The buyer's checks before accepting a received invoice (raises in French)."""
    if not parsed.number:
        raise _fail(_("Facture refusée : pas de numéro (BT-1)."))
    if parsed.currency and parsed.currency != "EUR":
        raise _fail(
            _("Facture refusée : devise %(currency)s, seules les factures en euros sont acceptées.")
            % {"currency": parsed.currency}
        )
    if not parsed.lines:
        raise _fail(_("Facture refusée : aucune ligne (profil MINIMUM ou BASIC WL)."))
    if len(parsed.lines) > MAX_LINES:
        raise _fail(_("Facture refusée : plus de %(max)s lignes.") % {"max": MAX_LINES})
    ours = {buyer_siren.upper(), buyer_vat.upper()}
    addresses = {i.split("_")[0] for i in parsed.buyer_ids}
    sirets = {i[:9] for i in parsed.buyer_ids if re.fullmatch(r"[0-9]{14}", i)}
    if not (ours & (parsed.buyer_ids | addresses | sirets)):
        raise _fail(
            _(
                "Facture refusée : l'acheteur (%(buyer)s) n'est pas la coopérative "
                "(SIREN %(siren)s)."
            )
            % {"buyer": parsed.buyer_name or "?", "siren": buyer_siren},
            "DEST_ERR",
        )
    lines_total = sum((line.amount_excl_tax for line in parsed.lines), Decimal(0))
    vat_total = sum((v.amount for v in parsed.vat), Decimal(0))
    vat_bases = sum((v.base for v in parsed.vat), Decimal(0))
    if abs(parsed.total_excl_tax + parsed.total_vat - parsed.total_incl_tax) > Decimal(0):
        raise _fail(
            _("Facture refusée : total HT %(ht)s + TVA %(vat)s ≠ total TTC %(ttc)s.")
            % {"ht": parsed.total_excl_tax, "vat": parsed.total_vat, "ttc": parsed.total_incl_tax},
            "MONTANTTOTAL_ERR",
        )
    if abs(vat_total - parsed.total_vat) > TOLERANCE:
        raise _fail(
            _("Facture refusée : la TVA par taux (%(sum)s) ne fait pas le total de TVA (%(vat)s).")
            % {"sum": vat_total, "vat": parsed.total_vat},
            "TX_TVA_ERR",
        )
    if abs(vat_bases - parsed.total_excl_tax) > TOLERANCE:
        raise _fail(
            _("Facture refusée : les bases de TVA (%(sum)s) ne font pas le total HT (%(ht)s).")
            % {"sum": vat_bases, "ht": parsed.total_excl_tax},
            "CALCUL_ERR",
        )
    for breakdown in parsed.vat:
        expected = (breakdown.base * breakdown.rate / 100).quantize(CENT)
        if abs(expected - breakdown.amount) > TOLERANCE:
            raise _fail(
                _("Facture refusée : TVA à %(rate)s %% de %(base)s = %(expected)s, pas %(amount)s.")
                % {
                    "rate": breakdown.rate,
                    "base": breakdown.base,
                    "expected": expected,
                    "amount": breakdown.amount,
                },
                "TX_TVA_ERR",
            )
    # Allowances and charges at document level explain a gap between lines and the total.
    del lines_total
