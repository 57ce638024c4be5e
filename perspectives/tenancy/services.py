"""Writes on cooperatives, memberships and invitations."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal

from django.conf import settings
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.models import (
    Cooperative,
    Invitation,
    LegalForm,
    Membership,
    Role,
    hash_token,
)
from perspectives.tenancy.validators import validate_siren

_VALID_ROLES = {role.value for role in Role}


def _clean_roles(roles: list[str] | set[str] | tuple[str, ...]) -> list[str]:
    cleaned = [role.value for role in Role if role.value in set(roles)]
    if not roles or set(roles) - _VALID_ROLES:
        raise ApplicationError(_("Choisissez au moins un rôle valide."))
    return cleaned


@transaction.atomic
def cooperative_create(
    *,
    name: str,
    slug: str,
    siren: str,
    legal_form: str = LegalForm.SCOP_SARL,
    default_contribution_rate: Decimal = Decimal("11.00"),
    fiscal_year_start_month: int = 1,
    address_line: str = "",
    postal_code: str = "",
    city: str = "",
) -> Cooperative:
    validate_siren(siren)
    cooperative = Cooperative(
        name=name,
        slug=slug,
        siren=siren,
        legal_form=legal_form,
        default_contribution_rate=default_contribution_rate,
        fiscal_year_start_month=fiscal_year_start_month,
        address_line=address_line,
        postal_code=postal_code,
        city=city,
    )
    cooperative.full_clean()
    cooperative.save()
    return cooperative


@transaction.atomic
def membership_set(*, cooperative: Cooperative, user: User, roles: list[str]) -> Membership:
    """Create the membership, or replace its roles (idempotent)."""
    membership, _created = Membership.objects.update_or_create(
        cooperative=cooperative, user=user, defaults={"roles": _clean_roles(roles)}
    )
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, removed_by: User) -> None:
    """Access ends at once: the middleware reads memberships on every request."""
    if membership.user_id == removed_by.pk:
        raise ApplicationError(_("Vous ne pouvez pas retirer votre propre adhésion."))
    admins = Membership.objects.select_for_update().filter(
        cooperative_id=membership.cooperative_id, roles__contains=[Role.ADMIN]
    )
    if Role.ADMIN in membership.roles and admins.count() <= 1:
        raise ApplicationError(_("La coopérative doit garder au moins un·e administrateur·rice."))
    membership.delete()


def _invitation_url(token: str) -> str:
    return f"{settings.SITE_URL}{reverse('invitation_accept', args=[token])}"


@transaction.atomic
def invitation_create(
    *, cooperative: Cooperative, email: str, roles: list[str], invited_by: User | None
) -> tuple[Invitation, str]:
    """Invite a person by e-mail; returns the invitation and the (only) copy of its token."""
    email = email.strip().lower()
    if Membership.objects.filter(cooperative=cooperative, user__email__iexact=email).exists():
        raise ApplicationError(_("Cette personne est déjà membre de la coopérative."))
    token = secrets.token_urlsafe(32)
    invitation = Invitation(
        cooperative=cooperative,
        email=email,
        roles=_clean_roles(roles),
        token_hash=hash_token(token),
        invited_by=invited_by,
        expires_at=timezone.now() + timedelta(days=settings.INVITATION_VALIDITY_DAYS),
    )
    try:
        with transaction.atomic():
            invitation.save()
    except IntegrityError as exc:
        raise ApplicationError(_("Une invitation est déjà en attente pour cette adresse.")) from exc
    context = {"invitation": invitation, "url": _invitation_url(token), "invited_by": invited_by}
    transaction.on_commit(
        lambda: send_mail(
            subject=_("Invitation à rejoindre %(name)s sur Perspectives")
            % {"name": cooperative.name},
            message=render_to_string("tenancy/email/invitation.txt", context),
            from_email=None,
            recipient_list=[email],
        )
    )
    return invitation, token


@transaction.atomic
def invitation_revoke(*, invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    if not invitation.is_pending:
        raise ApplicationError(_("Cette invitation n'est plus en attente."))
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def _lock_pending(invitation: Invitation) -> Invitation:
    invitation = (
        Invitation.objects.select_for_update().select_related("cooperative").get(pk=invitation.pk)
    )
    if not invitation.is_pending:
        raise ApplicationError(_("Cette invitation a déjà été utilisée ou annulée."))
    if invitation.is_expired:
        raise ApplicationError(
            _("Cette invitation a expiré. Demandez une nouvelle invitation à votre coopérative.")
        )
    return invitation


# What the domain apps do when a person joins a cooperative (the entrepreneurs app links the
# file opened for their address). The foundation imports no domain app, so they register here
# in their AppConfig.ready(); each runs in the accepting transaction.
MEMBERSHIP_JOINED_HOOKS: list[Callable[[Membership], None]] = []


def _join(invitation: Invitation, user: User) -> Membership:
    existing = Membership.objects.filter(cooperative=invitation.cooperative, user=user).first()
    roles = sorted(set(invitation.roles) | set(existing.roles if existing else []))
    membership = membership_set(cooperative=invitation.cooperative, user=user, roles=roles)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    for hook in MEMBERSHIP_JOINED_HOOKS:
        hook(membership)
    return membership


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user: User) -> Membership:
    """Attach an existing, logged-in account; its e-mail must be the invited one."""
    invitation = _lock_pending(invitation)
    if user.email.lower() != invitation.email.lower():
        raise ApplicationError(
            _("Cette invitation a été envoyée à une autre adresse que celle de votre compte.")
        )
    return _join(invitation, user)


@transaction.atomic
def invitation_accept_new_account(
    *, invitation: Invitation, first_name: str, last_name: str, password: str
) -> Membership:
    """Create the invited person's account. Opening the e-mailed link proves the address."""
    from allauth.account.models import EmailAddress

    invitation = _lock_pending(invitation)
    if User.objects.filter(email__iexact=invitation.email).exists():
        raise ApplicationError(
            _("Un compte existe déjà pour cette adresse : connectez-vous pour accepter.")
        )
    user = User.objects.create_user(
        invitation.email, password, first_name=first_name.strip(), last_name=last_name.strip()
    )
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    return _join(invitation, user)
