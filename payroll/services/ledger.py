"""Payroll in the ledger: each issued payslip posts one balanced entry on its activity, and the
payment posts another. Through the ledger's services, with idempotency keys, so a retried
validation never posts twice. What is due to the social bodies is credited on each collecting
body's own account (payroll.bodies), as the contribution summary shows it."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.utils.translation import gettext as _

from accounting.models import Account, Entry
from accounting.services import (
    LineInput,
    chart_seed_defaults,
    entry_post,
    entry_reverse,
    fiscal_year_ensure,
)
from entrepreneurs.models import Activity
from payroll.bodies import BODIES, body_rules_at, ijss_subrogation_net
from payroll.models import Payslip
from perspectives.core.exceptions import ApplicationError

# PCG accounts of a payslip (the chart seeded by the ledger has them).
GROSS = "6411"
EMPLOYER_CONTRIBUTIONS = "6451"
NET_DUE = "421"
BANK = "512"
# IJSS the cooperative advances in subrogation, to be received from the health insurance (CPAM):
# on their own account, so that 431 stays what URSSAF is owed, as the summary shows it.
IJSS_RECEIVABLE = "4387"
# Every account a payslip's entries may name: seeded with the ledger's chart if one is missing.
ACCOUNTS = (
    GROSS,
    EMPLOYER_CONTRIBUTIONS,
    NET_DUE,
    BANK,
    IJSS_RECEIVABLE,
    *(body.account for body in BODIES),
)


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
    if Account.objects.filter(code__in=ACCOUNTS).count() < len(set(ACCOUNTS)):
        chart_seed_defaults()
    fiscal_year_ensure(day=day)


def payslip_body_credits(*, payslip: Payslip) -> list[tuple[str, Decimal]]:
    """(account, amount due) per collecting body, the withholding tax included, in the chart's
    order: employee and employer parts together, as each body is paid."""
    amounts = body_rules_at(payslip.period).amounts(payslip.data)
    return [
        (body.account, amounts[body.code][0] + amounts[body.code][1])
        for body in BODIES
        if body.code in amounts
    ]


def payslip_post(*, payslip: Payslip) -> Entry:
    """Salary expense and employer contributions against the net due and what each social body
    and the tax office are owed, all on the activity (so its sub-ledger stays balanced)."""
    day = _period_end(payslip.period)
    _ready(day)
    activity = payslip_activity(payslip=payslip)
    employer = payslip.employer_cost - payslip.gross
    ijss = ijss_subrogation_net(payslip.data)
    label = _("Salaire %(month)s · %(name)s") % {
        "month": payslip.period.strftime("%m/%Y"),
        "name": payslip.entrepreneur,
    }
    lines = [
        LineInput(GROSS, debit=payslip.gross, activity=activity, label=label),
        LineInput(EMPLOYER_CONTRIBUTIONS, debit=employer, activity=activity, label=label),
        LineInput(NET_DUE, credit=payslip.net_paid, activity=activity, label=label),
        LineInput(IJSS_RECEIVABLE, debit=ijss, activity=activity, label=label),
    ] + [
        LineInput(account, credit=amount, activity=activity, label=label)
        for account, amount in payslip_body_credits(payslip=payslip)
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


def payslip_reversal_post(*, payslip: Payslip) -> Entry | None:
    """Reverse (contre-passation) the posting of a payslip that a correction replaces, in the
    payslip's month, so the ledger keeps both and nets to the corrected one. Idempotent; None if
    the payslip was never posted."""
    entry = Entry.objects.filter(idempotency_key=f"payslip:{payslip.pk}").first()
    if entry is None:
        return None
    label = _("Rectification du salaire %(month)s · %(name)s (annule BUL-%(id)s-%(version)s)") % {
        "month": payslip.period.strftime("%m/%Y"),
        "name": payslip.entrepreneur,
        "id": payslip.pk,
        "version": payslip.version,
    }
    return entry_reverse(
        entry=entry,
        date=_period_end(payslip.period),
        label=label,
        idempotency_key=f"payslip-reversal:{payslip.pk}",
    )
