"""Who sees what: the activities a member's role lets them read."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.shortcuts import get_object_or_404

from accounting.permissions import sees_whole_ledger
from entrepreneurs.models import Activity
from perspectives.tenancy.models import Membership, Role


def activities_visible(*, membership: Membership) -> QuerySet[Activity]:
    """The activities whose ledger this member may read: all for the accounting team and
    managers; their portfolio's for support staff; their own for an entrepreneur."""
    activities = Activity.objects.select_related("sector").order_by("analytic_code")
    if sees_whole_ledger(membership):
        return activities
    condition = Q(pk__in=[])
    if membership.has_role(Role.ENTREPRENEUR):
        condition |= Q(members__entrepreneur__user_id=membership.user_id)
    if membership.has_role(Role.SUPPORT):
        condition |= Q(members__entrepreneur__referent_id=membership.user_id)
    return activities.filter(condition).distinct()


def activity_get_for_member(*, membership: Membership, activity_id: int) -> Activity:
    """404 alike for a missing activity and for someone else's."""
    return get_object_or_404(activities_visible(membership=membership), pk=activity_id)
