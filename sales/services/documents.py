"""Quotes, invoices and credit notes: drafts, totals, the mandatory mentions, validation.

A draft changes freely. Validating an invoice or a credit note checks every mention French law
requires, freezes its totals, takes its number (the database gives it: `sales/sql/`) and posts
it to the sales journal in the same transaction. After that the database refuses any change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.services.errors import db_errors
from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from sales import totals as t
from sales.models import (
    RETENTION_MAX,
    Customer,
    Document,
    DocumentLine,
    OperationCategory,
    Product,
    SalesSettings,
    Unit,
)
from sales.services.customers import ALLOWED_VAT_RATES, EU_COUNTRIES, settings_get
from sales.services.series import series_for

ZERO = Decimal("0.00")
FIXED_INDEMNITY = Decimal("40.00")
DOCUMENT_FIELDS = (
    "title",
    "retention_percent",
    "delivery_date",
    "due_date",
    "validity_date",
    "category",
    "reverse_charge",
    "vat_exemption",
    "discount_percent",
    "payment_terms",
    "discount_terms",
    "late_penalty_rate",
    "fixed_indemnity",
    "buyer_reference",
    "notes",
)


@dataclass(frozen=True)
class LineData:
    label: str
    quantity: Decimal | str | int = Decimal(1)
    unit_price: Decimal | str | int = ZERO
    vat_rate: Decimal | str | int = Decimal("20.00")
    unit: str = Unit.UNIT
    discount_percent: Decimal | str | int = ZERO
    description: str = ""
    kind: str = DocumentLine.Kind.ITEM
    product: Product | None = None
    account: str = ""

    @classmethod
    def from_product(cls, product: Product, quantity: Decimal | str | int = 1) -> LineData:
        return cls(
            label=product.label,
            description=product.description,
            quantity=quantity,
            unit=product.unit,
            unit_price=product.unit_price,
            vat_rate=product.vat_rate,
            product=product,
            account=product.revenue_account
            or ("707" if product.kind == Product.Kind.GOODS else "706"),
        )


def _decimal(value: Decimal | str | int, what: str, position: int) -> Decimal:
    if isinstance(value, float):
        raise ApplicationError(
            _("Ligne %(n)s : %(what)s en nombre flottant.") % {"n": position, "what": what}
        )
    try:
        number = Decimal(str(value).replace(",", "."))
    except InvalidOperation:
        raise ApplicationError(
            _("Ligne %(n)s : %(what)s illisible.") % {"n": position, "what": what}
        ) from None
    if not number.is_finite():
        raise ApplicationError(
            _("Ligne %(n)s : %(what)s illisible.") % {"n": position, "what": what}
        )
    return number


def _line_rows(document: Document, lines: Sequence[LineData]) -> list[DocumentLine]:
    rows = []
    for position, line in enumerate(lines, start=1):
        if line.kind not in DocumentLine.Kind.values:
            raise ApplicationError(_("Ligne %(n)s : type inconnu.") % {"n": position})
        label = (line.label or "").strip()
        if not label:
            raise ApplicationError(_("Ligne %(n)s : désignation manquante.") % {"n": position})
        row = DocumentLine(
            cooperative_id=document.cooperative_id,
            document=document,
            position=position,
            kind=line.kind,
            label=label[:200],
            description=line.description or "",
            product=line.product,
            account=(line.account or "").strip().upper(),
        )
        if line.kind == DocumentLine.Kind.ITEM:
            row.quantity = _decimal(line.quantity, _("quantité"), position).quantize(
                Decimal("0.0001")
            )
            row.unit_price = _decimal(line.unit_price, _("prix unitaire"), position).quantize(
                Decimal("0.0001")
            )
            row.discount_percent = _decimal(line.discount_percent, _("remise"), position)
            row.vat_rate = _decimal(line.vat_rate, _("taux de TVA"), position).quantize(t.CENT)
            if line.unit not in Unit.values:
                raise ApplicationError(_("Ligne %(n)s : unité inconnue.") % {"n": position})
            row.unit = line.unit
            if row.quantity <= 0:
                raise ApplicationError(
                    _("Ligne %(n)s : la quantité doit être positive.") % {"n": position}
                )
            if row.unit_price < 0:
                raise ApplicationError(_("Ligne %(n)s : prix unitaire négatif.") % {"n": position})
            if not ZERO <= row.discount_percent <= 100:
                raise ApplicationError(
                    _("Ligne %(n)s : remise hors de 0 à 100 %%.") % {"n": position}
                )
            if row.vat_rate not in ALLOWED_VAT_RATES:
                raise ApplicationError(
                    _("Ligne %(n)s : taux de TVA %(rate)s %% inconnu en France.")
                    % {"n": position, "rate": row.vat_rate}
                )
            row.net_amount = _line_amounts(row).net
        else:
            row.quantity, row.unit_price, row.vat_rate, row.net_amount = ZERO, ZERO, ZERO, ZERO
        rows.append(row)
    return rows


def _line_amounts(line: DocumentLine) -> t.LineAmounts:
    return t.LineAmounts(line.quantity, line.unit_price, line.discount_percent, line.vat_rate)


def document_totals(document: Document, lines: Sequence[DocumentLine] | None = None) -> t.Totals:
    if lines is None:
        lines = list(document.lines.all())
    return t.compute(
        [_line_amounts(line) for line in lines if line.kind == DocumentLine.Kind.ITEM],
        discount_percent=document.discount_percent,
        prepaid_total=document.prepaid_total,
    )


def _apply_totals(document: Document, totals: t.Totals) -> None:
    document.lines_total = totals.lines_total
    document.allowance_total = totals.allowance_total
    document.total_without_vat = totals.total_without_vat
    document.vat_total = totals.vat_total
    document.total_with_vat = totals.total_with_vat
    document.prepaid_total = totals.prepaid_total
    document.amount_due = totals.amount_due
    # A situation withholds the retention guarantee on its amount including VAT.
    document.retention_amount = (
        t.money(totals.amount_due * document.retention_percent / 100)
        if document.progress_percent is not None and totals.amount_due > 0
        else ZERO
    )


def _check_fields(fields: dict[str, Any]) -> dict[str, Any]:
    data = {k: v for k, v in fields.items() if k in DOCUMENT_FIELDS}
    if "category" in data and data["category"] not in OperationCategory.values:
        raise ApplicationError(_("Catégorie d'opération inconnue."))
    if "discount_percent" in data:
        value = Decimal(str(data["discount_percent"] or 0))
        if not ZERO <= value <= 100:
            raise ApplicationError(_("La remise globale est hors de 0 à 100 %."))
        data["discount_percent"] = value
    if "retention_percent" in data:
        try:
            rate = Decimal(str(data["retention_percent"] or 0).replace(",", "."))
        except ArithmeticError:
            rate = Decimal(-1)
        if not (rate.is_finite() and ZERO <= rate <= RETENTION_MAX):
            raise ApplicationError(_("La retenue de garantie est de 0 à 5 % (loi 71-584)."))
        data["retention_percent"] = rate.quantize(Decimal("0.01"))
    return data


@transaction.atomic
def document_create(
    *,
    kind: str,
    activity: Activity,
    customer: Customer,
    lines: Sequence[LineData],
    user: User | None = None,
    quote: Document | None = None,
    credited_invoice: Document | None = None,
    type_code: str | None = None,
    credits_retention: bool = False,
    **fields: Any,
) -> Document:
    """A draft quote, invoice or credit note, with the cooperative's default terms."""
    if kind not in Document.Kind.values:
        raise ApplicationError(_("Type de document inconnu."))
    if customer.activity_id != activity.pk:
        raise ApplicationError(_("Ce client appartient à une autre activité."))
    settings = settings_get()
    today = timezone.localdate()
    document = Document(
        cooperative_id=require_cooperative_id(),
        kind=kind,
        activity=activity,
        customer=customer,
        created_by=user,
        quote=quote,
        credited_invoice=credited_invoice,
        credits_retention=credits_retention,
        type_code=type_code or {"quote": "310", "invoice": "380", "credit_note": "381"}[kind],
        discount_terms=settings.discount_terms,
        late_penalty_rate=settings.late_penalty_rate,
        fixed_indemnity=customer.is_professional,
        payment_terms=_("Paiement à %(days)s jours par virement.")
        % {"days": settings.payment_days},
    )
    if kind == Document.Kind.QUOTE:
        document.validity_date = today + dt.timedelta(days=settings.quote_validity_days)
    else:
        document.due_date = today + dt.timedelta(days=settings.payment_days)
    for name, value in _check_fields(fields).items():
        setattr(document, name, value)
    rows = _line_rows(document, lines)
    _apply_totals(document, document_totals(document, rows))
    with db_errors():
        document.save(force_insert=True)
        for row in rows:
            row.document = document
        DocumentLine.objects.bulk_create(rows)
    return document


def _locked_draft(document: Document, *, pending_ok: bool = False) -> Document:
    """The document locked for this transaction, still a draft (or, with `pending_ok`, waiting
    for support staff)."""
    locked: Document = Document.objects.select_for_update(of=("self",)).get(pk=document.pk)
    if locked.status == Document.Status.PENDING and not pending_ok:
        raise ApplicationError(
            _("Ce document attend la validation de l'équipe d'appui : il ne se modifie plus.")
        )
    if locked.status not in (Document.Status.DRAFT, Document.Status.PENDING):
        raise ApplicationError(
            _("Ce document n'est plus un brouillon : il ne se modifie plus.")
            if locked.kind == Document.Kind.QUOTE
            else _("Une facture validée ne se modifie plus : établissez un avoir.")
        )
    return locked


@transaction.atomic
def document_update(
    *, document: Document, lines: Sequence[LineData] | None = None, **fields: Any
) -> Document:
    document = _locked_draft(document)
    for name, value in _check_fields(fields).items():
        setattr(document, name, value)
    with db_errors():
        if lines is not None:
            rows = _line_rows(document, lines)
            DocumentLine.objects.filter(document=document).delete()
            DocumentLine.objects.bulk_create(rows)
        else:
            rows = list(document.lines.all())
        _apply_totals(document, document_totals(document, rows))
        document.save()
    return document


@transaction.atomic
def document_delete(*, document: Document) -> None:
    document = _locked_draft(document)
    with db_errors():
        DocumentLine.objects.filter(document=document).delete()
        Document.objects.filter(pk=document.pk).delete()


@transaction.atomic
def document_duplicate(*, document: Document, user: User | None = None) -> Document:
    """A new draft of the same kind (a credit note duplicates as an invoice), same lines."""
    kind = Document.Kind.INVOICE if document.kind == Document.Kind.CREDIT_NOTE else document.kind
    return document_create(
        kind=kind,
        activity=document.activity,
        customer=document.customer,
        lines=_copy_lines(document),
        user=user,
        **{
            name: getattr(document, name)
            for name in DOCUMENT_FIELDS
            if name not in ("due_date", "validity_date")
        },
    )


def _copy_lines(document: Document) -> list[LineData]:
    return [
        LineData(
            label=line.label,
            description=line.description,
            kind=line.kind,
            quantity=line.quantity,
            unit=line.unit,
            unit_price=line.unit_price,
            discount_percent=line.discount_percent,
            vat_rate=line.vat_rate,
            product=line.product,
            account=line.account,
        )
        for line in document.lines.order_by("position")
    ]


# --- Mandatory mentions ----------------------------------------------------------------------


def missing_mentions(
    document: Document, *, day: dt.date | None = None, settings: SalesSettings | None = None
) -> list[str]:
    """What French law requires on this invoice or credit note and it lacks (Code de commerce
    L441-9, CGI 242 nonies A, décret 2022-1299), each in one French sentence."""
    missing: list[str] = []
    settings = settings or settings_get()
    cooperative = document.activity.cooperative
    customer = document.customer
    seller = {
        _("la forme juridique de la coopérative"): settings.legal_form_label,
        _("le capital social de la coopérative"): settings.share_capital,
        _("le RCS de la coopérative"): settings.rcs,
        _("le numéro de TVA intracommunautaire de la coopérative"): settings.vat_number,
        _("l'adresse de la coopérative"): cooperative.address_line
        and cooperative.postal_code
        and cooperative.city,
        _("le SIREN de la coopérative"): cooperative.siren,
    }
    missing += [
        _("Vendeur : il manque %(what)s.") % {"what": what} for what, v in seller.items() if not v
    ]
    if not (customer.name and customer.address_line and customer.postal_code and customer.city):
        missing.append(_("Client : il manque le nom ou l'adresse."))
    if (
        customer.is_professional
        and customer.country == "FR"
        and not (customer.siren or customer.siret)
    ):
        missing.append(_("Client : il manque le SIREN d'un client professionnel."))
    if (
        customer.is_professional
        and customer.country != "FR"
        and customer.country in EU_COUNTRIES
        and not customer.vat_number
    ):
        missing.append(_("Client : il manque le numéro de TVA d'un client de l'Union européenne."))
    if customer.kind == Customer.Kind.PUBLIC and not customer.siret:
        missing.append(_("Client : il manque le SIRET d'un organisme public."))
    if document.delivery_date is None:
        missing.append(_("Il manque la date de livraison ou d'exécution de la prestation."))
    if document.category not in OperationCategory.values:
        missing.append(_("Il manque la catégorie d'opération (biens, services ou les deux)."))
    items = [line for line in document.lines.all() if line.kind == DocumentLine.Kind.ITEM]
    if not items:
        missing.append(_("La facture n'a aucune ligne."))
    is_credit_note = document.kind == Document.Kind.CREDIT_NOTE
    if document.due_date is None and not is_credit_note:
        missing.append(_("Il manque la date d'échéance."))
    elif (
        document.due_date
        and not is_credit_note
        and document.due_date > (day or timezone.localdate()) + dt.timedelta(days=60)
    ):
        missing.append(_("L'échéance dépasse le délai légal de 60 jours."))
    if document.late_penalty_rate is None:
        missing.append(_("Il manque le taux des pénalités de retard."))
    if customer.is_professional and not document.fixed_indemnity:
        missing.append(
            _(
                "Il manque l'indemnité forfaitaire de 40 € pour frais de recouvrement "
                "(client professionnel)."
            )
        )
    if not document.discount_terms.strip():
        missing.append(_("Il manque les conditions d'escompte (ou « pas d'escompte »)."))
    zero_rated = any(line.vat_rate == ZERO for line in items)
    if document.reverse_charge:
        if not customer.is_professional:
            missing.append(_("L'autoliquidation ne s'applique qu'à un client assujetti."))
        if any(line.vat_rate != ZERO for line in items):
            missing.append(_("En autoliquidation, les lignes sont sans TVA (taux 0 %)."))
    elif zero_rated and not document.vat_exemption.strip():
        missing.append(
            _("Une ligne sans TVA demande la mention de l'exonération (article du CGI).")
        )
    if document.kind == Document.Kind.CREDIT_NOTE:
        invoice = document.credited_invoice
        if invoice is None or invoice.status != Document.Status.VALIDATED:
            missing.append(_("Un avoir cite la facture validée qu'il rectifie."))
    return missing


# --- Validation and posting ------------------------------------------------------------------


def _counter_lock(series: str, year: int) -> tuple[int, dt.date | None]:
    """Lock the series' counter row for this transaction and read it: the number the database
    will give at validation is the next one, and nobody else can take it meanwhile."""
    with connection.cursor() as cursor:
        cursor.execute(
            "INSERT INTO sales_invoicecounter (cooperative_id, series, year, last_number) "
            "VALUES (%s, %s, %s, 0) ON CONFLICT (cooperative_id, series, year) DO NOTHING",
            [require_cooperative_id(), series, year],
        )
        cursor.execute(
            "SELECT last_number, last_date FROM sales_invoicecounter "
            "WHERE series = %s AND year = %s FOR UPDATE",
            [series, year],
        )
        last_number, last_date = cursor.fetchone()
    return int(last_number), last_date


def format_number(series: str, year: int, sequence: int) -> str:
    """Must say what the database function sales_document_number says."""
    return f"{series}{year}-{sequence:05d}"


# Long on purpose: one transaction in the order the law and the ledger need it (mentions, number,
# totals, posting), all or nothing.
@transaction.atomic
def invoice_validate(
    *,
    document: Document,
    user: User | None = None,
    date: dt.date | None = None,
    render: bool = True,
) -> Document:
    """Check the mentions, number the invoice (or credit note) and post it, all or nothing."""
    from sales.services.posting import document_post

    document = _locked_draft(document, pending_ok=True)
    if not document.is_invoice_like:
        raise ApplicationError(_("Seules les factures et les avoirs se valident."))
    # The lines once for the mentions, the totals and the posting.
    document = (
        Document.objects.select_related("activity__cooperative", "customer", "credited_invoice")
        .prefetch_related("lines")
        .get(pk=document.pk)
    )
    settings = settings_get()
    day = date or timezone.localdate()
    series = series_for(document, settings)
    if (
        document.type_code == Document.InvoiceKind.STANDARD
        and document.quote_id
        and document.progress_percent is None
    ):
        from sales.services.quotes import deposits_to_deduct

        deposits = deposits_to_deduct(quote_id=document.quote_id, exclude_id=document.pk)
        document.prepaid_total = sum((d.total_with_vat for d in deposits), ZERO)
    missing = missing_mentions(document, day=day, settings=settings)
    if missing:
        raise ApplicationError(
            _("Facture incomplète, rien n'a été validé : %(list)s") % {"list": " ".join(missing)}
        )
    totals = document_totals(document)
    _apply_totals(document, totals)
    if document.amount_due < 0:
        raise ApplicationError(_("Les acomptes déduits dépassent le total de la facture."))
    if document.kind == Document.Kind.CREDIT_NOTE:
        from sales.services.payments import credit_retention_part, invoice_creditable

        credited_invoice: Document = Document.objects.select_for_update(of=("self",)).get(
            pk=document.credited_invoice.pk  # type: ignore[union-attr]
        )
        creditable = invoice_creditable(invoice=credited_invoice)
        if document.total_with_vat > creditable:
            raise ApplicationError(
                _(
                    "L'avoir (%(amount)s €) dépasse ce qui reste à créditer sur la facture "
                    "(%(left)s €)."
                )
                % {"amount": document.total_with_vat, "left": creditable}
            )
        document.retention_credited = credit_retention_part(
            invoice=credited_invoice,
            amount=document.total_with_vat,
            on_retention=document.credits_retention,
        )
    last_number, last_date = _counter_lock(series, day.year)
    if last_date is not None and day < last_date:
        raise ApplicationError(
            _(
                "La numérotation est chronologique : la dernière facture de la série est "
                "du %(date)s."
            )
            % {"date": last_date.strftime("%d/%m/%Y")}
        )
    number = format_number(series, day.year, last_number + 1)
    document.vat_on_receipts = (
        not settings.vat_on_debits and document.category != OperationCategory.GOODS
    )
    document.issue_date = day
    entry = document_post(document=document, number=number, user=user)
    with db_errors():
        Document.objects.filter(pk=document.pk).update(
            status=Document.Status.VALIDATED,
            series=series,
            issue_date=day,
            vat_on_receipts=document.vat_on_receipts,
            entry=entry,
            validated_at=timezone.now(),
            validated_by=user,
            lines_total=document.lines_total,
            allowance_total=document.allowance_total,
            total_without_vat=document.total_without_vat,
            vat_total=document.vat_total,
            total_with_vat=document.total_with_vat,
            prepaid_total=document.prepaid_total,
            amount_due=document.amount_due,
            retention_amount=document.retention_amount,
            retention_credited=document.retention_credited,
        )
    document.refresh_from_db()
    if document.number != number:  # the database numbered it: the entry must cite that number
        raise ApplicationError(_("Numérotation concurrente inattendue : rien n'a été validé."))
    if document.kind == Document.Kind.CREDIT_NOTE:
        from sales.services.payments import letter_invoice, letter_retention

        letter_invoice(invoice=document.credited_invoice)  # type: ignore[arg-type]
        letter_retention(invoice=document.credited_invoice, date=day)  # type: ignore[arg-type]
    if render:
        from sales.services.rendering import document_pdf_request

        document_pdf_request(document=document)
    return document


@transaction.atomic
def credit_note_create(
    *,
    invoice: Document,
    user: User | None = None,
    lines: Sequence[LineData] | None = None,
    title: str = "",
    on_retention: bool = False,
) -> Document:
    """A draft credit note citing `invoice`: all its lines (full credit) or the given ones.

    On a situation whose retention is still withheld, it takes back the retention's share of
    what it credits; `on_retention` makes it a credit note on the retention alone (the customer
    keeps it, e.g. for reserves not lifted), its whole amount credited to 4117."""
    if invoice.kind != Document.Kind.INVOICE or invoice.status != Document.Status.VALIDATED:
        raise ApplicationError(_("Un avoir rectifie une facture validée."))
    if on_retention:
        from sales.services.payments import retention_held

        if not retention_held(invoice=invoice):
            raise ApplicationError(
                _("Cette facture n'a plus de retenue de garantie retenue à créditer.")
            )
        if lines is None:
            raise ApplicationError(
                _("Un avoir sur la retenue de garantie donne ses lignes (le montant repris).")
            )
    return document_create(
        credits_retention=on_retention,
        kind=Document.Kind.CREDIT_NOTE,
        activity=invoice.activity,
        customer=invoice.customer,
        lines=lines if lines is not None else _copy_lines(invoice),
        user=user,
        credited_invoice=invoice,
        title=title or _("Avoir sur la facture %(number)s") % {"number": invoice.number},
        **{
            name: getattr(invoice, name)
            for name in DOCUMENT_FIELDS
            if name not in ("title", "due_date", "validity_date")
        },
    )
