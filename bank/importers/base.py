"""What every statement reader yields, and the checks shared by all formats.

A reader turns a file's bytes into `ParsedStatement`s (a file may hold several, e.g. one per
account or per day); it refuses what it cannot read with an `ImportRefused` in French naming the
place in the file. It writes nothing: the import service does, all or nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from perspectives.core.exceptions import ApplicationError

CENT = Decimal("0.01")
MAX_LINES = 200_000


class ImportRefused(ApplicationError):
    """The file is refused; nothing was written."""


@dataclass
class ParsedLine:
    booking_date: dt.date
    amount: Decimal  # signed: credit to the account > 0
    value_date: dt.date | None = None
    currency: str = "EUR"
    counterparty: str = ""
    counterparty_iban: str = ""
    label: str = ""
    reference: str = ""
    bank_transaction_id: str = ""
    bank_code: str = ""
    details: list[dict[str, Any]] = field(default_factory=list)
    fingerprint: str = ""


@dataclass
class ParsedStatement:
    """`account_id` is what the file names the account by (an IBAN, or a national account
    number for CFONB and some OFX files); empty when the file does not say (CSV)."""

    account_id: str
    start_date: dt.date
    end_date: dt.date
    opening_balance: Decimal
    closing_balance: Decimal
    lines: list[ParsedLine]
    currency: str = "EUR"
    bank_reference: str = ""
    # Whether the file states its opening balance (OFX and most CSV files only give a closing
    # one, or none): the opening + movements = closing check only means something when it does.
    states_opening: bool = True
    # False when the file states no balance at all (a CSV without a balance column): the import
    # then takes the previous statement's closing balance as the opening one.
    balances_known: bool = True

    @property
    def movements(self) -> Decimal:
        return sum((line.amount for line in self.lines), Decimal("0.00"))


def decimal_or_refuse(text: str, *, where: str) -> Decimal:
    try:
        value = Decimal(text.strip())
    except (InvalidOperation, AttributeError):
        raise ImportRefused(
            _("Montant illisible « %(text)s » (%(where)s).") % {"text": text, "where": where}
        ) from None
    if not value.is_finite() or value != value.quantize(CENT):
        raise ImportRefused(
            _("Montant « %(text)s » non exact au centime (%(where)s).")
            % {"text": text, "where": where}
        )
    return value.quantize(CENT)


def clean_text(value: str | None, length: int) -> str:
    return " ".join((value or "").split())[:length]


def fingerprints_assign(lines: list[ParsedLine]) -> None:
    """Each line's stable identity on its account. The bank's transaction id when the file has
    one, with the date and amount (some banks reuse an id, e.g. for a fee split in two lines);
    else the line's content. Identical lines (two identical train tickets on one day) are told
    apart by their rank, so the same file, or an overlapping one, gives the same fingerprints."""
    seen: Counter[str] = Counter()
    for line in lines:
        if line.bank_transaction_id:
            base = "|".join(
                ("id", line.bank_transaction_id, line.booking_date.isoformat(), str(line.amount))
            )
        else:
            base = "|".join(
                (
                    "content",
                    line.booking_date.isoformat(),
                    line.value_date.isoformat() if line.value_date else "",
                    str(line.amount),
                    line.label,
                    line.counterparty_iban,
                    line.reference,
                )
            )
        seen[base] += 1
        key = base if seen[base] == 1 else f"{base}|{seen[base]}"
        line.fingerprint = hashlib.sha256(key.encode("utf-8")).hexdigest()


def statement_check(statement: ParsedStatement) -> None:
    """Opening balance + movements = closing balance, and the lines within the period."""
    if len(statement.lines) > MAX_LINES:
        raise ImportRefused(
            _("Le relevé a plus de %(max)s lignes : découpez le fichier.") % {"max": MAX_LINES}
        )
    if statement.end_date < statement.start_date:
        raise ImportRefused(_("Le relevé finit avant de commencer."))
    expected = statement.opening_balance + statement.movements
    if expected != statement.closing_balance:
        raise ImportRefused(
            _(
                "Le relevé ne s'équilibre pas : solde initial %(opening)s + mouvements "
                "%(movements)s = %(expected)s, mais le solde final annoncé est %(closing)s."
            )
            % {
                "opening": statement.opening_balance,
                "movements": statement.movements,
                "expected": expected,
                "closing": statement.closing_balance,
            }
        )
    for line in statement.lines:
        if line.amount == 0:
            raise ImportRefused(
                _("Ligne du %(date)s d'un montant nul.")
                % {"date": line.booking_date.strftime("%d/%m/%Y")}
            )
