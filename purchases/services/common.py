"""Shared helpers of the purchase services: settings, the ledger's accounts and third parties."""

from __future__ import annotations

import datetime as dt
import hashlib
from decimal import ROUND_HALF_UP, Decimal

from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from accounting.models import Account, EntryLine, ThirdParty
from accounting.services import (
    account_create,
    chart_seed_defaults,
    lines_letter,
    third_party_create,
)
from entrepreneurs.models import Entrepreneur
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from purchases.models import PurchaseSettings, Supplier

CENT = Decimal("0.01")
SUPPLIERS = "401"
DEDUCTIBLE_VAT = "44566"
# Deductible VAT on services waiting for the payment to the supplier (a 4456x sub-account).
DEDUCTIBLE_VAT_PENDING = "44564"
DEDUCTIBLE_VAT_PENDING_LABEL = "TVA déductible en attente de paiement"
BANK = "512"
PURCHASES_JOURNAL = "AC"
EXPENSES_JOURNAL = "OD"
BANK_JOURNAL = "BQ"
MAX_UPLOAD = 10 * 1024 * 1024
UPLOAD_TYPES = {
    "application/pdf",
    "image/jpeg",
    "image/png",
    "image/heic",
    "image/webp",
    "application/xml",
    "text/xml",
}


def money(value: Decimal | int | str) -> Decimal:
    return Decimal(value).quantize(CENT, ROUND_HALF_UP)


def settings_get() -> PurchaseSettings:
    found, _created = PurchaseSettings.objects.get_or_create(
        cooperative_id=require_cooperative_id()
    )
    return found


def account_get(code: str) -> Account:
    account = Account.objects.filter(code=code).first()
    if account is None:
        chart_seed_defaults()
        account = Account.objects.filter(code=code).first()
    if account is None and code == DEDUCTIBLE_VAT_PENDING:
        # Not in the default chart: created at its first use, like sales' 44574.
        account = account_create(code=code, label=DEDUCTIBLE_VAT_PENDING_LABEL)
    if account is None:
        raise ApplicationError(
            _("Le compte %(code)s n'existe pas dans le plan comptable.") % {"code": code}
        )
    return account


def supplier_third_party(supplier: Supplier) -> ThirdParty:
    """The supplier's auxiliary account under 401, created at the first posting."""
    if supplier.third_party_id is not None:
        return supplier.third_party  # type: ignore[return-value]
    code = f"F{supplier.pk:06d}"
    third_party = ThirdParty.objects.filter(code=code).first() or third_party_create(
        kind=ThirdParty.Kind.SUPPLIER, code=code, name=supplier.name, account=account_get(SUPPLIERS)
    )
    Supplier.objects.filter(pk=supplier.pk).update(third_party=third_party)
    supplier.third_party = third_party
    return third_party


def entrepreneur_third_party(entrepreneur: Entrepreneur, account_code: str) -> ThirdParty:
    """The entrepreneur's own auxiliary account for the expenses the cooperative owes them."""
    code = f"E{entrepreneur.pk:06d}"
    return ThirdParty.objects.filter(code=code).first() or third_party_create(
        kind=ThirdParty.Kind.EMPLOYEE,
        code=code,
        name=f"{entrepreneur.first_name} {entrepreneur.last_name}",
        account=account_get(account_code),
    )


def upload_check(upload: UploadedFile) -> str:
    """Checks an uploaded receipt or invoice; returns its SHA-256."""
    if upload.size is None or upload.size > MAX_UPLOAD:
        raise ApplicationError(_("Fichier trop lourd (10 Mo au plus)."))
    content_type = (upload.content_type or "").split(";")[0]
    if content_type not in UPLOAD_TYPES:
        raise ApplicationError(
            _("Type de fichier non accepté : PDF, image (JPEG, PNG, HEIC, WebP) ou XML.")
        )
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def supplier_lines_letter(
    *, supplier: Supplier, entry_ids: list[int], day: dt.date, account_code: str = SUPPLIERS
) -> None:
    """Letter the supplier's lines on the account in these entries (they must cancel out)."""
    third_party = supplier_third_party(supplier)
    line_ids = list(
        EntryLine.objects.filter(
            entry_id__in=entry_ids, account__code=account_code, third_party_id=third_party.pk
        ).values_list("pk", flat=True)
    )
    if len(line_ids) >= 2:
        lines_letter(line_ids=line_ids, date=day)
