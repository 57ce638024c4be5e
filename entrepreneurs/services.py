from __future__ import annotations

from django.db import transaction

from entrepreneurs.models import Entrepreneur, Sector
from perspectives.accounts.models import User
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
) -> Entrepreneur:
    cooperative_id = require_cooperative_id()
    # Through the scoped manager: a sector of another cooperative is simply not found.
    sector = Sector.objects.get(pk=sector.pk)
    entrepreneur = Entrepreneur(
        cooperative_id=cooperative_id,
        first_name=first_name,
        last_name=last_name,
        email=email,
        phone=phone,
        sector=sector,
        user=user,
        referent=referent,
    )
    entrepreneur.full_clean()
    entrepreneur.save()
    return entrepreneur
