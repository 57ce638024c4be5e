"""Opening balances: the year-to-date figures and paid-leave counters of people whose payroll
moves here during a year, so that their next payslips go on from where the previous software
left them (payslip_year_to_date, leave_state_before)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entrepreneurs.models import Entrepreneur
from payroll.engine.money import ZERO
from payroll.models import OpeningBalance, Payslip
from payroll.selectors import parameters_at
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id

AMOUNTS = (
    "gross",
    "hours",
    "smic",
    "reduction",
    "net_social",
    "taxable",
    "employer_cost",
    "leave_acquired",
    "leave_taken",
)
FIRST_YEAR = 2020


@transaction.atomic
def opening_balance_set(
    *,
    entrepreneur: Entrepreneur,
    year: int,
    gross: Decimal,
    taxable: Decimal,
    by: User | None,
    hours: Decimal = ZERO,
    smic: Decimal | None = None,
    reduction: Decimal = ZERO,
    net_social: Decimal = ZERO,
    employer_cost: Decimal = ZERO,
    leave_acquired: Decimal = ZERO,
    leave_taken: Decimal = ZERO,
) -> tuple[OpeningBalance, bool]:
    """Record (or correct) a person's opening balance for a year; whether anything changed.
    Without the SMIC base of the progressive reduction, it is the hours times the hourly SMIC
    of 1 January. Refused once a payslip of that year has been issued here: that payslip
    already carried the balance on."""
    # Through the scoped manager: a file of another cooperative is simply not found.
    entrepreneur = Entrepreneur.objects.get(pk=entrepreneur.pk)
    if not FIRST_YEAR <= year <= timezone.localdate().year:
        raise ApplicationError(
            _("Année %(year)s : une reprise porte sur l'année en cours ou une année passée.")
            % {"year": year}
        )
    if Payslip.objects.filter(
        entrepreneur=entrepreneur, period__year=year, issued_at__isnull=False
    ).exists():
        raise ApplicationError(
            _(
                "Des bulletins de %(year)s sont déjà émis ici pour %(name)s : leurs cumuls ne "
                "se reprennent plus."
            )
            % {"year": year, "name": f"{entrepreneur.first_name} {entrepreneur.last_name}"}
        )
    if smic is None:
        hourly = parameters_at(dt.date(year, 1, 1)).decimal("smic.hourly")
        smic = (hours * hourly).quantize(Decimal("0.01"))
    values = {
        "gross": gross,
        "hours": hours,
        "smic": smic,
        "reduction": reduction,
        "net_social": net_social,
        "taxable": taxable,
        "employer_cost": employer_cost,
        "leave_acquired": leave_acquired,
        "leave_taken": leave_taken,
    }
    if any(value < 0 for value in values.values()):
        raise ApplicationError(_("Les cumuls de reprise ne peuvent pas être négatifs."))
    if taxable > gross or net_social > gross:
        raise ApplicationError(_("Le net (social ou imposable) dépasse le brut cumulé."))
    found = (
        OpeningBalance.objects.select_for_update()
        .filter(entrepreneur=entrepreneur, year=year)
        .first()
    )
    if found is None:
        balance: OpeningBalance = OpeningBalance.objects.create(
            cooperative_id=require_cooperative_id(),
            entrepreneur=entrepreneur,
            year=year,
            recorded_by=by,
            **values,
        )
        return balance, True
    if all(getattr(found, key) == value for key, value in values.items()):
        return found, False
    for key, value in values.items():
        setattr(found, key, value)
    found.recorded_by, found.recorded_at = by, timezone.now()
    found.save()
    return found, True
