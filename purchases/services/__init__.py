"""Writes of the purchases app. Import from here: `from purchases.services import ...`."""

from purchases.services.common import settings_get
from purchases.services.credit_notes import (
    supplier_credit_note_create,
    supplier_invoice_remaining,
)
from purchases.services.expenses import (
    expense_line_add,
    expense_report_get_or_create,
    expense_report_submit,
    expense_report_total,
    expense_report_totals,
    expense_report_validate,
    mileage_add,
)
from purchases.services.invoices import (
    InvoiceLineData,
    may_validate,
    supplier_invoice_assign,
    supplier_invoice_create,
    supplier_invoice_dispute,
    supplier_invoice_refuse,
    supplier_invoice_submit,
    supplier_invoice_update,
    supplier_invoice_validate,
)
from purchases.services.payments import payment_batch_create, payment_batch_mark_sent
from purchases.services.platform import (
    SyncReport,
    platform_configured,
    platform_connector,
    platform_sync,
)
from purchases.services.reception import (
    cooperative_vat_number,
    einvoice_receive,
    routing_address_for,
    routing_addresses_ensure,
)
from purchases.services.settings import (
    SettingsData,
    platform_token_unreadable,
    purchase_settings_update,
    token_unreadable_message,
)
from purchases.services.settlement import (
    purchases_settle_from_ledger,
    purchases_unsettle_from_ledger,
)
from purchases.services.suppliers import supplier_create, supplier_update

__all__ = [
    "InvoiceLineData",
    "SettingsData",
    "SyncReport",
    "cooperative_vat_number",
    "einvoice_receive",
    "expense_line_add",
    "expense_report_get_or_create",
    "expense_report_submit",
    "expense_report_total",
    "expense_report_totals",
    "expense_report_validate",
    "may_validate",
    "mileage_add",
    "payment_batch_create",
    "payment_batch_mark_sent",
    "platform_configured",
    "platform_connector",
    "platform_sync",
    "platform_token_unreadable",
    "purchase_settings_update",
    "purchases_settle_from_ledger",
    "purchases_unsettle_from_ledger",
    "routing_address_for",
    "routing_addresses_ensure",
    "settings_get",
    "supplier_create",
    "supplier_credit_note_create",
    "supplier_invoice_assign",
    "supplier_invoice_create",
    "supplier_invoice_dispute",
    "supplier_invoice_refuse",
    "supplier_invoice_remaining",
    "supplier_invoice_submit",
    "supplier_invoice_update",
    "supplier_invoice_validate",
    "supplier_update",
    "token_unreadable_message",
]
