"""Entrepreneurs' files and the cooperative's sectors."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurs.models import Entrepreneur, Sector, Stage
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import cooperative_context, require_cooperative_id
from perspectives.tenancy.models import Cooperative, Membership, Role
from perspectives.tenancy.services import invitation_create

# The stages a file may be opened in from the portfolio.
OPENING_STAGES = ("prospect", "cape", "cesa")

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
    "civility",
    "education_level",
    "entry_situation",
    "unemployment_rights_end",
    "rqth",
    "qpv",
    "zrr",
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


def _check_referent(referent: User | None) -> None:
    from entrepreneurs.permissions import ACCOMPANIMENT_ROLES

    if referent is None:
        return
    membership = Membership.objects.filter(
        cooperative_id=require_cooperative_id(), user=referent
    ).first()
    if membership is None or not membership.has_role(*ACCOMPANIMENT_ROLES):
        raise ApplicationError(
            _("%(name)s ne fait pas partie de l'équipe d'appui de la coopérative.")
            % {"name": referent}
        )


@transaction.atomic
def entrepreneur_open(
    *,
    first_name: str,
    last_name: str,
    sector: Sector,
    opened_by: User | None,
    email: str = "",
    stage: str = "prospect",
    start_date: dt.date | None = None,
    planned_end: dt.date | None = None,
    fixed_pay: Decimal | None = None,
    weekly_hours: Decimal | None = None,
    referent: User | None = None,
    invite: bool = False,
    **extra: Any,
) -> Entrepreneur:
    """Open a file from the portfolio: a prospect (after an information session) or a person
    entering directly in CAPE or CESA (the path step recorded at `start_date`). With `invite`,
    the person receives an invitation to log in, and the file is linked to their account when
    they accept it (or at once if they already belong to the cooperative)."""
    from entrepreneurs.services.path import path_step_record

    if stage not in OPENING_STAGES:
        raise ApplicationError(_("Un dossier s'ouvre en prospect, en CAPE ou en CESA."))
    if stage != "prospect" and start_date is None:
        raise ApplicationError(_("Indiquez la date de début du contrat."))
    email = email.strip().lower()
    if invite and not email:
        raise ApplicationError(_("Une invitation à se connecter demande une adresse e-mail."))
    if email and Entrepreneur.objects.filter(email__iexact=email, archived_at=None).exists():
        raise ApplicationError(
            _("Un dossier existe déjà pour l'adresse %(email)s.") % {"email": email}
        )
    _check_referent(referent)
    cooperative_id = require_cooperative_id()
    member = (
        Membership.objects.filter(cooperative_id=cooperative_id, user__email__iexact=email)
        .select_related("user")
        .first()
        if email
        else None
    )
    user = None
    if member is not None and not Entrepreneur.objects.filter(user=member.user).exists():
        user = member.user
    entrepreneur = entrepreneur_create(
        first_name=first_name.strip(),
        last_name=last_name.strip(),
        sector=sector,
        email=email,
        user=user,
        referent=referent,
        **extra,
    )
    if stage == "cape":
        path_step_record(
            entrepreneur=entrepreneur,
            kind="cape_start",
            date=start_date,  # type: ignore[arg-type]
            planned_end=planned_end,
            recorded_by=opened_by,
        )
    elif stage == "cesa":
        path_step_record(
            entrepreneur=entrepreneur,
            kind="cesa_start",
            date=start_date,  # type: ignore[arg-type]
            fixed_pay=fixed_pay,
            weekly_hours=weekly_hours,
            recorded_by=opened_by,
        )
    if invite and user is None and member is None:
        invitation_create(
            cooperative=Cooperative.objects.get(pk=cooperative_id),
            email=email,
            roles=[Role.ENTREPRENEUR],
            invited_by=opened_by,
        )
    entrepreneur.refresh_from_db()
    return entrepreneur


@transaction.atomic
def entrepreneur_referent_assign(*, entrepreneur_ids: list[int], referent: User | None) -> int:
    """Give one or many files the same referent (None: no referent). Returns how many changed."""
    _check_referent(referent)
    files = Entrepreneur.objects.filter(pk__in=entrepreneur_ids)
    if files.count() != len(set(entrepreneur_ids)):
        raise ApplicationError(_("Un des dossiers choisis n'existe pas."))
    return files.exclude(referent=referent).update(referent=referent, version=F("version") + 1)


@transaction.atomic
def entrepreneur_archive(*, entrepreneur: Entrepreneur) -> Entrepreneur:
    """Take an exited person's file out of the portfolio (kept for the ledger, the payroll and
    the register)."""
    entrepreneur = Entrepreneur.objects.select_for_update().get(pk=entrepreneur.pk)
    if entrepreneur.stage != Stage.EXITED:
        raise ApplicationError(
            _(
                "Seul le dossier d'une personne sortie peut être archivé : "
                "enregistrez d'abord sa sortie."
            )
        )
    if entrepreneur.archived_at is None:
        entrepreneur.archived_at = timezone.now()
        entrepreneur.version += 1
        entrepreneur.save(update_fields=["archived_at", "version"])
    return entrepreneur


def entrepreneur_link_account(membership: Membership) -> None:
    """When a person joins as an entrepreneur (invitation accepted), link the file opened for
    their e-mail address to their account. Called by the tenancy invitation services."""
    if Role.ENTREPRENEUR not in membership.roles:
        return
    with cooperative_context(membership.cooperative_id):
        if Entrepreneur.objects.filter(user_id=membership.user_id).exists():
            return
        file = (
            Entrepreneur.objects.filter(
                user=None, email__iexact=membership.user.email, archived_at=None
            )
            .order_by("pk")
            .first()
        )
        if file is not None:
            Entrepreneur.objects.filter(pk=file.pk).update(
                user_id=membership.user_id, version=F("version") + 1
            )
