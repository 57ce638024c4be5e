"""Writes of the sales app. Import from here: `from sales.services import invoice_validate`."""

from sales.services.approval import (
    approval_reason,
    document_approve,
    document_return,
    document_submit,
    validation_rule_set,
)
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
from sales.services.emails import document_email_request, document_email_retry
from sales.services.payments import (
    invoice_creditable,
    invoice_outstanding,
    invoice_paid,
    payment_record,
    retention_held,
)
from sales.services.quotes import (
    deposits_to_deduct,
    quote_answer,
    quote_invoice,
    quote_send,
    quotes_expire,
)
from sales.services.reminders import invoice_remind, invoices_remind, reminder_steps_set
from sales.services.retention import retention_release, retention_release_date

__all__ = [
    "LineData",
    "approval_reason",
    "contact_create",
    "credit_note_create",
    "customer_create",
    "customer_third_party",
    "customer_update",
    "customers_import_csv",
    "deposits_to_deduct",
    "document_approve",
    "document_create",
    "document_delete",
    "document_duplicate",
    "document_email_request",
    "document_email_retry",
    "document_return",
    "document_submit",
    "document_totals",
    "document_update",
    "invoice_creditable",
    "invoice_outstanding",
    "invoice_paid",
    "invoice_remind",
    "invoice_validate",
    "invoices_remind",
    "missing_mentions",
    "payment_record",
    "product_create",
    "product_update",
    "quote_answer",
    "quote_invoice",
    "quote_send",
    "quotes_expire",
    "reminder_steps_set",
    "retention_held",
    "retention_release",
    "retention_release_date",
    "settings_get",
    "settings_update",
    "validation_rule_set",
]
