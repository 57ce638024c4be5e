from __future__ import annotations

from django.db import transaction
from rest_framework.authtoken.models import Token

from perspectives.accounts.models import User


@transaction.atomic
def api_token_rotate(*, user: User) -> str:
    """A new token for the REST API; the previous one stops working at once."""
    Token.objects.filter(user=user).delete()
    return str(Token.objects.create(user=user).key)


@transaction.atomic
def api_token_revoke(*, user: User) -> None:
    Token.objects.filter(user=user).delete()


def api_token_exists(*, user: User) -> bool:
    return bool(Token.objects.filter(user=user).exists())
