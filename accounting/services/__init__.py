"""Writes of the ledger. Import from here: `from accounting.services import entry_post`."""

from accounting.services.batch import BulkResult, entries_post_bulk
from accounting.services.chart import account_create, chart_seed_defaults
from accounting.services.closing import (
    closing_state,
    fiscal_year_close,
    fiscal_year_close_check,
    fiscal_year_close_request,
    fiscal_year_close_run,
    opening_entries_generate,
)
from accounting.services.contribution import contribution_post
from accounting.services.entries import (
    entry_draft_create,
    entry_draft_delete,
    entry_draft_update,
    entry_post,
    entry_reverse,
    entry_validate,
)
from accounting.services.entry_checks import EntryInput, LineInput
from accounting.services.fiscal import (
    fiscal_year_create,
    fiscal_year_ensure,
    fiscal_year_for_date,
    fiscal_year_start_closing,
    period_lock_set,
    periods_lock_until,
)
from accounting.services.lettering import lines_letter, lines_unletter
from accounting.services.third_parties import third_party_create

__all__ = [
    "BulkResult",
    "EntryInput",
    "LineInput",
    "account_create",
    "chart_seed_defaults",
    "closing_state",
    "contribution_post",
    "entries_post_bulk",
    "entry_draft_create",
    "entry_draft_delete",
    "entry_draft_update",
    "entry_post",
    "entry_reverse",
    "entry_validate",
    "fiscal_year_close",
    "fiscal_year_close_check",
    "fiscal_year_close_request",
    "fiscal_year_close_run",
    "fiscal_year_create",
    "fiscal_year_ensure",
    "fiscal_year_for_date",
    "fiscal_year_start_closing",
    "lines_letter",
    "lines_unletter",
    "opening_entries_generate",
    "period_lock_set",
    "periods_lock_until",
    "third_party_create",
]
