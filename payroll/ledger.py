"""Payroll in the ledger: each issued payslip posts one balanced entry on its activity, and the
payment posts another. Through the ledger's services, with idempotency keys, so a retried
validation never posts twice."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from accounting.models import Account, Entry
from accounting.services import LineInput, chart_seed_defaults, entry_post, fiscal_year_ensure
from entrepreneurs.models import Activity
from payroll.models import Payslip
from perspectives.core.exceptions import ApplicationError

# PCG accounts of a payslip (the chart seeded by the ledger has them).
GROSS = "6411"
EMPLOYER_CONTRIBUTIONS = "6451"
NET_DUE = "421"
SOCIAL_BODIES = "431"
WITHHOLDING_TAX = "4421"
BANK = "512"
# IJSS the cooperative receives in subrogation: owed by the health insurance (Sécurité sociale).
IJSS_RECEIVABLE = "431"


def _period_end(period: dt.date) -> dt.date:
    following = (period.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return following - dt.timedelta(days=1)


def payslip_activity(*, payslip: Payslip) -> Activity:
    """The activity that carries the salary: the entrepreneur's, the largest share first."""
    activity = (
        Activity.objects.filter(members__entrepreneur_id=payslip.entrepreneur_id)
        .order_by("-members__share", "pk")
        .first()
    )
    if activity is None:
        raise ApplicationError(
            _("%(name)s n'a pas d'activité : le bulletin ne peut pas être comptabilisé.")
            % {"name": payslip.entrepreneur}
        )
    return activity


def _ready(day: dt.date) -> None:
    if not Account.objects.filter(code=GROSS).exists():
        chart_seed_defaults()
    fiscal_year_ensure(day=day)


def payslip_post(*, payslip: Payslip) -> Entry:
    """Salary expense and employer contributions against the net due, the social bodies and the
    withholding tax, all on the activity (so its sub-ledger stays balanced)."""
    day = _period_end(payslip.period)
    _ready(day)
    activity = payslip_activity(payslip=payslip)
    employer = payslip.employer_cost - payslip.gross
    ijss = Decimal(payslip.data.get("ijss_subrogation", {}).get("net", "0"))
    withholding = payslip.net_before_tax - payslip.net_paid
    social = (payslip.gross - payslip.net_before_tax + ijss) + employer
    label = _("Salaire %(month)s · %(name)s") % {
        "month": payslip.period.strftime("%m/%Y"),
        "name": payslip.entrepreneur,
    }
    lines = [
        LineInput(GROSS, debit=payslip.gross, activity=activity, label=label),
        LineInput(EMPLOYER_CONTRIBUTIONS, debit=employer, activity=activity, label=label),
        LineInput(NET_DUE, credit=payslip.net_paid, activity=activity, label=label),
        LineInput(IJSS_RECEIVABLE, debit=ijss, activity=activity, label=label),
        LineInput(SOCIAL_BODIES, credit=social, activity=activity, label=label),
        LineInput(WITHHOLDING_TAX, credit=withholding, activity=activity, label=label),
    ]
    return entry_post(
        journal="PAIE",
        date=day,
        label=label,
        lines=[line for line in lines if Decimal(line.debit) or Decimal(line.credit)],
        idempotency_key=f"payslip:{payslip.pk}",
        piece_ref=f"BUL-{payslip.pk}-{payslip.version}",
        source="payroll",
    )


def payslip_payment_post(*, payslip: Payslip, day: dt.date) -> Entry:
    """The net salary leaves the bank account of the activity."""
    _ready(day)
    activity = payslip_activity(payslip=payslip)
    label = _("Virement du salaire %(month)s · %(name)s") % {
        "month": payslip.period.strftime("%m/%Y"),
        "name": payslip.entrepreneur,
    }
    return entry_post(
        journal="BQ",
        date=day,
        label=label,
        lines=[
            LineInput(NET_DUE, debit=payslip.net_paid, activity=activity, label=label),
            LineInput(BANK, credit=payslip.net_paid, activity=activity, label=label),
        ],
        idempotency_key=f"payslip-payment:{payslip.pk}",
        piece_ref=f"VIR-{payslip.pk}-{payslip.version}",
        source="payroll",
    )
