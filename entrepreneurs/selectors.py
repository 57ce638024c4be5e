from __future__ import annotations

from django.db.models import Count, Q, QuerySet
from django.shortcuts import get_object_or_404

from entrepreneurs.models import Entrepreneur, Sector
from perspectives.tenancy.models import Membership


def sector_list() -> QuerySet[Sector]:
    sectors: QuerySet[Sector] = Sector.objects.annotate(
        entrepreneur_count=Count("entrepreneurs")
    ).order_by("position", "name")
    return sectors


def entrepreneur_list(*, sector_id: int | None = None, search: str = "") -> QuerySet[Entrepreneur]:
    queryset = Entrepreneur.objects.select_related("sector", "referent")
    if sector_id is not None:
        queryset = queryset.filter(sector_id=sector_id)
    for word in search.split():
        queryset = queryset.filter(Q(last_name__icontains=word) | Q(first_name__icontains=word))
    return queryset.order_by("last_name", "first_name")


def entrepreneur_list_visible(*, membership: Membership) -> QuerySet[Entrepreneur]:
    """Staff see every file of the cooperative; an entrepreneur only their own."""
    queryset = entrepreneur_list()
    if membership.is_staff_member:
        return queryset
    return queryset.filter(user_id=membership.user_id)


def entrepreneur_get_for_member(*, membership: Membership, entrepreneur_id: int) -> Entrepreneur:
    """The same 404 for a missing file, another cooperative's, and one the member may not see."""
    return get_object_or_404(entrepreneur_list_visible(membership=membership), pk=entrepreneur_id)


def entrepreneur_get_for_user(*, membership: Membership) -> Entrepreneur | None:
    return entrepreneur_list().filter(user_id=membership.user_id).first()
