"""A new cooperative with everything it needs on its first day."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounting.models import TreasuryGroup
from accounting.services.chart import account_create, chart_seed_defaults
from entrepreneurs.services.people import sector_seed_defaults
from governance.services.statutes import statute_profile_create_from_preset
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy import services as tenancy_services
from perspectives.tenancy.context import cooperative_context, require_cooperative_id
from perspectives.tenancy.models import Cooperative, Invitation, LegalForm, Role
from perspectives.tenancy.services import setting_change_record
from perspectives.tenancy.validators import validate_siren

FIRST_MANAGER_ROLES = [Role.MANAGER.value, Role.ADMIN.value]


@dataclass(frozen=True)
class CooperativeSetUp:
    cooperative: Cooperative
    invitation: Invitation | None


def _check_identity(*, slug: str, siren: str, legal_form: str) -> None:
    if legal_form not in LegalForm.values:
        raise ApplicationError(
            _("Forme juridique inconnue « %(form)s » : choisissez parmi %(forms)s.")
            % {"form": legal_form, "forms": ", ".join(LegalForm.values)}
        )
    try:
        validate_siren(siren)
    except ValidationError as error:
        raise ApplicationError(
            _("« %(siren)s » n'est pas un numéro SIREN valide (9 chiffres, clé de contrôle).")
            % {"siren": siren}
        ) from error
    if Cooperative.objects.filter(slug=slug).exists():
        raise ApplicationError(
            _("L'identifiant « %(slug)s » est déjà pris par une autre coopérative.")
            % {"slug": slug}
        )
    if Cooperative.objects.filter(siren=siren).exists():
        raise ApplicationError(
            _("Une coopérative de SIREN %(siren)s existe déjà sur la plateforme.")
            % {"siren": siren}
        )


@transaction.atomic
def cooperative_set_up(
    *,
    slug: str,
    name: str,
    siren: str,
    legal_form: str,
    manager_email: str = "",
    invited_by: User | None = None,
    city: str = "",
    postal_code: str = "",
    address_line: str = "",
) -> CooperativeSetUp:
    """Create a cooperative with the CAE chart of accounts, journals and treasury groups, the
    default sectors, the statute profile preset of its legal form (to be checked and signed
    off by its managers), and invite its first manager (manager and admin roles)."""
    slug = slug.strip().lower()
    siren = siren.replace(" ", "").strip()
    name = name.strip()
    if not name:
        raise ApplicationError(_("Le nom de la coopérative est obligatoire."))
    _check_identity(slug=slug, siren=siren, legal_form=legal_form)
    try:
        cooperative = tenancy_services.cooperative_create(
            name=name,
            slug=slug,
            siren=siren,
            legal_form=legal_form,
            city=city,
            postal_code=postal_code,
            address_line=address_line,
        )
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error
    with cooperative_context(cooperative.pk):
        chart_seed_defaults()
        sector_seed_defaults()
        statute_profile_create_from_preset(preset=legal_form, activate=True, by=invited_by)
    invitation = None
    if manager_email:
        invitation, _token = tenancy_services.invitation_create(
            cooperative=cooperative,
            email=manager_email,
            roles=FIRST_MANAGER_ROLES,
            invited_by=invited_by,
        )
    return CooperativeSetUp(cooperative=cooperative, invitation=invitation)


def _values(instance: Any, fields: list[str]) -> dict[str, object]:
    return {name: getattr(instance, name) for name in fields}


@transaction.atomic
def settings_save(*, section: str, instance: Any, data: dict[str, Any], by: User | None) -> Any:
    """Save one settings page (a cooperative's identity or contribution, accompaniment or
    dashboard settings) and record who changed what. A save without change is recorded as
    the confirmation of that set-up step."""
    fields = list(data)
    before = _values(instance, fields)
    for name, value in data.items():
        setattr(instance, name, value)
    try:
        instance.full_clean()
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error
    instance.save(update_fields=fields)
    setting_change_record(section=section, before=before, after=_values(instance, fields), by=by)
    return instance


@transaction.atomic
def treasury_groups_save(*, prefixes: dict[str, str], by: User | None) -> None:
    """The account prefixes of each line of the treasury statement."""
    groups = {group.key: group for group in TreasuryGroup.objects.select_for_update()}
    before = {key: group.prefixes for key, group in groups.items()}
    for key, value in prefixes.items():
        cleaned = ",".join(part.strip() for part in value.split(",") if part.strip())
        if not re.fullmatch(r"[1-8][0-9]*(,[1-8][0-9]*)*", cleaned):
            raise ApplicationError(
                _("« %(value)s » : des préfixes de comptes séparés par des virgules (ex. 401,404).")
                % {"value": value}
            )
        group = groups.get(key)
        if group is None:
            TreasuryGroup.objects.create(
                cooperative_id=require_cooperative_id(), key=key, prefixes=cleaned
            )
        elif group.prefixes != cleaned:
            group.prefixes = cleaned
            group.save(update_fields=["prefixes"])
        prefixes[key] = cleaned
    setting_change_record(section="treasury", before=dict(before), after=dict(prefixes), by=by)


@transaction.atomic
def chart_account_add(*, code: str, label: str, requires_third_party: bool, by: User | None) -> Any:
    try:
        account = account_create(code=code, label=label, requires_third_party=requires_third_party)
    except ValidationError as error:
        raise ApplicationError(" ".join(error.messages)) from error
    setting_change_record(
        section="chart",
        before={f"compte {account.code}": ""},
        after={f"compte {account.code}": account.label},
        by=by,
    )
    return account


@transaction.atomic
def chart_confirm(*, by: User | None) -> None:
    setting_change_record(section="chart", before={}, after={}, by=by)
