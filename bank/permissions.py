"""Who works with the bank: the accounting team and the managers; support staff reconcile the
lines of the bank accounts dedicated to their portfolio's activities."""

from __future__ import annotations

from entrepreneurs.models import Activity
from perspectives.tenancy.models import Membership, Role

# Bank accounts, statements, reconciliation, entries by hand and the VAT return.
BANK_ROLES = (Role.ACCOUNTANT, Role.MANAGER)
# Reconciling bank lines: the above for the whole cooperative, support staff for their portfolio.
RECONCILE_ROLES = (*BANK_ROLES, Role.SUPPORT)


def handles_bank(membership: Membership) -> bool:
    return membership.has_role(*BANK_ROLES)


def portfolio_activity_ids(membership: Membership) -> frozenset[int] | None:
    """None: the whole cooperative. Otherwise the activities of the entrepreneurs whose referent
    the member is: the only ones whose bank accounts they see and whose lines they reconcile."""
    if handles_bank(membership):
        return None
    return frozenset(
        Activity.objects.filter(members__entrepreneur__referent_id=membership.user_id)
        .values_list("pk", flat=True)
        .distinct()
    )
