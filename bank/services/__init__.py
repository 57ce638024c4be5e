"""Writes of the bank app. Import from here: `from bank.services import statement_import`."""

from bank.services.accounts import (
    bank_account_create,
    bank_account_csv_mapping_set,
    bank_account_ensure,
    bic_clean,
    iban_clean,
)

__all__ = [
    "bank_account_create",
    "bank_account_csv_mapping_set",
    "bank_account_ensure",
    "bic_clean",
    "iban_clean",
]
