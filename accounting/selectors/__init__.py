"""Reads of the ledger, one module per subject; everything public is importable from here.

`access` (who sees what), `sums` (balances from the monthly balances and the lines; how opening
entries count), `balances` (trial balance), `ledgers` (ledger lines, the general ledger),
`statements` (an activity's P&L, the treasury statement), `lookups` (for pages), `closing`
(year-end results and opening entries).
"""

from __future__ import annotations

from accounting.selectors.access import (
    activities_visible,
    activity_get_for_member,
)
from accounting.selectors.balances import (
    TrialBalance,
    TrialBalanceRow,
    accounts_by_id,
    activity_balances,
    trial_balance,
)
from accounting.selectors.closing import (
    SectionResult,
    opening_entries,
    year_results,
)
from accounting.selectors.ledgers import (
    LedgerLine,
    LedgerSection,
    general_ledger,
    ledger_lines,
    with_entries,
)
from accounting.selectors.lookups import (
    account_by_code,
    account_get,
    account_list,
    fiscal_year_current,
    fiscal_year_earlier_open,
    fiscal_year_get,
    fiscal_year_list,
    journal_list,
    period_list,
    third_party_by_code,
    third_party_get,
)
from accounting.selectors.statements import (
    Pnl,
    PnlRow,
    Treasury,
    activity_pnl,
    pnl_account_ids,
    treasury_groups,
    treasury_statement,
)
from accounting.selectors.sums import (
    ZERO,
    Key,
    Scope,
    Split,
    Sums,
    add_to,
    balance_start,
    ledger_version,
    scope_q,
    split_range,
    sums,
    validated_lines,
)

__all__ = [
    "ZERO",
    "Key",
    "LedgerLine",
    "LedgerSection",
    "Pnl",
    "PnlRow",
    "Scope",
    "SectionResult",
    "Split",
    "Sums",
    "Treasury",
    "TrialBalance",
    "TrialBalanceRow",
    "account_by_code",
    "account_get",
    "account_list",
    "accounts_by_id",
    "activities_visible",
    "activity_balances",
    "activity_get_for_member",
    "activity_pnl",
    "add_to",
    "balance_start",
    "fiscal_year_current",
    "fiscal_year_earlier_open",
    "fiscal_year_get",
    "fiscal_year_list",
    "general_ledger",
    "journal_list",
    "ledger_lines",
    "ledger_version",
    "opening_entries",
    "period_list",
    "pnl_account_ids",
    "scope_q",
    "split_range",
    "sums",
    "third_party_by_code",
    "third_party_get",
    "treasury_groups",
    "treasury_statement",
    "trial_balance",
    "validated_lines",
    "with_entries",
    "year_results",
]
