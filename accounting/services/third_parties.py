"""Third parties: customers, suppliers, employees and social bodies (auxiliary accounts)."""

from __future__ import annotations

import re

from django.db import transaction
from django.utils.translation import gettext as _

from accounting.models import AUX_CODE_RE, Account, ThirdParty
from entrepreneurs.models import Activity
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

DEFAULT_ACCOUNT = {
    ThirdParty.Kind.CUSTOMER: "411",
    ThirdParty.Kind.SUPPLIER: "401",
    ThirdParty.Kind.EMPLOYEE: "421",
    ThirdParty.Kind.SOCIAL_BODY: "431",
    ThirdParty.Kind.OTHER: "467",
}


@transaction.atomic
def third_party_create(
    *,
    kind: str,
    code: str,
    name: str,
    account: Account | None = None,
    activity: Activity | None = None,
) -> ThirdParty:
    code = code.strip().upper()
    if not re.match(AUX_CODE_RE, code):
        raise ApplicationError(
            _("Code auxiliaire %(code)s invalide (lettres, chiffres, - et _).") % {"code": code}
        )
    if kind not in ThirdParty.Kind.values:
        raise ApplicationError(_("Type de tiers inconnu."))
    if ThirdParty.objects.filter(code=code).exists():
        raise ApplicationError(_("Le tiers %(code)s existe déjà.") % {"code": code})
    if account is None:
        account = Account.objects.filter(code=DEFAULT_ACCOUNT[ThirdParty.Kind(kind)]).first()
        if account is None:
            raise ApplicationError(_("Le plan comptable n'a pas le compte collectif attendu."))
    third_party: ThirdParty = ThirdParty.objects.create(
        cooperative_id=require_cooperative_id(),
        kind=kind,
        code=code,
        name=name.strip()[:200],
        account=account,
        activity=activity,
    )
    return third_party
