"""Who reads which part of the ledger."""

from __future__ import annotations

from perspectives.tenancy.models import Membership, Role

# The whole ledger of the cooperative: trial balance, general ledger, FEC, every activity.
LEDGER_ROLES = (Role.ACCOUNTANT, Role.MANAGER, Role.PAYROLL)
# Closing fiscal years (and generating their opening entries).
CLOSING_ROLES = (Role.ACCOUNTANT, Role.MANAGER)
# Per-activity statements (P&L, treasury, analytic ledger), filtered to the visible activities:
# an entrepreneur's own, support staff's portfolio.
STATEMENT_ROLES = (*LEDGER_ROLES, Role.SUPPORT, Role.ENTREPRENEUR)


def sees_whole_ledger(membership: Membership) -> bool:
    return membership.has_role(*LEDGER_ROLES)


def sees_statements(membership: Membership) -> bool:
    return membership.has_role(*STATEMENT_ROLES)
