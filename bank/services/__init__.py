"""Writes of the bank app. Import from here: `from bank.services import statement_import`."""

from bank.services.accounts import (
    bank_account_create,
    bank_account_csv_mapping_set,
    bank_account_ensure,
    bic_clean,
    iban_clean,
)
from bank.services.imports import ImportResult, format_detect, statement_import

__all__ = [
    "ImportResult",
    "bank_account_create",
    "bank_account_csv_mapping_set",
    "bank_account_ensure",
    "bic_clean",
    "format_detect",
    "iban_clean",
    "statement_import",
]
