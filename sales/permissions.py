"""Who uses the sales tool: entrepreneurs for their own activities, the cooperative's staff for
every activity."""

from __future__ import annotations

from perspectives.tenancy.models import Membership, Role

# Everyone who may open the sales pages.
SALES_ROLES = (Role.ENTREPRENEUR, Role.SUPPORT, Role.ACCOUNTANT, Role.MANAGER, Role.ADMIN)
# Those who see and act on every activity's customers and documents.
SALES_STAFF_ROLES = (Role.SUPPORT, Role.ACCOUNTANT, Role.MANAGER, Role.ADMIN)

# Those who validate the documents of activities that do not validate their own, and set which.
SALES_APPROVER_ROLES = (Role.SUPPORT, Role.MANAGER, Role.ADMIN)


# Those who may release a retention guarantee before one year after the acceptance of the works.
RETENTION_EARLY_ROLES = (Role.MANAGER, Role.ADMIN)


def releases_retention_early(membership: Membership) -> bool:
    return membership.has_role(*RETENTION_EARLY_ROLES)


def approves_sales(membership: Membership) -> bool:
    return membership.has_role(*SALES_APPROVER_ROLES)


def sees_all_sales(membership: Membership) -> bool:
    return membership.has_role(*SALES_STAFF_ROLES)


def uses_sales(membership: Membership) -> bool:
    return membership.has_role(*SALES_ROLES)


# Those who follow what the platform was sent and said: the e-reporting reports, the statuses
# that name no invoice.
PLATFORM_FOLLOW_ROLES = (Role.ACCOUNTANT, Role.MANAGER, Role.ADMIN)
