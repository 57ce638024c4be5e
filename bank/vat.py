"""The monthly (or quarterly) VAT return, 3310-CA3, computed from the ledger.

The boxes (reference/bank-payments-expenses-vat.md §6.2, EDI codes from OCA's
l10n_fr_account_vat_return):
- 08 / 9B / 09: base and tax at 20 %, 10 % and 5.5 %. The ledger's lines carry no tax code, so
  each entry's rate is its VAT collected (44571) over its revenue (70x), rounded to the nearest
  legal rate; A1 is the sum of those bases;
- VAT on receipts (services without the debit option): the invoice parks its VAT on 44574, which
  the return does not read; each payment moves its share to 44571 (sales' payments, the bank's
  reconciliations). Those entries count in the month of the payment, with the base cashed: what
  the customer paid on 411 less the VAT released, activity by activity of the entry (the rate
  from the two, as above); a payment's reversal counts back. A payment that settles, in one
  activity, invoices on receipts together with invoices on debits counts the whole payment as
  cashed base: post them apart;
- 16: total gross VAT due; 19: deductible VAT on fixed assets (44562); 20: on other goods and
  services (44566); 22: the credit carried from the previous return (44567's balance at the
  period's start); 23: total deductible;
- TD / 28 / 32 when 16 exceeds 23 (VAT to pay, 44551), else 25 / 27 (credit carried forward).
The form is in whole euros: each box is rounded half up; the settlement entry posts the cents.

Validating the return posts its settlement entry in the OD journal, balanced activity by activity
as the ledger requires: each section D 44571, C 44566 and 44562, C 44567 for its credit used, and
its net to 4458; the structure's section nets 4458 to C 44551 (to pay) or D 44567 (credit carried
to the next return), the one debt or credit of the form.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.db import transaction
from django.db.models import Q, QuerySet, Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounting import services as ledger
from accounting.models import Entry, EntryLine
from accounting.services import LineInput
from perspectives.accounts.models import User
from perspectives.core.exceptions import ApplicationError

ZERO = Decimal("0.00")
EURO = Decimal("1")
PENDING = "44574"
RATES = (Decimal("0.20"), Decimal("0.10"), Decimal("0.055"), Decimal("0.021"))
COLLECTED = "44571"
DEDUCTIBLE_ASSETS = "44562"
DEDUCTIBLE_OTHER = "44566"
CREDIT = "44567"
DUE = "44551"
SHARE = "4458"
SOURCE = "vat_return"


@dataclass(frozen=True)
class Box:
    code: str
    edi: str
    label: object
    amount: Decimal  # whole euros
    exact: Decimal  # cents, as in the ledger
    accounts: tuple[str, ...] = ()


@dataclass
class VatReturn:
    date_from: dt.date
    date_to: dt.date
    boxes: list[Box] = field(default_factory=list)
    by_activity: dict[int | None, dict[str, Decimal]] = field(default_factory=dict)
    settled: Entry | None = None

    def box(self, code: str) -> Box:
        return next(b for b in self.boxes if b.code == code)

    @property
    def amounts(self) -> dict[str, Decimal]:
        return {b.code: b.amount for b in self.boxes}


def _euros(value: Decimal) -> Decimal:
    return value.quantize(EURO, rounding=ROUND_HALF_UP)


def _period_lines(date_from: dt.date, date_to: dt.date) -> QuerySet[EntryLine]:
    """The period's validated lines, less the settlements of earlier returns (this app's, or
    any entry that pays VAT out: 44551, or 44571 debited against deductible VAT credited)."""
    lines = EntryLine.objects.filter(
        date__gte=date_from, date__lte=date_to, entry__status=Entry.Status.VALIDATED
    )
    settling = lines.filter(
        Q(account__code=DUE)
        | Q(
            account__code=COLLECTED,
            debit__gt=0,
            entry__lines__account__code__in=(DEDUCTIBLE_OTHER, DEDUCTIBLE_ASSETS),
            entry__lines__credit__gt=0,
        )
    ).values("entry_id")
    return lines.exclude(entry__source=SOURCE).exclude(entry_id__in=settling)


def _rate(base: Decimal, tax: Decimal) -> Decimal:
    ratio = tax / base
    return min(RATES, key=lambda rate: abs(rate - ratio))


# Long on purpose: the CA3 form's boxes computed in the form's order, each from the ledger's
# accounts.
def vat_return_compute(*, date_from: dt.date, date_to: dt.date) -> VatReturn:
    if date_to < date_from:
        raise ApplicationError(_("La période finit avant de commencer."))
    lines = _period_lines(date_from, date_to)
    # Bases and taxes per rate, from the entries that collected VAT.
    per_entry: dict[int, list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    rows = lines.filter(
        Q(account__code__startswith="70") | Q(account__code=COLLECTED),
        entry__in=lines.filter(account__code=COLLECTED).values("entry_id"),
    ).values_list("entry_id", "account__code", "debit", "credit")
    for entry_id, code, debit, credit in rows:
        per_entry[entry_id][0 if code.startswith("70") else 1] += credit - debit
    # VAT on receipts: the payments that released pending VAT (and the reversals of such
    # payments, negative), per entry and activity; not the invoices that park it (revenue).
    receipts = lines.filter(
        entry__in=lines.filter(account__code=PENDING).values("entry_id")
    ).exclude(entry__in=lines.filter(account__code__startswith="70").values("entry_id"))
    cashed: dict[tuple[int, int | None], list[Decimal]] = defaultdict(lambda: [ZERO, ZERO])
    for entry_id, activity_id, code, debit, credit in receipts.filter(
        Q(account__code__startswith="411") | Q(account__code=COLLECTED)
    ).values_list("entry_id", "activity_id", "account__code", "debit", "credit"):
        paid, tax = cashed[(entry_id, activity_id)]
        if code == COLLECTED:
            tax += credit - debit
        else:
            paid += credit - debit
        cashed[(entry_id, activity_id)] = [paid, tax]
    bases: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    taxes: dict[Decimal, Decimal] = defaultdict(lambda: ZERO)
    pairs = [*per_entry.values(), *([paid - tax, tax] for paid, tax in cashed.values() if tax)]
    for base, tax in pairs:
        if not base:
            continue
        rate = _rate(base, tax)
        bases[rate] += base
        taxes[rate] += tax
    # Collected VAT booked without revenue in the same entry (regularisations) goes to 20 %.
    collected = _sum(lines, COLLECTED, credit_side=True)
    taxes[RATES[0]] += collected - sum(taxes.values(), ZERO)

    by_activity: dict[int | None, dict[str, Decimal]] = defaultdict(
        lambda: defaultdict(lambda: ZERO)
    )
    for activity_id, code, debit, credit in lines.filter(
        account__code__in=(COLLECTED, DEDUCTIBLE_ASSETS, DEDUCTIBLE_OTHER)
    ).values_list("activity_id", "account__code", "debit", "credit"):
        by_activity[activity_id][code] += debit - credit
    carried_rows = (
        EntryLine.objects.filter(
            date__lt=date_from, account__code=CREDIT, entry__status=Entry.Status.VALIDATED
        )
        .values_list("activity_id")
        .annotate(debit=Sum("debit"), credit=Sum("credit"))
    )
    for activity_id, debit, credit in carried_rows:
        if debit - credit:
            by_activity[activity_id][CREDIT] += debit - credit

    assets = _sum(lines, DEDUCTIBLE_ASSETS)
    other = _sum(lines, DEDUCTIBLE_OTHER)
    carried = sum((values[CREDIT] for values in by_activity.values()), ZERO)
    gross = sum(taxes.values(), ZERO)
    deductible = assets + other + carried
    exact: list[tuple[str, str, object, Decimal, tuple[str, ...]]] = [
        (
            "A1",
            "CA",
            gettext_lazy("Ventes, prestations de services (base HT)"),
            sum(bases.values(), ZERO),
            ("70", PENDING),
        ),
        (
            "08",
            "FP",
            gettext_lazy("Base taxable au taux normal 20 %"),
            bases[RATES[0]],
            ("70", PENDING),
        ),
        ("08T", "GP", gettext_lazy("Taxe due au taux normal 20 %"), taxes[RATES[0]], (COLLECTED,)),
        (
            "9B",
            "FR",
            gettext_lazy("Base taxable au taux de 10 %"),
            bases[RATES[1]],
            ("70", PENDING),
        ),
        ("9BT", "GR", gettext_lazy("Taxe due au taux de 10 %"), taxes[RATES[1]], (COLLECTED,)),
        (
            "09",
            "FB",
            gettext_lazy("Base taxable au taux de 5,5 %"),
            bases[RATES[2]],
            ("70", PENDING),
        ),
        ("09T", "GB", gettext_lazy("Taxe due au taux de 5,5 %"), taxes[RATES[2]], (COLLECTED,)),
        ("16", "GH", gettext_lazy("Total de la TVA brute due"), gross, (COLLECTED,)),
        (
            "19",
            "HA",
            gettext_lazy("TVA déductible sur immobilisations"),
            assets,
            (DEDUCTIBLE_ASSETS,),
        ),
        (
            "20",
            "HB",
            gettext_lazy("TVA déductible sur autres biens et services"),
            other,
            (DEDUCTIBLE_OTHER,),
        ),
        (
            "22",
            "HD",
            gettext_lazy("Report du crédit de la déclaration précédente"),
            carried,
            (CREDIT,),
        ),
        ("23", "HG", gettext_lazy("Total de la TVA déductible"), deductible, ()),
        ("TD", "KA", gettext_lazy("TVA due"), max(gross - deductible, ZERO), ()),
        ("25", "JA", gettext_lazy("Crédit de TVA"), max(deductible - gross, ZERO), ()),
        ("27", "JC", gettext_lazy("Crédit à reporter"), max(deductible - gross, ZERO), ()),
        ("28", "ND", gettext_lazy("TVA nette due"), max(gross - deductible, ZERO), ()),
        ("32", "KE", gettext_lazy("Total à payer"), max(gross - deductible, ZERO), ()),
    ]
    result = VatReturn(
        date_from=date_from,
        date_to=date_to,
        boxes=[
            Box(code, edi, label, _euros(value), value, accounts)
            for code, edi, label, value, accounts in exact
        ],
        by_activity={key: dict(values) for key, values in by_activity.items()},
    )
    result.settled = vat_return_settlement(date_from=date_from, date_to=date_to)
    return result


def _sum(lines: QuerySet[EntryLine], code: str, *, credit_side: bool = False) -> Decimal:
    total = lines.filter(account__code=code).aggregate(debit=Sum("debit"), credit=Sum("credit"))
    debit, credit = total["debit"] or ZERO, total["credit"] or ZERO
    return credit - debit if credit_side else debit - credit


def vat_return_settlement(*, date_from: dt.date, date_to: dt.date) -> Entry | None:
    key = _key(date_from, date_to)
    return Entry.objects.filter(idempotency_key=key).select_related("journal").first()


def _line(code: str, amount: Decimal, activity_id: int | None) -> LineInput:
    return LineInput(
        account=code,
        debit=amount if amount > 0 else ZERO,
        credit=-amount if amount < 0 else ZERO,
        activity=activity_id,
    )


def _key(date_from: dt.date, date_to: dt.date) -> str:
    return f"vat-return:{date_from.isoformat()}:{date_to.isoformat()}"


def box_lines(*, date_from: dt.date, date_to: dt.date, code: str) -> QuerySet[EntryLine]:
    """The ledger lines behind a box (the drill-down)."""
    vat = vat_return_compute(date_from=date_from, date_to=date_to)
    box = next((b for b in vat.boxes if b.code == code), None)
    if box is None or not box.accounts:
        return EntryLine.objects.none()
    if box.code == "22":
        lines = EntryLine.objects.filter(
            date__lt=date_from, account__code=CREDIT, entry__status=Entry.Status.VALIDATED
        )
    else:
        lines = _period_lines(date_from, date_to)
        prefix = Q()
        for account in box.accounts:
            if account == PENDING:
                # The releases of VAT on receipts: the payments behind the cashed bases.
                prefix |= Q(account__code=PENDING, debit__gt=0)
            else:
                prefix |= Q(account__code__startswith=account)
        lines = lines.filter(prefix)
    return lines.select_related("entry__journal", "account", "activity", "third_party").order_by(
        "date", "entry_id", "line_no"
    )


@transaction.atomic
def vat_return_validate(*, date_from: dt.date, date_to: dt.date, user: User | None = None) -> Entry:
    """Post the settlement entry of the return (once: the same period returns the same entry)."""
    vat = vat_return_compute(date_from=date_from, date_to=date_to)
    if vat.settled is not None:
        raise ApplicationError(_("Cette déclaration est déjà validée."))
    lines: list[LineInput] = []
    # Each section settles its own VAT against 4458 (its share of what the cooperative owes or
    # is owed); the structure's section then nets 4458 to 44551 or 44567 for the whole return,
    # so the ledger holds the single debt or credit the form declares.
    shares = ZERO
    for activity_id, values in sorted(vat.by_activity.items(), key=lambda kv: kv[0] or 0):
        collected = -values.get(COLLECTED, ZERO)  # a credit balance
        other = values.get(DEDUCTIBLE_OTHER, ZERO)
        assets = values.get(DEDUCTIBLE_ASSETS, ZERO)
        carried = values.get(CREDIT, ZERO)
        net = collected - other - assets - carried
        shares += net
        parts = [
            (COLLECTED, collected),
            (DEDUCTIBLE_OTHER, -other),
            (DEDUCTIBLE_ASSETS, -assets),
            (CREDIT, -carried),
            (SHARE, -net),
        ]
        lines += [_line(code, amount, activity_id) for code, amount in parts if amount]
    if shares:
        lines.append(_line(SHARE, shares, None))
        lines.append(_line(DUE, -shares, None) if shares > 0 else _line(CREDIT, -shares, None))
    if len(lines) < 2:
        raise ApplicationError(_("Aucune TVA sur la période : rien à liquider."))
    return ledger.entry_post(
        journal="OD",
        date=date_to,
        label=_("Liquidation de la TVA du %(start)s au %(end)s")
        % {"start": date_from.strftime("%d/%m/%Y"), "end": date_to.strftime("%d/%m/%Y")},
        lines=lines,
        idempotency_key=_key(date_from, date_to),
        piece_ref=f"CA3-{date_to:%Y%m}",
        source=SOURCE,
        user=user,
        allow_soft_locked=True,
    )
