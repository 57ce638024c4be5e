"""Receiving e-invoices: routing addresses per activity, and a received file (from the platform,
an upload or the command line) turned into a draft supplier invoice on the right activity."""

from __future__ import annotations

from collections import defaultdict
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _
from stdnum.eu import vat
from stdnum.fr import siren as siren_number

from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Cooperative
from purchases.einvoice import ParsedInvoice, einvoice_check, einvoice_parse
from purchases.models import LifecycleStatus, RoutingAddress, Supplier, SupplierInvoice
from purchases.services.common import money
from purchases.services.invoices import InvoiceLineData, supplier_invoice_create
from purchases.services.suppliers import bank_details_clean, supplier_create

DEFAULT_EXPENSE_ACCOUNT = "604"


def cooperative_vat_number(siren: str) -> str:
    """The French VAT number of a SIREN: FR, the key (12 + 3 × (SIREN mod 97)) mod 97, SIREN."""
    return f"FR{(12 + 3 * (int(siren) % 97)) % 97:02d}{siren}"


def routing_address_text(*, siren: str, activity: Activity | None) -> str:
    """`SIREN` for the cooperative, `SIREN_<activity id>` for an activity (a suffixe
    d'adressage under the cooperative's SIREN, as enDI does per enseigne)."""
    return siren if activity is None else f"{siren}_{activity.pk}"


@transaction.atomic
def routing_addresses_ensure() -> list[RoutingAddress]:
    """One address per activity and the cooperative's fallback; idempotent."""
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    existing = {a.activity_id for a in RoutingAddress.objects.all()}
    created = []
    if None not in existing:
        created.append(
            RoutingAddress(cooperative=cooperative, activity=None, address=cooperative.siren)
        )
    for activity in Activity.objects.exclude(pk__in=[i for i in existing if i is not None]):
        created.append(
            RoutingAddress(
                cooperative=cooperative,
                activity=activity,
                address=routing_address_text(siren=cooperative.siren, activity=activity),
            )
        )
    RoutingAddress.objects.bulk_create(created)
    return list(RoutingAddress.objects.all())


def routing_address_for(*, activity: Activity) -> RoutingAddress:
    found = RoutingAddress.objects.filter(activity=activity).first()
    if found is None:
        routing_addresses_ensure()
        found = RoutingAddress.objects.get(activity=activity)
    return found


def route(parsed: ParsedInvoice) -> tuple[Activity | None, str]:
    """The activity whose routing address the invoice names; None (the accountant's queue) for
    the cooperative's own address or an unknown one."""
    candidates = {parsed.buyer_address.upper(), *parsed.buyer_ids} - {""}
    for address in RoutingAddress.objects.select_related("activity").filter(address__in=candidates):
        if address.activity is not None:
            return address.activity, address.address
    return None, parsed.buyer_address


def _supplier_for(parsed: ParsedInvoice) -> Supplier:
    found = None
    if parsed.seller_siren:
        found = Supplier.objects.filter(siren=parsed.seller_siren).first()
    if found is None and parsed.seller_vat:
        found = Supplier.objects.filter(vat_number=vat.compact(parsed.seller_vat)).first()
    if found is None:
        found = Supplier.objects.filter(
            siren="", vat_number="", name__iexact=parsed.seller_name
        ).first()
    if found is not None:
        return found
    if not parsed.seller_name:
        raise ApplicationError(_("Facture refusée : le vendeur n'a pas de nom (BT-27)."))
    # An identifier or bank account that fails its check is left out, never guessed: the
    # staff completes the supplier before paying it.
    siren = parsed.seller_siren if siren_number.is_valid(parsed.seller_siren) else ""
    vat_number = vat.compact(parsed.seller_vat) if vat.is_valid(parsed.seller_vat) else ""
    if siren and vat_number.startswith("FR") and vat_number[4:] != siren:
        vat_number = ""
    try:
        iban, bic = bank_details_clean(iban=parsed.seller_iban, bic="")
    except ApplicationError:
        iban, bic = "", ""
    return supplier_create(
        name=parsed.seller_name,
        siren=siren,
        vat_number=vat_number,
        country=parsed.seller_country or "FR",
        iban=iban,
        bic=bic,
    )


def draft_lines(parsed: ParsedInvoice) -> list[InvoiceLineData]:
    """The invoice's lines, with the VAT of each rate (the invoice's breakdown is authoritative)
    shared pro rata between its lines, the rounding left on the last; document-level allowances
    and charges become one line per rate."""
    by_rate: dict[Decimal, list[tuple[str, Decimal]]] = defaultdict(list)
    for line in parsed.lines:
        by_rate[line.vat_rate.normalize()].append((line.label, money(line.amount_excl_tax)))
    result: list[InvoiceLineData] = []
    for breakdown in parsed.vat:
        rate = breakdown.rate.normalize()
        items = by_rate.pop(rate, [])
        base, vat = money(breakdown.base), money(breakdown.amount)
        gap = base - sum((amount for _label, amount in items), Decimal(0))
        if gap:
            items.append((_("Remises et frais de la facture"), gap))
        shared = Decimal(0)
        for index, (label, amount) in enumerate(items):
            if index == len(items) - 1:
                line_vat = vat - shared
            else:
                line_vat = money(vat * amount / base) if base else Decimal(0)
            shared += line_vat
            result.append(
                InvoiceLineData(
                    label=label or parsed.number,
                    amount_excl_tax=amount,
                    vat_rate=breakdown.rate,
                    account_code=DEFAULT_EXPENSE_ACCOUNT,
                    vat_amount=line_vat,
                )
            )
    if by_rate:
        raise ApplicationError(
            _("Facture refusée : des lignes ont un taux de TVA absent du récapitulatif.")
        )
    return result


@transaction.atomic
def einvoice_receive(
    *,
    data: bytes,
    filename: str,
    source: str = SupplierInvoice.Source.UPLOAD,
    platform_id: str = "",
    user: User | None = None,
    activity: Activity | None = None,
) -> SupplierInvoice:
    """Parse, check, deduplicate, route and record a received e-invoice as a draft supplier
    invoice for the entrepreneur to confirm. Raises ApplicationError (French) and saves nothing
    when the file is refused. `activity` overrides the routing (an entrepreneur's upload)."""
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    parsed = einvoice_parse(data)
    einvoice_check(
        parsed, buyer_siren=cooperative.siren, buyer_vat=cooperative_vat_number(cooperative.siren)
    )
    if platform_id and SupplierInvoice.objects.filter(platform_id=platform_id).exists():
        raise ApplicationError(_("Cette facture a déjà été reçue de la plateforme."))
    routed, address = route(parsed)
    supplier = _supplier_for(parsed)
    lines = draft_lines(parsed)
    # A credit note lands on the activity of the invoice it cancels, when we have that invoice.
    credited = (
        SupplierInvoice.objects.filter(
            supplier=supplier,
            number=parsed.preceding_number.strip(),
            kind=SupplierInvoice.Kind.INVOICE,
        ).first()
        if parsed.is_credit_note and parsed.preceding_number.strip()
        else None
    )
    invoice = supplier_invoice_create(
        supplier=supplier,
        kind=SupplierInvoice.Kind.CREDIT_NOTE
        if parsed.is_credit_note
        else SupplierInvoice.Kind.INVOICE,
        credited_invoice=credited,
        activity=activity or (credited.activity if credited else None) or routed,
        number=parsed.number,
        issue_date=parsed.issue_date,
        due_date=parsed.due_date
        if parsed.due_date and parsed.due_date >= parsed.issue_date
        else None,
        lines=lines,
        nature=parsed.nature,
        user=user,
        source=source,
        format=parsed.format,
        attachment=data,
        attachment_name=filename,
        attachment_type="application/pdf" if parsed.format == "facturx" else "application/xml",
        routing_address=address,
        platform_id=platform_id,
    )
    if invoice.total_incl_tax != money(parsed.total_incl_tax):
        raise ApplicationError(
            _("Facture refusée : les lignes (%(lines)s) ne font pas le total TTC (%(total)s).")
            % {"lines": invoice.total_incl_tax, "total": parsed.total_incl_tax}
        )
    if source == SupplierInvoice.Source.PLATFORM:
        LifecycleStatus.objects.create(
            cooperative_id=invoice.cooperative_id,
            invoice=invoice,
            code=LifecycleStatus.Code.TAKEN_OVER,
        )
    return invoice
