"""Who sees what of the entrepreneurs' files."""

from __future__ import annotations

from typing import TYPE_CHECKING

from perspectives.tenancy.models import Membership, Role

if TYPE_CHECKING:
    from entrepreneurs.models import Entrepreneur

# Accompaniment (appointments, notes, action plans) is support staff's work: managers and admins
# see it too, accountants and payroll officers do not.
ACCOMPANIMENT_ROLES = (Role.SUPPORT, Role.MANAGER, Role.ADMIN)
# Staff who may open every file of the cooperative (identity, path, activities, documents).
FILE_ROLES = (Role.SUPPORT, Role.MANAGER, Role.ADMIN, Role.ACCOUNTANT, Role.PAYROLL)


def sees_personal_data(membership: Membership, entrepreneur: Entrepreneur) -> bool:
    """Contact details, address, bank details, emergency contact: the person, their referent and
    managers only."""
    return (
        entrepreneur.user_id == membership.user_id
        or entrepreneur.referent_id == membership.user_id
        or membership.has_role(Role.MANAGER, Role.ADMIN)
    )


def sees_all_files(membership: Membership) -> bool:
    return membership.has_role(*FILE_ROLES)


def sees_accompaniment(membership: Membership) -> bool:
    return membership.has_role(*ACCOMPANIMENT_ROLES)
