"""Activities (the ledger's analytic units) and their pay-split agreements."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from entrepreneurs.models import Activity, ActivityMember, Entrepreneur, Establishment, Sector
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

HUNDRED = Decimal("100.00")


def _check_split(shares: list[tuple[Entrepreneur, Decimal]]) -> None:
    if not shares:
        raise ApplicationError(_("Une activité a au moins un·e entrepreneur·e."))
    if len({entrepreneur.pk for entrepreneur, _share in shares}) != len(shares):
        raise ApplicationError(
            _("Chaque entrepreneur·e n'apparaît qu'une fois dans la répartition.")
        )
    if any(share <= 0 or share > HUNDRED for _entrepreneur, share in shares):
        raise ApplicationError(_("Chaque part est comprise entre 0 et 100 %."))
    total = sum((share for _entrepreneur, share in shares), Decimal(0))
    if total != HUNDRED:
        raise ApplicationError(
            _("Les parts doivent totaliser 100 %% (total actuel : %(total)s %%).")
            % {"total": number_format(total, 2)}
        )


@transaction.atomic
def activity_create(
    *,
    analytic_code: str,
    name: str,
    sector: Sector,
    start_date: dt.date,
    shares: list[tuple[Entrepreneur, Decimal]],
    establishment: Establishment | None = None,
    end_date: dt.date | None = None,
    contribution_rate: Decimal | None = None,
) -> Activity:
    """Create an activity with its pay split (décret 2015-1363: shares summing to 100 %)."""
    cooperative_id = require_cooperative_id()
    _check_split(shares)
    if end_date is not None and end_date < start_date:
        raise ApplicationError(_("La fin de l'activité ne peut pas précéder son début."))
    activity = Activity(
        cooperative_id=cooperative_id,
        analytic_code=analytic_code.strip().upper(),
        name=name,
        sector=Sector.objects.get(pk=sector.pk),
        establishment=Establishment.objects.get(pk=establishment.pk) if establishment else None,
        start_date=start_date,
        end_date=end_date,
        contribution_rate=contribution_rate,
    )
    # Constraints are the database's: a duplicate code surfaces as an IntegrityError below.
    activity.full_clean(validate_unique=False, validate_constraints=False)
    try:
        with transaction.atomic():
            activity.save()
    except IntegrityError as error:
        raise ApplicationError(
            _("Le code analytique %(code)s est déjà utilisé.") % {"code": activity.analytic_code}
        ) from error
    _write_split(activity, shares)
    return activity


def _write_split(activity: Activity, shares: list[tuple[Entrepreneur, Decimal]]) -> None:
    ActivityMember.objects.filter(activity=activity).delete()
    ActivityMember.objects.bulk_create(
        ActivityMember(
            cooperative_id=activity.cooperative_id,
            activity=activity,
            entrepreneur=Entrepreneur.objects.get(pk=entrepreneur.pk),
            share=share,
        )
        for entrepreneur, share in shares
    )


@transaction.atomic
def activity_split_set(
    *, activity: Activity, shares: list[tuple[Entrepreneur, Decimal]]
) -> Activity:
    activity = Activity.objects.select_for_update().get(pk=activity.pk)
    _check_split(shares)
    _write_split(activity, shares)
    return activity


def activity_contribution_rate(*, activity: Activity) -> Decimal:
    """The activity's own rate, or the cooperative's default."""
    if activity.contribution_rate is not None:
        return activity.contribution_rate
    return activity.cooperative.default_contribution_rate
