"""Who works with the bank: the accounting team and the managers."""

from __future__ import annotations

from perspectives.tenancy.models import Membership, Role

# Bank accounts, statements, reconciliation, entries by hand and the VAT return.
BANK_ROLES = (Role.ACCOUNTANT, Role.MANAGER)


def handles_bank(membership: Membership) -> bool:
    return membership.has_role(*BANK_ROLES)
