"""Writes of the dashboards: the entrepreneur's forecast of upcoming jobs, reserve targets."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from top.dashboards.models import ForecastItem, ReserveTarget


@transaction.atomic
def forecast_add(
    *,
    activity: Activity,
    label: str,
    expected_on: dt.date,
    amount: Decimal,
    probability: int,
    created_by: User | None,
    today: dt.date,
) -> ForecastItem:
    if expected_on < today:
        raise ApplicationError(_("La date attendue doit être aujourd'hui ou plus tard."))
    if expected_on > today + dt.timedelta(days=731):
        raise ApplicationError(_("Les prévisions portent sur les deux prochaines années au plus."))
    if amount <= 0:
        raise ApplicationError(_("Le montant doit être positif."))
    if not 1 <= probability <= 100:
        raise ApplicationError(_("La probabilité est comprise entre 1 et 100 %."))
    return ForecastItem.objects.create(
        cooperative_id=activity.cooperative_id,
        activity=activity,
        label=label.strip(),
        expected_on=expected_on,
        amount=amount,
        probability=probability,
        created_by=created_by,
    )


@transaction.atomic
def forecast_delete(*, item: ForecastItem) -> None:
    item.delete()


@transaction.atomic
def reserve_target_set(
    *, activity: Activity, amount: Decimal | None, updated_by: User | None
) -> ReserveTarget | None:
    """Enter the activity's reserve target; None goes back to the cooperative's rule."""
    if amount is None:
        ReserveTarget.objects.filter(activity=activity).delete()
        return None
    if amount < 0:
        raise ApplicationError(_("La réserve cible ne peut pas être négative."))
    target, _created = ReserveTarget.objects.update_or_create(
        activity=activity,
        defaults={
            "cooperative_id": activity.cooperative_id,
            "amount": amount,
            "updated_by": updated_by,
            "updated_at": timezone.now(),
        },
    )
    return target
