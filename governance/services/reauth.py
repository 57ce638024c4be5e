"""Re-authentication with a second factor before casting a secret ballot (issue #6).

A secret ballot cannot be checked afterwards by its voter's name, so whoever holds a session
(an unlocked computer, a stolen cookie) could vote unseen. Associates who have TOTP (allauth's
MFA, as the tenancy middleware requires for some roles) give a fresh code with each secret
ballot; a code is accepted once (allauth marks it used), so a replayed request is refused.
Associates without TOTP ask for a one-time code by e-mail (the mailbox is their second
factor, so nobody is shut out for lack of a phone): six digits, kept hashed in the cache for
ten minutes, five tries, spent by the vote that uses it.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.core.cache import cache
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError

EMAIL_CODE_SECONDS = 600
EMAIL_CODE_TRIES = 5


def _code_key(user: User) -> str:
    return f"governance:ballot-code:{user.pk}"


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode()).hexdigest()


def secret_ballot_code_send(*, user: User) -> None:
    """E-mail a one-time code to an associate without TOTP; a new request replaces the old code."""
    code = f"{secrets.randbelow(10**6):06d}"
    cache.set(_code_key(user), {"digest": _digest(code), "tries": 0}, EMAIL_CODE_SECONDS)
    send_mail(
        _("Votre code pour voter à bulletin secret"),
        _(
            "Votre code de confirmation : %(code)s\n\nIl est valable 10 minutes, pour un seul "
            "vote. Si vous n'avez rien demandé, ignorez ce message : sans ce code, personne ne "
            "peut voter à bulletin secret à votre place."
        )
        % {"code": code},
        None,
        [user.email],
    )


def _email_code_check(*, user: User, code: str) -> None:
    key = _code_key(user)
    stored = cache.get(key)
    if stored is None:
        raise ApplicationError(
            _(
                "Vote à bulletin secret : demandez un code par e-mail (valable 10 minutes) puis "
                "saisissez-le. Votre vote n'est pas enregistré."
            )
        )
    if not code or not hmac.compare_digest(stored["digest"], _digest(code)):
        tries = stored["tries"] + 1
        if tries >= EMAIL_CODE_TRIES:
            cache.delete(key)
        else:
            cache.set(key, {**stored, "tries": tries}, EMAIL_CODE_SECONDS)
        raise ApplicationError(
            _(
                "Code reçu par e-mail incorrect : votre vote n'est pas enregistré. Saisissez le "
                "dernier code reçu, ou demandez-en un nouveau."
            )
        )
    if not cache.delete(key):  # another request spent it first
        raise ApplicationError(_("Ce code a déjà servi : demandez-en un nouveau."))


def user_has_totp(*, user: User) -> bool:
    return bool(Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists())


def secret_ballot_reauthenticate(*, user: User, code: str) -> None:
    """Check a fresh TOTP code of `user`, or the code e-mailed to a user without TOTP. Raises
    ApplicationError on a missing, wrong or already used code."""
    authenticator = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
    code = "".join(code.split())
    if authenticator is None:
        _email_code_check(user=user, code=code)
        return
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
