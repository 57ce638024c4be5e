"""CSV exports of online banking, read through a column mapping saved per bank account.

No two banks lay their CSV out alike (Crédit Mutuel: `Date;Débit;Crédit;Libellé`; others one
signed amount with a decimal comma), so the mapping says it, after OCA's
`account_statement_import_sheet_file`: separators, encoding, date format, lines to skip, and the
columns by header name — one signed amount, or a debit and a credit column. A CSV states no
balances: the closing balance is the mapping's balance column on the last line when there is
one, else what the person importing types, else the previous statement's closing balance plus
the movements.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, fields
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from bank.importers.base import (
    ImportRefused,
    ParsedLine,
    ParsedStatement,
    clean_text,
    decimal_or_refuse,
)
from perspectives.core.csvexport import csv_dict_rows


@dataclass(frozen=True)
class CsvMapping:
    delimiter: str = ";"
    decimal_separator: str = ","
    thousands_separator: str = ""
    encoding: str = "utf-8-sig"
    date_format: str = "%d/%m/%Y"
    skip_lines: int = 0
    booking_date: str = "Date"
    value_date: str = ""
    amount: str = "Montant"
    debit: str = ""
    credit: str = ""
    label: str = "Libellé"
    counterparty: str = ""
    reference: str = ""
    transaction_id: str = ""
    currency: str = ""
    balance: str = ""

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None) -> CsvMapping:
        known = {f.name for f in fields(cls)}
        unknown = set(data or {}) - known
        if unknown:
            raise ImportRefused(
                _("Format CSV : réglages inconnus %(names)s.")
                % {"names": ", ".join(sorted(unknown))}
            )
        mapping = cls(**(data or {}))
        if len(mapping.delimiter) != 1:
            raise ImportRefused(_("Format CSV : le séparateur est un seul caractère."))
        if not mapping.amount and not (mapping.debit and mapping.credit):
            raise ImportRefused(
                _("Format CSV : indiquez la colonne du montant, ou celles du débit et du crédit.")
            )
        try:
            "".encode(mapping.encoding)
        except LookupError:
            raise ImportRefused(
                _("Format CSV : encodage « %(enc)s » inconnu.") % {"enc": mapping.encoding}
            ) from None
        return mapping

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _number(text: str, mapping: CsvMapping, *, where: str) -> Decimal:
    cleaned = text.strip().replace("\xa0", "").replace(" ", "")
    if mapping.thousands_separator:
        cleaned = cleaned.replace(mapping.thousands_separator, "")
    if mapping.decimal_separator != ".":
        cleaned = cleaned.replace(mapping.decimal_separator, ".")
    cleaned = cleaned.replace("€", "").replace("+", "")
    return decimal_or_refuse(cleaned or "0", where=where)


def _date(text: str, mapping: CsvMapping, *, where: str) -> dt.date:
    try:
        return dt.datetime.strptime(text.strip(), mapping.date_format).date()  # noqa: DTZ007
    except ValueError:
        raise ImportRefused(
            _("Date illisible « %(text)s » (%(where)s), format attendu %(format)s.")
            % {"text": text, "where": where, "format": mapping.date_format}
        ) from None


def _text(data: bytes, mapping: CsvMapping) -> str:
    try:
        text = data.decode(mapping.encoding)
    except UnicodeDecodeError:
        raise ImportRefused(
            _("Le fichier n'est pas encodé en %(enc)s.") % {"enc": mapping.encoding}
        ) from None
    return "\n".join(text.splitlines()[mapping.skip_lines :])


def header_read(data: bytes, *, mapping: CsvMapping) -> list[str]:
    """The column names of the file's header row, as the mapping reads them."""
    header, _rows = csv_dict_rows(_text(data, mapping), delimiter=mapping.delimiter)
    return header


# Long on purpose: one pass over the file's rows with the saved column mapping, from the header
# row to the balances.
def parse(
    data: bytes, *, mapping: CsvMapping, closing_balance: Decimal | None = None
) -> list[ParsedStatement]:
    """One statement; its opening balance is left for the import service to complete when the
    file and the person give no closing balance (`states_opening` False)."""
    header, reader = csv_dict_rows(_text(data, mapping), delimiter=mapping.delimiter)
    wanted = [
        getattr(mapping, name)
        for name in (
            "booking_date",
            "value_date",
            "amount",
            "debit",
            "credit",
            "label",
            "counterparty",
            "reference",
            "transaction_id",
            "currency",
            "balance",
        )
        if getattr(mapping, name)
    ]
    missing = [column for column in wanted if column not in header]
    if missing:
        raise ImportRefused(
            _("Colonnes absentes du fichier CSV : %(missing)s (en-tête lu : %(header)s).")
            % {"missing": ", ".join(missing), "header": ", ".join(header)}
        )
    lines: list[ParsedLine] = []
    last_balance: Decimal | None = None
    for number, row in enumerate(reader, 2 + mapping.skip_lines):
        if not any((value or "").strip() for value in row.values()):
            continue
        if None in row:
            raise ImportRefused(_("Ligne %(n)s : plus de colonnes que l'en-tête.") % {"n": number})
        where = _("ligne %(n)s") % {"n": number}
        if mapping.amount:
            amount = _number(row[mapping.amount], mapping, where=where)
        else:
            debit = _number(row[mapping.debit] or "0", mapping, where=where)
            credit = _number(row[mapping.credit] or "0", mapping, where=where)
            amount = credit - abs(debit)
        if mapping.balance and (row[mapping.balance] or "").strip():
            last_balance = _number(row[mapping.balance], mapping, where=where)
        if not amount:
            continue
        value = row[mapping.value_date].strip() if mapping.value_date else ""
        lines.append(
            ParsedLine(
                booking_date=_date(row[mapping.booking_date], mapping, where=where),
                value_date=_date(value, mapping, where=where) if value else None,
                amount=amount,
                currency=(row[mapping.currency].strip() if mapping.currency else "") or "EUR",
                counterparty=clean_text(row[mapping.counterparty], 140)
                if mapping.counterparty
                else "",
                label=clean_text(row[mapping.label], 500) if mapping.label else "",
                reference=clean_text(row[mapping.reference], 140) if mapping.reference else "",
                bank_transaction_id=clean_text(row[mapping.transaction_id], 100)
                if mapping.transaction_id
                else "",
            )
        )
    if not lines:
        raise ImportRefused(_("Le fichier CSV ne contient aucune opération."))
    closing = closing_balance if closing_balance is not None else last_balance
    movements = sum((line.amount for line in lines), Decimal("0.00"))
    dates = [line.booking_date for line in lines]
    return [
        ParsedStatement(
            account_id="",
            start_date=min(dates),
            end_date=max(dates),
            opening_balance=(closing - movements) if closing is not None else Decimal("0.00"),
            closing_balance=closing if closing is not None else movements,
            lines=lines,
            states_opening=False,
            balances_known=closing is not None,
        )
    ]
