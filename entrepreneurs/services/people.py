"""Entrepreneurs' files and the cooperative's sectors."""

from __future__ import annotations

from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _

from entrepreneurs.models import Entrepreneur, Sector
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

# The seven sectors of the Perspectives cooperative (interview), offered to every new cooperative.
DEFAULT_SECTORS = (
    "Bâtiment",
    "Formation et conseil",
    "Espaces verts et jardinage",
    "Bien-être",
    "Communication",
    "Services",
    "Commerce",
)

# The fields a file edit may change; the path fields change only through path steps.
EDITABLE_FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "birth_date",
    "address_line",
    "postal_code",
    "city",
    "sector",
    "referent",
    "entry_situation",
    "prescriber",
    "emergency_contact_name",
    "emergency_contact_phone",
    "iban",
)


@transaction.atomic
def sector_seed_defaults() -> list[Sector]:
    """Create the default sectors in the active cooperative (idempotent)."""
    cooperative_id = require_cooperative_id()
    sectors = []
    for position, name in enumerate(DEFAULT_SECTORS, start=1):
        sector, _created = Sector.objects.get_or_create(
            cooperative_id=cooperative_id, name=name, defaults={"position": position}
        )
        sectors.append(sector)
    return sectors


@transaction.atomic
def entrepreneur_create(
    *,
    first_name: str,
    last_name: str,
    sector: Sector,
    email: str = "",
    phone: str = "",
    user: User | None = None,
    referent: User | None = None,
    **extra: Any,
) -> Entrepreneur:
    cooperative_id = require_cooperative_id()
    # Through the scoped manager: a sector of another cooperative is simply not found.
    sector = Sector.objects.get(pk=sector.pk)
    unknown = set(extra) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    entrepreneur = Entrepreneur(
        cooperative_id=cooperative_id,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        sector=sector,
        user=user,
        referent=referent,
        **extra,
    )
    entrepreneur.full_clean()
    entrepreneur.save()
    return entrepreneur


@transaction.atomic
def entrepreneur_update(
    *, entrepreneur: Entrepreneur, version: int, data: dict[str, Any]
) -> Entrepreneur:
    """Edit a file, refusing the edit if someone else saved it since `version` was read."""
    unknown = set(data) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"unexpected fields: {sorted(unknown)}")
    if "sector" in data:
        data["sector"] = Sector.objects.get(pk=data["sector"].pk)
    for field, value in data.items():
        setattr(entrepreneur, field, value)
    entrepreneur.full_clean(exclude=["user", "cooperative"])
    updated = Entrepreneur.objects.filter(pk=entrepreneur.pk, version=version).update(
        version=F("version") + 1, **data
    )
    if updated == 0:
        raise ApplicationError(
            _(
                "Ce dossier a été modifié par quelqu'un d'autre pendant votre saisie. "
                "Rechargez la page : vos changements n'ont pas été enregistrés."
            )
        )
    entrepreneur.refresh_from_db()
    return entrepreneur


@transaction.atomic
def sector_create(*, name: str) -> Sector:
    cooperative_id = require_cooperative_id()
    name = name.strip()
    if Sector.objects.filter(name__iexact=name).exists():
        raise ApplicationError(_("Ce pôle existe déjà."))
    position = (
        Sector.objects.order_by("-position").values_list("position", flat=True).first() or 0
    ) + 1
    return Sector.objects.create(cooperative_id=cooperative_id, name=name, position=position)


@transaction.atomic
def sector_rename(*, sector: Sector, name: str) -> Sector:
    name = name.strip()
    if Sector.objects.filter(name__iexact=name).exclude(pk=sector.pk).exists():
        raise ApplicationError(_("Ce pôle existe déjà."))
    sector.name = name
    sector.save(update_fields=["name"])
    return sector
