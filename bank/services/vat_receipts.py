"""VAT on receipts (TVA sur les encaissements) as the bank reports the money coming in.

An invoice of services without the debit option posts its VAT to 44574 (collected, pending
receipt): it becomes due, on 44571, only as the customer pays (invoicing.md §4.2). When a bank
line settles such an invoice's 411 item, the bank entry releases the item's pending VAT in
proportion to what was paid (D 44574 / C 44571, on the item's activity); the payment that
settles the item in full releases what remains. What each reconciliation released is kept on it,
so that later payments of the same item know what is left, and undoing the reconciliation (its
entry reversed) gives it back.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Sum

from accounting.models import EntryLine
from bank.models import Reconciliation

ZERO = Decimal("0.00")
CENT = Decimal("0.01")
PENDING = "44574"
COLLECTED = "44571"


@dataclass(frozen=True)
class Payment:
    """A part of a bank line paying the open item `item` (a 411 line)."""

    item: int
    amount: Decimal  # positive: what the customer paid of the item
    full: bool  # the item is paid in full (it is lettered)


@dataclass(frozen=True)
class Release:
    item: int
    activity_id: int | None
    amount: Decimal


def released_so_far(item_ids: Sequence[int]) -> dict[int, Decimal]:
    """What the active reconciliations released already, per item."""
    wanted = set(item_ids)
    released: dict[int, Decimal] = defaultdict(lambda: ZERO)
    rows = Reconciliation.objects.filter(undone_at__isnull=True).exclude(vat_released=[])
    for releases in rows.values_list("vat_released", flat=True):
        for item, amount in releases:
            if item in wanted:
                released[item] += Decimal(amount)
    return released


def vat_releases(payments: Sequence[Payment]) -> list[Release]:
    """The pending VAT each payment releases: the item's share of its invoice's 44574, in
    proportion to the amount paid; the whole remainder when the item is paid in full."""
    payments = [p for p in payments if p.amount > 0]
    if not payments:
        return []
    items = {
        pk: (entry_id, activity_id, debit)
        for pk, entry_id, activity_id, debit in EntryLine.objects.filter(
            pk__in=[p.item for p in payments], account__code__startswith="411", debit__gt=0
        ).values_list("pk", "entry_id", "activity_id", "debit")
    }
    if not items:
        return []
    entries = {entry_id for entry_id, _activity, _debit in items.values()}
    pending = _by_entry_activity(entries, PENDING, credit=True)
    if not pending:
        return []
    receivable = _by_entry_activity(entries, "411", credit=False)
    done = released_so_far(list(items))
    releases = []
    for payment in payments:
        if payment.item not in items:
            continue
        entry_id, activity_id, debit = items[payment.item]
        invoice_vat = pending.get((entry_id, activity_id), ZERO)
        invoice_total = receivable.get((entry_id, activity_id), ZERO)
        if invoice_vat <= 0 or invoice_total <= 0:
            continue
        share = _money(invoice_vat * debit / invoice_total)
        left = share - done[payment.item]
        amount = left if payment.full else min(left, _money(share * payment.amount / debit))
        if amount > 0:
            releases.append(Release(payment.item, activity_id, amount))
            done[payment.item] += amount
    return releases


def _by_entry_activity(
    entries: set[int], prefix: str, *, credit: bool
) -> dict[tuple[int, int | None], Decimal]:
    rows = (
        EntryLine.objects.filter(entry_id__in=entries, account__code__startswith=prefix)
        .values_list("entry_id", "activity_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    return {
        (entry_id, activity_id): (c - d) if credit else (d - c)
        for entry_id, activity_id, d, c in rows
    }


def _money(value: Decimal) -> Decimal:
    return value.quantize(CENT, rounding=ROUND_HALF_UP)
