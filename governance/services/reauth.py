"""Re-authentication with the second factor before casting a secret ballot (issue #6).

A secret ballot cannot be checked afterwards by its voter's name, so whoever holds a session
(an unlocked computer, a stolen cookie) could vote unseen. Associates who have TOTP (allauth's
MFA, as the tenancy middleware requires for some roles) give a fresh code with each secret
ballot; a code is accepted once (allauth marks it used), so a replayed request is refused.
Associates without TOTP can still vote (the right to vote cannot depend on owning a phone):
the page and the receipt tell them, in French, to activate it.
"""

from __future__ import annotations

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.utils.translation import gettext as _

from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError


def no_second_factor_notice() -> str:
    return _(
        "Votre compte n'a pas de double authentification : votre bulletin secret est enregistré "
        "sans nouvelle vérification. Activez-la dans votre compte pour protéger vos votes."
    )


def user_has_totp(*, user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def secret_ballot_reauthenticate(*, user: User, code: str) -> bool:
    """True when `code` is a fresh TOTP code of `user`; False when the user has no TOTP (the
    caller shows `no_second_factor_notice()`). Raises ApplicationError on a missing, wrong or
    already used code."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    if authenticator is None:
        return False
    code = "".join(code.split())
    if not code:
        raise ApplicationError(
            _(
                "Vote à bulletin secret : saisissez le code à six chiffres de votre application "
                "d'authentification pour confirmer que c'est bien vous."
            )
        )
    if not TOTP(authenticator).validate_code(code):
        raise ApplicationError(
            _(
                "Code de double authentification incorrect ou déjà utilisé : votre vote n'est "
                "pas enregistré. Saisissez le code affiché maintenant par votre application."
            )
        )
    return True
