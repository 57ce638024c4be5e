"""Writes of the sales app. Import from here: `from sales.services import invoice_validate`."""

from sales.services.customers import (
    contact_create,
    customer_create,
    customer_third_party,
    customer_update,
    customers_import_csv,
    product_create,
    product_update,
    settings_get,
    settings_update,
)
from sales.services.documents import (
    LineData,
    credit_note_create,
    document_create,
    document_delete,
    document_duplicate,
    document_totals,
    document_update,
    invoice_validate,
    missing_mentions,
)
from sales.services.payments import (
    invoice_creditable,
    invoice_outstanding,
    invoice_paid,
    payment_record,
)
from sales.services.quotes import (
    deposits_to_deduct,
    quote_answer,
    quote_invoice,
    quote_send,
    quotes_expire,
)

__all__ = [
    "LineData",
    "contact_create",
    "credit_note_create",
    "customer_create",
    "customer_third_party",
    "customer_update",
    "customers_import_csv",
    "deposits_to_deduct",
    "document_create",
    "document_delete",
    "document_duplicate",
    "document_totals",
    "document_update",
    "invoice_creditable",
    "invoice_outstanding",
    "invoice_paid",
    "invoice_validate",
    "missing_mentions",
    "payment_record",
    "product_create",
    "product_update",
    "quote_answer",
    "quote_invoice",
    "quote_send",
    "quotes_expire",
    "settings_get",
    "settings_update",
]
