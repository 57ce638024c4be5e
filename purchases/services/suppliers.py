"""Suppliers: identifiers checked (SIREN, VAT number, IBAN, BIC) before anything is saved."""

from __future__ import annotations

from django.db import models, transaction
from django.utils.translation import gettext as _
from schwifty import BIC, IBAN
from schwifty.exceptions import SchwiftyException
from stdnum.eu import vat
from stdnum.fr import siren as siren_number

from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from purchases.models import Supplier


def bank_details_clean(*, iban: str, bic: str) -> tuple[str, str]:
    """IBAN and BIC normalised and checked; the BIC derived from the IBAN when the bank
    registry knows it."""
    iban = iban.replace(" ", "").upper()
    bic = bic.replace(" ", "").upper()
    if not iban:
        if bic:
            raise ApplicationError(_("Un BIC sans IBAN ne sert à rien."))
        return "", ""
    try:
        checked = IBAN(iban)
    except SchwiftyException as exc:
        raise ApplicationError(
            _("IBAN %(iban)s invalide (vérifiez la clé et la longueur).") % {"iban": iban}
        ) from exc
    if bic:
        try:
            BIC(bic)
        except SchwiftyException as exc:
            raise ApplicationError(_("BIC %(bic)s invalide.") % {"bic": bic}) from exc
    elif checked.bic is not None:
        bic = str(checked.bic)
    return checked.compact, bic


def identifiers_clean(*, siren: str, vat_number: str) -> tuple[str, str]:
    siren = siren.replace(" ", "")
    vat_number = vat_number.replace(" ", "").upper()
    if siren and not siren_number.is_valid(siren):
        raise ApplicationError(
            _("« %(siren)s » n'est pas un SIREN valide (9 chiffres, clé de contrôle).")
            % {"siren": siren}
        )
    if vat_number and not vat.is_valid(vat_number):
        raise ApplicationError(
            _("« %(vat)s » n'est pas un numéro de TVA intracommunautaire valide.")
            % {"vat": vat_number}
        )
    if siren and vat_number.startswith("FR") and vat_number[4:] != siren:
        raise ApplicationError(_("Le numéro de TVA ne correspond pas au SIREN."))
    return siren, vat_number


def _address_contact(supplier: Supplier, **values: str | None) -> list[str]:
    """Set the address and contact fields given (None: unchanged); the names of those set."""
    changed: list[str] = []
    for key, value in values.items():
        if value is None:
            continue
        value = value.strip()
        if key == "contact_email":
            value = value.lower()
        field = Supplier._meta.get_field(key)
        if isinstance(field, models.CharField) and len(value) > (field.max_length or len(value)):
            raise ApplicationError(
                _("%(field)s : %(limit)s caractères au plus.")
                % {"field": str(field.verbose_name).capitalize(), "limit": field.max_length}
            )
        setattr(supplier, key, value)
        changed.append(key)
    return changed


@transaction.atomic
def supplier_create(
    *,
    name: str,
    siren: str = "",
    vat_number: str = "",
    country: str = "FR",
    iban: str = "",
    bic: str = "",
    email: str = "",
    address_line: str = "",
    address_line2: str = "",
    postal_code: str = "",
    city: str = "",
    contact_name: str = "",
    contact_email: str = "",
    contact_phone: str = "",
) -> Supplier:
    name = name.strip()
    if not name:
        raise ApplicationError(_("Le nom du fournisseur est obligatoire."))
    siren, vat_number = identifiers_clean(siren=siren, vat_number=vat_number)
    if not siren and vat_number.startswith("FR"):
        siren = vat_number[4:]
    iban, bic = bank_details_clean(iban=iban, bic=bic)
    if siren and Supplier.objects.filter(siren=siren).exists():
        raise ApplicationError(
            _("Un fournisseur de SIREN %(siren)s existe déjà.") % {"siren": siren}
        )
    supplier = Supplier(
        cooperative_id=require_cooperative_id(),
        name=name[:200],
        siren=siren,
        vat_number=vat_number,
        country=(country or "FR").upper()[:2],
        iban=iban,
        bic=bic,
        email=email,
    )
    _address_contact(
        supplier,
        address_line=address_line,
        address_line2=address_line2,
        postal_code=postal_code,
        city=city,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    supplier.save(force_insert=True)
    return supplier


@transaction.atomic
def supplier_update(
    *,
    supplier: Supplier,
    name: str,
    iban: str = "",
    bic: str = "",
    email: str = "",
    address_line: str | None = None,
    address_line2: str | None = None,
    postal_code: str | None = None,
    city: str | None = None,
    contact_name: str | None = None,
    contact_email: str | None = None,
    contact_phone: str | None = None,
) -> Supplier:
    """Name, bank details and e-mail as given; of the address and contact, the fields given
    (None leaves one as it is)."""
    if not name.strip():
        raise ApplicationError(_("Le nom du fournisseur est obligatoire."))
    supplier.name = name.strip()[:200]
    supplier.iban, supplier.bic = bank_details_clean(iban=iban, bic=bic)
    supplier.email = email
    changed = _address_contact(
        supplier,
        address_line=address_line,
        address_line2=address_line2,
        postal_code=postal_code,
        city=city,
        contact_name=contact_name,
        contact_email=contact_email,
        contact_phone=contact_phone,
    )
    supplier.save(update_fields=["name", "iban", "bic", "email", *changed])
    return supplier
