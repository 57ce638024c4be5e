"""Reconciliation: suggestions for each bank line against the ledger's open items, confirming
(one bank entry, lettering through the ledger's services), undoing (reversal, never a rewrite)
and the cooperative's rules.

An open item is a validated, unlettered line on a collective account (411 customers, 401
suppliers, …: `requires_third_party`) — the ledger's own open items, whichever app posted the
invoice. Suggestions, best first:
1. items whose piece reference (invoice number) appears in the line's text, for the whole amount
   (several invoices paid at once) or, when they cost more, a partial payment;
2. a single item of exactly the amount, preferably of the third party named in the text;
3. all open items of one third party named in the text when they add up to the amount, or
   net to it (a supplier refunding a credit note or an overpayment: 512 / 401);
4. payments the ledger already holds (a SEPA batch, the month's salaries:
   bank/services/pointing.py), pointed rather than posted again;
5. the cooperative's rules (label contains … → account);
6. when no rule matched, bank fees recognised by their code or label, against 627 (fees.py).

Confirming posts one entry in the bank account's journal, dated on the booking date: for each
allocation, the bank account's 512x against the item's account (411/401 with its third party) or
the chosen account, in the allocation's activity, so the entry balances activity by activity.
Items paid in full are lettered with the new line; partial payments stay open.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from accounting import services as ledger
from accounting.models import Account, Entry, EntryLine, ThirdParty
from accounting.services import LineInput
from bank.models import BankLine, PointedLine, Reconciliation, ReconciliationRule, Statement
from bank.services.fees import FEE_SCORE, FEES_ACCOUNT, is_bank_fee
from bank.services.pointing import (
    LedgerPayment,
    PaymentIndex,
    bank_ledger_accounts,
    ledger_payments_unpointed,
)
from bank.services.vat_receipts import COLLECTED, PENDING, Release, vat_releases
from bank.services.vat_receipts import Payment as VatPayment
from entrepreneurs.models import Activity
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError
from perspectives.tenancy.context import require_cooperative_id
from purchases.services import purchases_settle_from_ledger, purchases_unsettle_from_ledger

ZERO = Decimal("0.00")
MAX_SUGGESTIONS = 5
_WORD = re.compile(r"[A-Z0-9][A-Z0-9/_.-]*[A-Z0-9]|[A-Z0-9]")


@dataclass(frozen=True)
class OpenItem:
    line_id: int
    account_id: int
    account_code: str
    third_party_id: int
    third_party_code: str
    third_party_name: str
    activity_id: int | None
    amount: Decimal  # signed, debit > 0
    piece_ref: str
    date: object


@dataclass
class Allocation:
    """A part of a bank line: `amount` is the bank side, signed like the line (credit > 0)."""

    account: Account | str
    amount: Decimal
    activity: Activity | int | None = None
    third_party: ThirdParty | str | None = None
    items: list[int] = field(default_factory=list)
    label: str = ""
    # The open item this part pays, in full (`items`) or in part: its VAT on receipts is
    # released in proportion (vat_receipts.py).
    settles: int | None = None


@dataclass
class Suggestion:
    # reference, amount, third_party, balance, partial, batch, payroll, payment, rule, fees
    kind: str
    label: str
    allocations: list[Allocation]
    score: int
    rule_id: int | None = None
    # 512 lines of payments already posted, which the line accounts for (pointing.py).
    pointed: list[int] = field(default_factory=list)
    pointed_activities: frozenset[int | None] = frozenset()

    @property
    def activity_ids(self) -> frozenset[int | None]:
        return frozenset(_activity_id(a.activity) for a in self.allocations) | (
            self.pointed_activities
        )

    @property
    def item_ids(self) -> list[int]:
        return [item for allocation in self.allocations for item in allocation.items]


def _activity_id(activity: Activity | int | None) -> int | None:
    return activity.pk if isinstance(activity, Activity) else activity


def _portfolio_refused() -> ApplicationError:
    return ApplicationError(_("Cette répartition sort des activités de votre portefeuille."))


def _text(line: BankLine) -> str:
    parts = [line.label, line.counterparty, line.reference]
    for detail in line.details or []:
        parts += [str(detail.get("label", "")), str(detail.get("reference", ""))]
        parts.append(str(detail.get("counterparty", "")))
    return " ".join(parts).upper()


def open_items() -> list[OpenItem]:
    """Every open item of the active cooperative's collective accounts, and of 467 where
    expense reports owe each entrepreneur (a third party on an account that does not demand one)."""
    rows = (
        EntryLine.objects.filter(
            Q(account__requires_third_party=True) | Q(account__code__startswith="467"),
            lettering__isnull=True,
            third_party__isnull=False,
            entry__status=Entry.Status.VALIDATED,
        )
        .annotate(
            account_code=F("account__code"),
            tp_code=F("third_party__code"),
            tp_name=F("third_party__name"),
            piece_ref=F("entry__piece_ref"),
        )
        .values_list(
            "pk",
            "account_id",
            "account_code",
            "third_party_id",
            "tp_code",
            "tp_name",
            "activity_id",
            "debit",
            "credit",
            "piece_ref",
            "date",
        )
    )
    return [
        OpenItem(pk, acc, code, tp, tp_code, tp_name or "", act, debit - credit, ref or "", day)
        for pk, acc, code, tp, tp_code, tp_name, act, debit, credit, ref, day in rows
    ]


class Matcher:
    """Open items indexed once (by amount, by piece reference, by third party), so that the
    suggestions of many lines cost one pass over the items and a few lookups per line."""

    def __init__(
        self,
        items: Iterable[OpenItem],
        rules: Sequence[ReconciliationRule] = (),
        payments: PaymentIndex | None = None,
    ):
        self.by_amount: dict[Decimal, list[OpenItem]] = defaultdict(list)
        self.by_ref: dict[str, list[OpenItem]] = defaultdict(list)
        self.by_party: dict[int, list[OpenItem]] = defaultdict(list)
        self.party_names: dict[str, int] = {}
        for item in items:
            self.by_amount[item.amount].append(item)
            if item.piece_ref:
                self.by_ref[item.piece_ref.upper()].append(item)
            self.by_party[item.third_party_id].append(item)
            if len(item.third_party_name) >= 4:
                self.party_names[item.third_party_name.upper()] = item.third_party_id
        self.rules = list(rules)
        self.payments = payments

    def _parties_named(self, text: str) -> set[int]:
        return {party for name, party in self.party_names.items() if name in text}

    def suggest(self, line: BankLine) -> list[Suggestion]:
        # A credit to the bank settles debit items (customers), a debit settles credit items.
        wanted = line.amount
        text = _text(line)
        words = set(_WORD.findall(text))
        named = self._parties_named(text) if self.party_names else set()
        suggestions: list[Suggestion] = []
        seen: set[tuple[int, ...]] = set()

        def add(kind: str, label: str, items: list[OpenItem], score: int, amount: Decimal) -> None:
            key = tuple(sorted(item.line_id for item in items))
            if key in seen:
                return
            seen.add(key)
            suggestions.append(Suggestion(kind, label, _allocations(items, amount), score))

        referenced = [
            item
            for word in words
            for item in self.by_ref.get(word, ())
            if (item.amount > 0) == (wanted > 0)
        ]
        # An invoice's entry may hold open items on other accounts under the same reference
        # (the deposit deducted on 4191, the retention withheld on 4117): each account's items
        # are tried on their own before all of them together.
        referenced_by_account: dict[int, list[OpenItem]] = defaultdict(list)
        for item in referenced:
            referenced_by_account[item.account_id].append(item)
        groups = list(referenced_by_account.values())
        if len(groups) > 1:
            groups.append(referenced)
        for group in groups:
            total = sum((item.amount for item in group), ZERO)
            refs = ", ".join(sorted({item.piece_ref for item in group}))
            if total == wanted:
                add("reference", _("Pièces %(refs)s") % {"refs": refs}, group, 100, wanted)
            elif abs(total) > abs(wanted):
                add(
                    "partial",
                    _("Paiement partiel de %(refs)s") % {"refs": refs},
                    group,
                    70,
                    wanted,
                )
        for item in self.by_amount.get(wanted, ()):
            score = 80 if item.third_party_id in named else 50
            label = _("%(party)s, %(ref)s du %(date)s") % {
                "party": item.third_party_name,
                "ref": item.piece_ref or item.account_code,
                "date": item.date.strftime("%d/%m/%Y"),  # type: ignore[attr-defined]
            }
            add("amount", label, [item], score, wanted)
        for party in named:
            items = [i for i in self.by_party.get(party, ()) if (i.amount > 0) == (wanted > 0)]
            if len(items) > 1 and sum((i.amount for i in items), ZERO) == wanted:
                add(
                    "third_party",
                    _("Toutes les pièces ouvertes de %(party)s")
                    % {"party": items[0].third_party_name},
                    items,
                    90,
                    wanted,
                )
            # A balance of both sides (a supplier paid more than owed, then refunding): the
            # party's open items on one account net to the line.
            by_account: dict[int, list[OpenItem]] = defaultdict(list)
            for item in self.by_party.get(party, ()):
                by_account[item.account_id].append(item)
            for items in by_account.values():
                signs = {item.amount > 0 for item in items}
                key = tuple(sorted(item.line_id for item in items))
                if (
                    len(signs) == 2
                    and key not in seen
                    and sum((i.amount for i in items), ZERO) == wanted
                ):
                    seen.add(key)
                    suggestions.append(
                        Suggestion(
                            "balance",
                            _("Solde des pièces ouvertes de %(party)s (%(account)s)")
                            % {
                                "party": items[0].third_party_name,
                                "account": items[0].account_code,
                            },
                            _balance_allocations(items),
                            85,
                        )
                    )
        if self.payments:
            for match in self.payments.suggest(line, words):
                key = (-1, *sorted(p.line_id for p in match.payments))
                if key not in seen:
                    seen.add(key)
                    suggestions.append(
                        Suggestion(
                            match.kind,
                            match.label,
                            [],
                            match.score,
                            pointed=[p.line_id for p in match.payments],
                            pointed_activities=frozenset(p.activity_id for p in match.payments),
                        )
                    )
        ruled = False
        for rule in self.rules:
            if rule.matches(line):
                ruled = True
                suggestions.append(
                    Suggestion(
                        "rule",
                        _("Règle « %(name)s » → %(code)s")
                        % {"name": rule.name, "code": rule.account.code},
                        [
                            Allocation(
                                account=rule.account,
                                amount=wanted,
                                activity=rule.activity_id or line.bank_account.activity_id,
                                label=rule.name,
                            )
                        ],
                        60,
                        rule_id=rule.pk,
                    )
                )
        if not ruled and is_bank_fee(line):
            suggestions.append(
                Suggestion(
                    "fees",
                    _("Frais bancaires → %(code)s") % {"code": FEES_ACCOUNT},
                    [
                        Allocation(
                            account=FEES_ACCOUNT,
                            amount=wanted,
                            activity=line.bank_account.activity_id,
                            label=(line.label or _("Frais bancaires"))[:200],
                        )
                    ],
                    FEE_SCORE,
                )
            )
        suggestions.sort(key=lambda s: -s.score)
        return suggestions[:MAX_SUGGESTIONS]


def _allocations(items: list[OpenItem], amount: Decimal) -> list[Allocation]:
    """One allocation per item; a partial payment is spread over the items in date order."""
    remaining = amount
    allocations = []
    for item in sorted(items, key=lambda i: (i.date, i.line_id)):
        if not remaining:
            break
        part = item.amount if abs(item.amount) <= abs(remaining) else remaining
        remaining -= part
        allocations.append(
            Allocation(
                account=item.account_code,
                amount=part,
                activity=item.activity_id,
                third_party=item.third_party_code,
                items=[item.line_id] if part == item.amount else [],
                label=item.piece_ref,
                settles=item.line_id,
            )
        )
    return allocations


def _balance_allocations(items: list[OpenItem]) -> list[Allocation]:
    """Items of both sides settled at once: one part per activity for what its items net to;
    items of an activity that nets to zero ride on another part (they are lettered all the
    same, by account and third party)."""
    by_activity: dict[int | None, list[OpenItem]] = defaultdict(list)
    for item in sorted(items, key=lambda i: (i.date, i.line_id)):
        by_activity[item.activity_id].append(item)
    allocations: list[Allocation] = []
    riding: list[int] = []
    for activity_id, group in by_activity.items():
        amount = sum((item.amount for item in group), ZERO)
        ids = [item.line_id for item in group]
        if not amount:
            riding += ids
            continue
        allocations.append(
            Allocation(
                account=group[0].account_code,
                amount=amount,
                activity=activity_id,
                third_party=group[0].third_party_code,
                items=ids,
                label=", ".join(sorted({i.piece_ref for i in group if i.piece_ref}))[:200],
            )
        )
    allocations[0].items += riding
    return allocations


def rules_active() -> list[ReconciliationRule]:
    return list(ReconciliationRule.objects.filter(is_active=True).select_related("account"))


def _matcher(lines: Sequence[BankLine]) -> Matcher:
    days = [line.booking_date for line in lines]
    payments = PaymentIndex(ledger_payments_unpointed(around=days), bank_ledger_accounts())
    return Matcher(open_items(), rules_active(), payments)


def suggestions_for(
    line: BankLine, *, activities: frozenset[int] | None = None
) -> list[Suggestion]:
    """The line's suggestions; with `activities` (a support member's portfolio), only those
    that stay within them."""
    suggestions = _matcher([line]).suggest(line)
    if activities is None:
        return suggestions
    return [s for s in suggestions if s.activity_ids <= activities]


def suggestions_for_lines(lines: Sequence[BankLine]) -> dict[int, list[Suggestion]]:
    if not lines:
        return {}
    matcher = _matcher(lines)
    return {line.pk: matcher.suggest(line) for line in lines}


@transaction.atomic
def reconciliation_confirm(
    *,
    line: BankLine,
    allocations: Sequence[Allocation],
    user: User | None = None,
    rule: ReconciliationRule | None = None,
    pointed: Sequence[int] = (),
    activities: frozenset[int] | None = None,
) -> Reconciliation:
    """Post the bank entry of `line` split as `allocations`, letter the items paid in full and
    point the `pointed` 512 lines (payments already posted): no entry for those, except the
    transfer of the ones on the generic 512 to the bank account's own. With `activities` (a
    support member's portfolio), every part stays within them."""
    line = (
        BankLine.objects.select_for_update().select_related("bank_account__account").get(pk=line.pk)
    )
    if line.state != BankLine.State.OPEN:
        raise ApplicationError(_("Cette ligne est déjà rapprochée."))
    if not allocations and not pointed:
        raise ApplicationError(_("Indiquez au moins une contrepartie."))
    bank = line.bank_account
    payments = _pointed_payments(bank.account_id, pointed)
    total = sum((Decimal(a.amount) for a in allocations), ZERO)
    total += sum((p.amount for p in payments), ZERO)
    if total != line.amount:
        raise ApplicationError(
            _("La répartition (%(total)s) ne fait pas le montant de la ligne (%(amount)s).")
            % {"total": total, "amount": line.amount}
        )
    allocations = [
        *allocations,
        *(
            Allocation(
                account=p.account_code, amount=p.amount, activity=p.activity_id, label=p.label
            )
            for p in payments
            if p.account_id != bank.account_id
        ),
    ]
    if (
        activities is not None
        and not {_activity_id(a.activity) for a in allocations} | {p.activity_id for p in payments}
        <= activities
    ):
        raise _portfolio_refused()
    releases = vat_releases(
        [
            VatPayment(item, Decimal(a.amount), full=item in a.items)
            for a in allocations
            if (item := a.settles or (a.items[0] if len(a.items) == 1 else None)) is not None
        ]
    )
    entry = _bank_entry_post(line, allocations, user, releases) if allocations else None
    letterings = _letter(entry, allocations, line) if entry is not None else []
    if entry is not None and letterings:
        # Supplier invoices and expense reports paid in full are paid for purchases too.
        settled = EntryLine.objects.filter(
            pk__in=[item for a in allocations for item in a.items], lettering__isnull=False
        ).values_list("entry_id", flat=True)
        purchases_settle_from_ledger(
            entry_ids=sorted(set(settled)), payment_entry=entry, day=line.booking_date, user=user
        )
    reconciliation = Reconciliation.objects.create(
        cooperative_id=require_cooperative_id(),
        bank_line=line,
        entry=entry,
        letterings=letterings,
        vat_released=[[r.item, str(r.amount)] for r in releases],
        rule=rule,
        created_by=user,
    )
    try:
        with transaction.atomic():
            PointedLine.objects.bulk_create(
                PointedLine(
                    cooperative_id=reconciliation.cooperative_id,
                    reconciliation=reconciliation,
                    entry_line_id=p.line_id,
                    amount=p.amount,
                )
                for p in payments
            )
    except IntegrityError:
        # Another line pointed one of them in the meantime.
        raise ApplicationError(
            _("Un des paiements vient d'être pointé : actualisez la page.")
        ) from None
    BankLine.objects.filter(pk=line.pk).update(state=BankLine.State.RECONCILED)
    _statement_state_refresh(line.statement_id)
    return reconciliation


def _pointed_payments(bank_account_id: int, pointed: Sequence[int]) -> list[LedgerPayment]:
    if not pointed:
        return []
    payments = ledger_payments_unpointed(line_ids=pointed)
    if len(payments) != len(set(pointed)):
        raise ApplicationError(_("Un des paiements n'est plus à pointer : actualisez la page."))
    others = bank_ledger_accounts() - {bank_account_id}
    if any(p.account_id in others for p in payments):
        raise ApplicationError(_("Un des paiements est passé sur le compte d'une autre banque."))
    return payments


def _bank_entry_post(
    line: BankLine,
    allocations: Sequence[Allocation],
    user: User | None,
    releases: Sequence[Release] = (),
) -> Entry:
    """One entry in the bank's journal: 512x per activity against each allocation, and the
    VAT on receipts the payment releases (D 44574 / C 44571)."""
    bank = line.bank_account
    entry_lines: list[LineInput] = []
    label = (line.label or line.counterparty or _("Banque"))[:200]
    by_activity: dict[int | None, Decimal] = defaultdict(lambda: ZERO)
    for allocation in allocations:
        amount = Decimal(allocation.amount)
        if not amount:
            raise ApplicationError(_("Une contrepartie a un montant nul."))
        activity = allocation.activity
        activity_id = activity.pk if isinstance(activity, Activity) else activity
        by_activity[activity_id] += amount
        entry_lines.append(
            LineInput(
                account=allocation.account,
                debit=-amount if amount < 0 else ZERO,
                credit=amount if amount > 0 else ZERO,
                activity=activity_id,
                third_party=allocation.third_party,
                label=(allocation.label or label)[:200],
            )
        )
    bank_lines = [
        LineInput(
            account=bank.account,
            debit=amount if amount > 0 else ZERO,
            credit=-amount if amount < 0 else ZERO,
            activity=activity_id,
            label=label,
        )
        for activity_id, amount in by_activity.items()
        if amount
    ]
    for release in releases:
        entry_lines += [
            LineInput(account=PENDING, debit=release.amount, activity=release.activity_id),
            LineInput(account=COLLECTED, credit=release.amount, activity=release.activity_id),
        ]
    attempt = Reconciliation.objects.filter(bank_line=line).count() + 1
    return ledger.entry_post(
        journal=bank.journal,
        date=line.booking_date,
        label=label,
        lines=[*bank_lines, *entry_lines],
        piece_ref=(line.reference or line.bank_transaction_id)[:40],
        piece_date=line.booking_date,
        idempotency_key=f"bank-line:{line.pk}:{attempt}",
        source="bank",
        user=user,
        allow_soft_locked=True,
    )


def _letter(entry: Entry, allocations: Sequence[Allocation], line: BankLine) -> list[list[object]]:
    """Letter each group (account, third party) whose items were paid in full."""
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    item_ids = [item for allocation in allocations for item in allocation.items]
    if not item_ids:
        return []
    items = EntryLine.objects.filter(pk__in=item_ids, lettering__isnull=True).values_list(
        "pk", "account_id", "third_party_id"
    )
    if len(items) != len(set(item_ids)):
        raise ApplicationError(_("Une des pièces n'est plus ouverte : actualisez la page."))
    for pk, account_id, third_party_id in items:
        groups[(account_id, third_party_id)].append(pk)
    new_lines = entry.lines.filter(third_party__isnull=False).values_list(
        "pk", "account_id", "third_party_id"
    )
    for pk, account_id, third_party_id in new_lines:
        if (account_id, third_party_id) in groups:
            groups[(account_id, third_party_id)].append(pk)
    letterings: list[list[object]] = []
    for (account_id, _party), ids in groups.items():
        rows = EntryLine.objects.filter(pk__in=ids).values_list("debit", "credit")
        if sum((d - c for d, c in rows), ZERO) == 0 and len(ids) >= 2:
            code = ledger.lines_letter(line_ids=ids, date=line.booking_date)
            letterings.append([account_id, code])
    return letterings


def _statement_state_refresh(statement_id: int) -> None:
    still_open = BankLine.objects.filter(
        statement_id=statement_id, state=BankLine.State.OPEN
    ).exists()
    Statement.objects.filter(pk=statement_id).update(
        state=Statement.State.OPEN if still_open else Statement.State.RECONCILED
    )


@transaction.atomic
def reconciliation_undo(
    *,
    reconciliation: Reconciliation,
    user: User | None = None,
    activities: frozenset[int] | None = None,
) -> Entry | None:
    """Clear the lettering, free the pointed payments and reverse the bank entry (None when
    none was posted); the line is open again. With `activities` (a support member's
    portfolio), only a reconciliation that stayed within them."""
    reconciliation = Reconciliation.objects.select_for_update().get(pk=reconciliation.pk)
    if reconciliation.undone_at is not None:
        raise ApplicationError(_("Ce rapprochement est déjà annulé."))
    if activities is not None:
        touched = set(
            EntryLine.objects.filter(
                Q(entry_id=reconciliation.entry_id or 0)
                | Q(pk__in=reconciliation.pointed_lines.values("entry_line_id"))
            ).values_list("activity_id", flat=True)
        )
        if not touched <= activities:
            raise _portfolio_refused()
    for account_id, code in reconciliation.letterings:
        ledger.lines_unletter(account=Account.objects.get(pk=account_id), code=str(code))
    PointedLine.objects.filter(reconciliation=reconciliation).update(is_active=False)
    reversal = None
    if reconciliation.entry_id is not None:
        entry = Entry.objects.select_related("journal").get(pk=reconciliation.entry_id)
        purchases_unsettle_from_ledger(payment_entry=entry, user=user)
        reversal = ledger.entry_reverse(
            entry=entry,
            label=_("Annulation du rapprochement : %(label)s") % {"label": entry.label},
            user=user,
            idempotency_key=f"bank-undo:{reconciliation.pk}",
            allow_soft_locked=True,
        )
    Reconciliation.objects.filter(pk=reconciliation.pk).update(
        undone_at=timezone.now(), reversal=reversal
    )
    BankLine.objects.filter(pk=reconciliation.bank_line_id).update(state=BankLine.State.OPEN)
    Statement.objects.filter(lines__pk=reconciliation.bank_line_id).update(
        state=Statement.State.OPEN
    )
    return reversal
