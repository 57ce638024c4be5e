"""Credit notes, deposits and the balance invoice, payments: what each posts to the ledger."""

from __future__ import annotations

from decimal import Decimal

import pytest

from accounting.models import EntryLine
from perspectives.core.exceptions import ApplicationError
from sales import services
from sales.models import Document, OperationCategory
from sales.services import LineData
from tests.sales.conftest import DAY, Sales

D = Decimal


def _entry(entry_id: int | None) -> list[tuple[str, str, str]]:
    assert entry_id is not None
    return [
        (line.account.code, str(line.debit), str(line.credit))
        for line in EntryLine.objects.filter(entry_id=entry_id)
        .select_related("account")
        .order_by("account__code", "debit")
    ]


def _balance(code: str) -> Decimal:
    lines = EntryLine.objects.filter(account__code=code)
    return sum((line.debit - line.credit for line in lines), D("0"))


def test_a_partial_credit_note_posts_the_reverse_and_lowers_what_is_owed(sales: Sales) -> None:
    invoice = sales.validated_invoice()
    draft = services.credit_note_create(
        invoice=invoice, lines=[LineData("Remise commerciale", unit_price="100.00")]
    )

    credit = services.invoice_validate(document=draft, date=DAY)

    assert (credit.type_code, credit.credited_invoice_id, credit.number) == (
        "381",
        invoice.pk,
        "AV2026-00001",
    )
    assert _entry(credit.entry_id) == [
        ("411", "0.00", "120.00"),
        ("44574", "20.00", "0.00"),
        ("706", "100.00", "0.00"),
    ]
    assert services.invoice_outstanding(invoice=invoice) == D("1080.00")
    too_much = services.credit_note_create(invoice=invoice)
    with pytest.raises(ApplicationError, match="dépasse ce qui reste à créditer"):
        services.invoice_validate(document=too_much, date=DAY)


def test_a_full_credit_note_settles_and_letters_the_invoice(sales: Sales) -> None:
    invoice = sales.validated_invoice()

    credit = services.invoice_validate(
        document=services.credit_note_create(invoice=invoice), date=DAY
    )

    assert services.invoice_outstanding(invoice=invoice) == D("0.00")
    codes = set(
        EntryLine.objects.filter(
            entry_id__in=[invoice.entry_id, credit.entry_id], account__code="411"
        ).values_list("lettering", flat=True)
    )
    assert codes == {"A"}


def test_partial_payments_move_the_vat_on_receipts_in_proportion(sales: Sales) -> None:
    invoice = sales.validated_invoice(lines=[LineData("Conseil", quantity=3, unit_price="333.33")])
    assert (invoice.total_without_vat, invoice.vat_total, invoice.total_with_vat) == (
        D("999.99"),
        D("200.00"),
        D("1199.99"),
    )

    first = services.payment_record(invoice=invoice, amount="400.00", date=DAY)
    second = services.payment_record(invoice=invoice, amount="399.99", date=DAY)
    last = services.payment_record(invoice=invoice, amount="400.00", date=DAY, method="cheque")

    assert [p.vat_released for p in (first, second, last)] == [
        D("66.67"),
        D("66.66"),
        D("66.67"),
    ]
    assert _entry(first.entry_id) == [
        ("411", "0.00", "400.00"),
        ("44571", "0.00", "66.67"),
        ("44574", "66.67", "0.00"),
        ("512", "400.00", "0.00"),
    ]
    assert _balance("44574") == D("0.00")
    assert _balance("44571") == D("-200.00")
    assert _balance("411") == D("0.00")
    assert set(
        EntryLine.objects.filter(account__code="411").values_list("lettering", flat=True)
    ) == {"A"}
    with pytest.raises(ApplicationError, match="dépasse le reste à payer"):
        services.payment_record(invoice=invoice, amount="0.01", date=DAY)


def test_goods_post_vat_collected_at_once_and_payments_move_none(sales: Sales) -> None:
    invoice = sales.validated_invoice(
        category=OperationCategory.GOODS,
        lines=[LineData("Table", unit_price="250.00", unit="C62")],
    )
    assert _entry(invoice.entry_id) == [
        ("411", "300.00", "0.00"),
        ("44571", "0.00", "50.00"),
        ("707", "0.00", "250.00"),
    ]
    payment = services.payment_record(invoice=invoice, amount="300.00", date=DAY)
    assert payment.vat_released == D("0.00")
    assert len(_entry(payment.entry_id)) == 2


def test_a_document_discount_posts_to_709(sales: Sales) -> None:
    invoice = sales.validated_invoice(discount_percent=D("10"))
    assert _entry(invoice.entry_id) == [
        ("411", "1080.00", "0.00"),
        ("44574", "0.00", "180.00"),
        ("706", "0.00", "1000.00"),
        ("709", "100.00", "0.00"),
    ]


def test_quote_deposit_then_balance(sales: Sales) -> None:
    quote = services.document_create(
        kind=Document.Kind.QUOTE,
        activity=sales.activity,
        customer=sales.customer,
        delivery_date=DAY,
        lines=[
            LineData("Site web", unit_price="1000.00"),
            LineData("Livre", unit_price="100.00", vat_rate="5.5"),
        ],
    )
    quote = services.quote_send(quote=quote, date=DAY)
    assert quote.number == "DE2026-00001"
    services.quote_answer(quote=quote, accepted=True)

    deposit = services.quote_invoice(quote=quote, mode="deposit", percent="30")
    deposit = services.invoice_validate(document=deposit, date=DAY)
    assert deposit.type_code == "386"
    assert [(line.net_amount, line.vat_rate) for line in deposit.lines.all()] == [
        (D("300.00"), D("20.00")),
        (D("30.00"), D("5.50")),
    ]
    assert (deposit.total_without_vat, deposit.vat_total, deposit.total_with_vat) == (
        D("330.00"),
        D("61.65"),
        D("391.65"),
    )
    assert _entry(deposit.entry_id) == [
        ("411", "391.65", "0.00"),
        ("4191", "0.00", "330.00"),
        ("44574", "0.00", "61.65"),
    ]
    services.payment_record(invoice=deposit, amount="391.65", date=DAY)

    balance = services.invoice_validate(
        document=services.quote_invoice(quote=quote, mode="whole"), date=DAY
    )

    assert (balance.total_with_vat, balance.prepaid_total, balance.amount_due) == (
        D("1305.50"),
        D("391.65"),
        D("913.85"),
    )
    assert _entry(balance.entry_id) == [
        ("411", "913.85", "0.00"),
        ("4191", "330.00", "0.00"),
        ("44574", "0.00", "143.85"),
        ("706", "0.00", "1100.00"),
    ]
    services.payment_record(invoice=balance, amount="913.85", date=DAY)
    assert _balance("4191") == D("0.00")
    assert _balance("44574") == D("0.00")
    assert _balance("44571") == D("-205.50")
    assert _balance("706") == D("-1100.00")
    with pytest.raises(ApplicationError, match="déjà sa facture de solde"):
        services.quote_invoice(quote=quote, mode="whole")


def test_a_deposit_by_amount_and_a_sent_quote_is_frozen(sales: Sales) -> None:
    quote = services.quote_send(quote=sales.invoice(kind=Document.Kind.QUOTE), date=DAY)
    deposit = services.quote_invoice(quote=quote, mode="deposit", amount="600.00")
    assert (deposit.total_without_vat, deposit.total_with_vat) == (D("500.00"), D("600.00"))
    with pytest.raises(ApplicationError, match="plus un brouillon"):
        services.document_update(document=quote, notes="x")
