"""Secrets kept in the database (an accredited platform's access token), encrypted at rest with
Fernet (AES-128-CBC and HMAC-SHA256, from the `cryptography` package).

`settings.FIELD_ENCRYPTION_KEYS` lists the keys: the first encrypts, every one decrypts, so a key
is rotated by putting the new one first and keeping the old ones until the secrets are saved
again. Outside development the keys come from the environment; in development and tests one is
derived from SECRET_KEY (`key_derive`)."""

from __future__ import annotations

import base64

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

# Every Fernet token starts with the version byte 0x80, "gAAAAA" once in URL-safe base64.
FERNET_PREFIX = "gAAAAA"
_HKDF_INFO = b"perspectives field encryption"


class SecretUnreadable(Exception):
    """The stored secret was encrypted with a key no longer in FIELD_ENCRYPTION_KEYS."""


def key_derive(secret_key: str) -> str:
    """A Fernet key derived from SECRET_KEY (HKDF-SHA256), for development and tests only."""
    raw = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_HKDF_INFO).derive(
        secret_key.encode()
    )
    return base64.urlsafe_b64encode(raw).decode()


def _fernet(keys: list[str] | None = None) -> MultiFernet:
    from django.conf import settings

    return MultiFernet([Fernet(key) for key in (keys or settings.FIELD_ENCRYPTION_KEYS)])


def encrypt(clear: str, *, keys: list[str] | None = None) -> str:
    """The ciphertext of `clear` under the first key; an empty secret stays empty."""
    if not clear:
        return ""
    return _fernet(keys).encrypt(clear.encode()).decode()


def decrypt(stored: str, *, keys: list[str] | None = None) -> str:
    """The clear secret; raises SecretUnreadable when no key opens it."""
    if not stored:
        return ""
    try:
        return _fernet(keys).decrypt(stored.encode()).decode()
    except InvalidToken as error:
        raise SecretUnreadable from error


def is_encrypted(stored: str) -> bool:
    """Whether a stored value looks like a Fernet token (a plain one is to be encrypted)."""
    if not stored.startswith(FERNET_PREFIX):
        return False
    try:
        return base64.urlsafe_b64decode(stored.encode())[0] == 0x80
    except ValueError:
        return False
