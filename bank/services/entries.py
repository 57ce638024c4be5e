"""Entries by hand: the accountant's journal entry, posted through the ledger's services (which
check balance overall and per activity, locks and numbering, as the database does again)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from accounting import services as ledger
from accounting.models import Entry, Journal
from accounting.services import LineInput
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError

ZERO = Decimal("0.00")


@dataclass(frozen=True)
class Balance:
    """Debit and credit of the lines typed so far, overall and per activity (None: structure)."""

    debit: Decimal
    credit: Decimal
    per_activity: dict[int | None, Decimal]

    @property
    def difference(self) -> Decimal:
        return self.debit - self.credit

    @property
    def unbalanced_activities(self) -> list[int | None]:
        return [key for key, value in self.per_activity.items() if value]


def entry_balance(lines: Sequence[dict[str, Any]]) -> Balance:
    per_activity: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    debit = credit = ZERO
    for line in lines:
        activity = line.get("activity")
        key = getattr(activity, "pk", activity)
        debit += line["debit"]
        credit += line["credit"]
        per_activity[key] += line["debit"] - line["credit"]
    return Balance(debit, credit, dict(per_activity))


def _inputs(lines: Sequence[dict[str, Any]]) -> list[LineInput]:
    return [
        LineInput(
            account=line["account"],
            debit=line["debit"],
            credit=line["credit"],
            activity=line.get("activity"),
            third_party=line.get("third_party"),
            label=line.get("label") or "",
        )
        for line in lines
    ]


def manual_entry_save(
    *,
    journal: Journal | str,
    date: dt.date,
    label: str,
    lines: Sequence[dict[str, Any]],
    piece_ref: str = "",
    validate: bool = False,
    user: User | None = None,
) -> Entry:
    """Validate at once (`validate`), or keep as a draft (brouillard) to finish later."""
    if not lines:
        raise ApplicationError(_("Saisissez au moins une ligne."))
    if validate:
        return ledger.entry_post(
            journal=journal,
            date=date,
            label=label,
            lines=_inputs(lines),
            piece_ref=piece_ref,
            source="manual",
            user=user,
            allow_soft_locked=True,
        )
    return ledger.entry_draft_create(
        journal=journal,
        date=date,
        label=label,
        lines=_inputs(lines),
        piece_ref=piece_ref,
        source="manual",
        user=user,
    )


def manual_entry_validate(*, entry: Entry, user: User | None = None) -> Entry:
    return ledger.entry_validate(entry=entry, user=user, allow_soft_locked=True)


def manual_entry_reverse(*, entry: Entry, user: User | None = None) -> Entry:
    return ledger.entry_reverse(
        entry=entry,
        user=user,
        idempotency_key=f"manual-reversal:{entry.pk}",
        allow_soft_locked=True,
    )
