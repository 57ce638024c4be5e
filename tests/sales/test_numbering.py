"""Invoice numbers come from the database: continuous and chronological per series and year,
under concurrency; a validated invoice never changes, even through raw SQL."""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError, connection, transaction

from accounting.models import Entry
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context
from sales import services
from sales.models import Document, InvoiceCounter
from tests.factories import CooperativeFactory
from tests.sales.conftest import DAY, Sales, build_sales


def _sql(query: str, params: list[Any] | None = None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(query, params or [])


def _in_threads(target: Callable[[int], Any], count: int) -> list[Any]:
    results: list[Any] = [None] * count
    barrier = threading.Barrier(count)

    def run(index: int) -> None:
        try:
            barrier.wait()
            results[index] = target(index)
        except BaseException as exc:
            results[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return results


@pytest.mark.django_db(transaction=True)
def test_eight_concurrent_validations_leave_no_gap_and_no_duplicate() -> None:
    cooperative = CooperativeFactory.create()
    with cooperative_context(cooperative.pk):
        sales = build_sales(cooperative)
        drafts = [sales.invoice().pk for _ in range(8)]
        # One more draft fails half-way (its mentions are incomplete): it takes no number.
        broken = sales.invoice(delivery_date=None).pk

    def validate(index: int) -> str:
        with cooperative_context(cooperative.pk):
            if index == 8:
                try:
                    services.invoice_validate(document=Document.objects.get(pk=broken), date=DAY)
                except ApplicationError:
                    return "refused"
            document = services.invoice_validate(
                document=Document.objects.get(pk=drafts[index]), date=DAY
            )
            return document.number

    results = _in_threads(validate, 9)

    assert results[8] == "refused"
    assert sorted(results[:8]) == [f"F2026-{n:05d}" for n in range(1, 9)]
    with cooperative_context(cooperative.pk):
        sequences = Document.objects.filter(status="validated").values_list("sequence", flat=True)
        assert sorted(n or 0 for n in sequences) == list(range(1, 9))
        assert InvoiceCounter.objects.get(series="F", year=2026).last_number == 8
        pieces = set(Entry.objects.filter(journal__code="VT").values_list("piece_ref", flat=True))
        assert pieces == {f"F2026-{n:05d}" for n in range(1, 9)}


def test_numbers_follow_each_series_and_year_and_the_calendar(sales: Sales) -> None:
    first = sales.validated_invoice()
    second = services.invoice_validate(document=sales.invoice(), date=DAY + dt.timedelta(days=1))
    credit = services.invoice_validate(
        document=services.credit_note_create(invoice=first), date=DAY + dt.timedelta(days=1)
    )

    assert (first.number, second.number, credit.number) == (
        "F2026-00001",
        "F2026-00002",
        "AV2026-00001",
    )
    late = sales.invoice()
    with pytest.raises(ApplicationError, match="chronologique"):
        services.invoice_validate(document=late, date=DAY)
    late.refresh_from_db()
    assert late.number == ""


def _raw_refused(query: str, params: list[Any]) -> str:
    with pytest.raises(DatabaseError) as error, transaction.atomic():
        _sql(query, params)
    return str(error.value)


def test_a_validated_invoice_is_immutable_in_the_database(sales: Sales) -> None:
    invoice = sales.validated_invoice()
    line = invoice.lines.get()

    assert "immuable" in _raw_refused(
        "UPDATE sales_document SET total_with_vat = 1, total_without_vat = 1, vat_total = 0, "
        "amount_due = 1 WHERE id = %s",
        [invoice.pk],
    )
    assert "immuable" in _raw_refused(
        "UPDATE sales_document SET notes = 'changé' WHERE id = %s", [invoice.pk]
    )
    assert "immuable" in _raw_refused(
        "UPDATE sales_document SET status = 'draft' WHERE id = %s", [invoice.pk]
    )
    assert "ne se supprime pas" in _raw_refused(
        "DELETE FROM sales_document WHERE id = %s", [invoice.pk]
    )
    assert "ne changent plus" in _raw_refused(
        "UPDATE sales_documentline SET unit_price = 1 WHERE id = %s", [line.pk]
    )
    assert "ne changent plus" in _raw_refused(
        "DELETE FROM sales_documentline WHERE id = %s", [line.pk]
    )
    assert "ne changent plus" in _raw_refused(
        "INSERT INTO sales_documentline (cooperative_id, document_id, position, kind, label, "
        "description, quantity, unit, unit_price, discount_percent, vat_rate, account, "
        "net_amount) VALUES (%s, %s, 2, 'item', 'x', '', 1, 'C62', 1, 0, 20, '', 1)",
        [sales.cooperative.pk, invoice.pk],
    )
    invoice.refresh_from_db()
    assert (invoice.number, invoice.total_with_vat, invoice.notes) == (
        "F2026-00001",
        invoice.total_with_vat,
        "",
    )
    assert invoice.lines.count() == 1


def test_a_number_cannot_be_written_nor_a_document_born_validated(sales: Sales) -> None:
    draft = sales.invoice()
    assert "Seule la validation donne un numéro" in _raw_refused(
        "UPDATE sales_document SET number = 'F2026-00099', sequence = 99 WHERE id = %s",
        [draft.pk],
    )
    assert "naît brouillon" in _raw_refused(
        "INSERT INTO sales_document (cooperative_id, activity_id, customer_id, kind, type_code, "
        "status, series, number, sequence, title, category, vat_on_receipts, reverse_charge, "
        "vat_exemption, discount_percent, payment_terms, discount_terms, fixed_indemnity, "
        "buyer_reference, notes, lines_total, allowance_total, total_without_vat, vat_total, "
        "total_with_vat, prepaid_total, amount_due, created_at) VALUES (%s, %s, %s, 'invoice', "
        "'380', 'draft', 'F', 'F2026-00007', 7, '', 'services', true, false, '', 0, '', '', "
        "false, '', '', 0, 0, 0, 0, 0, 0, 0, now())",
        [sales.cooperative.pk, sales.activity.pk, sales.customer.pk],
    )


def test_the_services_refuse_to_change_a_validated_invoice(sales: Sales) -> None:
    invoice = sales.validated_invoice()
    with pytest.raises(ApplicationError, match="établissez un avoir"):
        services.document_update(document=invoice, notes="x")
    with pytest.raises(ApplicationError, match="établissez un avoir"):
        services.document_delete(document=invoice)
