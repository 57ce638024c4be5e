from __future__ import annotations

from django.http import HttpRequest

from perspectives.tenancy.selectors import membership_list_for_user


def tenancy(request: HttpRequest) -> dict[str, object]:
    """The current cooperative and membership, and the user's cooperatives for the switcher."""
    user = getattr(request, "user", None)
    memberships = (
        membership_list_for_user(user=user) if user is not None and user.is_authenticated else []
    )
    return {
        "current_cooperative": getattr(request, "cooperative", None),
        "current_membership": getattr(request, "membership", None),
        "user_memberships": memberships,
    }
