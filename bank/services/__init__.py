"""Writes of the bank app. Import from here: `from bank.services import statement_import`."""

from bank.services.accounts import (
    bank_account_create,
    bank_account_csv_mapping_set,
    bank_account_ensure,
    bic_clean,
    iban_clean,
)
from bank.services.attachments import entry_attachment_delete, entry_attachments_add
from bank.services.entries import (
    entry_balance,
    manual_entry_reverse,
    manual_entry_save,
    manual_entry_validate,
)
from bank.services.imports import ImportResult, format_detect, statement_import
from bank.services.reconciliation import (
    Allocation,
    Matcher,
    Suggestion,
    open_items,
    reconciliation_confirm,
    reconciliation_undo,
    suggestions_for,
    suggestions_for_lines,
)
from bank.services.rules import rule_create, rule_preview, rules_apply
from bank.services.templates import (
    entry_template_apply,
    entry_template_create,
    entry_template_delete,
    entry_template_lines,
    entry_template_update,
)

__all__ = [
    "Allocation",
    "ImportResult",
    "Matcher",
    "Suggestion",
    "bank_account_create",
    "bank_account_csv_mapping_set",
    "bank_account_ensure",
    "bic_clean",
    "entry_attachment_delete",
    "entry_attachments_add",
    "entry_balance",
    "entry_template_apply",
    "entry_template_create",
    "entry_template_delete",
    "entry_template_lines",
    "entry_template_update",
    "format_detect",
    "iban_clean",
    "manual_entry_reverse",
    "manual_entry_save",
    "manual_entry_validate",
    "open_items",
    "reconciliation_confirm",
    "reconciliation_undo",
    "rule_create",
    "rule_preview",
    "rules_apply",
    "statement_import",
    "suggestions_for",
    "suggestions_for_lines",
]
