from __future__ import annotations

from decimal import Decimal

from accounting.models import EntryLine
from sales.models import Document
from tests.sales.conftest import DAY, Sales

D = Decimal


def _lines(document: Document) -> list[tuple[str, Decimal, Decimal]]:
    return [
        (line.account.code, line.debit, line.credit)
        for line in EntryLine.objects.filter(entry=document.entry)
        .select_related("account")
        .order_by("account__code")
    ]


def test_a_validated_invoice_is_numbered_and_posted(sales: Sales) -> None:
    invoice = sales.validated_invoice()

    assert invoice.status == Document.Status.VALIDATED
    assert invoice.number == "F2026-00001"
    assert invoice.issue_date == DAY
    assert (invoice.total_without_vat, invoice.vat_total, invoice.total_with_vat) == (
        D("1000.00"),
        D("200.00"),
        D("1200.00"),
    )
    assert _lines(invoice) == [
        ("411", D("1200.00"), D("0.00")),
        ("44574", D("0.00"), D("200.00")),
        ("706", D("0.00"), D("1000.00")),
    ]
