"""The PDF of a sales document and, for invoices and credit notes, its Factur-X form: a PDF/A-3
rendered by WeasyPrint with the EN 16931 CII XML embedded by the `factur-x` library (profile
EN 16931, checked against the profile's XSD as it is generated)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.template.loader import render_to_string
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from sales.models import Customer, Document, DocumentLine, OperationCategory, SalesSettings
from sales.services.customers import settings_get
from sales.services.documents import document_totals
from sales.totals import money

ZERO = Decimal("0.00")
EN16931 = "urn:cen.eu:en16931:2017"
# The French cadre de facturation (BT-23): its letter states the category of operation.
_BILLING_MODE_LETTER = {
    OperationCategory.GOODS: "B",
    OperationCategory.SERVICES: "S",
    OperationCategory.MIXED: "M",
}


def _amount(value: Decimal) -> str:
    return f"{value:.2f}"


def _category(document: Document, rate: Decimal) -> str:
    """EN 16931 VAT category code (UNCL 5305): S standard, AE reverse charge, E exempt."""
    if document.reverse_charge:
        return "AE"
    return "S" if rate > 0 else "E"


def _exemption(document: Document, rate: Decimal) -> dict[str, str]:
    if document.reverse_charge:
        return {"BT-120": "Autoliquidation"}
    if rate == 0:
        return {"BT-120": document.vat_exemption or "Exonération"}
    return {}


def _mentions(document: Document, settings: SalesSettings) -> list[str]:
    """The legal mentions printed on the PDF and carried in the XML notes (BG-1)."""
    mentions = [
        _("Catégorie d'opération : %(category)s.") % {"category": document.get_category_display()},
    ]
    if document.kind != Document.Kind.QUOTE:
        mentions.append(
            _(
                "Pénalités de retard : %(rate)s %% l'an, exigibles dès le lendemain de "
                "l'échéance sans rappel préalable."
            )
            % {"rate": document.late_penalty_rate}
        )
        if document.fixed_indemnity:
            mentions.append(
                _("Indemnité forfaitaire pour frais de recouvrement en cas de retard : 40 €.")
            )
        if document.discount_terms:
            mentions.append(document.discount_terms)
    if document.retention_amount:
        mentions.append(retention_mention(document))
    if document.reverse_charge:
        mentions.append(
            _("Autoliquidation : TVA due par le preneur assujetti (CGI art. 283-2 nonies).")
        )
    elif document.vat_exemption:
        mentions.append(document.vat_exemption)
    if settings.vat_on_debits and document.category != OperationCategory.GOODS:
        mentions.append(_("Option pour le paiement de la taxe d'après les débits."))
    return mentions


def retention_mention(document: Document) -> str:
    """The retention guarantee withheld by a situation. EN 16931 has no term for it and BR-CO-16
    ties the amount due (BT-115) to the total less the prepaid amount, so the XML keeps BT-115
    and states the retention and the net to pay in a note (BT-22)."""
    return _(
        "Retenue de garantie (%(rate)s %%) : %(amount)s €, libérée un an après la réception "
        "des travaux (loi 71-584 du 16 juillet 1971). Net à payer : %(net)s €."
    ) % {
        "rate": format(document.retention_percent.normalize(), "f"),
        "amount": _amount(document.retention_amount),
        "net": _amount(document.net_to_pay),
    }


# Long on purpose: one mapping of the document to the EN 16931 business terms, in the norm's order
# (BT/BG), easier to check against the norm whole.
def billing_mode(document: Document) -> str:
    """BT-23, the cadre de facturation (FNFE-MPE rule BR-FR-08): B goods, S services, M mixed;
    4 for a final invoice that deducts deposits (never a deposit invoice itself, BR-FR-CO-08),
    1 otherwise."""
    letter = _BILLING_MODE_LETTER.get(OperationCategory(document.category), "S")
    final = document.prepaid_total and document.type_code != Document.InvoiceKind.DEPOSIT
    return f"{letter}4" if final else f"{letter}1"


def cii_data(document: Document) -> dict[str, Any]:
    """The EN 16931 data of a validated invoice or credit note, keyed by BT/BG as the
    `factur-x` library reads them."""
    settings = settings_get()
    cooperative = document.activity.cooperative
    customer = document.customer
    lines = [line for line in document.lines.all() if line.kind == DocumentLine.Kind.ITEM]
    totals = document_totals(document, lines)
    data: dict[str, Any] = {
        "BT-1": document.number,
        "BT-2": document.issue_date,
        "BT-3": document.type_code,
        "BT-5": "EUR",
        "BT-23": billing_mode(document),
        "BT-24": EN16931,
        "BG-4": {
            "name": cooperative.name,
            "biz_name": document.activity.name,
            "legal_identifier": cooperative.siren,
            "legal_identifier_schemeid": "0002",
            "legal_info": " – ".join(
                part
                for part in (settings.legal_form_label, settings.share_capital, settings.rcs)
                if part
            ),
            "vat_identifier": settings.vat_number,
            "addr_l1": cooperative.address_line,
            "postcode": cooperative.postal_code,
            "city": cooperative.city,
            "country_code": "FR",
            **({"contacts": [{"email": settings.email}]} if settings.email else {}),
        },
        "BG-7": {
            "name": customer.name,
            **(
                {"legal_identifier": customer.siren, "legal_identifier_schemeid": "0002"}
                if customer.siren
                else {}
            ),
            # A public body is addressed at Chorus Pro by its SIRET (BT-46, scheme 0009).
            **(
                {"identifiers": {"0009": customer.siret}}
                if customer.kind == Customer.Kind.PUBLIC and customer.siret
                else {}
            ),
            **({"vat_identifier": customer.vat_number} if customer.vat_number else {}),
            "addr_l1": customer.address_line,
            **({"addr_l2": customer.address_line2} if customer.address_line2 else {}),
            "postcode": customer.postal_code,
            "city": customer.city,
            "country_code": customer.country,
        },
        "BT-72": document.delivery_date,
        "BG-1": [{"BT-21": "AAI", "BT-22": text} for text in _mentions(document, settings)],
        "BT-106": _amount(totals.lines_total),
        "BT-109": _amount(totals.total_without_vat),
        "BT-110": _amount(totals.vat_total),
        "BT-112": _amount(totals.total_with_vat),
        "BT-115": _amount(document.amount_due),
        "BG-23": [
            {
                "BT-116": _amount(b.taxable),
                "BT-117": _amount(b.vat),
                "BT-118": _category(document, b.rate),
                "BT-119": _amount(b.rate),
                **_exemption(document, b.rate),
            }
            for b in totals.breakdown
        ],
        "BG-25": [
            {
                "BT-126": str(line.position),
                "BT-153": line.label,
                "BT-129": f"{line.quantity.normalize():f}",
                "BT-130": line.unit,
                "BT-146": f"{line.unit_price.normalize():f}",
                "BT-151": _category(document, line.vat_rate),
                "BT-152": _amount(line.vat_rate),
                "BT-131": _amount(line.net_amount),
                **({"BT-154": line.description} if line.description else {}),
                **(
                    {
                        "BG-27": [
                            {
                                "amount": _amount(
                                    money(line.quantity * line.unit_price) - line.net_amount
                                ),
                                "rate": _amount(line.discount_percent),
                                "base_amount": _amount(money(line.quantity * line.unit_price)),
                                "reason": _("Remise"),
                            }
                        ]
                    }
                    if line.discount_percent
                    else {}
                ),
            }
            for line in lines
        ],
    }
    if document.due_date:
        data["BT-9"] = document.due_date
    if document.payment_terms:
        data["BT-20"] = document.payment_terms
    # A public body's Chorus Pro service code is the buyer reference (BT-10); its engagement
    # number, like any buyer's order number, the purchase order reference (BT-13).
    if customer.kind == Customer.Kind.PUBLIC and customer.service_code:
        data["BT-10"] = customer.service_code
    if document.buyer_reference:
        data["BT-13"] = document.buyer_reference
    if settings.iban:
        data["BT-81"] = "30"  # credit transfer, to this IBAN
        data["BT-84"] = settings.iban.replace(" ", "")
        if settings.bic:
            data["BT-86"] = settings.bic
    if totals.allowance_total:
        data["BT-107"] = _amount(totals.allowance_total)
        data["BG-20"] = [
            {
                "amount": _amount(b.allowance),
                "base_amount": _amount(b.lines_total),
                "rate": _amount(document.discount_percent),
                "vat_category_code": _category(document, b.rate),
                "vat_rate": _amount(b.rate),
                "reason": _("Remise globale"),
            }
            for b in totals.breakdown
            if b.allowance
        ]
    if document.prepaid_total:
        data["BT-113"] = _amount(document.prepaid_total)
    if document.credited_invoice_id:
        invoice = document.credited_invoice
        data["BG-3"] = [{"BT-25": invoice.number, "BT-26": invoice.issue_date}]  # type: ignore[union-attr]
    return data


def cii_xml(document: Document) -> bytes:
    from facturx import generate_cii_xml

    xml: bytes = generate_cii_xml(
        cii_data(document), level="en16931", check_xsd=True, check_schematron=False
    )
    return xml


def document_html(document: Document) -> str:
    settings = settings_get()
    lines = list(document.lines.all())
    return render_to_string(
        "sales/pdf/document.html",
        {
            "document": document,
            "cooperative": document.activity.cooperative,
            "activity": document.activity,
            "customer": document.customer,
            "settings": settings,
            "lines": lines,
            "totals": document_totals(document, [line for line in lines if line.kind == "item"]),
            "mentions": _mentions(document, settings),
            **branding_context(document),
        },
    )


def _css_string(text: str) -> str:
    """`text` inside a CSS double-quoted string: nothing in it can close the string nor the
    <style> element."""
    return "".join(
        f"\\{ord(char):X} " if char in '"\\<>&' or ord(char) < 32 else char for char in text
    )


def branding_context(document: Document) -> dict[str, Any]:
    """The activity's logo (inlined as a data URI), accent colours and footer, or nothing."""
    import base64

    from sales.models import ActivityBranding

    branding = ActivityBranding.objects.filter(activity_id=document.activity_id).first()
    if branding is None:
        return {}
    context: dict[str, Any] = {}
    if branding.logo:
        with branding.logo.open("rb") as logo:
            encoded = base64.b64encode(logo.read()).decode()
        context["brand_logo"] = f"data:{branding.logo_content_type};base64,{encoded}"
    if branding.accent_color:
        context["brand_accent"] = branding.accent_color
        context["brand_accent_text"] = branding.accent_text_color
    if branding.footer:
        context["brand_footer_css"] = mark_safe(_css_string(branding.footer))  # noqa: S308
    return context


def plain_pdf(document: Document) -> bytes:
    from weasyprint import HTML

    return bytes(HTML(string=document_html(document)).write_pdf())


def facturx_pdf(document: Document) -> bytes:
    """The PDF/A-3 with its factur-x.xml attachment (relationship Alternative: the XML is an
    equivalent form of the visible invoice, as the EN 16931 profile requires)."""
    from facturx import generate_from_binary
    from weasyprint import HTML

    pdf = bytes(
        HTML(string=document_html(document)).write_pdf(
            pdf_variant="pdf/a-3b", pdf_identifier=document.number.encode()
        )
    )
    if not document.is_invoice_like:
        return pdf
    result: bytes = generate_from_binary(
        pdf,
        cii_xml(document),
        flavor="factur-x",
        level="en16931",
        check_xsd=True,
        afrelationship="alternative",
        lang="fr-FR",
    )
    return result
