from __future__ import annotations

from django.db.models import QuerySet

from perspectives.accounts.models import User
from perspectives.tenancy.models import Cooperative, Invitation, Membership, hash_token


def membership_get(*, user: User, cooperative_slug: str) -> Membership | None:
    """The user's membership of the cooperative with this slug, or None (missing or not theirs)."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.select_related("cooperative")
        .filter(user=user, cooperative__slug=cooperative_slug)
        .first()
    )


def membership_list_for_user(*, user: User) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(user=user)
        .select_related("cooperative")
        .order_by("cooperative__name")
    )


def membership_list(*, cooperative: Cooperative) -> QuerySet[Membership]:
    return (
        Membership.objects.filter(cooperative=cooperative)
        .select_related("user")
        .order_by("user__last_name", "user__first_name", "user__email")
    )


def membership_get_for_member(*, cooperative: Cooperative, membership_id: int) -> Membership:
    """A membership of the current cooperative; the same 404 for missing and foreign ids."""
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Membership, cooperative=cooperative, pk=membership_id)


def invitation_list_pending(*, cooperative: Cooperative) -> QuerySet[Invitation]:
    return Invitation.objects.filter(
        cooperative=cooperative, accepted_at__isnull=True, revoked_at__isnull=True
    ).order_by("-created_at")


def invitation_get_for_member(*, cooperative: Cooperative, invitation_id: int) -> Invitation:
    from django.shortcuts import get_object_or_404

    return get_object_or_404(Invitation, cooperative=cooperative, pk=invitation_id)


def invitation_get_by_token(*, token: str) -> Invitation | None:
    return (
        Invitation.objects.select_related("cooperative")
        .filter(token_hash=hash_token(token))
        .first()
    )


def user_has_mfa(*, user: User) -> bool:
    from allauth.mfa.models import Authenticator

    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())
