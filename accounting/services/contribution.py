"""The contribution coopérative: each month, each activity pays the cooperative a share of its
revenue (or margin), posted as a transfer between the activity's section and the structure's."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting.models import Account, Entry, MonthlyBalance
from accounting.services.batch import entries_post_bulk
from accounting.services.entry_checks import EntryInput, LineInput
from accounting.services.fiscal import add_months, month_end
from entrepreneurs.models import Activity
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from perspectives.tenancy.models import Cooperative

CENT = Decimal("0.01")
EXPENSE = "6288"  # Contribution coopérative, charge of the activity
INCOME = "7088"  # Contribution coopérative, income of the structure
BANK = "512"
# Revenue: class 70 but the contribution itself. Margin: revenue less purchases and external
# services (60, 61, 62 but the contribution).
REVENUE_PREFIXES = ("70",)
COST_PREFIXES = ("60", "61", "62")


def _base_by_activity(month: dt.date, base: str) -> dict[int, Decimal]:
    from accounting import selectors

    codes = dict(Account.objects.values_list("pk", "code"))
    totals: dict[int, Decimal] = defaultdict(Decimal)
    for (activity_id, account_id), (debit, credit) in selectors.sums(
        group_by=["activity_id", "account_id"], date_from=month, date_to=month_end(month)
    ).items():
        code = codes[account_id]
        if activity_id is None or code in (EXPENSE, INCOME):
            continue
        if code.startswith(REVENUE_PREFIXES):
            totals[activity_id] += credit - debit
        elif base == "margin" and code.startswith(COST_PREFIXES):
            totals[activity_id] -= debit - credit
    return totals


@transaction.atomic
def contribution_post(*, month: dt.date, base: str | None = None) -> list[int]:
    """Post the month's contribution of every activity with a positive base (the cooperative's
    setting, revenue or margin, unless given; rate: the activity's, else the cooperative's).
    Idempotent per activity and month; returns the ids of the entries posted now."""
    cooperative = Cooperative.objects.get(pk=require_cooperative_id())
    base = base or cooperative.contribution_base
    if base not in ("revenue", "margin"):
        raise ApplicationError(_("Base de contribution inconnue : « revenue » ou « margin »."))
    month = month.replace(day=1)
    if add_months(month, 1) > timezone.localdate():
        raise ApplicationError(_("La contribution se calcule sur un mois terminé."))
    rates = {a.pk: (a.analytic_code, a.contribution_rate) for a in Activity.objects.all()}
    # An activity whose contribution for the month is already in the ledger (posted here, by
    # hand or by an import) is left alone.
    done = set(
        MonthlyBalance.objects.filter(account__code=EXPENSE, month=month).values_list(
            "activity_id", flat=True
        )
    )
    entries = []
    for activity_id, amount in sorted(_base_by_activity(month, base).items()):
        if activity_id in done:
            continue
        code, rate = rates[activity_id]
        rate = cooperative.default_contribution_rate if rate is None else rate
        contribution = (amount * rate / 100).quantize(CENT, rounding=ROUND_HALF_UP)
        if contribution <= 0:
            continue
        label = f"Contribution coopérative {month:%m/%Y} · {code} ({rate} %)"
        entries.append(
            EntryInput(
                journal="OD",
                date=month_end(month),
                label=label,
                lines=[
                    LineInput(EXPENSE, debit=contribution, activity=activity_id),
                    LineInput(BANK, credit=contribution, activity=activity_id),
                    LineInput(BANK, debit=contribution, activity=None),
                    LineInput(INCOME, credit=contribution, activity=None),
                ],
                idempotency_key=f"contribution:{activity_id}:{month:%Y-%m}",
                source="contribution",
            )
        )
    return entries_post_bulk(entries=entries).created


def contribution_total(*, month: dt.date) -> Decimal:
    """What the structure received for the month."""
    return sum(
        (
            line.credit
            for entry in Entry.objects.filter(
                source="contribution", date=month_end(month.replace(day=1))
            ).prefetch_related("lines")
            for line in entry.lines.all()
            if line.activity_id is None and line.credit
        ),
        Decimal(0),
    )
