"""Payments the ledger already holds, waiting for the bank to report them.

Paying a SEPA batch of supplier invoices and expense reports (purchases) or the month's net
salaries (payroll) posts each payment against 512 when it leaves: the bank line that reports it
later must not be posted a second time. It is pointed against those 512 lines instead: a batch
booked by the bank as one movement against the batch's payments (same piece reference, or one
payment per transaction of the batch's details), a day's salary transfers against their sum, a
single payment against its amount.

A payment counts for a bank account when it sits on the account's own 512x, or on a 512 that no
bank account owns (the generic 512 the other apps post on); in the latter case confirming posts
the transfer from that 512 to the bank account's own.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import F
from django.utils.translation import gettext as _

from accounting.models import Entry, EntryLine, Journal
from bank.models import BankAccount, BankLine, PointedLine

ZERO = Decimal("0.00")
# Sources whose 512 lines are the bank app's own (posted when reconciling) or their reversals.
OWN_SOURCES = ("bank", "reversal")
PAYROLL = "payroll"
# A payment is looked for from this long before the bank booked it (a transfer ordered, then
# executed and reported) to a few days after (a run marked paid after the bank's date). Older
# 512 lines (history, opening balances) are never offered.
BEFORE = dt.timedelta(days=45)
AFTER = dt.timedelta(days=7)


@dataclass(frozen=True)
class LedgerPayment:
    line_id: int
    account_id: int
    account_code: str
    activity_id: int | None
    amount: Decimal  # on the bank side: a payment out (512 credit) < 0
    piece_ref: str
    source: str
    date: dt.date
    label: str


def bank_ledger_accounts() -> set[int]:
    return set(BankAccount.objects.values_list("account_id", flat=True))


def ledger_payments_unpointed(
    *, line_ids: Iterable[int] | None = None, around: Iterable[dt.date] = ()
) -> list[LedgerPayment]:
    """The validated 512 lines no bank line accounts for yet, posted by another app or by hand
    (not reversed, not an opening balance); with `around`, only those a bank line booked on one
    of these days may report."""
    rows = (
        EntryLine.objects.filter(
            account__code__startswith="512", entry__status=Entry.Status.VALIDATED
        )
        .exclude(entry__source__in=OWN_SOURCES)
        .exclude(entry__journal__kind=Journal.Kind.OPENING)
        .exclude(entry__in=Entry.objects.exclude(reverses=None).values("reverses_id"))
        .exclude(pk__in=PointedLine.objects.filter(is_active=True).values("entry_line_id"))
    )
    if line_ids is not None:
        rows = rows.filter(pk__in=list(line_ids))
    days = list(around)
    if days:
        rows = rows.filter(date__gte=min(days) - BEFORE, date__lte=max(days) + AFTER)
    values = rows.annotate(
        account_code=F("account__code"),
        piece_ref=F("entry__piece_ref"),
        source=F("entry__source"),
        entry_label=F("entry__label"),
    ).values_list(
        "pk",
        "account_id",
        "account_code",
        "activity_id",
        "debit",
        "credit",
        "piece_ref",
        "source",
        "date",
        "entry_label",
    )
    return [
        LedgerPayment(pk, acc, code, act, debit - credit, ref or "", src or "", day, label or "")
        for pk, acc, code, act, debit, credit, ref, src, day, label in values
    ]


@dataclass
class PaymentMatch:
    kind: str  # batch, payroll, payment
    label: str
    payments: list[LedgerPayment]
    score: int


class PaymentIndex:
    """The unpointed payments indexed once (by amount, piece reference, day of payroll), so
    that many bank lines cost a few lookups each."""

    def __init__(self, payments: Iterable[LedgerPayment], bank_accounts: set[int]):
        self.by_amount: dict[Decimal, list[LedgerPayment]] = defaultdict(list)
        by_ref: dict[str, list[LedgerPayment]] = defaultdict(list)
        payroll_days: dict[dt.date, list[LedgerPayment]] = defaultdict(list)
        self.accounts: set[int] = set()
        for payment in payments:
            self.by_amount[payment.amount].append(payment)
            self.accounts.add(payment.account_id)
            if payment.piece_ref:
                by_ref[payment.piece_ref.upper()].append(payment)
            if payment.source == PAYROLL:
                payroll_days[payment.date].append(payment)
        # A 512 owned by no bank account is the generic one other apps post on.
        self.generic = self.accounts - bank_accounts
        self.by_ref = dict(by_ref)
        self.ref_totals: dict[Decimal, list[str]] = defaultdict(list)
        for ref, group in by_ref.items():
            if len(group) > 1:
                self.ref_totals[sum((p.amount for p in group), ZERO)].append(ref)
        self.payroll_totals: dict[Decimal, list[list[LedgerPayment]]] = defaultdict(list)
        for group in payroll_days.values():
            if len(group) > 1:
                self.payroll_totals[sum((p.amount for p in group), ZERO)].append(group)

    def __bool__(self) -> bool:
        return bool(self.accounts)

    def _usable(self, line: BankLine, payments: Iterable[LedgerPayment]) -> list[LedgerPayment]:
        own = line.bank_account.account_id
        earliest, latest = line.booking_date - BEFORE, line.booking_date + AFTER
        return [
            p
            for p in payments
            if (p.account_id == own or p.account_id in self.generic)
            and earliest <= p.date <= latest
        ]

    def suggest(self, line: BankLine, words: set[str]) -> list[PaymentMatch]:
        wanted = line.amount
        found: list[PaymentMatch] = []
        for ref in sorted(words & self.by_ref.keys()):
            group = self._usable(line, self.by_ref[ref])
            if group and sum((p.amount for p in group), ZERO) == wanted:
                found.append(self._batch(group, ref, 95))
        for ref in self.ref_totals.get(wanted, ()):
            group = self._usable(line, self.by_ref[ref])
            if sum((p.amount for p in group), ZERO) == wanted:
                found.append(self._batch(group, ref, 75))
        if len(line.details) > 1:
            group = self._by_details(line)
            if group:
                found.append(
                    PaymentMatch(
                        "batch",
                        _("Lot de %(n)s virements déjà comptabilisés") % {"n": len(group)},
                        group,
                        90,
                    )
                )
        for group in self.payroll_totals.get(wanted, ()):
            usable = self._usable(line, group)
            if len(usable) == len(group):
                found.append(
                    PaymentMatch(
                        "payroll",
                        _("Salaires nets virés le %(date)s (%(n)s virements)")
                        % {"date": group[0].date.strftime("%d/%m/%Y"), "n": len(group)},
                        group,
                        85,
                    )
                )
        for payment in self._usable(line, self.by_amount.get(wanted, ())):
            named = payment.piece_ref.upper() in words
            found.append(
                PaymentMatch(
                    "payment",
                    _("Paiement déjà comptabilisé : %(label)s du %(date)s")
                    % {"label": payment.label, "date": payment.date.strftime("%d/%m/%Y")},
                    [payment],
                    80 if named else 55,
                )
            )
        return found

    def _batch(self, group: list[LedgerPayment], ref: str, score: int) -> PaymentMatch:
        return PaymentMatch(
            "batch",
            _("Lot de virements %(ref)s (%(n)s virements)") % {"ref": ref, "n": len(group)},
            group,
            score,
        )

    def _by_details(self, line: BankLine) -> list[LedgerPayment]:
        """One distinct payment of each detail's amount, or nothing."""
        sign = 1 if line.amount > 0 else -1
        taken: set[int] = set()
        group: list[LedgerPayment] = []
        for detail in line.details:
            try:
                amount = sign * Decimal(str(detail.get("amount") or "0")).quantize(ZERO)
            except ArithmeticError:
                return []
            candidates = [
                p
                for p in self._usable(line, self.by_amount.get(amount, ()))
                if p.line_id not in taken
            ]
            if not candidates:
                return []
            taken.add(candidates[0].line_id)
            group.append(candidates[0])
        return group
