"""Writes of the dashboards: the entrepreneur's forecast of upcoming jobs."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.dashboards.models import ForecastItem


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
