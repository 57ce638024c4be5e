"""The cooperative's purchase settings: validation cap, receipts, the paying bank account and
the connection to its accredited platform. The platform's access token is write-only: it is
saved, replaced or cleared, and never read back by a page, the API or the settings' audit. It is
stored encrypted (perspectives.core.secrets); only the connector gets it in clear."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from accounting.models import ACCOUNT_CODE_RE
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.core.secrets import SecretUnreadable, decrypt, encrypt
from perspectives.tenancy.services import setting_change_record
from purchases.models import PurchaseSettings
from purchases.services.common import settings_get
from purchases.services.suppliers import bank_details_clean

TOKEN_MASK = "••••••••"  # noqa: S105 - what the page shows instead of the token
TOKEN_MAX_LENGTH = 200
EDITABLE = (
    "self_validation_cap",
    "receipt_required_above",
    "expense_payable_account",
    "debtor_name",
    "debtor_iban",
    "debtor_bic",
    "sepa_version",
    "platform_url",
    "platform_directory_url",
    "platform_token_url",
    "platform_client_id",
)


@dataclass(frozen=True)
class SettingsData:
    self_validation_cap: Decimal
    receipt_required_above: Decimal
    expense_payable_account: str
    debtor_name: str
    debtor_iban: str
    debtor_bic: str
    sepa_version: str
    platform_url: str
    # The Directory Service's address when the platform serves it apart (blank: the same).
    platform_directory_url: str = ""
    # OAuth2 client credentials, for a platform that issues its tokens (blank: a fixed token).
    platform_token_url: str = ""
    platform_client_id: str = ""


def platform_url_check(url: str) -> str:
    url = url.strip()
    if url and not url.startswith(("https://", "http://127.0.0.1", "http://localhost")):
        raise ApplicationError(_("L'adresse de la plateforme doit être en HTTPS."))
    return url.rstrip("/")


def token_unreadable_message() -> str:
    return _(
        "Le jeton d'accès enregistré ne peut pas être déchiffré : la clé de chiffrement "
        "(FIELD_ENCRYPTION_KEYS) a changé sans garder l'ancienne. Saisissez de nouveau le jeton "
        "que la plateforme vous a remis."
    )


def platform_token_clear(config: PurchaseSettings) -> str:
    """The saved token in clear, for the connector only; a French reason when no key opens it."""
    try:
        return decrypt(config.platform_token)
    except SecretUnreadable as error:
        raise ApplicationError(token_unreadable_message()) from error


def oauth_configured(config: PurchaseSettings) -> bool:
    """Whether the platform is reached with OAuth2 client credentials rather than a token."""
    return bool(
        config.platform_token_url and config.platform_client_id and config.platform_client_secret
    )


def platform_client_secret_clear(config: PurchaseSettings) -> str:
    """The saved OAuth2 client secret in clear, for the connector only."""
    try:
        return decrypt(config.platform_client_secret)
    except SecretUnreadable as error:
        raise ApplicationError(
            _(
                "Le secret client OAuth2 enregistré ne peut pas être déchiffré : la clé de "
                "chiffrement (FIELD_ENCRYPTION_KEYS) a changé sans garder l'ancienne. Saisissez "
                "de nouveau le secret que la plateforme vous a remis."
            )
        ) from error


def platform_token_unreadable(config: PurchaseSettings) -> bool:
    """Whether a token is saved that the current keys cannot decrypt (the page says so)."""
    try:
        decrypt(config.platform_token)
    except SecretUnreadable:
        return True
    return False


def _audited(config: PurchaseSettings) -> dict[str, object]:
    values: dict[str, object] = {key: getattr(config, key) for key in EDITABLE}
    # The audit says the token or the secret changed, never what it is.
    values["platform_token"] = TOKEN_MASK if config.platform_token else ""
    values["platform_client_secret"] = TOKEN_MASK if config.platform_client_secret else ""
    return values


def _secret_replace(stored: str, new: str) -> tuple[str, bool]:
    """The encrypted `new` secret and whether it differs from the `stored` one."""
    try:
        replaced = new != decrypt(stored)
    except SecretUnreadable:
        replaced = True
    return encrypt(new), replaced


@transaction.atomic
def purchase_settings_update(
    *,
    data: SettingsData,
    platform_token: str | None = None,
    clear_token: bool = False,
    platform_client_secret: str | None = None,
    clear_client_secret: bool = False,
    user: User | None = None,
) -> PurchaseSettings:
    """Save the settings; `platform_token` None keeps the saved token, `clear_token` removes it;
    the same for the OAuth2 client secret. A new platform address starts receiving from its
    first flow (the cursor is reset)."""
    config = PurchaseSettings.objects.select_for_update().get(pk=settings_get().pk)
    before = _audited(config)
    if data.self_validation_cap < 0 or data.receipt_required_above < 0:
        raise ApplicationError(_("Les montants des réglages sont positifs ou nuls."))
    account = data.expense_payable_account.strip()
    if not re.fullmatch(ACCOUNT_CODE_RE, account):
        raise ApplicationError(
            _("« %(code)s » n'est pas un numéro de compte du plan comptable.") % {"code": account}
        )
    if data.sepa_version not in PurchaseSettings.SepaVersion.values:
        raise ApplicationError(_("Version SEPA inconnue."))
    iban, bic = bank_details_clean(iban=data.debtor_iban, bic=data.debtor_bic)
    url = platform_url_check(data.platform_url)
    if url != config.platform_url:
        config.platform_cursor = ""
    config.self_validation_cap = data.self_validation_cap
    config.receipt_required_above = data.receipt_required_above
    config.expense_payable_account = account
    config.debtor_name = data.debtor_name.strip()[:70]
    config.debtor_iban, config.debtor_bic = iban, bic
    config.sepa_version = data.sepa_version
    config.platform_url = url
    config.platform_directory_url = platform_url_check(data.platform_directory_url)
    token_replaced = False
    if clear_token:
        config.platform_token = ""
    elif platform_token is not None and platform_token.strip():
        token = platform_token.strip()
        if len(token) > TOKEN_MAX_LENGTH:
            raise ApplicationError(_("Jeton trop long (200 caractères au plus)."))
        config.platform_token, token_replaced = _secret_replace(config.platform_token, token)
    config.platform_token_url = platform_url_check(data.platform_token_url)
    config.platform_client_id = data.platform_client_id.strip()[:200]
    secret_replaced = False
    if clear_client_secret:
        config.platform_client_secret = ""
    elif platform_client_secret is not None and platform_client_secret.strip():
        secret = platform_client_secret.strip()
        if len(secret) > TOKEN_MAX_LENGTH:
            raise ApplicationError(_("Secret client trop long (200 caractères au plus)."))
        config.platform_client_secret, secret_replaced = _secret_replace(
            config.platform_client_secret, secret
        )
    oauth_fields = (
        config.platform_token_url,
        config.platform_client_id,
        config.platform_client_secret,
    )
    if any(oauth_fields) and not all(oauth_fields):
        raise ApplicationError(
            _(
                "Pour OAuth2, donnez l'adresse d'obtention des jetons, l'identifiant client et "
                "le secret client, ou aucun des trois."
            )
        )
    if config.platform_url and not (config.platform_token or all(oauth_fields)):
        raise ApplicationError(_("Donnez le jeton d'accès que la plateforme vous a remis."))
    config.save()
    after = _audited(config)
    for key, replaced in (
        ("platform_token", token_replaced),
        ("platform_client_secret", secret_replaced),
    ):
        if before[key] and after[key] and replaced:
            after[key] = _("%(mask)s (remplacé)") % {"mask": TOKEN_MASK}
    setting_change_record(section="purchases", before=before, after=after, by=user)
    return config
