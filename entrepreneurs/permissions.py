"""Who sees what of the entrepreneurs' files."""

from __future__ import annotations

from perspectives.tenancy.models import Membership, Role

# Accompaniment (appointments, notes, action plans) is support staff's work: managers and admins
# see it too, accountants and payroll officers do not.
ACCOMPANIMENT_ROLES = (Role.SUPPORT, Role.MANAGER, Role.ADMIN)
# Staff who may open every file of the cooperative (identity, path, activities, documents).
FILE_ROLES = (Role.SUPPORT, Role.MANAGER, Role.ADMIN, Role.ACCOUNTANT, Role.PAYROLL)


def sees_all_files(membership: Membership) -> bool:
    return membership.has_role(*FILE_ROLES)


def sees_accompaniment(membership: Membership) -> bool:
    return membership.has_role(*ACCOMPANIMENT_ROLES)
