"""Who may do what with purchases."""

from __future__ import annotations

from perspectives.tenancy.models import Membership, Role

# See every activity's purchases and validate them.
VALIDATOR_ROLES = (Role.SUPPORT, Role.ACCOUNTANT, Role.MANAGER, Role.ADMIN)
# Pay: build SEPA batches and mark them sent; manage suppliers' bank details.
PAYER_ROLES = (Role.ACCOUNTANT, Role.MANAGER, Role.ADMIN)


def sees_all_purchases(membership: Membership) -> bool:
    return membership.has_role(*VALIDATOR_ROLES)


def may_pay(membership: Membership) -> bool:
    return membership.has_role(*PAYER_ROLES)
